/**
 * Import benchmark. Generates spreadsheets of `--rows` rows and imports each into a database of
 * its own, reporting time and heap:
 *
 * - budgets (CSV and XLSX): 1,000 initiatives × N months, every row a new budget line. What
 *   stays in memory is the plan the rows build (validated and diffed whole), not the rows.
 * - jira (CSV): Jira's export of N issues; rows are written to the database 1,000 at a time,
 *   so the reading phase holds one chunk. The end recomputes the state over all N items.
 *
 * For each file it also measures the heap the same rows take when loaded whole (csv-parse's
 * sync API, exceljs' non-streaming reader): the approach streaming avoids.
 *
 *   node --expose-gc --import tsx bench/import.ts [--rows 100000] [--only budgets-csv,…]
 *     [--database-url postgres://…]   (a PostgreSQL server instead of the embedded database;
 *                                      the bench works in schemas of its own and drops them)
 *
 * Numbers, not assertions: this is not a test.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseCsvSync } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { applyPlan } from '../src/app/apply-plan.ts';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { importSpreadsheet } from '../src/app/import-spreadsheet.ts';
import {
  defaultJiraCsvMapping,
  parseColumnMapping,
  type ColumnMapping,
} from '../src/connectors/spreadsheet/column-mapping.ts';
import type { SpreadsheetFormat } from '../src/connectors/spreadsheet/sheet-row.ts';
import { openDatabase } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { loadPlan } from '../src/store/plan-store.ts';
import {
  BIG_BUDGET_MAPPING,
  buildBigPlan,
  writeBigBudgetCsv,
  writeBigBudgetXlsx,
  writeBigJiraCsv,
} from '../test/support/big-import.ts';

const CASES = ['budgets-csv', 'budgets-xlsx', 'jira-csv'] as const;
type Case = (typeof CASES)[number];

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    only: { type: 'string', default: CASES.join(',') },
    'database-url': { type: 'string' },
  },
});
const ROWS = Number(args.rows);
const INITIATIVES = 1_000;
const MONTHS = Math.max(1, Math.round(ROWS / INITIATIVES));
const DATABASE_URL = args['database-url'];
const SELECTED = CASES.filter((c) => args.only.split(',').includes(c));

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

function collect(): void {
  gc?.();
  gc?.();
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Samples the heap every few milliseconds and on demand; keeps the peak. */
function heapSampler(): { sample: () => number; stop: () => number } {
  let peak = process.memoryUsage().heapUsed;
  const sample = (): number => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
    return peak;
  };
  const timer = setInterval(sample, 5);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      return sample();
    },
  };
}

interface CaseFile {
  path: string;
  format: SpreadsheetFormat;
  rows: number;
  mapping: ColumnMapping;
}

async function writeCase(kind: Case, dir: string): Promise<CaseFile> {
  if (kind === 'jira-csv') {
    const path = join(dir, 'jira-export.csv');
    return {
      path,
      format: 'csv',
      rows: await writeBigJiraCsv(path, ROWS),
      mapping: defaultJiraCsvMapping(),
    };
  }
  const mapping = parseColumnMapping(BIG_BUDGET_MAPPING, 'bench mapping');
  if (kind === 'budgets-csv') {
    const path = join(dir, 'budgets.csv');
    return {
      path,
      format: 'csv',
      rows: await writeBigBudgetCsv(path, INITIATIVES, MONTHS),
      mapping,
    };
  }
  const path = join(dir, 'budgets.xlsx');
  return {
    path,
    format: 'xlsx',
    rows: await writeBigBudgetXlsx(path, INITIATIVES, MONTHS),
    mapping,
  };
}

async function measureImport(
  kind: Case,
  file: CaseFile,
  dir: string,
): Promise<Record<string, number | string>> {
  const size = (await stat(file.path)).size;
  const schema = `bench_import_${kind.replace('-', '_')}_${process.pid}`;
  const db = await openDatabase(
    DATABASE_URL === undefined
      ? { dataDir: join(dir, `db-${kind}`) }
      : { databaseUrl: DATABASE_URL, schema },
  );
  await migrate(db);
  const ctx: AppContext = { db, clock: pinnedClock('2026-09-14') };
  await applyPlan(ctx, buildBigPlan(INITIATIVES), { actor: 'bench' });
  const fileName = file.path.split('/').pop() ?? 'file';

  collect();
  const baseline = process.memoryUsage().heapUsed;
  const sampler = heapSampler();
  const started = performance.now();
  let readEnd = started;
  let readingPeak = baseline;
  // Live (retained) heap while reading: collected every 10,000 rows, so garbage not yet
  // collected does not count. Flat means the rows are not kept.
  const live: { rows: number; mb: number }[] = [];
  let gcMs = 0;
  const result = await importSpreadsheet(ctx, {
    source: 'bench',
    fileName,
    format: file.format,
    input: { path: file.path },
    totalBytes: size,
    mapping: file.mapping,
    actor: 'bench',
    onProgress: (progress) => {
      // The last report comes when every row has been read, before the commit starts.
      readingPeak = sampler.sample();
      if (gc !== undefined && progress.rows % 10_000 === 0 && progress.rows > 0) {
        const at = performance.now();
        collect();
        live.push({
          rows: progress.rows,
          mb: round((process.memoryUsage().heapUsed - baseline) / MB),
        });
        // The collection is the bench's, not the import's.
        gcMs += performance.now() - at;
      }
      readEnd = performance.now();
    },
  });
  const ms = performance.now() - started - gcMs;
  const peak = sampler.stop();
  const planMB = round(JSON.stringify(await loadPlan(db)).length / MB);

  // The same file again: nothing moves, nothing is written.
  const againStarted = performance.now();
  const again = await importSpreadsheet(ctx, {
    source: 'bench',
    fileName,
    format: file.format,
    input: { path: file.path },
    actor: 'bench',
  });
  const againMs = performance.now() - againStarted;
  if (DATABASE_URL !== undefined) await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
  await db.close();
  return {
    case: kind,
    database: DATABASE_URL === undefined ? 'pglite' : 'postgres',
    rows: file.rows,
    fileMB: round(size / MB),
    importMs: Math.round(ms),
    rowsPerSecond: Math.round(file.rows / (ms / 1000)),
    readMs: Math.round(readEnd - started - gcMs),
    commitMs: Math.round(started + ms + gcMs - readEnd),
    changed: result.workItems === null ? result.figureChangeCount : result.workItems.applied,
    planJsonMB: planMB,
    readingPeakHeapAboveBaselineMB: round((readingPeak - baseline) / MB),
    liveHeapAt10kRowsMB: live[0]?.mb ?? Number.NaN,
    liveHeapAtLastRowsMB: live.at(-1)?.mb ?? Number.NaN,
    peakHeapAboveBaselineMB: round((peak - baseline) / MB),
    peakHeapMB: round(peak / MB),
    reimportMs: Math.round(againMs),
    reimportChanged: again.workItems === null ? again.figureChangeCount : again.workItems.applied,
  };
}

/** What the rows take in memory when the whole file is loaded at once. */
async function measureLoadWhole(
  file: CaseFile,
): Promise<{ how: string; peakAboveBaselineMB: number }> {
  collect();
  const baseline = process.memoryUsage().heapUsed;
  const sampler = heapSampler();
  let held: unknown;
  let how: string;
  if (file.format === 'csv') {
    held = parseCsvSync(await readFile(file.path, 'utf8'));
    how = 'csv-parse/sync';
  } else {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file.path);
    held = workbook;
    how = 'exceljs Workbook.readFile';
  }
  const peak = sampler.stop();
  void held;
  return { how, peakAboveBaselineMB: round((peak - baseline) / MB) };
}

const dir = await mkdtemp(join(tmpdir(), 'throughline-bench-import-'));
try {
  console.log(
    `import bench: ${ROWS.toLocaleString('en-US')} rows per file, ${DATABASE_URL === undefined ? 'embedded PostgreSQL (PGlite) on disk' : 'a PostgreSQL server'}${gc === undefined ? ' (run with --expose-gc for steadier heap figures)' : ''}`,
  );
  const lines: Record<string, number | string>[] = [];
  for (const kind of SELECTED) {
    const file = await writeCase(kind, dir);
    const streamed = await measureImport(kind, file, dir);
    const whole = await measureLoadWhole(file);
    console.log(
      `${kind}: ${streamed.rows} rows (${streamed.fileMB} MB) in ${streamed.importMs} ms = ${streamed.rowsPerSecond} rows/s (reading ${streamed.readMs} ms, commit ${streamed.commitMs} ms); heap above baseline: live +${streamed.liveHeapAt10kRowsMB} MB at 10,000 rows and +${streamed.liveHeapAtLastRowsMB} MB at the last row read, +${streamed.readingPeakHeapAboveBaselineMB} MB peak while reading, +${streamed.peakHeapAboveBaselineMB} MB peak overall (plan ${streamed.planJsonMB} MB as JSON); the file loaded whole: +${whole.peakAboveBaselineMB} MB (${whole.how}); re-import ${streamed.reimportMs} ms, ${streamed.reimportChanged} changed`,
    );
    lines.push({ ...streamed, loadWholePeakHeapAboveBaselineMB: whole.peakAboveBaselineMB });
    await rm(file.path, { force: true });
  }
  console.log(`max RSS of the process: ${round(process.resourceUsage().maxRSS / 1024)} MB`);
  for (const line of lines) console.log(JSON.stringify(line));
} finally {
  await rm(dir, { recursive: true, force: true });
}
