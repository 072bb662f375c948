/**
 * Tables for spreadsheets (CSV, XLSX) that cannot run code when opened: a text cell that begins
 * with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula by Excel,
 * LibreOffice and Google Sheets ("CSV injection"); such a cell gets a leading `'`, which makes it
 * plain text and shows the rest as it was. Numbers stay numbers.
 */

/** One cell: text, a number, or empty. */
export type Cell = string | number | null;

/** A list as rows under named columns. */
export interface Table {
  /** Sheet name and file name stem, e.g. `signals`. */
  name: string;
  columns: string[];
  rows: Cell[][];
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell, made safe to open in a spreadsheet: formula-like text gets a leading `'`. */
export function neutraliseCell(cell: Cell): Cell {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  if (cell === null || !FORMULA_START.test(cell)) return cell;
  return `'${cell}`;
}

/** The table with every cell (headers too) made safe. */
export function neutraliseTable(table: Table): Table {
  return {
    name: table.name,
    columns: table.columns.map((c) => String(neutraliseCell(c))),
    rows: table.rows.map((row) => row.map(neutraliseCell)),
  };
}

function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The table as CSV (RFC 4180, CRLF line ends), its cells neutralised. */
export function toCsv(table: Table): string {
  const safe = neutraliseTable(table);
  return (
    [safe.columns, ...safe.rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n'
  );
}
