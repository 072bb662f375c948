import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../src/app/apply-plan.ts';
import { pinnedClock } from '../src/app/clock.ts';
import { importSpreadsheet } from '../src/app/import-spreadsheet.ts';
import { openDatabase, type Database } from '../src/store/database.ts';
import { listImportRuns, loadMapping } from '../src/store/import-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { listPlanHistory, loadPlan } from '../src/store/plan-store.ts';
import {
  BIG_BUDGET_MAPPING,
  buildBigPlan,
  monthLabels,
  writeBigBudgetCsv,
} from './support/big-import.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const INITIATIVES = 200;
const MONTHS = 50;

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `throughline ARGS` in a process of its own; `killWhen` sees each stderr line and may
 * answer true to kill the process at once (SIGKILL: no cleanup, no rollback, like a crash).
 */
function runThroughline(args: string[], killWhen?: (line: string) => boolean): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/cli-entry.ts', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, THROUGHLINE_DEBUG: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      if (killWhen !== undefined && text.split('\n').some(killWhen)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function openData(dataDir: string): Promise<Database> {
  const db = await openDatabase({ dataDir });
  await migrate(db);
  return db;
}

async function countRows(db: Database, table: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
}

/**
 * The bar of PRODUCT.md: "a crash mid-way leaves the previous state intact". A real process
 * imports a 10,000-row file into the embedded database on disk and is killed with SIGKILL a
 * third of the way through; the database then opens with the state from before, the same
 * import runs to completion in a new process, and a third run changes nothing.
 */
describe('a kill -9 in the middle of an import', () => {
  let dir: string;
  let dataDir: string;
  let file: string;
  let mappingFile: string;
  let planBefore: Awaited<ReturnType<typeof loadPlan>>;
  let historyBefore: Awaited<ReturnType<typeof listPlanHistory>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'throughline-kill-'));
    dataDir = join(dir, 'data');
    file = join(dir, 'budgets.csv');
    mappingFile = join(dir, 'mapping.json');
    await writeBigBudgetCsv(file, INITIATIVES, MONTHS);
    await writeFile(mappingFile, JSON.stringify(BIG_BUDGET_MAPPING));
    const db = await openData(dataDir);
    try {
      await applyPlan({ db, clock: pinnedClock('2026-09-14') }, buildBigPlan(INITIATIVES), {
        actor: 'test',
      });
      planBefore = await loadPlan(db);
      historyBefore = await listPlanHistory(db, 100_000);
    } finally {
      await db.close();
    }
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves the previous state intact; the re-import completes; nothing is doubled', async () => {
    // Opening the embedded database on disk takes seconds: each step below opens it once.
    const args = ['--data', dataDir, 'import', file, '--source', 'big', '--mapping', mappingFile];

    const killed = await runThroughline([...args, '--progress'], (line) => {
      const rows = /^import: ([\d,]+) rows read/.exec(line)?.[1];
      return rows !== undefined && Number(rows.replace(/,/g, '')) >= 3_000;
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(killed.stderr).toMatch(/import: \d,\d{3} rows read/);
    expect(killed.stdout).toBe('');

    let db = await openData(dataDir);
    try {
      expect(await loadPlan(db)).toEqual(planBefore);
      expect(await listPlanHistory(db, 100_000)).toEqual(historyBefore);
      expect(await listImportRuns(db)).toEqual([]);
      expect(await loadMapping(db, 'big')).toBeNull();
    } finally {
      await db.close();
    }

    const completed = await runThroughline(args);
    expect(completed.code, completed.stderr).toBe(0);
    expect(completed.stdout).toContain(
      `${(INITIATIVES * MONTHS).toLocaleString('en-US')} rows read`,
    );

    db = await openData(dataDir);
    try {
      const plan = await loadPlan(db);
      const lines = plan?.initiatives.reduce((n, i) => n + Object.keys(i.budget).length, 0);
      expect(lines).toBe(INITIATIVES * MONTHS);
      const [last] = monthLabels(MONTHS).slice(-1);
      expect(plan?.initiatives[0]?.budget[last ?? '']).toBeDefined();
      // One change per initiative, once.
      const historyAfter = await countRows(db, 'plan_change');
      expect(historyAfter).toBe(historyBefore.length + INITIATIVES);
      expect((await listImportRuns(db)).map((r) => [r.outcome, r.rowsApplied])).toEqual([
        ['applied', INITIATIVES * MONTHS],
      ]);

      // The same file once more (with the mapping the completed run saved): nothing moves.
      const again = await importSpreadsheet(
        { db, clock: pinnedClock('2026-09-14') },
        {
          source: 'big',
          fileName: 'budgets.csv',
          format: 'csv',
          input: { path: file },
          actor: 'test',
        },
      );
      expect(again).toMatchObject({
        figureChangeCount: 0,
        changes: [],
        rows: { applied: INITIATIVES * MONTHS },
      });
      expect(await countRows(db, 'plan_change')).toBe(historyAfter);
    } finally {
      await db.close();
    }
  }, 300_000);
});
