import {
  bindJiraCsvHeader,
  looksLikeJiraCsv,
  normalizeJiraCsvRow,
  type JiraCsvBinding,
} from '../connectors/jira/jira-csv.ts';
import { bindColumns, type ColumnBinding } from '../connectors/spreadsheet/column-binding.ts';
import {
  defaultJiraCsvMapping,
  parseColumnMapping,
  type ColumnMapping,
} from '../connectors/spreadsheet/column-mapping.ts';
import { fieldPlace, normalizeFigureRow } from '../connectors/spreadsheet/normalize-figure-row.ts';
import {
  readSpreadsheetRows,
  type SpreadsheetSource,
} from '../connectors/spreadsheet/read-spreadsheet.ts';
import {
  isBlankRow,
  sheetProblem,
  unstorableCell,
  type CellValue,
  type SheetPlace,
  type SheetRow,
  type SpreadsheetFormat,
} from '../connectors/spreadsheet/sheet-row.ts';
import type { WorkItemEvent } from '../core/domain/work-item.ts';
import { DomainError, fail, type Problem } from '../core/errors.ts';
import type { PlanEntityChange } from '../core/plan/diff-plan.ts';
import {
  createFigureEditor,
  type FigureChange,
  type FigureEditor,
} from '../core/plan/plan-figures.ts';
import type { Queryable } from '../store/database.ts';
import { loadMapping, recordImportRun, saveMapping } from '../store/import-store.ts';
import { loadPlan } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, toActor, write, type WriteScope } from './write.ts';
import { writeWorkItemEvents, type IngestCounts } from './ingest-work.ts';
import { commitPlanFigures } from './commit-plan-figures.ts';

/** Rows are taken in chunks: progress is reported, and work items written, once per chunk. */
export const IMPORT_CHUNK_ROWS = 1_000;
/** More rows than any sheet or CSV file holds, to pack a sheet index and a row in one number. */
const ROWS_PER_SHEET = 2 ** 32;
/** Problems kept (and recorded) per import; the rest are counted. */
const KEPT_PROBLEMS = 1_000;
/** Figure changes listed in a result; the rest are counted. */
const LISTED_FIGURE_CHANGES = 200;

export interface ImportProgress {
  rows: number;
  bytes: number;
  totalBytes: number | null;
}

export interface ImportSpreadsheetOptions {
  /** The spreadsheet source (its saved mapping, and the work items' source for Jira CSV). */
  source: string;
  /** The file's name as people know it (no folders): every message names it. */
  fileName: string;
  format: SpreadsheetFormat;
  /** The file on disk (CSV or XLSX), or a stream of CSV text. */
  input: SpreadsheetSource;
  /** The file's size, for progress. */
  totalBytes?: number;
  /** A mapping given with this import; it is saved for the source when the import applies. */
  mapping?: ColumnMapping;
  /** Read only this sheet (XLSX), whatever the mapping says. */
  sheet?: string;
  /** Do all the work, report what would change, change nothing. */
  dryRun?: boolean;
  /** Apply the good rows and report the bad ones, instead of refusing the whole file. */
  skipBadRows?: boolean;
  /** Who imports (a person, or `cli`), and through which door. */
  actor: ActorLike;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  /** The recorded run; null for a dry run, which records nothing. */
  runId: number | null;
  source: string;
  file: string;
  format: SpreadsheetFormat;
  kind: ColumnMapping['kind'];
  dryRun: boolean;
  mode: 'all_or_nothing' | 'skip_bad_rows';
  rows: { read: number; applied: number; skipped: number; blank: number };
  /** Plan entities that changed (KPI actuals, budgets, benefits). */
  changes: Pick<PlanEntityChange, 'collection' | 'id' | 'action' | 'fields'>[];
  /** The figures that moved, the first ones; `figureChangeCount` counts them all. */
  figureChanges: FigureChange[];
  figureChangeCount: number;
  /** Work items (Jira CSV): applied, duplicate deliveries, older than held. */
  workItems: IngestCounts | null;
  /** Bad rows skipped (skip mode), the first ones; `problemCount` counts them all. */
  problems: Problem[];
  problemCount: number;
  signals: SignalSync;
  mappingSaved: boolean;
  durationMs: number;
}

/**
 * Imports a spreadsheet (CSV or XLSX) in one transaction, streaming its rows: KPI actuals,
 * budget lines and benefits land on the plan (diffed, validated, stored with history), Jira
 * CSV rows become work items; signals are recomputed before the commit. Any bad row refuses the
 * whole file unless `skipBadRows`; a crash mid-way leaves the previous state intact.
 */
export async function importSpreadsheet(
  ctx: AppContext,
  options: ImportSpreadsheetOptions,
): Promise<ImportResult> {
  const startedAt = ctx.clock.now();
  const started = performance.now();
  const run = new ImportRunState();
  try {
    // A dry run does all the work, then rolls it back.
    const written = await write(
      ctx,
      options.actor,
      (scope) => importInWrite(scope, options, run, startedAt, started),
      { dryRun: options.dryRun === true },
    );
    return written.value;
  } catch (error) {
    if (error instanceof DomainError && options.dryRun !== true && run.mapping !== null) {
      await recordRefusal(ctx, options, run, error, startedAt);
    }
    throw error;
  }
}

/** What an import has seen so far; kept outside the transaction to record a refusal. */
class ImportRunState {
  mapping: ColumnMapping | null = null;
  rowsRead = 0;
  rowsApplied = 0;
  rowsBlank = 0;
  badRows = 0;
  problemCount = 0;
  readonly problems: Problem[] = [];
  bytes = 0;

  addProblems(problems: readonly Problem[]): void {
    this.badRows += 1;
    this.problemCount += problems.length;
    for (const problem of problems) {
      if (this.problems.length < KEPT_PROBLEMS) this.problems.push(problem);
    }
  }
}

async function importInWrite(
  scope: WriteScope,
  options: ImportSpreadsheetOptions,
  run: ImportRunState,
  startedAt: Date,
  started: number,
): Promise<ImportResult> {
  const { tx } = scope;
  const file = options.fileName;
  let mapping = options.mapping ?? (await savedMapping(tx, options.source));
  run.mapping = mapping;
  const sheets = options.sheet === undefined ? mapping?.sheets : [options.sheet];
  const stored = await loadPlan(tx);
  const receivedAt = scope.at;
  const skipBadRows = options.skipBadRows === true;

  // The figure kinds edit a copy of the plan; Jira CSV rows are written as work items.
  const figures: { editor: FigureEditor | null } = { editor: null };
  // The row that first set each figure, packed into one number (sheet index and row): a
  // 100,000-row import keeps 100,000 of these, and nothing else per row.
  const firstRowOf = new Map<string, number>();
  const sheetNames: (string | null)[] = [];
  const figureChanges: FigureChange[] = [];
  let figureChangeCount = 0;
  let workEvents: WorkItemEvent[] = [];
  const workCounts: IngestCounts = { applied: 0, duplicates: 0, stale: 0 };
  let earliestChange: string | null = null;

  let sheet: string | null | undefined;
  let binding: ColumnBinding | null = null;
  let jiraBinding: JiraCsvBinding | null = null;
  let header: readonly CellValue[] = [];
  let headerFound = false;

  const flushWork = async (): Promise<void> => {
    // In all-or-nothing mode a bad row already dooms the import: stop writing.
    if (workEvents.length > 0 && (skipBadRows || run.badRows === 0)) {
      // Written chunk by chunk; the signals are recomputed once, at the end.
      const written = await writeWorkItemEvents(tx, workEvents, receivedAt);
      workCounts.applied += written.applied;
      workCounts.duplicates += written.duplicates;
      workCounts.stale += written.stale;
      const at = written.earliestChange;
      if (at !== null && (earliestChange === null || Date.parse(at) < Date.parse(earliestChange))) {
        earliestChange = at;
      }
    }
    workEvents = [];
  };

  const takeHeader = (row: SheetRow): void => {
    const place: SheetPlace = { file, sheet: row.sheet, row: row.row };
    if (mapping === null) {
      if (!looksLikeJiraCsv(row.cells)) {
        fail(
          'import.no_mapping',
          `${file}: source '${options.source}' has no saved column mapping, and this is not Jira's CSV export: give one with --mapping FILE.json (see docs/SPREADSHEETS.md)`,
          { file },
        );
      }
      mapping = defaultJiraCsvMapping();
      run.mapping = mapping;
    }
    if (mapping.kind === 'jira_csv') {
      jiraBinding = bindJiraCsvHeader(row.cells, place, mapping);
    } else {
      if (stored === null)
        fail('not_found', 'No plan has been applied yet: apply a plan before importing figures', {
          path: 'plan',
        });
      figures.editor ??= createFigureEditor(stored, mapping.referenceBy);
      binding = bindColumns(mapping, row.cells, place);
    }
    headerFound = true;
  };

  const takeFigureRow = (row: SheetRow): void => {
    const editor = figures.editor;
    if (mapping === null || mapping.kind === 'jira_csv' || binding === null || editor === null)
      return;
    const normalized = normalizeFigureRow(mapping.kind, binding, row, file, mapping.decimal);
    if (normalized.status === 'blank') {
      run.rowsBlank += 1;
      return;
    }
    if (normalized.status === 'bad') {
      run.addProblems(normalized.problems);
      return;
    }
    const resolved = editor.resolve(normalized.update);
    if (!resolved.ok) {
      const place = fieldPlace(binding, resolved.field, row, file);
      const code =
        resolved.reason === 'unknown_reference' ? 'import.unknown_reference' : 'import.bad_cell';
      run.addProblems([sheetProblem(code, place, resolved.message)]);
      return;
    }
    const first = firstRowOf.get(resolved.key);
    if (first !== undefined) {
      const firstSheet = sheetNames[Math.floor(first / ROWS_PER_SHEET)] ?? null;
      const firstRow = first % ROWS_PER_SHEET;
      const where =
        firstSheet === row.sheet
          ? `row ${firstRow}`
          : `sheet '${firstSheet ?? ''}' row ${firstRow}`;
      run.addProblems([
        sheetProblem(
          'import.duplicate_row',
          { file, sheet: row.sheet, row: row.row },
          `sets the same figure (${resolved.key}) as ${where}`,
        ),
      ]);
      return;
    }
    let sheetIndex = sheetNames.indexOf(row.sheet);
    if (sheetIndex < 0) sheetIndex = sheetNames.push(row.sheet) - 1;
    firstRowOf.set(resolved.key, sheetIndex * ROWS_PER_SHEET + row.row);
    const changes = editor.apply(resolved.update);
    figureChangeCount += changes.length;
    for (const change of changes) {
      if (figureChanges.length < LISTED_FIGURE_CHANGES) figureChanges.push(change);
    }
    run.rowsApplied += 1;
  };

  const takeJiraRow = (row: SheetRow): void => {
    if (mapping?.kind !== 'jira_csv' || jiraBinding === null) return;
    const normalized = normalizeJiraCsvRow(jiraBinding, row, {
      source: options.source,
      file,
      timeZone: mapping.timeZone,
      startDateColumn: mapping.startDateColumn,
    });
    if (normalized.status === 'blank') {
      run.rowsBlank += 1;
      return;
    }
    if (normalized.status === 'bad') {
      run.addProblems(normalized.problems);
      return;
    }
    workEvents.push(normalized.event);
    run.rowsApplied += 1;
  };

  const rows = readSpreadsheetRows(options.input, options.format, {
    file,
    onBytes: (n) => {
      run.bytes += n;
    },
    ...(mapping === null ? {} : { delimiter: mapping.delimiter }),
    ...(sheets === undefined ? {} : { sheets }),
  });
  const headerRow = mapping?.headerRow ?? 1;
  const report = (): void =>
    options.onProgress?.({
      rows: run.rowsRead,
      bytes: run.bytes,
      totalBytes: options.totalBytes ?? null,
    });
  try {
    for await (const row of rows) {
      if (row.sheet !== sheet) {
        sheet = row.sheet;
        binding = null;
        jiraBinding = null;
        header = [];
      }
      // Text PostgreSQL cannot store (NUL, lone surrogates) is a bad cell, never a failed write.
      const unstorable = unstorableCell(row, file, header);
      if (binding === null && jiraBinding === null) {
        // The header is the first non-blank row at or below the mapping's header row.
        if (row.row >= headerRow && !isBlankRow(row.cells)) {
          // Its names reach messages and the run log: no row of the sheet reads without it.
          if (unstorable !== null) throw new DomainError(unstorable);
          takeHeader(row);
          header = row.cells;
        }
        continue;
      }
      run.rowsRead += 1;
      if (unstorable !== null) run.addProblems([unstorable]);
      else if (jiraBinding !== null) takeJiraRow(row);
      else takeFigureRow(row);
      if (run.rowsRead % IMPORT_CHUNK_ROWS === 0) {
        await flushWork();
        report();
      }
    }
  } finally {
    // An import that stops early (a missing column, a damaged file) lets go of the file.
    await rows.return(undefined);
  }
  await flushWork();
  report();

  if (!headerFound || mapping === null) {
    fail(
      'import.bad_file',
      `${file}: has no header row${sheets === undefined ? '' : ' in the sheets read'}`,
      { file },
    );
  }
  const kind = mapping.kind;
  if (run.badRows > 0 && !skipBadRows) {
    throw new DomainError(refusalProblems(run, file));
  }

  const at = scope.at;
  let changes: PlanEntityChange[] = [];
  if (figures.editor !== null && stored !== null) {
    changes = await commitPlanFigures(scope, stored, figures.editor.result());
  } else if (workCounts.applied > 0) {
    scope.audit({
      action: 'work.import',
      item: `source/${options.source}`,
      after: { file, ...workCounts },
    });
    scope.derive({ sourceChangedAt: earliestChange, receivedAt: receivedAt.toISOString() });
  }
  const { signals } = await scope.settle();
  const mappingSaved = options.mapping !== undefined;
  if (mappingSaved) {
    await saveMapping(tx, options.source, mapping, at, scope.actor.id);
    scope.audit({ action: 'import.mapping', item: `mapping/${options.source}`, after: mapping });
  }

  const mode = skipBadRows ? 'skip_bad_rows' : 'all_or_nothing';
  const rowsSkipped = run.badRows;
  const finishedAt = scope.at;
  const runId =
    options.dryRun === true
      ? null
      : await recordImportRun(tx, {
          source: options.source,
          file,
          format: options.format,
          kind,
          mode,
          outcome: 'applied',
          startedAt: startedAt.toISOString(),
          finishedAt: finishedAt.toISOString(),
          rowsRead: run.rowsRead,
          rowsApplied: run.rowsApplied,
          rowsSkipped,
          changes: kind === 'jira_csv' ? workCounts.applied : changes.length,
          problemCount: run.problemCount,
          problems: run.problems.slice(0, 100),
          mapping,
          actor: scope.actor.id,
        });
  return {
    runId,
    source: options.source,
    file,
    format: options.format,
    kind,
    dryRun: options.dryRun === true,
    mode,
    rows: {
      read: run.rowsRead,
      applied: run.rowsApplied,
      skipped: rowsSkipped,
      blank: run.rowsBlank,
    },
    changes: changes.map(({ collection, id, action, fields }) => ({
      collection,
      id,
      action,
      fields,
    })),
    figureChanges,
    figureChangeCount,
    workItems: kind === 'jira_csv' ? workCounts : null,
    problems: run.problems.slice(0, 100),
    problemCount: run.problemCount,
    signals,
    mappingSaved: mappingSaved && options.dryRun !== true,
    durationMs: performance.now() - started,
  };
}

/** The problems of a refused import: the first ones met, then one line that sums up. */
function refusalProblems(run: ImportRunState, file: string): Problem[] {
  const listed = run.problems.slice(0, 100);
  const unlisted = run.problemCount - listed.length;
  return [
    ...listed,
    {
      code: 'import.rows_refused',
      message: `${file}: ${run.badRows.toLocaleString('en-US')} of ${run.rowsRead.toLocaleString('en-US')} rows are bad${unlisted > 0 ? ` (${unlisted.toLocaleString('en-US')} further problems not listed)` : ''}; nothing was imported. Fix them, or import the good rows with --skip-bad-rows (skipBadRows=true)`,
      file,
    },
  ];
}

async function savedMapping(tx: Queryable, source: string): Promise<ColumnMapping | null> {
  const saved = await loadMapping(tx, source);
  if (saved === null) return null;
  return parseColumnMapping(saved.mapping, `the saved mapping of source '${source}'`);
}

async function recordRefusal(
  ctx: AppContext,
  options: ImportSpreadsheetOptions,
  run: ImportRunState,
  error: DomainError,
  startedAt: Date,
): Promise<void> {
  const mapping = run.mapping;
  if (mapping === null) return;
  // The refusal is a write of its own: the import's was rolled back.
  await write(ctx, options.actor, async ({ tx, at, audit }) => {
    audit({
      action: 'import.refused',
      item: `source/${options.source}`,
      after: { file: options.fileName, problems: error.problems.length },
    });
    await recordImportRun(tx, {
      source: options.source,
      file: options.fileName,
      format: options.format,
      kind: mapping.kind,
      mode: options.skipBadRows === true ? 'skip_bad_rows' : 'all_or_nothing',
      outcome: 'refused',
      startedAt: startedAt.toISOString(),
      finishedAt: at.toISOString(),
      rowsRead: run.rowsRead,
      rowsApplied: 0,
      rowsSkipped: 0,
      changes: 0,
      problemCount: run.problemCount > 0 ? run.problemCount : error.problems.length,
      problems: error.problems.slice(0, 101),
      mapping,
      actor: toActor(options.actor).id,
    });
  });
}
