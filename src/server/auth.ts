import type { FastifyRequest } from 'fastify';
import { formatDuration } from '../core/duration.ts';
import { DomainError } from '../core/errors.ts';
import type { AppContext } from '../app/context.ts';
import { checkApiToken, checkWebSession, type TokenCheck } from '../app/authenticate.ts';
import { scopeCovers, type TokenScope } from '../core/access/tokens.ts';
import { SESSION_COOKIE } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person the bearer token (or the web session) belongs to. */
    personId: string;
    /** How the request proved who it is: an API token, or the web app's session cookie. */
    authVia: 'bearer' | 'cookie' | null;
    /** What the token may do of what its person may (a web session: everything they may). */
    tokenScope: TokenScope;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call, without a token or a session. */
    public?: boolean;
    /**
     * The token scope a route needs: `read` for GET and HEAD, `write` for any other method,
     * unless the route says otherwise (`admin` for what only admins may do).
     */
    scope?: TokenScope;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the bearer token of a request (or, for the web app, its session cookie) to its
 * person, or refuses the request: unknown, expired, idle too long (sessions), or of a person no
 * longer in the plan. Checked on every request, at `now`.
 */
export async function authenticate(
  ctx: AppContext,
  request: FastifyRequest,
  now: Date = new Date(),
): Promise<void> {
  const header = request.headers.authorization;
  const cookie = request.cookies[SESSION_COOKIE];
  if (header === undefined && cookie !== undefined && cookie !== '') {
    await authenticateSession(ctx, request, cookie, now);
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
  const check = await checkApiToken(ctx, match[1], now);
  if (!check.ok) {
    throw new DomainError({
      code: 'auth.bad_token',
      message: refusalMessage(check),
      path: 'headers.authorization',
    });
  }
  request.personId = check.token.personId;
  request.authVia = 'bearer';
  request.tokenScope = check.token.scope;
  requireScope(request, check.token.id);
}

/** The scope a request needs: the route's own, else `read` to read and `write` for the rest. */
export function neededScope(request: FastifyRequest): TokenScope {
  return request.routeOptions.config.scope ?? (SAFE_METHODS.has(request.method) ? 'read' : 'write');
}

/** Refuses a request its token's scope does not cover: 403, naming both scopes. */
function requireScope(request: FastifyRequest, tokenId: string): void {
  const needed = neededScope(request);
  if (scopeCovers(request.tokenScope, needed)) return;
  throw new DomainError({
    code: 'auth.insufficient_scope',
    message: `The API token ${tokenId} has the scope '${request.tokenScope}'; ${request.method} ${request.routeOptions.url ?? request.url} needs '${needed}': make a token with \`throughline token create --scope ${needed}\``,
    path: 'headers.authorization',
  });
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
  ctx: AppContext,
  request: FastifyRequest,
  token: string,
  now: Date,
): Promise<void> {
  // SameSite=Lax keeps the cookie off cross-site writes; refuse any that still carries one, and
  // any write that cannot show where it came from.
  const origin = SAFE_METHODS.has(request.method) ? null : crossSiteReason(request);
  if (origin !== null) {
    throw new DomainError({
      code: 'auth.cross_site',
      message: `${origin}: a write with the web session must come from the web app itself (or send "Authorization: Bearer <token>" without the cookie)`,
      path: 'headers.origin',
    });
  }
  const check = await checkWebSession(ctx, token, now);
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
  request.tokenScope = check.token.scope;
}

/**
 * Why a request is not known to come from this site, or null when it is: its Origin (else its
 * Referer) must name this server's own host (the Host header, or the trusted proxy's
 * X-Forwarded-Host). Without either, or with `null` (a sandboxed frame, a redirect across
 * sites), it is refused: every browser sends Origin on a fetch that writes.
 */
export function crossSiteReason(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  const referer = request.headers.referer;
  const [header, value] =
    origin !== undefined ? ['Origin', origin] : referer !== undefined ? ['Referer', referer] : [];
  if (header === undefined || value === undefined)
    return 'The request has neither Origin nor Referer';
  let host: string;
  try {
    host = new URL(value).host;
  } catch {
    return `The request's ${header} '${value.slice(0, 100)}' is not a site`;
  }
  if (host !== request.host) return `The request's ${header} is another site (${host})`;
  return null;
}
