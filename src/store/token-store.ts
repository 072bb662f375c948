import { createHash, randomBytes } from 'node:crypto';
import {
  DEFAULT_API_TOKEN_LIFETIME_MS,
  endOf,
  type TokenKind,
  type TokenScope,
} from '../core/access/tokens.ts';
import type { Queryable } from './database.ts';

/**
 * How often a token's `last_used_at` is written at most: every request would be a write, and
 * the idle timeout of a session (hours) does not need a finer clock.
 */
const TOUCH_EVERY_MS = 60_000;

/** A stored token as it may be shown: never its secret (which is not kept, only its hash). */
export interface StoredToken {
  /** The public id, also the token's visible prefix (`tl_<id>_…`): to list and revoke it by. */
  id: string;
  personId: string;
  kind: TokenKind;
  scope: TokenScope;
  label: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  /** Web sessions only: the session ends after this long without a request. */
  idleTimeoutSeconds: number | null;
}

/** What a presented token turned out to be. */
export type TokenCheck =
  | { ok: true; token: StoredToken }
  | {
      ok: false;
      reason: 'unknown' | 'wrong_kind' | 'expired' | 'idle' | 'person_removed';
      token: StoredToken | null;
    };

interface TokenRow {
  id: string;
  person_id: string;
  kind: TokenKind;
  scope: TokenScope;
  label: string;
  created_at: Date | string;
  expires_at: Date | string;
  last_used_at: Date | string | null;
  idle_timeout_seconds: number | null;
}

const TOKEN_COLUMNS =
  'id, person_id, kind, scope, label, created_at, expires_at, last_used_at, idle_timeout_seconds';

/** The hash a token is stored and looked up by. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toStoredToken(row: TokenRow): StoredToken {
  return {
    id: row.id,
    personId: row.person_id,
    kind: row.kind,
    scope: row.scope,
    label: row.label,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
    idleTimeoutSeconds: row.idle_timeout_seconds,
  };
}

/**
 * Stores a new token of a kind and returns its secret, shown this once: only its hash is kept.
 * The secret starts with its public id (`tl_<id>_<secret>`) so that its holder can tell which
 * listed token it is.
 */
export async function insertToken(
  db: Queryable,
  token: {
    personId: string;
    kind: TokenKind;
    scope: TokenScope;
    label: string;
    at: Date;
    expiresAt: Date;
    idleTimeoutSeconds?: number | null;
  },
): Promise<{ id: string; secret: string }> {
  const id = randomBytes(5).toString('hex');
  const secret = `tl_${id}_${randomBytes(24).toString('base64url')}`;
  await db.query(
    `INSERT INTO api_token (token_hash, id, person_id, kind, label, created_at, expires_at,
                            idle_timeout_seconds, scope)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      hashToken(secret),
      id,
      token.personId,
      token.kind,
      token.label,
      token.at,
      token.expiresAt,
      token.idleTimeoutSeconds ?? null,
      token.scope,
    ],
  );
  return { id, secret };
}

/**
 * Creates an API token for a person, valid until `expiresAt` (90 days after `at` unless told),
 * of a scope (`write` unless told); only its hash is stored, so it is shown this once.
 */
export async function createApiToken(
  db: Queryable,
  personId: string,
  label: string,
  at: Date,
  expiresAt: Date = new Date(at.getTime() + DEFAULT_API_TOKEN_LIFETIME_MS),
  scope: TokenScope = 'write',
): Promise<string> {
  const created = await insertToken(db, { personId, kind: 'api', scope, label, at, expiresAt });
  return created.secret;
}

/** The stored token with this public id, or null. */
export async function findToken(db: Queryable, id: string): Promise<StoredToken | null> {
  const rows = await db.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_token WHERE id = $1`, [
    id,
  ]);
  const row = rows[0];
  return row === undefined ? null : toStoredToken(row);
}

/**
 * Checks a presented token of the expected kind at `now`: known, not expired, not idle too
 * long (sessions), and its person still in the plan. A good token's last use is recorded (at
 * most once a minute); a session found ended is deleted.
 */
export async function checkToken(
  db: Queryable,
  secret: string,
  kind: TokenKind,
  now: Date,
): Promise<TokenCheck> {
  const rows = await db.query<TokenRow & { person_in_plan: boolean }>(
    `SELECT ${TOKEN_COLUMNS},
            EXISTS (SELECT 1 FROM plan_entity p
                     WHERE p.collection = 'people' AND p.id = api_token.person_id) AS person_in_plan
       FROM api_token WHERE token_hash = $1`,
    [hashToken(secret)],
  );
  const row = rows[0];
  if (row === undefined) return { ok: false, reason: 'unknown', token: null };
  const token = toStoredToken(row);
  if (token.kind !== kind) return { ok: false, reason: 'wrong_kind', token };
  const ended = endOf(token, now);
  if (ended !== null) {
    if (token.kind === 'session') await revokeToken(db, token.id);
    return { ok: false, reason: ended, token };
  }
  if (!row.person_in_plan) return { ok: false, reason: 'person_removed', token };
  if (token.lastUsedAt === null || now.getTime() - token.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    await db.query('UPDATE api_token SET last_used_at = $2 WHERE id = $1', [token.id, now]);
  }
  return { ok: true, token };
}

/** The stored tokens, oldest first; only one person's when asked, only one kind when asked. */
export async function listTokens(
  db: Queryable,
  filter: { personId?: string | undefined; kind?: TokenKind | undefined } = {},
): Promise<StoredToken[]> {
  const rows = await db.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_token
      WHERE ($1::text IS NULL OR person_id = $1) AND ($2::text IS NULL OR kind = $2)
      ORDER BY created_at, id`,
    [filter.personId ?? null, filter.kind ?? null],
  );
  return rows.map(toStoredToken);
}

/** Revokes (deletes) the token with this public id; false when there is none. */
export async function revokeToken(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM api_token WHERE id = $1 RETURNING id', [
    id,
  ]);
  return rows.length > 0;
}

/** Whether a token (by its secret) is still stored and not ended at `now`, of any person. */
export async function isTokenLive(db: Queryable, secret: string, now: Date): Promise<boolean> {
  const rows = await db.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM api_token WHERE token_hash = $1`,
    [hashToken(secret)],
  );
  const row = rows[0];
  return row !== undefined && endOf(toStoredToken(row), now) === null;
}
