import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { DamagedPart, type XlsxArchive } from './xlsx-archive.ts';

/**
 * The XML parts of an XLSX workbook, read with a strict streaming XML parser (saxes): a part
 * that is not well-formed — cut off, garbled, not UTF-8 — fails with {@link DamagedPart} naming
 * the part and the line and column in it, and a part that declares a DOCTYPE (the door to
 * entity expansion and external entities) is refused before it is parsed.
 */

/** Longest piece of text or markup between two `<`: Excel caps a cell at 32,767 characters. */
const MAX_RUN_CHARACTERS = 4 * 1024 * 1024;
const DOCTYPE =
  'it declares a DOCTYPE, which a workbook never has (entity declarations are refused)';
/** Largest workbook, relationships, styles or shared-strings part, held in memory whole. */
const MAX_HELD_PART_BYTES = 256 * 1024 ** 2;

export interface XmlHandlers {
  /** An element opens; `name` without its namespace prefix. */
  open?: (name: string, attributes: Record<string, string>) => void;
  /** An element closes. */
  close?: (name: string) => void;
  /** Text (entities decoded, CDATA included). */
  text?: (text: string) => void;
}

export interface XmlFeed {
  /** Parses the next bytes; throws {@link DamagedPart} where they are not well-formed XML. */
  write(chunk: Buffer): void;
  /** Ends the part: an element still open, or no root element, is damage. */
  end(): void;
}

/** A strict XML parser for one part, fed bytes as they are inflated. */
export function xmlFeed(part: string, handlers: XmlHandlers): XmlFeed {
  const parser = new SaxesParser<{ xmlns: false; position: true }>({
    xmlns: false,
    position: true,
  });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const damaged = (reason: string): DamagedPart =>
    new DamagedPart(part, `${reason} (line ${parser.line}, column ${parser.column})`);
  const open = handlers.open;
  const close = handlers.close;
  const text = handlers.text;
  if (open !== undefined) {
    parser.on('opentag', (tag) => open(localName(tag.name), tag.attributes));
  }
  if (close !== undefined) {
    parser.on('closetag', (tag) => close(localName(tag.name)));
  }
  if (text !== undefined) {
    parser.on('text', text);
    parser.on('cdata', text);
  }
  parser.on('doctype', () => {
    throw new DamagedPart(part, DOCTYPE);
  });
  let run = 0;
  let tail = '';
  const parse = (chunk: string): void => {
    // Before the parser buffers a declaration of any size.
    if ((tail + chunk).includes('<!DOCTYPE')) throw new DamagedPart(part, DOCTYPE);

    tail = chunk.slice(-8);
    // The parser holds a piece of text or a tag whole: bound it before handing it on.
    let from = 0;
    for (;;) {
      const lt = chunk.indexOf('<', from);
      run += (lt < 0 ? chunk.length : lt) - from;
      if (run > MAX_RUN_CHARACTERS) {
        throw damaged(
          `it holds a piece of text or markup longer than ${MAX_RUN_CHARACTERS.toLocaleString('en-US')} characters`,
        );
      }
      if (lt < 0) break;
      run = 0;
      from = lt + 1;
    }
    try {
      parser.write(chunk);
    } catch (error) {
      if (error instanceof DamagedPart) throw error;
      throw new DamagedPart(part, `its XML is not well-formed: ${xmlReason(error)}`);
    }
  };
  return {
    write: (chunk) => {
      let decoded: string;
      try {
        decoded = decoder.decode(chunk, { stream: true });
      } catch {
        throw damaged('its text is not valid UTF-8');
      }
      parse(decoded);
    },
    end: () => {
      let rest: string;
      try {
        rest = decoder.decode();
      } catch {
        throw damaged('its text is not valid UTF-8 (it ends inside a character)');
      }
      if (rest !== '') parse(rest);
      try {
        parser.close();
      } catch (error) {
        if (error instanceof DamagedPart) throw error;
        throw new DamagedPart(part, `its XML is cut off or not well-formed: ${xmlReason(error)}`);
      }
    },
  };
}

/** saxes' message (`3:120: unclosed tag: row`) in words a person reads. */
function xmlReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const at = /^(\d+):(\d+): (.*)$/s.exec(message);
  if (at === null) return message;
  return `${at[3]} (line ${at[1]}, column ${at[2]})`;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** An attribute by its name, or by its local name when it has a prefix (`r:id` for `id`). */
function attribute(attributes: Record<string, string>, prefixed: string): string | undefined {
  for (const [key, value] of Object.entries(attributes)) {
    if (key === prefixed || (key.includes(':') && localName(key) === prefixed)) return value;
  }
  return undefined;
}

/** Reads a part whole through a feed; parts kept in memory have a size limit. */
async function readPart(archive: XlsxArchive, part: string, handlers: XmlHandlers): Promise<void> {
  if (archive.size(part) > MAX_HELD_PART_BYTES) {
    throw new DamagedPart(
      part,
      `it would unpack to more than ${MAX_HELD_PART_BYTES / 1024 ** 2} MB, more than this part ever holds`,
    );
  }
  await feedPart(await archive.open(part), xmlFeed(part, handlers));
}

/** Feeds a part's stream to a parser to its end. */
async function feedPart(stream: Readable, feed: XmlFeed): Promise<void> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) feed.write(chunk);
    feed.end();
  } finally {
    stream.destroy();
  }
}

export interface Relationship {
  type: string;
  /** The target part's name in the archive (resolved against the source part's folder). */
  target: string;
}

/** The relationships of a part (`xl/_rels/workbook.xml.rels` for `xl/workbook.xml`), by id. */
export async function readRelationships(
  archive: XlsxArchive,
  source: string,
): Promise<Map<string, Relationship> | null> {
  const folder = source.includes('/') ? source.slice(0, source.lastIndexOf('/') + 1) : '';
  const relsPart = `${folder}_rels/${source.slice(folder.length)}.rels`;
  if (!archive.has(relsPart)) return null;
  const relationships = new Map<string, Relationship>();
  await readPart(archive, relsPart, {
    open: (name, attributes) => {
      if (name !== 'Relationship' || attributes.TargetMode === 'External') return;
      const id = attributes.Id;
      const target = attributes.Target;
      if (id === undefined || target === undefined) return;
      relationships.set(id, { type: attributes.Type ?? '', target: resolvePart(folder, target) });
    },
  });
  return relationships;
}

/** `worksheets/sheet1.xml` from `xl/` → `xl/worksheets/sheet1.xml`; `/xl/…` is absolute. */
function resolvePart(folder: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : `${folder}${target}`).split('/');
  const resolved: string[] = [];
  for (const part of parts) {
    if (part === '..') resolved.pop();
    else if (part !== '.' && part !== '') resolved.push(part);
  }
  return resolved.join('/');
}

export interface WorkbookSheet {
  name: string;
  /** The relationship id that leads to the sheet's part. */
  relationship: string;
}

export interface WorkbookInfo {
  /** In tab order. */
  sheets: WorkbookSheet[];
  /** Dates counted from 1904 (old Mac workbooks). */
  date1904: boolean;
}

/** The workbook part: its sheets in tab order and its date system. */
export async function readWorkbook(archive: XlsxArchive, part: string): Promise<WorkbookInfo> {
  const info: WorkbookInfo = { sheets: [], date1904: false };
  await readPart(archive, part, {
    open: (name, attributes) => {
      if (name === 'workbookPr') {
        const value = attributes.date1904;
        info.date1904 = value === '1' || value === 'true';
      } else if (name === 'sheet') {
        const relationship = attribute(attributes, 'id');
        if (attributes.name !== undefined && relationship !== undefined) {
          info.sheets.push({ name: attributes.name, relationship });
        }
      }
    },
  });
  return info;
}

/** Built-in number formats that show a date or a time (ECMA-376 18.8.30, and the CJK ones). */
const BUILT_IN_DATE_FORMATS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58,
]);

/** A format code shows a date when, outside quotes and brackets, it has date or time letters. */
export function isDateFormat(code: string): boolean {
  const bare = code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhMsb]/.test(bare);
}

/** The styles part: for each cell style (`s` of a cell), whether it shows a date. */
export async function readDateStyles(archive: XlsxArchive, part: string): Promise<boolean[]> {
  const custom = new Map<number, string>();
  const styleFormats: number[] = [];
  let inCellXfs = false;
  await readPart(archive, part, {
    open: (name, attributes) => {
      if (name === 'numFmt') {
        const id = Number(attributes.numFmtId);
        if (Number.isInteger(id)) custom.set(id, attributes.formatCode ?? '');
      } else if (name === 'cellXfs') {
        inCellXfs = true;
      } else if (name === 'xf' && inCellXfs) {
        styleFormats.push(Number(attributes.numFmtId ?? 0));
      }
    },
    close: (name) => {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return styleFormats.map((id) => {
    const code = custom.get(id);
    return code === undefined ? BUILT_IN_DATE_FORMATS.has(id) : isDateFormat(code);
  });
}

/**
 * Text as OOXML writes it in `<t>`: `_x000D_` stands for the character U+000D (and `_x005F_`
 * for `_`, which keeps a literal `_x0000_` readable).
 */
export function decodeXstring(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(/_x([0-9A-Fa-f]{4})_/g, (_match, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

/** The shared-strings part: each string's plain text (rich text joined, phonetic runs left out). */
export async function readSharedStrings(archive: XlsxArchive, part: string): Promise<string[]> {
  const strings: string[] = [];
  let pieces: string[] | null = null;
  let inText = false;
  let phonetic = 0;
  await readPart(archive, part, {
    open: (name) => {
      if (name === 'si') pieces = [];
      else if (name === 'rPh') phonetic += 1;
      else if (name === 't' && phonetic === 0) inText = true;
    },
    text: (text) => {
      if (inText && pieces !== null) pieces.push(text);
    },
    close: (name) => {
      if (name === 't') inText = false;
      else if (name === 'rPh') phonetic -= 1;
      else if (name === 'si' && pieces !== null) {
        strings.push(decodeXstring(pieces.join('')));
        pieces = null;
      }
    },
  });
  return strings;
}
