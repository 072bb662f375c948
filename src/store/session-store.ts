import { createHash } from 'node:crypto';
import type { Queryable } from './database.ts';

/** Revokes an API token (a web session signing out); unknown tokens change nothing. */
export async function revokeApiToken(db: Queryable, token: string): Promise<void> {
  // The same hash as token-store.ts: only hashes are stored.
  const hash = createHash('sha256').update(token).digest('hex');
  await db.query('DELETE FROM api_token WHERE token_hash = $1', [hash]);
}
