import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCapturedCli } from '../../test/support/cli-run.ts';
import { DomainError } from '../core/errors.ts';
import { DEMO_FILES } from './load-demo.ts';
import { openApp } from './open-app.ts';

/** The PostgreSQL server (TEST_DATABASE_URL); without one these tests are skipped. */
const serverUrl = process.env.TEST_DATABASE_URL ?? '';

/** The server's URL with another role and database. */
function urlFor(role: string, database: string): string {
  const url = new URL(serverUrl);
  url.username = role;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

async function asRole<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function counts(client: pg.Client, tables: readonly string[]): Promise<number[]> {
  const found: number[] = [];
  for (const table of tables) {
    const result = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    found.push(result.rows[0]?.n ?? 0);
  }
  return found;
}

// The application runs as a role that owns nothing; the schema's owner migrates and grants.
// Then the application can write what it writes, and cannot erase or rewrite history.
describe.skipIf(serverUrl === '')('the app as a role that owns nothing (PostgreSQL server)', () => {
  const suffix = randomBytes(4).toString('hex');
  const owner = `tl_owner_${suffix}`;
  const app = `tl_app_${suffix}`;
  const database = `tl_roles_${suffix}`;
  // Made when the tests run: a skipped suite still collects, and has no server to name.
  let ownerUrl = '';
  let appUrl = '';
  const secretKey = randomBytes(32).toString('base64');

  beforeAll(async () => {
    ownerUrl = urlFor(owner, database);
    appUrl = urlFor(app, database);
    await asRole(serverUrl, async (admin) => {
      await admin.query(`CREATE ROLE ${owner} LOGIN`);
      await admin.query(`CREATE ROLE ${app} LOGIN`);
      await admin.query(`CREATE DATABASE ${database} OWNER ${owner}`);
    });
    // Before PostgreSQL 15 everyone may create in the public schema: not the app's role.
    await asRole(ownerUrl, (client) => client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC'));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await asRole(serverUrl, async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${app}`);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
    });
  });

  it('refuses to start on an unmigrated database, naming DATABASE_MIGRATION_URL', async () => {
    const error = await openApp({
      dataDir: 'unused',
      databaseUrl: appUrl,
      asOf: undefined,
      secretKey,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).problems[0]).toMatchObject({
      code: 'config.invalid',
      path: 'DATABASE_MIGRATION_URL',
      message: expect.stringContaining(`the role '${app}' may not change the schema`) as string,
    });
  });

  it('migrates as the owner, then writes as the app role through the real CLI', async () => {
    vi.stubEnv('DATABASE_URL', appUrl);
    vi.stubEnv('DATABASE_MIGRATION_URL', ownerUrl);
    vi.stubEnv('THROUGHLINE_SECRET_KEY', secretKey);
    vi.stubEnv('THROUGHLINE_AS_OF', '');
    const demo = await runCapturedCli(['demo']);
    expect(demo.stderr).toEqual([]);
    expect(demo.code).toBe(0);
    const ingest = await runCapturedCli([
      'jira',
      'ingest',
      '--source',
      'demo',
      DEMO_FILES.erp17Slip,
    ]);
    expect(ingest.stderr).toEqual([]);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout.join('\n')).toMatch(/1 applied/);
    // Without the owner's URL the app role starts on the current schema and migrates nothing.
    vi.stubEnv('DATABASE_MIGRATION_URL', '');
    const signals = await runCapturedCli(['--json', 'signals']);
    expect(signals.code).toBe(0);
    expect(signals.stdout.join('\n')).toContain('kpi.misses_target:K-SAVINGS:2026-Q4');

    const owned = await asRole(ownerUrl, (client) =>
      client.query<{ owner: string; n: number }>(
        `SELECT tableowner AS owner, count(*)::int AS n FROM pg_tables
           WHERE schemaname = 'public' GROUP BY tableowner`,
      ),
    );
    expect(owned.rows).toEqual([{ owner, n: expect.any(Number) as number }]);
  });

  it('cannot truncate, disable the guards, update or delete history as the app role', async () => {
    const attacks: [string, RegExp][] = [
      ['TRUNCATE signal_history', /permission denied/],
      ['TRUNCATE plan_change, work_item_history, event_log', /permission denied/],
      ['ALTER TABLE signal_history DISABLE TRIGGER ALL', /must be owner/],
      ["UPDATE signal_history SET data = '{}'::jsonb", /permission denied/],
      ["UPDATE plan_change SET actor = 'mallory'", /permission denied/],
      ['DELETE FROM plan_change', /permission denied/],
      ['DELETE FROM work_item_history', /permission denied/],
      ['DELETE FROM event_log', /permission denied/],
      ['DROP TABLE signal_history', /must be owner/],
      ['DROP TRIGGER signal_history_no_truncate ON signal_history', /must be owner/],
      ['CREATE TABLE scratch (x int)', /permission denied/],
    ];
    await asRole(appUrl, async (client) => {
      const history = ['plan_change', 'work_item_history', 'signal_history', 'event_log'];
      const before = await counts(client, history);
      expect(before.every((n) => n > 0)).toBe(true);
      for (const [sql, refusal] of attacks) {
        await expect(client.query(sql), sql).rejects.toThrow(refusal);
      }
      expect(await counts(client, history)).toEqual(before);
      // What it needs stays allowed: state tables can still change.
      await client.query(`UPDATE setting SET value = value WHERE key = 'pinned_as_of'`);
    });
  });
});
