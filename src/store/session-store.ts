import { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from '../core/access/tokens.ts';
import type { Queryable } from './database.ts';
import { hashToken, insertToken } from './token-store.ts';

/**
 * Starts a web session for a person: a session token of its own (never the API token it was
 * signed in with), so that signing out ends only the session. Returns its secret and its end.
 */
export async function startSession(
  db: Queryable,
  personId: string,
  label: string,
  at: Date,
  lifetime: SessionLifetime = DEFAULT_SESSION_LIFETIME,
): Promise<{ secret: string; expiresAt: Date }> {
  const expiresAt = new Date(at.getTime() + lifetime.maxAgeMs);
  const { secret } = await insertToken(db, {
    personId,
    kind: 'session',
    // A session acts with its person's full rights (an admin's only when they are an admin).
    scope: 'admin',
    label,
    at,
    expiresAt,
    idleTimeoutSeconds: Math.max(1, Math.round(lifetime.idleMs / 1000)),
  });
  return { secret, expiresAt };
}

/** Ends the web session with this secret; an API token or an unknown secret is left alone. */
export async function endSession(db: Queryable, secret: string): Promise<void> {
  await db.query("DELETE FROM api_token WHERE token_hash = $1 AND kind = 'session'", [
    hashToken(secret),
  ]);
}
