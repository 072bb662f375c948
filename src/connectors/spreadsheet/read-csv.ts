import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { DomainError } from '../../core/errors.ts';
import { sheetProblem, type SheetRow } from './sheet-row.ts';

export interface CsvReadOptions {
  /** The file's name, for messages. */
  file: string;
  /** The field separator; `,` when absent. */
  delimiter?: string;
}

const MAX_ROW_CHARACTERS = 1_000_000;

/** What csv-parse hands on with `info: true`. */
interface CsvRecordWithInfo {
  info: { records: number; lines: number };
  record: string[];
}

/**
 * Streams the rows of a CSV file: one row at a time, never the whole file. Row numbers are
 * record numbers (the header is row 1), as a spreadsheet program shows them, even when a
 * quoted cell spans several lines. A byte-order mark is dropped; malformed quoting fails with
 * `import.bad_file` naming the row.
 */
export async function* readCsvRows(
  input: Readable,
  options: CsvReadOptions,
): AsyncGenerator<SheetRow> {
  const parser = input.pipe(
    parse({
      bom: true,
      delimiter: options.delimiter ?? ',',
      relax_column_count: true,
      skip_empty_lines: false,
      info: true,
      // A binary file read as CSV must not grow one endless row in memory.
      max_record_size: MAX_ROW_CHARACTERS,
    }),
  );
  // A read error of the file itself reaches the parser as an error too.
  input.once('error', (error) => parser.destroy(error));
  try {
    for await (const entry of parser as AsyncIterable<CsvRecordWithInfo>) {
      yield { sheet: null, row: entry.info.records, cells: entry.record };
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const records = typeof error.records === 'number' ? error.records : 0;
      throw new DomainError(
        sheetProblem(
          'import.bad_file',
          { file: options.file, sheet: null, row: records + 1 },
          `not readable as CSV: ${csvReason(error)}`,
        ),
      );
    }
    if (error instanceof DomainError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError({
      code: 'import.bad_file',
      message: `${options.file}: cannot be read: ${reason}`,
      file: options.file,
    });
  } finally {
    // A reader that stops early lets go of the file.
    if (!parser.destroyed) parser.destroy();
    input.destroy();
  }
}

function csvReason(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell is never closed (a " is missing)';
    case 'INVALID_OPENING_QUOTE':
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quote (") inside a cell that is not quoted as a whole; quote the cell and double the inner quotes';
    case 'CSV_MAX_RECORD_SIZE':
      return `a row is longer than ${MAX_ROW_CHARACTERS.toLocaleString('en-US')} characters (is it a CSV file?)`;
    default:
      return error.message;
  }
}
