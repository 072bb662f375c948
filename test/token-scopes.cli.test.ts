import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/store/database.ts';
import { checkToken } from '../src/store/token-store.ts';
import { runCapturedCli } from './support/cli-run.ts';

/**
 * `throughline token create --person ID [--scope …]`: without a scope the token may do all its
 * person may (admin for Omar, the demo's admin; write for Sam), a read token is read, an admin
 * scope for a non-admin is refused naming the flag, and both are in the audit log.
 */
describe('token scopes on the command line', () => {
  let dir: string;
  let data: string;

  beforeAll(async () => {
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('THROUGHLINE_DATA', '');
    vi.stubEnv('THROUGHLINE_AS_OF', '');
    dir = await mkdtemp(join(tmpdir(), 'throughline-scopes-'));
    data = join(dir, 'demo');
    expect((await runCapturedCli(['--data', data, 'demo'])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  async function create(
    ...flags: string[]
  ): Promise<{ code: number; json: Record<string, string>; err: string }> {
    const run = await runCapturedCli(['--data', data, '--json', 'token', 'create', ...flags]);
    return {
      code: run.code,
      json: run.code === 0 ? (JSON.parse(run.stdout.join('\n')) as Record<string, string>) : {},
      err: run.stderr.join('\n'),
    };
  }

  it('gives a token its person’s full rights by default, or the scope asked', async () => {
    const omar = await create('--person', 'omar');
    expect(omar.code).toBe(0);
    expect(omar.json.scope).toBe('admin');
    const sam = await create('--person', 'sam');
    expect(sam.json.scope).toBe('write');
    const read = await create('--person', 'sam', '--scope', 'read');
    expect(read.json.scope).toBe('read');

    const db = await openDatabase({ dataDir: data });
    try {
      const check = await checkToken(db, read.json.token ?? '', 'api', new Date());
      expect(check.ok && check.token.scope).toBe('read');
      const log = await db.query<{ action: string; actor: string; item: string }>(
        "SELECT action, actor, item FROM audit_log WHERE action = 'token.create' ORDER BY seq",
      );
      expect(log.map((e) => e.item)).toEqual(
        [omar, sam, read].map((t) => `token/${t.json.id ?? ''}`),
      );
      expect(log.every((e) => e.actor === 'cli')).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('refuses a scope that is not one, and admin for someone who is no admin', async () => {
    const bad = await create('--person', 'sam', '--scope', 'root');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("'root' is not a scope");
    expect(bad.err).toContain('--scope');
    const notAdmin = await create('--person', 'sam', '--scope', 'admin');
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.err).toContain("'sam' is not an admin");
    const nul = await create('--person', 'sam', '--scope', 'read\u0000');
    expect(nul.code).toBe(1);
  });
});
