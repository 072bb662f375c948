import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { DomainError } from '../../core/errors.ts';

/**
 * Feeds an XLSX file to exceljs' streaming reader in an order it reads safely.
 *
 * The reader (exceljs 4 on unzipper 0.10) reads the zip front to back and takes a sheet at once
 * only when the shared strings came before it; otherwise it parks the sheet in a temporary file.
 * Its zip parser also signals the end as soon as it has *parsed* the end of the archive, not
 * when its entries have been handed on: an entry still waiting in its buffer is then dropped.
 * With a slow consumer (a loaded machine, a parked sheet) shared strings went missing and a
 * later sheet could vanish without an error. LibreOffice writes its sheets before the shared
 * strings, which made this the common case.
 *
 * So, with the file on disk: every part that is not a worksheet goes first (shared strings,
 * the workbook and its relationships among them; an empty shared-strings part is added when a
 * workbook has none), then the worksheets in sheet order, each record copied byte for byte.
 * The central directory that ends the archive is held back until the caller says the last
 * worksheet has been handed on; only then can the parser reach the end.
 */

/** exceljs' own test for a worksheet part. */
const WORKSHEET = /xl\/worksheets\/sheet(\d+)[.]xml/;
const SHARED_STRINGS = 'xl/sharedStrings.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';

interface ZipRecord {
  name: string;
  /** Where its local header starts. */
  start: number;
  /** Where the next record (or the central directory) starts. */
  end: number;
}

export interface OrderedXlsx {
  /** The bytes to give the reader. */
  stream: Readable;
  /** How many worksheets the stream holds. */
  worksheets: number;
  /** Sends the archive's end; call once the last worksheet reader has been handed on. */
  releaseEnd(): void;
  /** Settles when every record but the archive's end has been written. */
  bodyWritten: Promise<void>;
}

/** Opens an XLSX file as a reordered stream (see above); `onBytes` counts the file's bytes. */
export async function orderedXlsxStream(
  path: string,
  file: string,
  onBytes: (n: number) => void = () => undefined,
): Promise<OrderedXlsx> {
  const layout = await readLayout(path, file);
  const names = new Set(layout.records.map((r) => r.name));
  if (!names.has(WORKBOOK_RELS)) {
    throw badFile(file, `it has no ${WORKBOOK_RELS} (is it an XLSX workbook?)`);
  }
  const sheetNumber = (r: ZipRecord): number => Number(WORKSHEET.exec(r.name)?.[1] ?? 0);
  const parts = layout.records.filter((r) => !WORKSHEET.test(r.name));
  const sheets = layout.records
    .filter((r) => WORKSHEET.test(r.name))
    .sort((a, b) => sheetNumber(a) - sheetNumber(b));

  const stream = new PassThrough();
  let release: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    release = resolve;
  });
  // A reader that stops early destroys the stream: nothing more to send.
  stream.once('close', () => release());
  const write = (chunk: Buffer): Promise<void> =>
    new Promise((resolve, reject) => {
      if (stream.destroyed) {
        reject(new Error('the reader stopped'));
        return;
      }
      if (stream.write(chunk)) {
        resolve();
        return;
      }
      const drained = (): void => {
        stream.off('close', closed);
        resolve();
      };
      const closed = (): void => {
        stream.off('drain', drained);
        reject(new Error('the reader stopped'));
      };
      stream.once('drain', drained);
      stream.once('close', closed);
    });
  const copy = async (start: number, end: number): Promise<void> => {
    if (end <= start) return;
    const range = createReadStream(path, { start, end: end - 1 });
    try {
      for await (const chunk of range as AsyncIterable<Buffer>) {
        onBytes(chunk.length);
        await write(chunk);
      }
    } finally {
      range.destroy();
    }
  };
  const body = (async () => {
    for (const part of parts) await copy(part.start, part.end);
    if (!names.has(SHARED_STRINGS)) await write(emptySharedStrings());
    for (const sheet of sheets) await copy(sheet.start, sheet.end);
  })();
  void (async () => {
    try {
      await body;
      await ended;
      await copy(layout.centralDirectory, layout.size);
      stream.end();
    } catch (error) {
      stream.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
  return {
    stream,
    worksheets: sheets.length,
    releaseEnd: () => release(),
    bodyWritten: body.then(
      () => undefined,
      () => undefined,
    ),
  };
}

interface ZipLayout {
  records: ZipRecord[];
  centralDirectory: number;
  size: number;
}

/** Reads the archive's central directory: every record's name and where it lies. */
async function readLayout(path: string, file: string): Promise<ZipLayout> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (head.readUInt32LE(0) !== 0x04034b50) throw badFile(file, 'not a zip archive');
    // The end-of-archive record: 22 bytes and a comment of at most 65,535.
    const tailLength = Math.min(size, 22 + 65_535);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const at = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (at < 0 || at + 22 > tailLength) {
      throw badFile(file, 'the file ends too early (cut off while saving or sending?)');
    }
    const count = tail.readUInt16LE(at + 10);
    const directorySize = tail.readUInt32LE(at + 12);
    const directoryOffset = tail.readUInt32LE(at + 16);
    if (count === 0xffff || directoryOffset === 0xffffffff) {
      throw badFile(file, 'a ZIP64 archive, which is not read here: save it again as .xlsx');
    }
    if (directoryOffset + directorySize > size) {
      throw badFile(file, 'the file ends too early (cut off while saving or sending?)');
    }
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryOffset);
    const starts: { name: string; start: number }[] = [];
    let offset = 0;
    for (let i = 0; i < count; i += 1) {
      if (offset + 46 > directory.length || directory.readUInt32LE(offset) !== 0x02014b50) {
        throw badFile(file, 'its table of contents is damaged');
      }
      const nameLength = directory.readUInt16LE(offset + 28);
      const extraLength = directory.readUInt16LE(offset + 30);
      const commentLength = directory.readUInt16LE(offset + 32);
      const start = directory.readUInt32LE(offset + 42);
      const name = directory.toString('utf8', offset + 46, offset + 46 + nameLength);
      if (start >= directoryOffset) throw badFile(file, 'its table of contents is damaged');
      starts.push({ name, start });
      offset += 46 + nameLength + extraLength + commentLength;
    }
    starts.sort((a, b) => a.start - b.start);
    const records = starts.map((s, i) => ({
      name: s.name,
      start: s.start,
      end: starts[i + 1]?.start ?? directoryOffset,
    }));
    return { records, centralDirectory: directoryOffset, size };
  } finally {
    await handle.close();
  }
}

/** A stored (uncompressed) `xl/sharedStrings.xml` with no strings. */
function emptySharedStrings(): Buffer {
  const name = Buffer.from(SHARED_STRINGS, 'utf8');
  const data = Buffer.from(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
    'utf8',
  );
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(0, 6); // flags
  header.writeUInt16LE(0, 8); // stored
  header.writeUInt16LE(0, 10); // time
  header.writeUInt16LE(0x21, 12); // date: 1980-01-01
  header.writeUInt32LE(crc32(data), 14);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(0, 28);
  return Buffer.concat([header, name, data]);
}

function badFile(file: string, why: string): DomainError {
  return new DomainError({
    code: 'import.bad_file',
    message: `${file}: not readable as an XLSX workbook: ${why}`,
    file,
  });
}
