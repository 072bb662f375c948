import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli } from './support/cli-run.ts';
import { SPREADSHEETS } from './support/import-helpers.ts';

/**
 * `throughline import` in-process, on an embedded database of its own. Opening the database
 * on disk takes seconds, so the cases share one folder and run in order.
 */
describe('throughline import', () => {
  let dir: string;
  let data: string;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    THROUGHLINE_AS_OF: process.env.THROUGHLINE_AS_OF,
  };

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    dir = await mkdtemp(join(tmpdir(), 'throughline-import-cli-'));
    data = join(dir, 'data');
    const demo = await runCapturedCli(['--data', data, 'demo']);
    expect(demo.code, demo.stderr.join('\n')).toBe(0);
  }, 180_000);

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a file with bad rows: each problem on its own line naming the cell, exit 1', async () => {
    const run = await runCapturedCli([
      '--data',
      data,
      'import',
      `${SPREADSHEETS}budgets-bad.libreoffice.xlsx`,
      '--source',
      'cfo',
      '--mapping',
      `${SPREADSHEETS}budgets.mapping.json`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toEqual([
      "error import.bad_cell: budgets-bad.libreoffice.xlsx: sheet 'budgets-bad' row 3 column E (Actual): 'n/a' is not a number",
      "error import.unknown_reference: budgets-bad.libreoffice.xlsx: sheet 'budgets-bad' row 4 column A (Initiative): no initiative 'I-NOPE' in the plan",
      'error import.rows_refused: budgets-bad.libreoffice.xlsx: 2 of 3 rows are bad; nothing was imported. Fix them, or import the good rows with --skip-bad-rows (skipBadRows=true)',
    ]);
  }, 120_000);

  it('imports with a mapping, prints a summary, and saves the mapping for the next file', async () => {
    const run = await runCapturedCli([
      '--data',
      data,
      'import',
      `${SPREADSHEETS}budgets.csv`,
      '--source',
      'cfo',
      '--mapping',
      `${SPREADSHEETS}budgets.mapping.json`,
    ]);
    expect(run.code, run.stderr.join('\n')).toBe(0);
    expect(run.stdout).toEqual([
      'budgets.csv (csv, budgets) from source cfo: 4 rows read, 4 applied, 0 skipped',
      'figures changed: 6',
      '  I-ERP budget.actual 2026-Q3: 305,000 → 342,000',
      '  I-ERP budget.committed 2026-Q4: 140,000 → 160,000',
      '  I-PROC budget.actual 2026-Q3: 45,000 → 52,000',
      '  I-MAINT budget.plan 2026-10: — → 30,000',
      '  I-MAINT budget.committed 2026-10: — → 12,000',
      '  I-MAINT budget.actual 2026-10: — → 9,000.5',
      'column mapping saved for source cfo',
      'import #2 recorded',
    ]);
    // Without a terminal there is no progress bar: stderr stays clean for logs.
    expect(run.stderr).toEqual([]);

    const again = await runCapturedCli([
      '--data',
      data,
      '--json',
      'import',
      `${SPREADSHEETS}budgets.libreoffice.xlsx`,
      '--source',
      'cfo',
      '--dry-run',
    ]);
    expect(again.code, again.stderr.join('\n')).toBe(0);
    expect(JSON.parse(again.stdout.join('\n'))).toMatchObject({
      dryRun: true,
      format: 'xlsx',
      figureChangeCount: 0,
      rows: { read: 4, applied: 4 },
    });
  }, 120_000);

  it('names files it cannot read and mappings it cannot use, before touching the database', async () => {
    const missing = await runCapturedCli([
      '--data',
      data,
      'import',
      join(dir, 'nope.csv'),
      '--source',
      'cfo',
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr[0]).toMatch(
      /^error file\.not_found: .*nope\.csv: cannot read '.*nope\.csv'$/,
    );

    const mappingFile = join(dir, 'mapping.json');
    await writeFile(
      mappingFile,
      JSON.stringify({ kind: 'kpi_actuals', columns: { kpi: 'KPI', period: 'P', valu: 'V' } }),
    );
    const badMapping = await runCapturedCli([
      '--data',
      data,
      'import',
      `${SPREADSHEETS}kpi-actuals.csv`,
      '--source',
      'bi',
      '--mapping',
      mappingFile,
    ]);
    expect(badMapping.code).toBe(1);
    expect(badMapping.stderr).toEqual([
      "error import.unknown_column: mapping.json: $.columns.valu: rows of kind kpi_actuals have no field 'valu' (did you mean 'value'?); they have kpi, period, value",
      "error import.bad_mapping: mapping.json: $.columns: rows of kind kpi_actuals need a column for 'value'",
    ]);

    const badSource = await runCapturedCli([
      '--data',
      data,
      'import',
      `${SPREADSHEETS}kpi-actuals.csv`,
      '--source',
      'a b',
    ]);
    expect(badSource.stderr[0]).toMatch(
      /^error request\.invalid: --source: --source 'a b': use letters/,
    );
  });
});
