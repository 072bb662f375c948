/*
 * Who is asking: the token or web session a request (or a command) presents, and signing the
 * web app in and out. A token is checked at `now` (tokens end by the wall clock): known, not
 * expired, not idle too long (sessions), its person still in the plan.
 */

import type { SessionLifetime } from '../core/access/tokens.ts';
import { appendAudit, type AuditEntry, type WriteOrigin } from '../store/audit-store.ts';
import { endSession, startSession } from '../store/session-store.ts';
import { checkToken, type TokenCheck } from '../store/token-store.ts';
import type { AppContext } from './context.ts';

export type { AuditEntry, WriteOrigin } from '../store/audit-store.ts';
export type { StoredToken, TokenCheck } from '../store/token-store.ts';

/** Checks a presented API token at `now`; a good token's last use is recorded. */
export function checkApiToken(ctx: AppContext, secret: string, now: Date): Promise<TokenCheck> {
  return checkToken(ctx.db, secret, 'api', now);
}

/** Checks a web session's token at `now`; a session found ended is deleted. */
export function checkWebSession(ctx: AppContext, secret: string, now: Date): Promise<TokenCheck> {
  return checkToken(ctx.db, secret, 'session', now);
}

/**
 * Starts a web session for a person: a session token of its own (never the API token it was
 * signed in with). Returns its secret and its end.
 */
export function startWebSession(
  ctx: AppContext,
  personId: string,
  label: string,
  at: Date,
  lifetime: SessionLifetime,
): Promise<{ secret: string; expiresAt: Date }> {
  return startSession(ctx.db, personId, label, at, lifetime);
}

/** Ends the web session with this secret; an API token or an unknown secret is left alone. */
export function endWebSession(ctx: AppContext, secret: string): Promise<void> {
  return endSession(ctx.db, secret);
}

/**
 * Records a sign-in, a refused one or a sign-out in the audit log, at the clock's now: its own
 * small write, with no plan change beside it.
 */
export function auditSessionEvent(
  ctx: AppContext,
  actor: string,
  entry: AuditEntry,
  origin: WriteOrigin,
): Promise<void> {
  return appendAudit(ctx.db, [entry], ctx.clock.now(), actor, origin);
}
