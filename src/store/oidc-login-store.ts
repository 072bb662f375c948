import type { Queryable } from './database.ts';
import { hashToken } from './token-store.ts';

/** A single sign-on started at the provider, kept until its callback comes back (or it ends). */
export interface PendingLogin {
  nonce: string;
  codeVerifier: string;
  /** Where in the web app to land after signing in (a path of this server). */
  returnTo: string;
}

/**
 * Keeps a sign-in started at `at` until `expiresAt`, under its state (stored hashed: the state
 * also travels through the browser); sign-ins that ended before `at` are dropped.
 */
export async function savePendingLogin(
  db: Queryable,
  state: string,
  login: PendingLogin,
  at: Date,
  expiresAt: Date,
): Promise<void> {
  await db.query('DELETE FROM oidc_login WHERE expires_at <= $1', [at]);
  await db.query(
    `INSERT INTO oidc_login (state_hash, nonce, code_verifier, return_to, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [hashToken(state), login.nonce, login.codeVerifier, login.returnTo, at, expiresAt],
  );
}

/**
 * Takes the sign-in with this state, once: the row is deleted as it is read, so a callback
 * replayed finds nothing. Null when unknown, taken already, or ended before `now`.
 */
export async function takePendingLogin(
  db: Queryable,
  state: string,
  now: Date,
): Promise<PendingLogin | null> {
  const rows = await db.query<{
    nonce: string;
    code_verifier: string;
    return_to: string;
    expires_at: Date | string;
  }>(
    'DELETE FROM oidc_login WHERE state_hash = $1 RETURNING nonce, code_verifier, return_to, expires_at',
    [hashToken(state)],
  );
  const row = rows[0];
  if (row === undefined || new Date(row.expires_at).getTime() <= now.getTime()) return null;
  return { nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
}
