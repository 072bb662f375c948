/**
 * The rules of API tokens and web sessions that need no store: their scopes, how long they last,
 * and when one has ended. The store keeps tokens; these say what a kept token means.
 */

/** An API token (scripts, the CLI's `curl` lines) or a web session minted at sign-in. */
export type TokenKind = 'api' | 'session';

/**
 * What a token may do of what its person may do: `read` only reads; `write` reads and writes;
 * `admin` also what only admins may (others' tokens, site secrets), when its person is an admin.
 */
export type TokenScope = 'read' | 'write' | 'admin';

export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'write', 'admin'];

/** Whether a token of scope `held` covers a request that needs `needed`. */
export function scopeCovers(held: TokenScope, needed: TokenScope): boolean {
  return TOKEN_SCOPES.indexOf(held) >= TOKEN_SCOPES.indexOf(needed);
}

/** How long an API token lasts when its creator does not say: 90 days. */
export const DEFAULT_API_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/** How long a web session lasts: at most `maxAgeMs` after sign-in, `idleMs` without a request. */
export interface SessionLifetime {
  maxAgeMs: number;
  idleMs: number;
}

/** The default web session: 7 days at most, ended after 12 hours without a request. */
export const DEFAULT_SESSION_LIFETIME: SessionLifetime = {
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  idleMs: 12 * 60 * 60 * 1000,
};

/** What decides whether a token is still good: its end, its last use and its idle timeout. */
export interface TokenLife {
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  /** Web sessions only: the session ends after this long without a request. */
  idleTimeoutSeconds: number | null;
}

/** Why a token is no longer good at `now`, or null while it is. */
export function endOf(token: TokenLife, now: Date): 'expired' | 'idle' | null {
  if (now.getTime() >= token.expiresAt.getTime()) return 'expired';
  if (token.idleTimeoutSeconds !== null) {
    const lastActive = (token.lastUsedAt ?? token.createdAt).getTime();
    if (now.getTime() - lastActive >= token.idleTimeoutSeconds * 1000) return 'idle';
  }
  return null;
}
