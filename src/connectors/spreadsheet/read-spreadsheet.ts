import { createReadStream } from 'node:fs';
import { pipeline, Transform, type Readable } from 'node:stream';
import { DomainError } from '../../core/errors.ts';
import { readCsvRows } from './read-csv.ts';
import { readXlsxRows } from './read-xlsx.ts';
import type { SheetRow, SpreadsheetFormat } from './sheet-row.ts';

/** Where a spreadsheet's bytes are: a file on disk (any format), or a stream (CSV only). */
export type SpreadsheetSource = { path: string } | { stream: Readable };

export interface SpreadsheetReadOptions {
  file: string;
  /** CSV only. */
  delimiter?: string;
  /** XLSX only: sheet names or `*`; the first sheet when absent. */
  sheets?: readonly string[] | '*';
  /** Counts the bytes read (progress). */
  onBytes?: (n: number) => void;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * The format of a file, from its first bytes (an XLSX workbook is a zip archive) and its
 * name. A declared format that the bytes contradict is refused with `import.bad_file`, as is
 * the old binary `.xls` format.
 */
export function detectFormat(
  file: string,
  head: Uint8Array,
  declared?: SpreadsheetFormat,
): SpreadsheetFormat {
  const bytes = Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 4));
  if (bytes.equals(OLE_MAGIC)) {
    throw new DomainError({
      code: 'import.bad_file',
      message: `${file}: an old binary Excel file (.xls); save it as .xlsx or .csv`,
      file,
    });
  }
  const zip = bytes.equals(ZIP_MAGIC);
  if (declared === 'csv' && zip) {
    throw new DomainError({
      code: 'import.bad_file',
      message: `${file}: is an XLSX workbook (a zip archive), not CSV text`,
      file,
    });
  }
  if (declared === 'xlsx' && !zip) {
    throw new DomainError({
      code: 'import.bad_file',
      message: `${file}: is not an XLSX workbook (an XLSX file is a zip archive)`,
      file,
    });
  }
  if (declared !== undefined) return declared;
  if (zip || /\.xlsx$/i.test(file)) return 'xlsx';
  return 'csv';
}

/** Streams the rows of a CSV file or an XLSX workbook (which must be on disk). */
export function readSpreadsheetRows(
  source: SpreadsheetSource,
  format: SpreadsheetFormat,
  options: SpreadsheetReadOptions,
): AsyncGenerator<SheetRow> {
  if (format === 'csv') {
    const input = 'stream' in source ? source.stream : createReadStream(source.path);
    return readCsvRows(countBytes(input, options.onBytes), {
      file: options.file,
      ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    });
  }
  if (!('path' in source)) throw new TypeError('an XLSX workbook is read from a file on disk');
  return readXlsxRows(source.path, {
    file: options.file,
    ...(options.sheets === undefined ? {} : { sheets: options.sheets }),
    ...(options.onBytes === undefined ? {} : { onBytes: options.onBytes }),
  });
}

/** Passes a stream through, counting its bytes; an error of the source reaches the reader. */
function countBytes(input: Readable, onBytes: ((n: number) => void) | undefined): Readable {
  if (onBytes === undefined) return input;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  pipeline(input, counter, () => undefined);
  return counter;
}
