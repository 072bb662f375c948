import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli } from './support/cli-run.ts';
import { readFile } from 'node:fs/promises';
import { damagedWorkbooks, SPREADSHEETS } from './support/import-helpers.ts';

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
  it('refuses a workbook that does not read whole, naming the part, sheet and row: exit 1, plan unchanged', async () => {
    const planBefore = await runCapturedCli(['--data', data, 'plan', 'export']);
    expect(planBefore.code).toBe(0);
    const damaged = await damagedWorkbooks();
    for (const workbook of damaged) {
      const path = join(dir, workbook.name);
      await writeFile(path, workbook.bytes);
      // Each run opens the database anew: --skip-bad-rows once, on the file cut in a row.
      for (const skip of workbook === damaged[0] ? [[], ['--skip-bad-rows']] : [[]]) {
        const run = await runCapturedCli([
          '--data',
          data,
          'import',
          path,
          '--source',
          'cfo',
          '--mapping',
          `${SPREADSHEETS}budgets.mapping.json`,
          ...skip,
        ]);
        expect(run.code, run.stderr.join('\n')).toBe(1);
        expect(run.stdout).toEqual([]);
        const prefix = `error import.bad_file: ${workbook.name}: `;
        expect(run.stderr[0]?.startsWith(prefix), run.stderr[0]).toBe(true);
        expect(run.stderr[0]?.slice(prefix.length)).toMatch(workbook.message);
      }
    }
    const planAfter = await runCapturedCli(['--data', data, 'plan', 'export']);
    expect(planAfter.stdout).toEqual(planBefore.stdout);
  }, 180_000);

  it('refuses cells PostgreSQL cannot store and text that is not UTF-8, or skips those rows', async () => {
    const planBefore = await runCapturedCli(['--data', data, 'plan', 'export']);
    const csv = (await readFile(`${SPREADSHEETS}budgets.csv`, 'utf8'))
      .replace('I-ERP,2026-Q4', 'I-E\u0000RP,2026-Q4')
      .replace('342000', '342500');
    const nul = join(dir, 'nul.csv');
    await writeFile(nul, csv);
    const latin1 = join(dir, 'latin1.csv');
    await writeFile(latin1, Buffer.from(csv.replace('I-E\u0000RP', 'I-ÉRP'), 'latin1'));
    const args = (file: string, ...more: string[]): string[] => [
      '--data',
      data,
      'import',
      file,
      '--source',
      'cfo',
      '--mapping',
      `${SPREADSHEETS}budgets.mapping.json`,
      ...more,
    ];
    const refused = await runCapturedCli(args(nul));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toEqual([
      'error import.bad_cell: nul.csv: row 3 column A (Initiative): contains a NUL character (\\u0000) at character 4',
      'error import.rows_refused: nul.csv: 1 of 4 rows are bad; nothing was imported. Fix them, or import the good rows with --skip-bad-rows (skipBadRows=true)',
    ]);
    const notUtf8 = await runCapturedCli(args(latin1));
    expect(notUtf8.code).toBe(1);
    expect(notUtf8.stderr).toEqual([
      'error import.bad_file: latin1.csv: row 3: not readable as CSV: the text is not valid UTF-8 at byte 78 (line 3); save it as "CSV UTF-8"',
    ]);
    expect((await runCapturedCli(['--data', data, 'plan', 'export'])).stdout).toEqual(
      planBefore.stdout,
    );

    const skipped = await runCapturedCli(args(nul, '--skip-bad-rows'));
    expect(skipped.code, skipped.stderr.join('\n')).toBe(0);
    expect(skipped.stdout[0]).toBe(
      'nul.csv (csv, budgets) from source cfo: 4 rows read, 3 applied, 1 skipped',
    );
    expect(skipped.stdout).toContain('  I-ERP budget.actual 2026-Q3: 342,000 → 342,500');
  }, 180_000);
});
