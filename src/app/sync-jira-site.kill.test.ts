import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJiraStandIn, type JiraStandIn } from '../connectors/jira/stand-in/jira-stand-in.ts';
import { loadJiraSite } from '../store/jira-site-store.ts';
import { loadWorkItems } from '../store/work-item-store.ts';
import { addJiraSite } from './add-jira-site.ts';
import type { AppContext } from './context.ts';
import { openApp } from './open-app.ts';

/**
 * A sync killed with SIGKILL half-way, on the embedded database on disk: the pages stored
 * before the kill stay, with the cursor that goes with them; the next sync resumes from there
 * and ends with every issue, the changes made meanwhile, and nothing stored twice.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'throughline.js');
const TOKEN = 'kill-test-api-token';

interface Child {
  exit: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
  kill(): void;
}

/** Runs `throughline --data DIR jira sync acme --json` in a process of its own. */
function syncInChild(data: string, secretKey: string): Child {
  const env: NodeJS.ProcessEnv = { ...process.env, THROUGHLINE_SECRET_KEY: secretKey };
  delete env.DATABASE_URL;
  delete env.THROUGHLINE_AS_OF;
  const child = spawn(process.execPath, [BIN, '--data', data, 'jira', 'sync', 'acme', '--json'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return {
    exit: new Promise((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
    ),
    kill: () => child.kill('SIGKILL'),
  };
}

describe('a sync killed half-way (PGlite on disk)', () => {
  let data: string;
  let standIn: JiraStandIn;
  let now = Date.parse('2026-09-10T08:00:00.000Z');
  const secretKey = randomBytes(32).toString('base64');

  async function withApp<T>(work: (ctx: AppContext) => Promise<T>): Promise<T> {
    const ctx = await openApp({
      dataDir: data,
      databaseUrl: undefined,
      asOf: '2026-09-14',
      secretKey,
    });
    try {
      return await work(ctx);
    } finally {
      await ctx.db.close();
    }
  }

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'throughline-kill-'));
    standIn = await startJiraStandIn({
      kind: 'cloud',
      credentials: { email: 'sync@acme.example', apiToken: TOKEN },
      now: () => new Date(now),
    });
    for (let n = 1; n <= 50; n += 1) {
      now += 60_000;
      standIn.issues.add({ key: `ERP-${n}`, fields: { duedate: '2026-11-30' } });
    }
  });
  afterAll(async () => {
    await standIn.close();
    await rm(data, { recursive: true, force: true });
  });

  it(
    'keeps what was stored, resumes from the cursor, and ends complete with nothing doubled',
    { timeout: 240_000 },
    async () => {
      // The embedded database on disk is slow to create: that happens here, not in a hook.
      await withApp((ctx) =>
        addJiraSite(ctx, {
          id: 'acme',
          kind: 'cloud',
          baseUrl: standIn.url,
          credentials: { kind: 'basic', email: 'sync@acme.example', apiToken: TOKEN },
          projects: ['ERP'],
          pageSize: 10,
        }),
      );
      // Page 3 hangs: the child is killed while it waits for it, pages 1 and 2 stored.
      let thirdPageAsked: () => void = () => undefined;
      const thirdPage = new Promise<void>((resolve) => (thirdPageAsked = resolve));
      standIn.setDelay(({ searchPage }) => {
        if (searchPage !== 3) return 0;
        thirdPageAsked();
        return 60_000;
      });
      const first = syncInChild(data, secretKey);
      await Promise.race([
        thirdPage,
        first.exit.then((r) => {
          throw new Error(`the sync ended before page 3: ${r.code} ${r.stderr}`);
        }),
      ]);
      first.kill();
      const killed = await first.exit;
      expect(killed.signal).toBe('SIGKILL');

      const afterKill = await withApp(async (ctx) => ({
        items: await loadWorkItems(ctx.db),
        site: await loadJiraSite(ctx.db, 'acme'),
      }));
      expect(
        afterKill.items.map((i) => i.key).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))),
      ).toEqual(Array.from({ length: 20 }, (_, i) => `ERP-${i + 1}`));
      // The cursor is the last stored page's, exactly.
      expect(afterKill.site?.syncCursor).toBe(
        new Date(Date.parse('2026-09-10T08:00:00.000Z') + 20 * 60_000).toISOString(),
      );
      expect(afterKill.site?.lastSuccessAt).toBeNull();

      // Meanwhile in Jira: a stored issue and an unstored one change, and one is new.
      now += 3_600_000;
      standIn.issues.update('ERP-5', { duedate: '2026-12-11' });
      standIn.issues.update('ERP-35', { duedate: '2027-01-15' });
      now += 60_000;
      standIn.issues.add({ key: 'ERP-51' });
      standIn.setDelay(null);

      const second = await syncInChild(data, secretKey).exit;
      expect(second.code, second.stderr).toBe(0);
      const result = JSON.parse(second.stdout) as { mode: string; applied: number };
      expect(result.mode).toBe('incremental');
      // 30 never stored + ERP-5 changed + ERP-51 new.
      expect(result.applied).toBe(32);

      await withApp(async (ctx) => {
        const items = await loadWorkItems(ctx.db);
        expect(items).toHaveLength(51);
        expect(items.find((i) => i.key === 'ERP-5')?.dueDate).toBe('2026-12-11');
        expect(items.find((i) => i.key === 'ERP-35')?.dueDate).toBe('2027-01-15');
        const doubled = await ctx.db.query(
          `SELECT delivery, count(*) FROM work_item_history GROUP BY delivery HAVING count(*) > 1`,
        );
        expect(doubled).toEqual([]);
        const applied = await ctx.db.query<{ key: string; n: number }>(
          `SELECT key, count(*)::int AS n FROM work_item_history WHERE outcome = 'applied'
         GROUP BY key HAVING count(*) <> 1`,
        );
        expect(applied).toEqual([{ key: 'ERP-5', n: 2 }]);
        const site = await loadJiraSite(ctx.db, 'acme');
        expect(site?.lastSuccessAt).not.toBeNull();
        expect(site?.syncCursor).toBe(new Date(now).toISOString());
      });

      // Credentials are encrypted at rest: not a byte of the token in any file of the database.
      const files = await readdir(data, { recursive: true, withFileTypes: true });
      let scanned = 0;
      for (const file of files.filter((f) => f.isFile())) {
        const bytes = await readFile(join(file.parentPath, file.name));
        expect(bytes.includes(TOKEN), join(file.parentPath, file.name)).toBe(false);
        scanned += 1;
      }
      expect(scanned).toBeGreaterThan(10);
    },
  );
});
