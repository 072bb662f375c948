import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import {
  figureMapping,
  fixtureMapping,
  importFile,
  resetImportTables,
  SPREADSHEETS,
  storedState,
} from '../../test/support/import-helpers.ts';
import { DomainError, type Problem } from '../core/errors.ts';
import type { Database } from '../store/database.ts';
import { listImportRuns, loadMapping } from '../store/import-store.ts';
import { listPlanHistory, loadPlan } from '../store/plan-store.ts';
import { listSignals } from '../store/signal-store.ts';
import { loadWorkItems } from '../store/work-item-store.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { importSpreadsheet } from './import-spreadsheet.ts';
import { loadDemo } from './load-demo.ts';

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

function messages(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${p.code}: ${p.message}`);
}

describe.each(TEST_DATABASES)('spreadsheet imports on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  let dir: string;
  /** An exceljs workbook of budgets: sheet Q3 is clean, sheet Q4 has a bad cell at C17. */
  let quartersXlsx: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock('2026-09-14') };
    dir = await mkdtemp(join(tmpdir(), 'throughline-import-'));
    quartersXlsx = join(dir, 'budgets.xlsx');
    const workbook = new ExcelJS.Workbook();
    const q3 = workbook.addWorksheet('Q3');
    q3.addRow(['initiative', 'period', 'actual']);
    q3.addRow(['I-ERP', '2026-Q3', 341000]);
    const q4 = workbook.addWorksheet('Q4');
    q4.addRow(['initiative', 'period', 'actual']);
    for (let row = 2; row <= 20; row += 1) {
      // Rows 2-16 and 18-20 are blank lines of a form; row 17 holds the typo.
      if (row === 17) q4.getRow(row).values = ['I-ERP', '2026-Q4', 'abc'];
    }
    q4.addRow(['I-PROC', '2026-Q4', 20000]);
    await workbook.xlsx.writeFile(quartersXlsx);
  });

  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await resetDatabase(db);
    await resetImportTables(db);
    await loadDemo(ctx, undefined);
  });

  it('imports KPI actuals from CSV, saves the mapping, and a second import with it changes nothing', async () => {
    const mapping = await fixtureMapping('kpi-actuals.mapping.json');
    const result = await importFile(ctx, `${SPREADSHEETS}kpi-actuals.csv`, {
      source: 'bi',
      mapping,
    });
    expect(result).toMatchObject({
      kind: 'kpi_actuals',
      rows: { read: 3, applied: 3, skipped: 0, blank: 0 },
      figureChangeCount: 3,
      mappingSaved: true,
      dryRun: false,
    });
    expect(result.figureChanges).toContainEqual({
      collection: 'kpis',
      id: 'K-DOWNTIME',
      field: 'actuals',
      period: '2026-Q3',
      from: 112,
      to: 109,
    });
    const kpis = (await loadPlan(db))?.kpis ?? [];
    expect(kpis.find((k) => k.id === 'K-SAVINGS')?.actuals).toEqual({ '2026-Q3': 45000 });
    expect(kpis.find((k) => k.id === 'K-OTD')?.actuals['2026-Q3']).toBe(96.4);
    expect((await listPlanHistory(db, 3)).map((h) => [h.entityId, h.action, h.actor])).toEqual(
      expect.arrayContaining([['K-SAVINGS', 'updated', 'test']]),
    );
    expect(await loadMapping(db, 'bi')).toMatchObject({ mapping: mapping, updatedBy: 'test' });

    const before = await storedState(db);
    const again = await importFile(ctx, `${SPREADSHEETS}kpi-actuals.csv`, { source: 'bi' });
    expect(again).toMatchObject({
      rows: { applied: 3 },
      figureChangeCount: 0,
      changes: [],
      mappingSaved: false,
    });
    const after = (await storedState(db)) as { runs: unknown[] };
    // Only the new run is recorded: the plan, its history and the signals are as they were.
    expect({ ...after, runs: after.runs.slice(1) }).toEqual(before);
  });

  it('imports budgets from an XLSX file written by LibreOffice', async () => {
    const result = await importFile(ctx, `${SPREADSHEETS}budgets.libreoffice.xlsx`, {
      source: 'cfo',
      mapping: await fixtureMapping('budgets.mapping.json'),
    });
    expect(result).toMatchObject({
      format: 'xlsx',
      rows: { read: 4, applied: 4 },
      figureChangeCount: 6,
    });
    const plan = await loadPlan(db);
    const budget = (id: string) => plan?.initiatives.find((i) => i.id === id)?.budget;
    expect(budget('I-ERP')).toMatchObject({
      '2026-Q3': { plan: 400000, committed: 380000, actual: 342000 },
      '2026-Q4': { plan: 350000, committed: 160000 },
    });
    expect(budget('I-MAINT')?.['2026-10']).toEqual({
      plan: 30000,
      committed: 12000,
      actual: 9000.5,
    });
    expect(
      result.changes.map((c) => `${c.collection}/${c.id} ${c.fields.join(',')}`).sort(),
    ).toEqual([
      'initiatives/I-ERP budget',
      'initiatives/I-MAINT budget',
      'initiatives/I-PROC budget',
    ]);
  });

  it("names file, sheet, row and column of a bad cell in an exceljs workbook: sheet 'Q4' row 17 column C", async () => {
    const mapping = await figureMapping('budgets.mapping.json');
    const error = await refusal(
      importFile(ctx, quartersXlsx, {
        source: 'cfo',
        mapping: {
          ...mapping,
          sheets: '*',
          columns: {
            initiative: { header: 'initiative' },
            period: { header: 'period' },
            actual: { header: 'actual' },
          },
        },
      }),
    );
    expect(error.problems[0]).toEqual({
      code: 'import.bad_cell',
      message: "budgets.xlsx: sheet 'Q4' row 17 column C (actual): 'abc' is not a number",
      file: 'budgets.xlsx',
      line: 17,
      column: 3,
      path: "'Q4'!C17",
    });
    expect(error.code).toBe('import.bad_cell');
  });

  it('a dry run reports what would change and changes nothing, not even the run log', async () => {
    const before = await storedState(db);
    const result = await importFile(ctx, `${SPREADSHEETS}budgets.csv`, {
      source: 'cfo',
      mapping: await fixtureMapping('budgets.mapping.json'),
      dryRun: true,
    });
    expect(result).toMatchObject({
      dryRun: true,
      runId: null,
      figureChangeCount: 6,
      mappingSaved: false,
    });
    expect(result.figureChanges[0]).toEqual({
      collection: 'initiatives',
      id: 'I-ERP',
      field: 'budget.actual',
      period: '2026-Q3',
      from: 305000,
      to: 342000,
    });
    expect(await storedState(db)).toEqual(before);
  });

  it('all or nothing: one bad row and nothing is applied; the refusal is recorded', async () => {
    const before = (await storedState(db)) as { runs: unknown[] };
    const error = await refusal(
      importFile(ctx, `${SPREADSHEETS}budgets-bad.csv`, {
        source: 'cfo',
        mapping: await fixtureMapping('budgets.mapping.json'),
      }),
    );
    expect(messages(error.problems)).toEqual([
      "import.bad_cell: budgets-bad.csv: row 3 column E (Actual): 'n/a' is not a number",
      "import.unknown_reference: budgets-bad.csv: row 4 column A (Initiative): no initiative 'I-NOPE' in the plan",
      'import.rows_refused: budgets-bad.csv: 2 of 3 rows are bad; nothing was imported. Fix them, or import the good rows with --skip-bad-rows (skipBadRows=true)',
    ]);
    const after = (await storedState(db)) as { runs: { outcome: string; problemCount: number }[] };
    expect({ ...after, runs: before.runs }).toEqual(before);
    expect(after.runs[0]).toMatchObject({
      outcome: 'refused',
      rowsRead: 3,
      rowsApplied: 0,
      problemCount: 2,
    });
    // The mapping of a refused import is not saved either.
    expect(await loadMapping(db, 'cfo')).toBeNull();
  });

  it('skip-bad-rows applies the good rows and reports the bad ones', async () => {
    const result = await importFile(ctx, `${SPREADSHEETS}budgets-bad.csv`, {
      source: 'cfo',
      mapping: await fixtureMapping('budgets.mapping.json'),
      skipBadRows: true,
    });
    expect(result).toMatchObject({
      mode: 'skip_bad_rows',
      rows: { read: 3, applied: 1, skipped: 2 },
      problemCount: 2,
      figureChangeCount: 1,
    });
    expect(messages(result.problems)).toEqual([
      "import.bad_cell: budgets-bad.csv: row 3 column E (Actual): 'n/a' is not a number",
      "import.unknown_reference: budgets-bad.csv: row 4 column A (Initiative): no initiative 'I-NOPE' in the plan",
    ]);
    const plan = await loadPlan(db);
    expect(plan?.initiatives.find((i) => i.id === 'I-ERP')?.budget['2026-Q3']?.actual).toBe(342000);
    // The bad row's good cells did not land either.
    expect(plan?.initiatives.find((i) => i.id === 'I-PROC')?.budget['2026-Q3']).toEqual({
      plan: 90000,
      committed: 60000,
      actual: 45000,
    });
    const [run] = await listImportRuns(db);
    expect(run).toMatchObject({
      outcome: 'applied',
      mode: 'skip_bad_rows',
      rowsSkipped: 2,
      problemCount: 2,
    });
    expect(run?.problems).toHaveLength(2);
  });

  it('refuses two rows that set the same figure, naming both', async () => {
    const csv = 'KPI,Period,Actual\nK-OTD,2026-Q3,96\nK-DOWNTIME,2026-Q3,100\nK-OTD,2026-q3,97\n';
    const error = await refusal(
      importSpreadsheet(ctx, {
        source: 'bi',
        fileName: 'actuals.csv',
        format: 'csv',
        input: { stream: Readable.from([Buffer.from(csv)]) },
        mapping: await fixtureMapping('kpi-actuals.mapping.json'),
        actor: 'test',
      }),
    );
    expect(messages(error.problems)[0]).toBe(
      'import.duplicate_row: actuals.csv: row 4: sets the same figure (kpi K-OTD actual 2026-Q3) as row 2',
    );
  });

  it('names a mapped column the sheet does not have, and the headers it does have', async () => {
    const error = await refusal(
      importFile(ctx, `${SPREADSHEETS}budgets.csv`, {
        source: 'cfo',
        mapping: {
          ...(await figureMapping('budgets.mapping.json')),
          columns: {
            initiative: { header: 'Project' },
            period: { header: 'Period' },
            plan: { header: 'Plan' },
          },
        },
      }),
    );
    expect(messages(error.problems)).toEqual([
      "import.missing_column: budgets.csv: row 1: no column 'Project' (mapped to initiative); the header row has 'Initiative', 'Period', 'Plan', 'Committed', 'Actual'",
    ]);
  });

  it('asks for a mapping when the source has none and the file is not a Jira export', async () => {
    const error = await refusal(
      importFile(ctx, `${SPREADSHEETS}budgets.csv`, { source: 'new-source' }),
    );
    expect(error.code).toBe('import.no_mapping');
    expect(error.message).toMatch(/^budgets\.csv: source 'new-source' has no saved column mapping/);
  });

  it('recomputes signals in the same transaction: an actual below target raises one', async () => {
    const result = await importSpreadsheet(ctx, {
      source: 'bi',
      fileName: 'otd.csv',
      format: 'csv',
      input: { stream: Readable.from([Buffer.from('KPI,Period,Actual\nK-OTD,2026-Q3,85\n')]) },
      mapping: await fixtureMapping('kpi-actuals.mapping.json'),
      actor: 'test',
    });
    expect(result.signals.raised).toEqual(['kpi.misses_target:K-OTD:2026-Q3']);
    expect((await listSignals(db)).map((s) => s.id)).toContain('kpi.misses_target:K-OTD:2026-Q3');
  });

  it("takes Jira's CSV export without a mapping: the ERP-17 slip raises the ERP story's signals", async () => {
    const result = await importFile(ctx, `${SPREADSHEETS}jira-export.erp.csv`, {
      source: 'demo',
      mapping: await fixtureMapping('jira-export.mapping.json'),
    });
    expect(result).toMatchObject({
      kind: 'jira_csv',
      rows: { read: 7, applied: 6, blank: 1 },
      // Only ERP-17 moved since the demo's snapshot; the others are older than what is held.
      workItems: { applied: 1, duplicates: 0, stale: 5 },
    });
    expect(result.signals.raised.sort()).toEqual([
      'capacity.over_allocated:IT:2026-W41',
      'kpi.misses_target:K-SAVINGS:2026-Q4',
      'milestone.slipped:M-GOLIVE',
      // IT's bottleneck moves the maintenance pilot past its plan: the levelled date is the forecast.
      'milestone.slipped:M-PILOT',
      'milestone.slipped:M-PURCH',
    ]);
    expect((await loadWorkItems(db)).find((w) => w.key === 'ERP-17')?.dueDate).toBe('2026-10-23');
    const history = async (): Promise<number> =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM work_item_history'))[0]?.n);
    const afterFirst = await history();

    // Again, now with the saved mapping: every row is a duplicate delivery, nothing doubles.
    const again = await importFile(ctx, `${SPREADSHEETS}jira-export.erp.csv`, { source: 'demo' });
    expect(again.workItems).toEqual({ applied: 0, duplicates: 6, stale: 0 });
    expect(await history()).toBe(afterFirst);
  });

  it('recognises a Jira export when a source has no mapping at all', async () => {
    const result = await importFile(ctx, `${SPREADSHEETS}jira-export.erp.libreoffice.xlsx`, {
      source: 'jira-export',
    });
    expect(result).toMatchObject({ kind: 'jira_csv', workItems: { applied: 6 } });
    expect((await loadWorkItems(db)).filter((w) => w.source === 'jira-export')).toHaveLength(6);
  });

  it('refuses malformed files whole, leaving everything as it was', async () => {
    const before = (await storedState(db)) as { runs: unknown[] };
    const csv = await refusal(
      importFile(ctx, `${SPREADSHEETS}malformed.csv`, {
        source: 'bi',
        mapping: await fixtureMapping('kpi-actuals.mapping.json'),
      }),
    );
    expect(messages(csv.problems)).toEqual([
      'import.bad_file: malformed.csv: row 3: not readable as CSV: a quoted cell is never closed (a " is missing)',
    ]);
    const xlsx = await refusal(
      importFile(ctx, `${SPREADSHEETS}malformed.xlsx`, {
        source: 'cfo',
        mapping: await fixtureMapping('budgets.mapping.json'),
      }),
    );
    expect(xlsx.code).toBe('import.bad_file');
    const after = (await storedState(db)) as { runs: { outcome: string }[] };
    expect({ ...after, runs: before.runs }).toEqual(before);
    expect(after.runs.map((r) => r.outcome)).toEqual(['refused', 'refused']);
  });
});
