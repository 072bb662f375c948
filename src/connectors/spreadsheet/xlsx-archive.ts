import { open as openFile } from 'node:fs/promises';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createInflateRaw, crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { DomainError } from '../../core/errors.ts';

/**
 * An XLSX workbook's zip archive, read through its table of contents (yauzl): any part can be
 * streamed in any order, so the reader takes the workbook, shared strings and styles first and
 * then the sheets, without parking anything. Every part read is checked whole — its inflated
 * size against the one the archive declares, its CRC-32 at its end — and parts that would
 * inflate to far more than they hold (a "zip bomb") are refused before a byte is inflated.
 */

/** Largest part read: a sheet of Excel's 1,048,576 rows of plain figures stays below it. */
export const MAX_PART_BYTES = 1024 ** 3;
/**
 * Above this size, a part may inflate to at most {@link MAX_INFLATE_RATIO} times its compressed
 * size. Sheet XML compresses 5–30 times; a zip bomb a thousand times.
 */
const RATIO_GRACE_BYTES = 16 * 1024 ** 2;
/** As Apache POI's ZipSecureFile (a minimum inflate ratio of 0.01). */
export const MAX_INFLATE_RATIO = 100;
/** More parts than any workbook has. */
const MAX_ENTRIES = 100_000;

const ZIP_MAGIC = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

/** A part whose bytes do not read: the reader names the part (and the sheet and row). */
export class DamagedPart extends Error {
  constructor(
    readonly part: string,
    readonly reason: string,
  ) {
    super(`${part}: ${reason}`);
  }
}

export interface XlsxArchive {
  /** True when the archive holds a part of that name. */
  has(name: string): boolean;
  /** The part's size once inflated, as the archive declares it (checked while reading). */
  size(name: string): number;
  /** The part's inflated bytes; the stream fails with {@link DamagedPart} where they do not read. */
  open(name: string): Promise<Readable>;
  /** Reads every part not read yet to its end, checking sizes and CRCs. */
  verifyRest(): Promise<void>;
  close(): void;
}

/** Opens an XLSX file's archive; `onBytes` counts the file's bytes as parts are read. */
export async function openXlsxArchive(
  path: string,
  file: string,
  onBytes: (n: number) => void = () => undefined,
): Promise<XlsxArchive> {
  await checkMagic(path, file);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, {
      lazyEntries: true,
      autoClose: false,
      strictFileNames: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw badFile(file, archiveReason(error));
  }
  const entries = new Map<string, yauzl.Entry>();
  try {
    if (zip.entryCount > MAX_ENTRIES) {
      throw badFile(file, `it holds ${zip.entryCount} parts (a workbook has a few dozen)`);
    }
    for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
  } catch (error) {
    zip.close();
    if (error instanceof DomainError) throw error;
    throw badFile(file, archiveReason(error));
  }
  const read = new Set<string>();

  const entryOf = (name: string): yauzl.Entry => {
    const entry = entries.get(name);
    if (entry === undefined) throw new DamagedPart(name, 'the archive has no such part');
    return entry;
  };

  const open = async (name: string): Promise<Readable> => {
    const entry = entryOf(name);
    read.add(name);
    const why = refusal(entry);
    if (why !== null) throw new DamagedPart(name, why);
    let raw: Readable;
    try {
      raw = await zip.openReadStreamPromise(entry, { decodeFileData: false });
    } catch (error) {
      throw new DamagedPart(name, archiveReason(error));
    }
    const counted = raw.pipe(countBytes(onBytes));
    raw.once('error', (error) => counted.destroy(new DamagedPart(name, archiveReason(error))));
    if (entry.compressionMethod === STORED) return checkWhole(counted, entry);
    const inflate = createInflateRaw();
    counted.pipe(inflate);
    counted.once('error', (error) => inflate.destroy(error));
    inflate.once('error', () => counted.destroy());
    return checkWhole(inflate, entry);
  };

  return {
    has: (name) => entries.has(name),
    size: (name) => entryOf(name).uncompressedSize,
    open,
    verifyRest: async () => {
      for (const [name, entry] of entries) {
        // Folders, and parts in a form we do not read (nothing the import needs).
        if (read.has(name) || name.endsWith('/') || refusal(entry) !== null) continue;
        const stream = await open(name);
        for await (const chunk of stream as AsyncIterable<Buffer>) void chunk;
      }
    },
    close: () => zip.close(),
  };
}

/** Why a part is not read, or null: encrypted, an unknown compression, a zip bomb. */
function refusal(entry: yauzl.Entry): string | null {
  if (entry.isEncrypted()) return 'it is encrypted (save the workbook without a password)';
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    return `it is compressed with method ${entry.compressionMethod}, which is not read here (save it again as .xlsx)`;
  }
  const size = entry.uncompressedSize;
  if (size > MAX_PART_BYTES) {
    return `it would unpack to ${mb(size)} (more than ${mb(MAX_PART_BYTES)}): refused as a possible zip bomb`;
  }
  if (size > RATIO_GRACE_BYTES && size > entry.compressedSize * MAX_INFLATE_RATIO) {
    return `it would unpack to ${mb(size)} from ${mb(entry.compressedSize)} (more than ${MAX_INFLATE_RATIO} times): refused as a possible zip bomb`;
  }
  return null;
}

function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

/**
 * Passes a part's inflated bytes on while counting them and their CRC-32: more bytes than
 * declared fail at once (an inflating bomb stops there), and at the end the size and the
 * checksum must match the archive's, or the part is damaged.
 */
function checkWhole(input: Readable, entry: yauzl.Entry): Readable {
  const name = entry.fileName;
  let size = 0;
  let crc = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      size += chunk.length;
      if (size > entry.uncompressedSize) {
        done(
          new DamagedPart(
            name,
            `it unpacks to more than the ${entry.uncompressedSize} bytes the archive declares`,
          ),
        );
        return;
      }
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      if (size !== entry.uncompressedSize) {
        done(
          new DamagedPart(
            name,
            `it ends after ${size} of the ${entry.uncompressedSize} bytes the archive declares`,
          ),
        );
        return;
      }
      if (crc >>> 0 !== entry.crc32 >>> 0) {
        done(new DamagedPart(name, 'its checksum (CRC-32) does not match: the data is corrupted'));
        return;
      }
      done();
    },
  });
  input.once('error', (error) =>
    check.destroy(
      error instanceof DamagedPart ? error : new DamagedPart(name, inflateReason(error)),
    ),
  );
  check.once('close', () => input.destroy());
  return input.pipe(check);
}

function countBytes(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

async function checkMagic(path: string, file: string): Promise<void> {
  const handle = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead < 4 || head.readUInt32LE(0) !== ZIP_MAGIC)
      throw badFile(file, 'not a zip archive');
  } finally {
    await handle.close();
  }
}

function archiveReason(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  if (/end of central directory record signature not found/i.test(reason)) {
    return 'the file ends too early (cut off while saving or sending?)';
  }
  if (/zip64/i.test(reason)) return `its ZIP64 table of contents is damaged (${reason})`;
  return `its table of contents is damaged (${reason})`;
}

function inflateReason(error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `its compressed data is damaged (${reason})`;
}

/** `import.bad_file` for the file as a whole. */
export function badFile(file: string, why: string): DomainError {
  return new DomainError({
    code: 'import.bad_file',
    message: `${file}: not readable as an XLSX workbook: ${why}`,
    file,
  });
}
