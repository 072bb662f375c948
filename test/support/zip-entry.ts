import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * One file's text out of a zip archive (an XLSX workbook), read through the archive's central
 * directory: enough to check who wrote a fixture (`docProps/app.xml`) without a zip library.
 */
export function readZipEntry(zip: Buffer, name: string): string | null {
  return (
    readZipEntries(zip)
      .find((e) => e.name === name)
      ?.data.toString('utf8') ?? null
  );
}

/** Every file of a zip archive, inflated, in the archive's order. */
export function readZipEntries(zip: Buffer): { name: string; data: Buffer }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return [];
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i += 1) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    entries.push({ name, data: method === 0 ? Buffer.from(data) : inflateRawSync(data) });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** One file to write into a zip archive, with ways to damage it on purpose. */
export interface ZipPart {
  name: string;
  /** The file's bytes (a string is written as UTF-8). */
  data: Buffer | string;
  /** Stored as is rather than deflated. */
  stored?: boolean;
  /** Already deflated bytes to write instead of deflating `data` (a prepared zip bomb). */
  deflated?: Buffer;
  /** The CRC-32 to declare instead of the true one. */
  crc?: number;
  /** The inflated size to declare instead of the true one. */
  size?: number;
}

/** A zip archive of the given files (no ZIP64, no data descriptors), as a spreadsheet program writes one. */
export function writeZip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const data = typeof part.data === 'string' ? Buffer.from(part.data, 'utf8') : part.data;
    const body = part.stored === true ? data : (part.deflated ?? deflateRawSync(data));
    const name = Buffer.from(part.name, 'utf8');
    const crc = part.crc ?? crc32(data);
    const size = part.size ?? data.length;
    const method = part.stored === true ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(header, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
