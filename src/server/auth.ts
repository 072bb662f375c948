import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import type { Queryable } from '../store/database.ts';
import { findTokenOwner } from '../store/token-store.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person the bearer token (or the web session) belongs to. */
    personId: string;
    /** How the request proved who it is: an API token, or the web app's session cookie. */
    authVia: 'bearer' | 'cookie' | null;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call, without a token or a session. */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the bearer token of a request (or, for the web app, its session cookie) to its
 * person, or refuses the request.
 */
export async function authenticate(db: Queryable, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  const cookie = request.cookies[SESSION_COOKIE];
  if (header === undefined && cookie !== undefined && cookie !== '') {
    await authenticateSession(db, request, cookie);
    return;
  }
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new DomainError({
      code: 'auth.missing_token',
      message: 'This route needs an API token: send "Authorization: Bearer <token>"',
      path: 'headers.authorization',
    });
  }
  const person = await findTokenOwner(db, match[1]);
  if (person === null) {
    throw new DomainError({
      code: 'auth.bad_token',
      message: 'The API token is not valid',
      path: 'headers.authorization',
    });
  }
  request.personId = person;
  request.authVia = 'bearer';
}

async function authenticateSession(
  db: Queryable,
  request: FastifyRequest,
  token: string,
): Promise<void> {
  // SameSite=Lax keeps the cookie off cross-site writes; refuse any that still carries one.
  if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
    throw new DomainError({
      code: 'auth.missing_token',
      message:
        'A request from another site cannot use the web session: send "Authorization: Bearer <token>"',
      path: 'headers.origin',
    });
  }
  const person = await findTokenOwner(db, token);
  if (person === null) {
    throw new DomainError({
      code: 'auth.bad_token',
      message: 'The web session has ended: sign in again',
      path: `cookies.${SESSION_COOKIE}`,
    });
  }
  request.personId = person;
  request.authVia = 'cookie';
}

function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
