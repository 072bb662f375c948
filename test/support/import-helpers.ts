import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  importSpreadsheet,
  type ImportResult,
  type ImportSpreadsheetOptions,
} from '../../src/app/import-spreadsheet.ts';
import type { AppContext } from '../../src/app/context.ts';
import {
  parseColumnMapping,
  type ColumnMapping,
  type FigureMapping,
} from '../../src/connectors/spreadsheet/column-mapping.ts';
import type { Database } from '../../src/store/database.ts';
import { emptyTables } from './databases.ts';
import { listImportRuns, loadMapping } from '../../src/store/import-store.ts';
import { listPlanHistory, loadPlan } from '../../src/store/plan-store.ts';
import { listSignals } from '../../src/store/signal-store.ts';
import { loadWorkItems } from '../../src/store/work-item-store.ts';

/** The spreadsheet fixtures (see test/fixtures/spreadsheets/README.md). */
export const SPREADSHEETS = fileURLToPath(new URL('../fixtures/spreadsheets/', import.meta.url));

/** A fixture's mapping, parsed. */
export async function fixtureMapping(name: string): Promise<ColumnMapping> {
  const json: unknown = JSON.parse(await readFile(`${SPREADSHEETS}${name}`, 'utf8'));
  return parseColumnMapping(json, name);
}

/** A fixture's mapping of KPI actuals, budgets or benefits, to change in a test. */
export async function figureMapping(name: string): Promise<FigureMapping> {
  const mapping = await fixtureMapping(name);
  if (mapping.kind === 'jira_csv') throw new Error(`${name} is a Jira CSV mapping`);
  return mapping;
}

/** Imports a file from disk the way the CLI does. */
export async function importFile(
  ctx: AppContext,
  path: string,
  options: Partial<ImportSpreadsheetOptions> & { source: string },
): Promise<ImportResult> {
  return importSpreadsheet(ctx, {
    fileName: basename(path),
    format: path.endsWith('.xlsx') ? 'xlsx' : 'csv',
    input: { path },
    totalBytes: (await stat(path)).size,
    actor: 'test',
    ...options,
  });
}

/** Empties the tables of spreadsheet imports and the push API. */
export async function resetImportTables(db: Database): Promise<void> {
  await emptyTables(db, ['import_mapping', 'import_run', 'idempotency_key']);
}

/** Everything an import may change, to compare before and after. */
export async function storedState(db: Database): Promise<unknown> {
  return {
    plan: await loadPlan(db),
    planHistory: await listPlanHistory(db, 100_000),
    work: await loadWorkItems(db),
    workHistory: await db.query('SELECT * FROM work_item_history ORDER BY seq'),
    deliveries: await db.query('SELECT * FROM ingested_delivery ORDER BY dedupe_key'),
    signals: await listSignals(db, true),
    runs: await listImportRuns(db, { limit: 500 }),
    mappings: await Promise.all(['bi', 'cfo', 'fin', 'demo'].map((s) => loadMapping(db, s))),
  };
}
