/**
 * Import benchmark: generates a budget spreadsheet of `--rows` rows (1,000 initiatives × N
 * months, every row a new budget line), imports it into an embedded database on disk, and
 * reports the time and the peak heap. Then it measures what the same rows take when loaded
 * whole (csv-parse's sync API, exceljs' non-streaming reader), the approach streaming avoids.
 *
 *   node --expose-gc --import tsx bench/import.ts [--rows 100000] [--format csv|xlsx|both]
 *
 * Numbers, not assertions: this is not a test.
 */
import { createReadStream } from 'node:fs';
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
import { parseColumnMapping } from '../src/connectors/spreadsheet/column-mapping.ts';
import type { SpreadsheetFormat } from '../src/connectors/spreadsheet/sheet-row.ts';
import { openDatabase } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import {
  BIG_BUDGET_MAPPING,
  buildBigPlan,
  writeBigBudgetCsv,
  writeBigBudgetXlsx,
} from '../test/support/big-import.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    format: { type: 'string', default: 'both' },
  },
});
const INITIATIVES = 1_000;
const MONTHS = Math.max(1, Math.round(Number(args.rows) / INITIATIVES));
const FORMATS: SpreadsheetFormat[] =
  args.format === 'csv' ? ['csv'] : args.format === 'xlsx' ? ['xlsx'] : ['csv', 'xlsx'];

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

function collect(): void {
  gc?.();
  gc?.();
}

/** Samples the heap every few milliseconds and on demand; keeps the peak. */
function heapSampler(): { sample: () => void; stop: () => number } {
  let peak = process.memoryUsage().heapUsed;
  const sample = (): void => {
    const used = process.memoryUsage().heapUsed;
    if (used > peak) peak = used;
  };
  const timer = setInterval(sample, 5);
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

async function measureImport(format: SpreadsheetFormat, dir: string): Promise<Record<string, number | string>> {
  const file = join(dir, `budgets.${format}`);
  const rows =
    format === 'csv'
      ? await writeBigBudgetCsv(file, INITIATIVES, MONTHS)
      : await writeBigBudgetXlsx(file, INITIATIVES, MONTHS);
  const size = (await stat(file)).size;
  const db = await openDatabase({ dataDir: join(dir, `db-${format}`) });
  await migrate(db);
  const ctx: AppContext = { db, clock: pinnedClock('2026-09-14') };
  await applyPlan(ctx, buildBigPlan(INITIATIVES), { actor: 'bench' });
  const mapping = parseColumnMapping(BIG_BUDGET_MAPPING, 'bench mapping');

  collect();
  const baseline = process.memoryUsage().heapUsed;
  const sampler = heapSampler();
  const started = performance.now();
  let readDoneAt = started;
  const result = await importSpreadsheet(ctx, {
    source: `bench-${format}`,
    fileName: `budgets.${format}`,
    format,
    open: () => createReadStream(file),
    totalBytes: size,
    mapping,
    actor: 'bench',
    onProgress: () => {
      sampler.sample();
      readDoneAt = performance.now();
    },
  });
  const ms = performance.now() - started;
  const peak = sampler.stop();

  // The same file again: every figure is already so, nothing is written.
  const againStarted = performance.now();
  const again = await importSpreadsheet(ctx, {
    source: `bench-${format}`,
    fileName: `budgets.${format}`,
    format,
    open: () => createReadStream(file),
    actor: 'bench',
  });
  const againMs = performance.now() - againStarted;
  await db.close();
  return {
    format,
    rows,
    fileMB: round(size / MB),
    importMs: Math.round(ms),
    rowsPerSecond: Math.round(rows / (ms / 1000)),
    readAndCheckMs: Math.round(readDoneAt - started),
    commitMs: Math.round(started + ms - readDoneAt),
    figuresChanged: result.figureChangeCount,
    peakHeapMB: round(peak / MB),
    peakHeapAboveBaselineMB: round((peak - baseline) / MB),
    reimportMs: Math.round(againMs),
    reimportFiguresChanged: again.figureChangeCount,
  };
}

/** What the rows take in memory when the whole file is loaded at once. */
async function measureLoadWhole(format: SpreadsheetFormat, dir: string): Promise<Record<string, number | string>> {
  const file = join(dir, `budgets.${format}`);
  collect();
  const baseline = process.memoryUsage().heapUsed;
  const sampler = heapSampler();
  let rows: number;
  let held: unknown;
  if (format === 'csv') {
    const records = parseCsvSync(await readFile(file, 'utf8')) as string[][];
    rows = records.length - 1;
    held = records;
  } else {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    rows = (workbook.worksheets[0]?.rowCount ?? 1) - 1;
    held = workbook;
  }
  const peak = sampler.stop();
  collect();
  const retained = process.memoryUsage().heapUsed - baseline;
  void held;
  return {
    format,
    loadWhole: format === 'csv' ? 'csv-parse/sync' : 'exceljs Workbook.readFile',
    rows,
    peakHeapAboveBaselineMB: round((peak - baseline) / MB),
    retainedHeapMB: round(retained / MB),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

const dir = await mkdtemp(join(tmpdir(), 'throughline-bench-import-'));
try {
  console.log(
    `import bench: ${INITIATIVES.toLocaleString('en-US')} initiatives × ${MONTHS} months = ${(INITIATIVES * MONTHS).toLocaleString('en-US')} budget rows, embedded PostgreSQL on disk${gc === undefined ? ' (run with --expose-gc for steadier heap figures)' : ''}`,
  );
  const lines: Record<string, number | string>[] = [];
  for (const format of FORMATS) {
    const streamed = await measureImport(format, dir);
    const whole = await measureLoadWhole(format, dir);
    console.log(
      `${format}: ${streamed.rows} rows in ${streamed.importMs} ms (${streamed.rowsPerSecond} rows/s; read+check ${streamed.readAndCheckMs} ms, commit ${streamed.commitMs} ms), peak heap ${streamed.peakHeapMB} MB (+${streamed.peakHeapAboveBaselineMB} MB); loading the file whole takes +${whole.peakHeapAboveBaselineMB} MB at peak (${whole.loadWhole}); re-import ${streamed.reimportMs} ms, ${streamed.reimportFiguresChanged} changes`,
    );
    lines.push({ ...streamed, loadWholePeakHeapAboveBaselineMB: whole.peakHeapAboveBaselineMB });
  }
  console.log(`max RSS of the process: ${round(process.resourceUsage().maxRSS / 1024)} MB`);
  for (const line of lines) console.log(JSON.stringify(line));
} finally {
  await rm(dir, { recursive: true, force: true });
}
