import { DomainError } from '../../core/errors.ts';
import { columnIndex, sheetProblem, type CellValue, type SheetRow } from './sheet-row.ts';
import { badFile, DamagedPart, openXlsxArchive, type XlsxArchive } from './xlsx-archive.ts';
import {
  decodeXstring,
  readDateStyles,
  readRelationships,
  readSharedStrings,
  readWorkbook,
  xmlFeed,
  type Relationship,
} from './xlsx-xml.ts';

export interface XlsxReadOptions {
  /** The file's name, for messages. */
  file: string;
  /**
   * Which sheets to read, by name; `*` for every sheet. When absent, the first sheet only.
   */
  sheets?: readonly string[] | '*';
  /** Counts the file's bytes as they are read (progress). */
  onBytes?: (n: number) => void;
}

const OFFICE_DOCUMENT = /\/officeDocument$/;
const WORKSHEET = /\/worksheet$/;
const SHARED_STRINGS = /\/sharedStrings$/;
const STYLES = /\/styles$/;
/** Days from Excel's day 0 (1899-12-30, counting its 1900 leap-year bug) to 1970-01-01. */
const EPOCH_1900 = 25_569;
/** Days between the 1900 and the 1904 date systems. */
const DAYS_1904 = 1_462;
const DAY_MS = 86_400_000;

interface SheetPart {
  name: string;
  part: string;
}

interface SheetContext {
  file: string;
  strings: readonly string[];
  dateStyles: readonly boolean[];
  date1904: boolean;
}

/**
 * Streams the rows of an XLSX workbook on disk, row by row: the archive is read through its
 * table of contents (yauzl), each part inflated, checked against its declared size and CRC-32,
 * and parsed by a strict XML parser (saxes). The workbook, its relationships, shared strings
 * and styles are read first, then the sheets asked for in tab order, and at the end every other
 * part is checked too: a workbook that does not read whole fails with `import.bad_file` naming
 * the part, the sheet and the row where it broke — after rows were handed on, so the caller
 * must not apply anything before the generator has finished. Formula cells give their cached
 * result, rich text its plain text, error cells their code (`#DIV/0!`), date-formatted cells a
 * Date. A sheet asked for by name that the workbook lacks fails with `import.unknown_sheet`.
 */
export async function* readXlsxRows(
  path: string,
  options: XlsxReadOptions,
): AsyncGenerator<SheetRow> {
  const file = options.file;
  const archive = await openXlsxArchive(path, file, options.onBytes);
  let sheet: string | null = null;
  let row: number | undefined;
  try {
    const context = await readWorkbookParts(archive, file);
    for (const selected of selectSheets(context.sheets, options.sheets, file)) {
      sheet = selected.name;
      row = undefined;
      const rows = readSheetRows(archive, selected, context, (at) => {
        row = at;
      });
      for await (const next of rows) yield next;
    }
    sheet = null;
    row = undefined;
    await archive.verifyRest();
  } catch (error) {
    if (error instanceof DomainError) throw error;
    const why =
      error instanceof DamagedPart
        ? `its part ${error.reason === 'the archive has no such part' ? `${error.part} is missing` : `${error.part} is damaged: ${error.reason}`}`
        : String(error instanceof Error ? error.message : error);
    if (sheet === null) throw badFile(file, why);
    throw new DomainError(
      sheetProblem(
        'import.bad_file',
        { file, sheet, ...(row === undefined ? {} : { row }) },
        `not readable as an XLSX workbook: ${why}`,
      ),
    );
  } finally {
    archive.close();
  }
}

interface WorkbookContext extends SheetContext {
  sheets: SheetPart[];
}

/** The workbook part, its relationships, shared strings and styles. */
async function readWorkbookParts(archive: XlsxArchive, file: string): Promise<WorkbookContext> {
  const root = await readRelationships(archive, '');
  const workbookPart =
    [...(root?.values() ?? [])].find((r) => OFFICE_DOCUMENT.test(r.type))?.target ??
    'xl/workbook.xml';
  if (!archive.has(workbookPart)) {
    throw badFile(file, `it has no ${workbookPart} (is it an XLSX workbook?)`);
  }
  const relationships = await readRelationships(archive, workbookPart);
  if (relationships === null) {
    const folder = workbookPart.slice(0, workbookPart.lastIndexOf('/') + 1);
    throw badFile(
      file,
      `it has no ${folder}_rels/${workbookPart.slice(folder.length)}.rels (is it an XLSX workbook?)`,
    );
  }
  const workbook = await readWorkbook(archive, workbookPart);
  const sheets: SheetPart[] = [];
  for (const sheet of workbook.sheets) {
    const target = relationships.get(sheet.relationship);
    // Chart sheets and dialog sheets hold no rows.
    if (target !== undefined && WORKSHEET.test(target.type)) {
      sheets.push({ name: sheet.name, part: target.target });
    }
  }
  const partOf = (type: RegExp): Relationship | undefined =>
    [...relationships.values()].find((r) => type.test(r.type));
  const sharedStrings = partOf(SHARED_STRINGS)?.target;
  const styles = partOf(STYLES)?.target;
  return {
    file,
    sheets,
    date1904: workbook.date1904,
    strings: sharedStrings === undefined ? [] : await readSharedStrings(archive, sharedStrings),
    dateStyles: styles === undefined ? [] : await readDateStyles(archive, styles),
  };
}

/** The sheets to read, in tab order; a sheet asked for that the workbook lacks is refused. */
function selectSheets(
  sheets: readonly SheetPart[],
  wanted: readonly string[] | '*' | undefined,
  file: string,
): SheetPart[] {
  if (sheets.length === 0) {
    throw badFile(file, 'it has no sheets (is it an XLSX workbook?)');
  }
  if (wanted === '*') return [...sheets];
  if (wanted === undefined) return sheets.slice(0, 1);
  const missing = wanted.filter((w) => !sheets.some((s) => sameName(w, s.name)));
  if (missing.length > 0) {
    throw new DomainError(
      missing.map((sheet) => ({
        code: 'import.unknown_sheet' as const,
        message: `${file}: no sheet '${sheet}'; the workbook has ${sheets.map((s) => `'${s.name}'`).join(', ')}`,
        file,
        path: `'${sheet}'`,
      })),
    );
  }
  return sheets.filter((s) => wanted.some((w) => sameName(w, s.name)));
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** What one `<c>` element holds while it is read. */
interface OpenCell {
  column: number;
  type: string;
  style: number;
  value: string[] | null;
  inline: string[] | null;
}

/**
 * One sheet's rows, parsed as its part is inflated: each row is handed on when its element
 * closes. `onRow` learns the row being read, so that damage can name it.
 */
async function* readSheetRows(
  archive: XlsxArchive,
  sheet: SheetPart,
  context: SheetContext,
  onRow: (row: number | undefined) => void,
): AsyncGenerator<SheetRow> {
  if (!archive.has(sheet.part)) throw new DamagedPart(sheet.part, 'the archive has no such part');
  const ready: SheetRow[] = [];
  let rowNumber = 0;
  let cells: CellValue[] | null = null;
  let nextColumn = 0;
  let cell: OpenCell | null = null;
  let capture: string[] | null = null;
  let phonetic = 0;
  let ended = false;

  const feed = xmlFeed(sheet.part, {
    open: (name, attributes) => {
      switch (name) {
        case 'row': {
          const r = Number(attributes.r);
          rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
          onRow(rowNumber);
          cells = [];
          nextColumn = 0;
          break;
        }
        case 'c': {
          const letters = /^[A-Za-z]+/.exec(attributes.r ?? '')?.[0];
          const column = letters === undefined ? null : columnIndex(letters);
          cell = {
            column: column ?? nextColumn,
            type: attributes.t ?? 'n',
            style: Number(attributes.s ?? 0),
            value: null,
            inline: null,
          };
          nextColumn = cell.column + 1;
          break;
        }
        case 'v':
          if (cell !== null) capture = cell.value = [];
          break;
        case 'is':
          if (cell !== null) cell.inline = [];
          break;
        case 'rPh':
          phonetic += 1;
          break;
        case 't':
          if (cell?.inline != null && phonetic === 0) capture = cell.inline;
          break;
      }
    },
    text: (text) => {
      capture?.push(text);
    },
    close: (name) => {
      switch (name) {
        case 'v':
        case 't':
          capture = null;
          break;
        case 'rPh':
          phonetic -= 1;
          break;
        case 'c':
          if (cell !== null && cells !== null) {
            cells[cell.column] = cellValue(cell, context, sheet);
          }
          cell = null;
          break;
        case 'row':
          if (cells !== null) {
            ready.push({ sheet: sheet.name, row: rowNumber, cells: denseCells(cells) });
          }
          cells = null;
          onRow(undefined);
          break;
        case 'worksheet':
          ended = true;
          break;
      }
    },
  });
  const stream = await archive.open(sheet.part);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      feed.write(chunk);
      // Handed on chunk by chunk: the parser never runs far ahead of the caller.
      while (ready.length > 0) yield ready.shift()!;
    }
    feed.end();
  } finally {
    stream.destroy();
  }
  if (!ended) throw new DamagedPart(sheet.part, 'its XML ends before the sheet does');
  yield* ready;
}

/** Holes become empty cells; empty cells at a row's end are dropped (a short row). */
function denseCells(cells: CellValue[]): CellValue[] {
  let length = cells.length;
  while (length > 0 && (cells[length - 1] ?? null) === null) length -= 1;
  const dense: CellValue[] = new Array<CellValue>(length);
  for (let i = 0; i < length; i += 1) dense[i] = cells[i] ?? null;
  return dense;
}

/** A cell's value from its type (`t`), its value (`<v>`) or inline text, and its style. */
function cellValue(cell: OpenCell, context: SheetContext, sheet: SheetPart): CellValue {
  const raw = cell.value?.join('') ?? null;
  switch (cell.type) {
    case 's': {
      if (raw === null) return null;
      const text = context.strings[Number(raw)];
      if (text === undefined) {
        throw new DamagedPart(
          sheet.part,
          `a cell refers to shared string ${raw.trim()}, which the workbook does not have`,
        );
      }
      return text;
    }
    case 'inlineStr':
      return cell.inline === null ? raw : decodeXstring(cell.inline.join(''));
    case 'str':
      return raw === null ? null : decodeXstring(raw);
    case 'b':
      return raw === null ? null : raw.trim() === '1' || raw.trim() === 'true';
    case 'e':
      return raw;
    case 'd': {
      if (raw === null) return null;
      const date = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(raw) ? raw : `${raw}Z`);
      return Number.isNaN(date.getTime()) ? raw : date;
    }
    default: {
      if (raw === null || raw.trim() === '') return null;
      const number = Number(raw);
      // Not a number: handed on as text, so that the cell's reader names it.
      if (!Number.isFinite(number)) return raw;
      if (context.dateStyles[cell.style] === true) {
        const days = number - EPOCH_1900 + (context.date1904 ? DAYS_1904 : 0);
        return new Date(Math.round(days * DAY_MS));
      }
      return number;
    }
  }
}
