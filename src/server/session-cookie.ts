import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookie that carries a web session's token (never an API token). HttpOnly: scripts never see it. */
export const SESSION_COOKIE = 'tl_session';

/**
 * A cookie scripts may read that says only "a session was started here", so that the app can ask
 * for the strategy map while it starts instead of after; it carries no secret.
 */
export const SIGNED_IN_HINT_COOKIE = 'tl_signed_in';

/**
 * Sets the session cookie until the session's end: HttpOnly, SameSite=Lax, and Secure when the
 * request came over HTTPS — directly, or through a trusted proxy that says so in
 * X-Forwarded-Proto (`trustProxy`; an untrusted client's header changes nothing).
 */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { secret: string; expiresAt: Date },
  now: Date,
): void {
  const maxAge = Math.max(0, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
  const secure = request.protocol === 'https';
  void reply.setCookie(SESSION_COOKIE, session.secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge,
  });
  void reply.setCookie(SIGNED_IN_HINT_COOKIE, '1', {
    path: '/',
    httpOnly: false,
    sameSite: 'lax',
    secure,
    maxAge,
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  void reply.clearCookie(SIGNED_IN_HINT_COOKIE, { path: '/' });
}
