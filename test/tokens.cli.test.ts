import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/store/database.ts';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY_MS = 24 * 60 * 60 * 1000;

interface ListedToken {
  id: string;
  kind: string;
  person: string;
  label: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  ended: string | null;
}

/** `throughline serve` in a process of its own until it has printed how to get a token. */
function serveOnce(
  data: string,
  ...flags: string[]
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/support/cli-entry.ts',
        '--data',
        data,
        'serve',
        '--port',
        '0',
        ...flags,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: '', THROUGHLINE_AS_OF: '', THROUGHLINE_DATA: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const take = (chunk: Buffer): void => {
      out += chunk.toString();
      // The last thing a start prints: the demo's token, or how to make one.
      if (/try: curl|API tokens: /.test(out)) child.kill('SIGTERM');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Tokens made, listed and revoked with the CLI; what `serve` prints and refuses at start. */
describe('tokens on the command line, and serve --demo', () => {
  let dir: string;
  let demoData: string;
  let realData: string;

  const cli = (data: string, ...args: string[]): Promise<CliRun> =>
    runCapturedCli(['--data', data, ...args]);
  const json = <T>(run: CliRun): T => JSON.parse(run.stdout.join('\n')) as T;

  beforeAll(async () => {
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('THROUGHLINE_DATA', '');
    vi.stubEnv('THROUGHLINE_AS_OF', '');
    dir = await mkdtemp(join(tmpdir(), 'throughline-tokens-'));
    demoData = join(dir, 'demo');
    realData = join(dir, 'real');
    expect((await cli(demoData, 'demo')).code).toBe(0);
    // Another organisation's plan: the demo's, renamed.
    const exported = await cli(demoData, '--json', 'plan', 'export', '--format', 'json');
    const plan = JSON.parse(exported.stdout.join('\n')) as {
      organisation: Record<string, unknown>;
    };
    plan.organisation = { ...plan.organisation, id: 'globex', name: 'Globex Corporation' };
    const file = join(dir, 'globex.json');
    await writeFile(file, JSON.stringify(plan), 'utf8');
    const applied = await cli(realData, 'plan', 'apply', file);
    expect(applied.stderr).toEqual([]);
    expect(applied.code).toBe(0);
  }, 180_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'creates a token with a lifetime, lists it without its secret, and revokes it',
    { timeout: 180_000 },
    async () => {
      const before = Date.now();
      const inAYear = new Date(before + 365 * DAY_MS).toISOString().slice(0, 10);
      const created = await cli(
        realData,
        '--json',
        'token',
        'create',
        '--person',
        'marco',
        '--label',
        'ci',
        '--expires-in',
        '30d',
      );
      expect(created.stderr).toEqual([]);
      expect(created.code).toBe(0);
      const made = json<{ token: string; id: string; expiresAt: string }>(created);
      const lifetime = Date.parse(made.expiresAt) - before;
      expect(lifetime).toBeGreaterThanOrEqual(30 * DAY_MS - 60_000);
      expect(lifetime).toBeLessThanOrEqual(30 * DAY_MS + 60_000);
      const plainCreate = await cli(
        realData,
        'token',
        'create',
        '--person',
        'dana',
        '--expires',
        inAYear,
      );
      expect(plainCreate.code).toBe(0);
      const danaToken = plainCreate.stdout[0] ?? '';
      expect(danaToken).toMatch(/^tl_[0-9a-f]{10}_/);

      const listed = await cli(realData, '--json', 'token', 'list');
      expect(listed.code).toBe(0);
      const text = listed.stdout.join('\n');
      expect(text).not.toContain(made.token);
      expect(text).not.toContain(danaToken);
      const tokens = json<{ tokens: ListedToken[] }>(listed).tokens;
      expect(tokens.find((t) => t.id === made.id)).toMatchObject({
        kind: 'api',
        person: 'marco',
        label: 'ci',
        expiresAt: made.expiresAt,
        lastUsedAt: null,
        ended: null,
      });
      expect(tokens.find((t) => t.person === 'dana')?.expiresAt).toBe(`${inAYear}T00:00:00.000Z`);
      const onlyMarco = json<{ tokens: ListedToken[] }>(
        await cli(realData, '--json', 'token', 'list', '--person', 'marco'),
      );
      expect(onlyMarco.tokens.map((t) => t.person)).toEqual(['marco']);
      const human = await cli(realData, 'token', 'list');
      expect(human.stdout.join('\n')).toContain(made.id);

      // Kept hashed: the secret itself is nowhere in the database.
      const db = await openDatabase({ dataDir: realData });
      try {
        const rows = await db.query<{ row: string }>(
          'SELECT row_to_json(t)::text AS row FROM api_token t',
        );
        expect(rows.map((r) => r.row).join('\n')).not.toContain(made.token.slice(14));
      } finally {
        await db.close();
      }

      const revoked = await cli(realData, '--json', 'token', 'revoke', made.id);
      expect(revoked.code).toBe(0);
      expect(json<{ revoked: string }>(revoked)).toEqual({ revoked: made.id });
      const after = json<{ tokens: ListedToken[] }>(await cli(realData, '--json', 'token', 'list'));
      expect(after.tokens.map((t) => t.id)).not.toContain(made.id);
      const again = await cli(realData, 'token', 'revoke', made.id);
      expect(again.code).toBe(1);
      expect(again.stderr.join('\n')).toContain(`no token has the id '${made.id}'`);
    },
  );

  it('refuses a lifetime that is not one, naming the flag', async () => {
    for (const [flag, value] of [
      ['--expires-in', 'forever'],
      ['--expires-in', '0d'],
      ['--expires', '2020-01-01'],
      ['--expires', 'soon'],
    ] as const) {
      const run = await cli(realData, 'token', 'create', '--person', 'dana', flag, value);
      expect(run.code, `${flag} ${value}`).toBe(1);
      expect(run.stderr.join('\n')).toMatch(new RegExp(`^error config.invalid: ${flag}: `));
    }
  });

  it(
    'refuses --demo on another organisation’s database, naming it, at start',
    { timeout: 120_000 },
    async () => {
      const served = await runCapturedCli(['--data', realData, 'serve', '--demo', '--port', '0']);
      expect(served.code).toBe(1);
      expect(served.stderr.join('\n')).toContain(
        "error config.invalid: --demo: the database holds the plan of Globex Corporation (organisation 'globex'), not the demo organisation Acme Manufacturing",
      );
      const loaded = await cli(realData, 'demo');
      expect(loaded.code).toBe(1);
      expect(loaded.stderr.join('\n')).toContain('Globex Corporation');
      // Nothing of the demo was merged in.
      const exported = await cli(realData, '--json', 'plan', 'export', '--format', 'json');
      expect(exported.stdout.join('\n')).toContain('"Globex Corporation"');
      expect(exported.stdout.join('\n')).not.toContain('"Acme Manufacturing"');
    },
  );

  it(
    'prints no token outside a demo, and the same demo token at every demo start',
    { timeout: 240_000 },
    async () => {
      // Read from the database itself: what a start leaves behind, whatever the CLI can list.
      const count = async (data: string): Promise<number> => {
        const db = await openDatabase({ dataDir: data });
        try {
          const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_token');
          return rows[0]?.n ?? -1;
        } finally {
          await db.close();
        }
      };
      const tokensBefore = await count(realData);
      const real = await serveOnce(realData);
      expect(real.out).toContain('API tokens: throughline token create --person ID');
      expect(real.out).not.toMatch(/API token for|tl_[0-9a-f]{10}_/);
      expect(await count(realData)).toBe(tokensBefore);

      const first = await serveOnce(demoData, '--demo');
      const second = await serveOnce(demoData, '--demo');
      const tokenOf = (out: string): string | undefined =>
        /API token for dana[^:]*: (\S+)/.exec(out)?.[1];
      expect(tokenOf(first.out)).toMatch(/^tl_/);
      expect(tokenOf(second.out)).toBe(tokenOf(first.out));
      // One token for every demo start, not one more each time.
      expect(await count(demoData)).toBe(1);
    },
  );
});
