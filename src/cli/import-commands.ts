import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  importSpreadsheet,
  type ImportProgress,
  type ImportResult,
} from '../app/import-spreadsheet.ts';
import {
  parseColumnMapping,
  type ColumnMapping,
} from '../connectors/spreadsheet/column-mapping.ts';
import { detectFormat } from '../connectors/spreadsheet/read-spreadsheet.ts';
import type { FigureChange } from '../core/plan/plan-figures.ts';
import { DomainError, fail, type Problem } from '../core/errors.ts';
import type { CommandKit } from './main.ts';
import { printJson, type Output } from './output.ts';
import { withApp } from './with-app.ts';

interface ImportFlags {
  source: string;
  mapping?: string;
  sheet?: string;
  dryRun?: boolean;
  skipBadRows?: boolean;
  progress?: boolean;
}

/** `import FILE --source ID`: a spreadsheet in, in one transaction, with a progress bar. */
export function registerImportCommands(program: Command, kit: CommandKit): void {
  program
    .command('import')
    .description(
      'import a spreadsheet (CSV or XLSX): KPI actuals, budgets or benefits with a column mapping, or a Jira CSV export',
    )
    .argument('<file>', 'the .csv or .xlsx file')
    .requiredOption('--source <id>', 'the spreadsheet source: its saved mapping is used')
    .option(
      '--mapping <file.json>',
      'a column mapping; saved for the source when the import applies',
    )
    .option('--sheet <name>', 'read only this sheet (XLSX)')
    .option('--dry-run', 'show what would change; change nothing')
    .option(
      '--skip-bad-rows',
      'import the good rows and report the bad ones (default: any bad row refuses the file)',
    )
    .option('--progress', 'print progress lines on stderr even when it is not a terminal')
    .action(async (file: string, flags: ImportFlags) => {
      try {
        await runImport(kit, file, flags);
      } catch (error) {
        throw withPlainPlaces(error);
      }
    });
}

async function runImport(kit: CommandKit, file: string, flags: ImportFlags): Promise<void> {
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(flags.source)) {
    fail(
      'request.invalid',
      `--source '${flags.source}': use letters, digits, '_', '.' or '-' (at most 64)`,
      {
        path: '--source',
      },
    );
  }
  const fileName = basename(file);
  const size = await fileSize(file);
  const mapping = flags.mapping === undefined ? undefined : await readMapping(flags.mapping);
  const format = detectFormat(fileName, await readHead(file));
  const progress = startProgress(kit, fileName, size, flags.progress === true);
  let result: ImportResult;
  try {
    result = await withApp(kit, (ctx) =>
      importSpreadsheet(ctx, {
        source: flags.source,
        fileName,
        format,
        input: { path: file },
        totalBytes: size,
        ...(mapping === undefined ? {} : { mapping }),
        ...(flags.sheet === undefined ? {} : { sheet: flags.sheet }),
        dryRun: flags.dryRun === true,
        skipBadRows: flags.skipBadRows === true,
        actor: 'cli',
        onProgress: progress.update,
      }),
    );
  } finally {
    progress.stop();
  }
  if (kit.json()) {
    printJson(kit.output, { ...result, durationMs: Math.round(result.durationMs * 100) / 100 });
    return;
  }
  printSummary(kit.output, result);
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    return info.size;
  } catch {
    throw new DomainError({ code: 'file.not_found', message: `cannot read '${file}'`, file });
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const head = new Uint8Array(4);
    await handle.read(head, 0, 4, 0);
    return head;
  } finally {
    await handle.close();
  }
}

async function readMapping(file: string): Promise<ColumnMapping> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DomainError({ code: 'file.not_found', message: `cannot read '${file}'`, file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError({
      code: 'import.bad_mapping',
      message: `${file}: not JSON: ${reason}`,
      file,
    });
  }
  return parseColumnMapping(json, basename(file));
}

interface ProgressReporter {
  update: (progress: ImportProgress) => void;
  stop: () => void;
}

/**
 * A progress bar on stderr when it is a terminal; with `--progress`, plain lines (one per 10 %
 * or 10,000 rows) for logs; otherwise nothing.
 */
function startProgress(
  kit: CommandKit,
  fileName: string,
  size: number,
  lines: boolean,
): ProgressReporter {
  if (process.stderr.isTTY && !kit.json()) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: `importing ${fileName} [{bar}] {percentage}% | {rows} rows`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(Math.max(size, 1), 0, { rows: '0' });
    return {
      update: (p) =>
        bar.update(Math.min(p.bytes, Math.max(size, 1)), { rows: p.rows.toLocaleString('en-US') }),
      stop: () => bar.stop(),
    };
  }
  if (!lines) return { update: () => undefined, stop: () => undefined };
  let lastShare = -1;
  let lastRows = 0;
  return {
    update: (p) => {
      const share = size === 0 ? 100 : Math.floor((Math.min(p.bytes, size) / size) * 10) * 10;
      if (share > lastShare || p.rows - lastRows >= 10_000) {
        lastShare = share;
        lastRows = p.rows;
        kit.output.err(
          `import: ${p.rows.toLocaleString('en-US')} rows read (${share}% of ${fileName})`,
        );
      }
    },
    stop: () => undefined,
  };
}

function figure(value: number | string | null): string {
  if (value === null) return '—';
  return typeof value === 'number'
    ? value.toLocaleString('en-US', { maximumFractionDigits: 4 })
    : value;
}

function describeChange(change: FigureChange): string {
  const period = change.period === undefined ? '' : ` ${change.period}`;
  return `${change.id} ${change.field}${period}: ${figure(change.from)} → ${figure(change.to)}`;
}

const LISTED = 20;

function printSummary(output: Output, result: ImportResult): void {
  const { rows } = result;
  output.out(
    `${result.dryRun ? 'dry run: ' : ''}${result.file} (${result.format}, ${result.kind.replace('_', ' ')}) from source ${result.source}: ${rows.read.toLocaleString('en-US')} rows read, ${rows.applied.toLocaleString('en-US')} applied, ${rows.skipped.toLocaleString('en-US')} skipped${rows.blank > 0 ? `, ${rows.blank} blank` : ''}`,
  );
  if (result.workItems !== null) {
    const w = result.workItems;
    output.out(
      `work items: ${w.applied} applied, ${w.duplicates} duplicate, ${w.stale} older than what we hold`,
    );
  } else {
    output.out(
      result.figureChangeCount === 0
        ? 'figures: nothing changed'
        : `figures ${result.dryRun ? 'that would change' : 'changed'}: ${result.figureChangeCount.toLocaleString('en-US')}`,
    );
    for (const change of result.figureChanges.slice(0, LISTED))
      output.out(`  ${describeChange(change)}`);
    if (result.figureChangeCount > LISTED) {
      output.out(
        `  … and ${(result.figureChangeCount - LISTED).toLocaleString('en-US')} more (--json lists the first 200)`,
      );
    }
  }
  for (const problem of result.problems.slice(0, LISTED)) {
    output.err(`skipped ${problem.code}: ${problem.message}`);
  }
  if (result.problemCount > LISTED) {
    output.err(
      `skipped: ${(result.problemCount - LISTED).toLocaleString('en-US')} more problems (--json lists the first 100)`,
    );
  }
  const { raised, changed, resolved } = result.signals;
  if (raised.length > 0) output.out(`signals raised: ${raised.join(', ')}`);
  if (changed.length > 0) output.out(`signals changed: ${changed.join(', ')}`);
  if (resolved.length > 0) output.out(`signals resolved: ${resolved.join(', ')}`);
  if (result.mappingSaved) output.out(`column mapping saved for source ${result.source}`);
  output.out(
    result.dryRun ? 'dry run: nothing was changed' : `import #${result.runId ?? '?'} recorded`,
  );
}

/**
 * Import problems name their place in full in the message (`budgets.xlsx: sheet 'Q4' row 17
 * column C (actual): …`); the CLI prints that message alone rather than the place twice.
 */
function withPlainPlaces(error: unknown): unknown {
  if (!(error instanceof DomainError)) return error;
  if (!error.problems.some((p) => p.code.startsWith('import.'))) return error;
  return new DomainError(
    error.problems.map((p): Problem =>
      p.code.startsWith('import.') ? { code: p.code, message: p.message } : p,
    ),
  );
}
