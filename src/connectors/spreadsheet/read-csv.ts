import { isUtf8 } from 'node:buffer';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
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
  info: { records: number; lines: number; bytes: number };
  record: string[];
}

/** Where a CSV file stops being UTF-8. */
interface InvalidUtf8 {
  /** 0-based offset of the first byte that is not UTF-8. */
  offset: number;
  /** 1-based line of that byte. */
  line: number;
  /** True when the byte starts a line (the record before it is whole). */
  atLineStart: boolean;
  /** The file starts with a UTF-16 byte-order mark. */
  utf16: boolean;
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
  // csv-parse would read bytes that are not UTF-8 as U+FFFD, silently: they are checked first,
  // and only the bytes before the first bad one reach the parser.
  const utf8 = strictUtf8();
  const checked = input.pipe(utf8.transform);
  input.once('error', (error) => checked.destroy(error));
  const parser = checked.pipe(
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
  checked.once('error', (error) => parser.destroy(error));
  let records = 0;
  try {
    for await (const entry of parser as AsyncIterable<CsvRecordWithInfo>) {
      const invalid = utf8.invalid();
      // The record cut short by the bad byte: the row to name.
      if (invalid !== null && !invalid.atLineStart && entry.info.bytes >= invalid.offset) {
        throw notUtf8(options.file, entry.info.records, invalid);
      }
      records = entry.info.records;
      yield { sheet: null, row: entry.info.records, cells: entry.record };
    }
    const invalid = utf8.invalid();
    if (invalid !== null) throw notUtf8(options.file, records + 1, invalid);
  } catch (error) {
    const invalid = utf8.invalid();
    if (invalid !== null && !(error instanceof DomainError)) {
      // The cut left a quote open, say: the bytes are what is wrong.
      throw notUtf8(options.file, records + 1, invalid);
    }
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
    checked.destroy();
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

function notUtf8(file: string, row: number, invalid: InvalidUtf8): DomainError {
  const where = `byte ${(invalid.offset + 1).toLocaleString('en-US')} (line ${invalid.line.toLocaleString('en-US')})`;
  const what = invalid.utf16
    ? 'the file is UTF-16 text, not UTF-8'
    : `the text is not valid UTF-8 at ${where}`;
  return new DomainError(
    sheetProblem(
      'import.bad_file',
      { file, sheet: null, row },
      `not readable as CSV: ${what}; save it as "CSV UTF-8"`,
    ),
  );
}

/**
 * Passes on a stream's bytes while they are UTF-8, and stops at the first byte that is not
 * (an invalid or overlong sequence, a surrogate, a sequence cut off at the end), remembering
 * where it is.
 */
function strictUtf8(): { transform: Transform; invalid: () => InvalidUtf8 | null } {
  let invalid: InvalidUtf8 | null = null;
  let carry: Buffer = Buffer.alloc(0);
  let offset = 0;
  let line = 1;
  let lastByte = 0x0a;
  const stop = (bytes: Buffer, bad: number): Buffer => {
    const valid = bytes.subarray(0, bad);
    const first = offset === 0 && bytes.length >= 2;
    invalid = {
      offset: offset + bad,
      line: line + countNewlines(valid),
      atLineStart: (bad === 0 ? lastByte : valid[bad - 1]) === 0x0a,
      utf16:
        first &&
        ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)),
    };
    return valid;
  };
  const pass = (bytes: Buffer): void => {
    line += countNewlines(bytes);
    offset += bytes.length;
    if (bytes.length > 0) lastByte = bytes[bytes.length - 1] ?? lastByte;
  };
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (invalid !== null) {
        done();
        return;
      }
      const bytes = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      const whole = bytes.length - incompleteTail(bytes);
      const head = bytes.subarray(0, whole);
      if (isUtf8(head)) {
        carry = Buffer.from(bytes.subarray(whole));
        pass(head);
        done(null, head);
        return;
      }
      const valid = stop(bytes, firstInvalidUtf8(bytes));
      done(null, valid);
    },
    flush(done: TransformCallback) {
      if (invalid === null && carry.length > 0) stop(carry, 0);
      done();
    },
  });
  return { transform, invalid: () => invalid };
}

function countNewlines(bytes: Buffer): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) count += 1;
  return count;
}

/** The length of a multi-byte sequence begun but not finished at the end of `bytes`. */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back] ?? 0;
    if (byte < 0x80) return 0;
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Buffer): number {
  let at = 0;
  while (at < bytes.length) {
    const byte = bytes[at] ?? 0;
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (byte < 0x80) length = 1;
    else if (byte >= 0xc2 && byte <= 0xdf) length = 2;
    else if (byte >= 0xe0 && byte <= 0xef) {
      length = 3;
      if (byte === 0xe0) low = 0xa0;
      if (byte === 0xed) high = 0x9f;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      length = 4;
      if (byte === 0xf0) low = 0x90;
      if (byte === 0xf4) high = 0x8f;
    } else return at;
    for (let i = 1; i < length; i += 1) {
      const next = bytes[at + i];
      if (next === undefined) return at;
      if (i === 1 ? next < low || next > high : next < 0x80 || next > 0xbf) return at;
    }
    at += length;
  }
  return at;
}
