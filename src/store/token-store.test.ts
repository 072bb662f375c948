import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { openDatabase, type Database } from './database.ts';
import { listMigrations, migrate } from './migrate.ts';
import { endSession, startSession } from './session-store.ts';
import { DEFAULT_API_TOKEN_LIFETIME_MS } from '../core/access/tokens.ts';
import { checkToken, createApiToken, hashToken, listTokens, revokeToken } from './token-store.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

async function addPerson(db: Database, id: string): Promise<void> {
  await db.query(
    `INSERT INTO plan_entity (collection, id, data, updated_at) VALUES ('people', $1, $2::jsonb, now())`,
    [id, JSON.stringify({ id, name: id, unit: 'OPS' })],
  );
}

describe.each(TEST_DATABASES)('token store ($name)', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await addPerson(db, 'dana');
  });
  afterAll(async () => {
    await db.close();
  });

  it('keeps only a hash, lists tokens by person without their secret, and revokes by id', async () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const secret = await createApiToken(db, 'dana', 'ci', at);
    await createApiToken(db, 'marco', 'other', at);
    const rows = await db.query<{ token_hash: string }>('SELECT token_hash FROM api_token');
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(secret));
    expect(JSON.stringify(rows)).not.toContain(secret);

    const danas = await listTokens(db, { personId: 'dana' });
    expect(danas).toHaveLength(1);
    const [listed] = danas;
    expect(listed).toMatchObject({ personId: 'dana', kind: 'api', label: 'ci', lastUsedAt: null });
    expect(secret.startsWith(`tl_${listed?.id ?? '?'}_`)).toBe(true);
    expect(listed?.expiresAt.getTime()).toBe(at.getTime() + DEFAULT_API_TOKEN_LIFETIME_MS);

    expect(await revokeToken(db, listed?.id ?? '')).toBe(true);
    expect(await revokeToken(db, listed?.id ?? '')).toBe(false);
    const now = new Date('2026-12-02T10:00:00Z');
    expect((await checkToken(db, secret, 'api', now)).ok).toBe(false);
  });

  it('judges a token at a time: good, then expired; of a kind; of a person still in the plan', async () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const secret = await createApiToken(db, 'dana', 'ci', at, new Date(at.getTime() + DAY_MS));
    const good = await checkToken(db, secret, 'api', new Date(at.getTime() + HOUR_MS));
    expect(good).toMatchObject({ ok: true, token: { personId: 'dana' } });
    // Its use is recorded.
    expect((await listTokens(db))[0]?.lastUsedAt?.getTime()).toBe(at.getTime() + HOUR_MS);
    expect(await checkToken(db, secret, 'session', new Date(at.getTime() + HOUR_MS))).toMatchObject(
      { ok: false, reason: 'wrong_kind' },
    );
    expect(await checkToken(db, secret, 'api', new Date(at.getTime() + DAY_MS))).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    const marco = await createApiToken(db, 'marco', 'not in the plan', at);
    expect(await checkToken(db, marco, 'api', at)).toMatchObject({
      ok: false,
      reason: 'person_removed',
    });
    expect(await checkToken(db, 'tl_nothing', 'api', at)).toMatchObject({
      ok: false,
      reason: 'unknown',
    });
  });

  it('ends a session after its idle timeout, kept alive by use, and deletes it once ended', async () => {
    const at = new Date('2026-12-01T10:00:00Z');
    const lifetime = { maxAgeMs: 7 * DAY_MS, idleMs: 12 * HOUR_MS };
    const { secret, expiresAt } = await startSession(db, 'dana', 'web', at, lifetime);
    expect(expiresAt.getTime()).toBe(at.getTime() + 7 * DAY_MS);
    // Used every eleven hours: alive after two days.
    for (let hours = 11; hours <= 44; hours += 11) {
      const check = await checkToken(
        db,
        secret,
        'session',
        new Date(at.getTime() + hours * HOUR_MS),
      );
      expect(check.ok, `after ${hours} h`).toBe(true);
    }
    const idle = await checkToken(db, secret, 'session', new Date(at.getTime() + 57 * HOUR_MS));
    expect(idle).toMatchObject({ ok: false, reason: 'idle' });
    expect(await listTokens(db, { kind: 'session' })).toEqual([]);

    // Signing out ends a session, never an API token.
    const api = await createApiToken(db, 'dana', 'script', at);
    const other = await startSession(db, 'dana', 'web', at, lifetime);
    await endSession(db, api);
    await endSession(db, other.secret);
    expect((await listTokens(db)).map((t) => t.kind)).toEqual(['api']);
  });
});

describe.each(TEST_DATABASES)('migration 009 on tokens made before it ($name)', (kind) => {
  let db: Database;
  let schema: string | undefined;
  beforeAll(async () => {
    schema = kind.name === 'postgres' ? `test_${randomBytes(6).toString('hex')}` : undefined;
    db = await openDatabase({ databaseUrl: kind.url, schema });
  });
  afterAll(async () => {
    if (schema !== undefined) await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  });

  it('gives every old token an id and an end; the demo sign-in cookies become sessions', async () => {
    await db.exec(
      `CREATE TABLE schema_migration (version integer PRIMARY KEY, name text NOT NULL,
                                      applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    for (const migration of (await listMigrations()).filter((m) => m.version < 9)) {
      await db.exec(migration.sql);
      await db.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
    }
    await db.query(
      `INSERT INTO api_token (token_hash, person_id, label, created_at) VALUES
         ($1, 'dana', 'printed at start', now() - interval '1 year'),
         ($2, 'marco', 'web session (demo)', now() - interval '1 day')`,
      [hashToken('tl_old-api'), hashToken('tl_old-session')],
    );
    expect(await migrate(db)).toContain('009_token_lifecycle');
    const tokens = await listTokens(db);
    expect(tokens.map((t) => [t.personId, t.kind])).toEqual([
      ['dana', 'api'],
      ['marco', 'session'],
    ]);
    const now = Date.now();
    for (const token of tokens) expect(token.id).toMatch(/^[0-9a-f]{10}$/);
    const [api, session] = tokens;
    expect(Math.abs((api?.expiresAt.getTime() ?? 0) - (now + 90 * DAY_MS))).toBeLessThan(HOUR_MS);
    expect(Math.abs((session?.expiresAt.getTime() ?? 0) - (now + 7 * DAY_MS))).toBeLessThan(
      HOUR_MS,
    );
    expect(session?.idleTimeoutSeconds).toBe(12 * 60 * 60);
  });
});
