import type { ErrorCode, Problem } from '../../core/errors.ts';
import { unstorableReason } from '../../core/storable-text.ts';

/**
 * One row of a spreadsheet as the readers hand it on: the cells as the file holds them, with
 * the place (sheet and row) a person would look for in their spreadsheet program. Nothing
 * past this folder sees a cell; it sees the core types the rows are normalised into.
 */

/** A cell's value: text, a number, a truth value, a date (XLSX date cells), or empty. */
export type CellValue = string | number | boolean | Date | null;

/** The two formats read: comma-separated text and Office Open XML workbooks. */
export type SpreadsheetFormat = 'csv' | 'xlsx';

export interface SheetRow {
  /** The sheet's name; null for CSV, which has none. */
  sheet: string | null;
  /** The 1-based row number a spreadsheet program shows (a CSV's header is row 1). */
  row: number;
  /** Cells by 0-based column index; a short row simply has fewer. */
  cells: CellValue[];
}

/** Where a cell (or a row, or a sheet) sits, for messages. */
export interface SheetPlace {
  file: string;
  sheet: string | null;
  row?: number;
  /** 0-based column index. */
  column?: number;
  /** The column's header text, when the sheet has one. */
  header?: string;
}

/** `A` for 0, `Z` for 25, `AA` for 26: the column letters spreadsheet programs show. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** The 0-based index of column letters (`C` → 2); null when the text is not column letters. */
export function columnIndex(letters: string): number | null {
  if (!/^[A-Za-z]{1,3}$/.test(letters)) return null;
  let n = 0;
  for (const char of letters.toUpperCase()) n = n * 26 + (char.charCodeAt(0) - 64);
  return n - 1;
}

/** `budgets.xlsx: sheet 'Q4' row 17 column C (Actual)`, with whichever parts are known. */
export function describePlace(place: SheetPlace): string {
  const parts: string[] = [];
  if (place.sheet !== null) parts.push(`sheet '${place.sheet}'`);
  if (place.row !== undefined) parts.push(`row ${place.row}`);
  if (place.column !== undefined) {
    const header = place.header === undefined || place.header === '' ? '' : ` (${place.header})`;
    parts.push(`column ${columnLetter(place.column)}${header}`);
  }
  return parts.length === 0 ? place.file : `${place.file}: ${parts.join(' ')}`;
}

/** The cell reference spreadsheet programs understand: `'Q4'!C17`, or `C17` for a CSV. */
export function cellReference(place: SheetPlace): string | undefined {
  if (place.row === undefined) return place.sheet === null ? undefined : `'${place.sheet}'`;
  const cell = `${place.column === undefined ? '' : columnLetter(place.column)}${place.row}`;
  return place.sheet === null ? cell : `'${place.sheet}'!${cell}`;
}

/**
 * A problem whose message names the place in full (file, sheet, row, column) and whose fields
 * carry it for programs: `file`, `line` (the row), `column` (1-based) and `path` (a cell
 * reference such as `'Q4'!C17`).
 */
export function sheetProblem(code: ErrorCode, place: SheetPlace, what: string): Problem {
  const problem: Problem = { code, message: `${describePlace(place)}: ${what}`, file: place.file };
  if (place.row !== undefined) problem.line = place.row;
  if (place.column !== undefined) problem.column = place.column + 1;
  const reference = cellReference(place);
  if (reference !== undefined) problem.path = reference;
  return problem;
}

/** How a cell's value reads in a message: `'abc'`, `12.5`, `empty`. */
export function showCell(value: CellValue): string {
  if (value === null || value === '') return 'empty';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string')
    return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  return String(value);
}

/** True when every cell is empty (a blank line in a CSV, an empty row in a sheet). */
export function isBlankRow(cells: readonly CellValue[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

/**
 * The first cell of a row whose text could not be stored (a NUL character, an unpaired UTF-16
 * surrogate: `_x0000_` in an XLSX cell, a NUL byte in a CSV file), as an `import.bad_cell`
 * problem naming it; null when every cell can be stored. `header` names the columns.
 */
export function unstorableCell(
  row: SheetRow,
  file: string,
  header: readonly CellValue[] = [],
): Problem | null {
  for (let column = 0; column < row.cells.length; column += 1) {
    const value = row.cells[column];
    if (typeof value !== 'string') continue;
    const reason = unstorableReason(value);
    if (reason === null) continue;
    const title = header[column];
    return sheetProblem(
      'import.bad_cell',
      {
        file,
        sheet: row.sheet,
        row: row.row,
        column,
        ...(typeof title === 'string' ? { header: title.trim() } : {}),
      },
      reason,
    );
  }
  return null;
}
