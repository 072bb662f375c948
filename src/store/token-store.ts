import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './database.ts';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates an API token for a person; only its hash is stored, so it is shown this once. */
export async function createApiToken(
  db: Queryable,
  personId: string,
  label: string,
  at: Date,
): Promise<string> {
  const token = `tl_${randomBytes(24).toString('base64url')}`;
  await db.query(
    'INSERT INTO api_token (token_hash, person_id, label, created_at) VALUES ($1, $2, $3, $4)',
    [hashToken(token), personId, label, at],
  );
  return token;
}

/** The person a token belongs to, or null when the token is unknown. */
export async function findTokenOwner(db: Queryable, token: string): Promise<string | null> {
  const rows = await db.query<{ person_id: string }>(
    'SELECT person_id FROM api_token WHERE token_hash = $1',
    [hashToken(token)],
  );
  return rows[0]?.person_id ?? null;
}
