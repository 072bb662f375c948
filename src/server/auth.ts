import type { FastifyRequest } from 'fastify';
import { formatDuration } from '../core/duration.ts';
import { DomainError } from '../core/errors.ts';
import type { Queryable } from '../store/database.ts';
import { checkToken, type TokenCheck } from '../store/token-store.ts';
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
 * person, or refuses the request: unknown, expired, idle too long (sessions), or of a person no
 * longer in the plan. Checked on every request, at `now`.
 */
export async function authenticate(
  db: Queryable,
  request: FastifyRequest,
  now: Date = new Date(),
): Promise<void> {
  const header = request.headers.authorization;
  const cookie = request.cookies[SESSION_COOKIE];
  if (header === undefined && cookie !== undefined && cookie !== '') {
    await authenticateSession(db, request, cookie, now);
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
  const check = await checkToken(db, match[1], 'api', now);
  if (!check.ok) {
    throw new DomainError({
      code: 'auth.bad_token',
      message: refusalMessage(check),
      path: 'headers.authorization',
    });
  }
  request.personId = check.token.personId;
  request.authVia = 'bearer';
}

/** Why a token was refused, in words its holder can act on (never whose token it is, if unknown). */
export function refusalMessage(check: Extract<TokenCheck, { ok: false }>): string {
  const token = check.token;
  if (token?.kind === 'session') {
    switch (check.reason) {
      case 'idle':
        return `The web session has ended after ${formatDuration((token.idleTimeoutSeconds ?? 0) * 1000)} without a request: sign in again`;
      case 'person_removed':
        return `The web session is of '${token.personId}', who is no longer a person of the plan`;
      case 'wrong_kind':
        return 'A web session cannot be used as an API token: send an API token made with `throughline token create`';
      default:
        return 'The web session has ended: sign in again';
    }
  }
  switch (check.reason) {
    case 'expired':
      return `The API token ${token?.id ?? ''} expired on ${token?.expiresAt.toISOString() ?? ''}: make a new one with \`throughline token create\``;
    case 'person_removed':
      return `The API token ${token?.id ?? ''} is of '${token?.personId ?? ''}', who is no longer a person of the plan`;
    default:
      return 'The API token is not valid';
  }
}

async function authenticateSession(
  db: Queryable,
  request: FastifyRequest,
  token: string,
  now: Date,
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
  const check = await checkToken(db, token, 'session', now);
  if (!check.ok) {
    throw new DomainError({
      code: 'auth.bad_token',
      // A cookie that holds anything but a session (an API token set by an older version) has
      // ended as a session: the holder signs in again.
      message:
        check.reason === 'wrong_kind'
          ? 'The web session has ended: sign in again'
          : refusalMessage(check),
      path: `cookies.${SESSION_COOKIE}`,
    });
  }
  request.personId = check.token.personId;
  request.authVia = 'cookie';
}

function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.host;
  } catch {
    return false;
  }
}
