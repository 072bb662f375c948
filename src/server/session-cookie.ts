import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookie that carries a web session's API token. HttpOnly: scripts never see it. */
export const SESSION_COOKIE = 'tl_session';

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
}

/** Clears the session cookie. */
export function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
