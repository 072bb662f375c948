import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookie that carries a web session's API token. HttpOnly: scripts never see it. */
export const SESSION_COOKIE = 'tl_session';

/**
 * A cookie scripts may read that says only "a session was started here", so that the app can ask
 * for the strategy map while it starts instead of after; it carries no secret.
 */
export const SIGNED_IN_HINT_COOKIE = 'tl_signed_in';

const ONE_WEEK_SECONDS = 7 * 24 * 60 * 60;

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
): void {
  void reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: ONE_WEEK_SECONDS,
  });
  void reply.setCookie(SIGNED_IN_HINT_COOKIE, '1', {
    path: '/',
    httpOnly: false,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    maxAge: ONE_WEEK_SECONDS,
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  void reply.clearCookie(SIGNED_IN_HINT_COOKIE, { path: '/' });
}
