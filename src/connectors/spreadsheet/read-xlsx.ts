import ExcelJS from 'exceljs';
import { DomainError } from '../../core/errors.ts';
import type { CellValue, SheetRow } from './sheet-row.ts';
import { orderedXlsxStream } from './xlsx-zip-order.ts';

export interface XlsxReadOptions {
  /** The file's name, for messages. */
  file: string;
  /**
   * Which sheets to read, by name; `*` for every sheet. When absent, the first sheet only.
   */
  sheets?: readonly string[] | '*';
  /**
   * How long the reader may go without producing a row once the whole file has been read
   * before the workbook counts as damaged. Some damaged zips make exceljs wait forever.
   */
  stallMs?: number;
  /** Counts the file's bytes as they are read (progress). */
  onBytes?: (n: number) => void;
}

const STALL_MS = 10_000;

class ReadStalled extends Error {}

/** The parts of exceljs' streaming worksheet reader that its type declarations leave out. */
interface NamedWorksheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}

/**
 * Streams the rows of an XLSX workbook on disk with exceljs' streaming reader, fed in an order
 * it reads safely (see `xlsx-zip-order.ts`): sheets are read as the zip is unpacked, so a
 * workbook of 100,000 rows never sits in memory whole. Formula cells give their cached result,
 * rich text its plain text, error cells their code (`#DIV/0!`), date-formatted cells a Date.
 * A file that is not a workbook fails with `import.bad_file`; a sheet asked for by name that
 * the workbook lacks fails with `import.unknown_sheet`, listing the sheets it has.
 */
export async function* readXlsxRows(
  path: string,
  options: XlsxReadOptions,
): AsyncGenerator<SheetRow> {
  const wanted = options.sheets;
  const seen: string[] = [];
  const found = new Set<string>();
  const ordered = await orderedXlsxStream(path, options.file, options.onBytes);
  const input = ordered.stream;
  if (ordered.worksheets === 0) ordered.releaseEnd();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    // Styles say which numbers are dates.
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const guard = stallGuard(ordered.bodyWritten, options.stallMs ?? STALL_MS);
  try {
    const sheetReaders = (reader as AsyncIterable<NamedWorksheetReader>)[Symbol.asyncIterator]();
    for (;;) {
      const nextSheet = await guard(sheetReaders.next());
      if (nextSheet.done === true) break;
      const sheetReader = nextSheet.value;
      const name = sheetReader.name ?? `Sheet${seen.length + 1}`;
      seen.push(name);
      // Every worksheet has been handed on: the parser may now reach the archive's end.
      if (seen.length === ordered.worksheets) ordered.releaseEnd();
      const take =
        wanted === '*' ||
        (wanted === undefined
          ? name === firstTab(reader, seen)
          : wanted.some((w) => sameName(w, name)));
      if (!take) continue;
      found.add(name);
      const rows = sheetReader[Symbol.asyncIterator]();
      for (;;) {
        const next = await guard(rows.next());
        if (next.done === true) break;
        yield { sheet: name, row: next.value.number, cells: cellsOf(next.value, options.file) };
      }
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (error instanceof ReadStalled) {
      throw new DomainError({
        code: 'import.bad_file',
        message: `${options.file}: not readable as an XLSX workbook: its data is damaged (the reader stopped making progress)`,
        file: options.file,
      });
    }
    throw new DomainError({
      code: 'import.bad_file',
      message: `${options.file}: not readable as an XLSX workbook: ${xlsxReason(error)}`,
      file: options.file,
    });
  } finally {
    input.destroy();
  }
  if (seen.length === 0) {
    throw new DomainError({
      code: 'import.bad_file',
      message: `${options.file}: not an XLSX workbook, or one without sheets`,
      file: options.file,
    });
  }
  if (wanted !== undefined && wanted !== '*') {
    const missing = wanted.filter((w) => ![...found].some((name) => sameName(w, name)));
    if (missing.length > 0) {
      throw new DomainError(
        missing.map((sheet) => ({
          code: 'import.unknown_sheet' as const,
          message: `${options.file}: no sheet '${sheet}'; the workbook has ${seen.map((s) => `'${s}'`).join(', ')}`,
          file: options.file,
          path: `'${sheet}'`,
        })),
      );
    }
  }
}

/**
 * Races each step of the reader against a timer that runs only once the whole file has been
 * handed to the reader: from then on every step is local work, and one that does not come is
 * a hang.
 */
function stallGuard(fileRead: Promise<void>, ms: number): <T>(step: Promise<T>) => Promise<T> {
  let ended = false;
  const waiting = new Set<() => void>();
  void fileRead.then(() => {
    ended = true;
    for (const arm of waiting) arm();
  });
  return async <T>(step: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    let arm: (() => void) | undefined;
    const stalled = new Promise<never>((_resolve, reject) => {
      arm = () => {
        timer = setTimeout(() => reject(new ReadStalled()), ms);
      };
      if (ended) arm();
      else waiting.add(arm);
    });
    try {
      return await Promise.race([step, stalled]);
    } finally {
      clearTimeout(timer);
      if (arm !== undefined) waiting.delete(arm);
    }
  };
}

function xlsxReason(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  if (reason === 'FILE_ENDED') return 'the file ends too early (cut off while saving or sending?)';
  if (reason.startsWith('invalid signature')) return `not a zip archive (${reason})`;
  return reason;
}

/** The first sheet in the workbook's own tab order (known once workbook.xml has been read). */
function firstTab(reader: unknown, seen: readonly string[]): string | undefined {
  const model = (reader as { model?: { sheets?: { name?: string }[] } }).model;
  return model?.sheets?.[0]?.name ?? seen[0];
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

function cellsOf(row: ExcelJS.Row, file: string): CellValue[] {
  const values = row.values;
  const cells: CellValue[] = [];
  if (!Array.isArray(values)) return cells;
  // exceljs counts columns from 1: index 0 is always empty.
  for (let index = 1; index < values.length; index += 1) {
    const value: unknown = values[index];
    // A shared string the reader could not resolve: loud, rather than an empty cell.
    if (typeof value === 'object' && value !== null && 'sharedString' in value) {
      throw new DomainError({
        code: 'import.bad_file',
        message: `${file}: not readable as an XLSX workbook: row ${row.number} refers to shared string ${String(value.sharedString)}, which the workbook does not have`,
        file,
      });
    }
    cells.push(plainValue(values[index]));
  }
  return cells;
}

/** A cell's value in the reader's terms, as a plain value. */
export function plainValue(value: ExcelJS.CellValue | undefined): CellValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return value;
  }
  if (value instanceof Date) return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value) return value.text;
  if ('error' in value) return value.error;
  if ('formula' in value || 'sharedFormula' in value) {
    const result = value.result;
    if (result === undefined) return null;
    if (typeof result === 'object' && !(result instanceof Date)) return result.error;
    // The streaming reader reads a cached error (#DIV/0!) of a formula as a number: NaN.
    if (typeof result === 'number' && Number.isNaN(result)) return '#ERROR (formula)';
    return result;
  }
  return null;
}
