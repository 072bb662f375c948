import { parsePeriod } from '../../core/period.ts';
import { showCell, type CellValue } from './sheet-row.ts';

/**
 * Reading one cell as what a field needs. Each reader returns the value, null for an empty
 * cell, or a refusal saying in plain words why the cell does not read.
 */

export type CellRead<T> = { ok: true; value: T | null } | { ok: false; why: string };

function isEmpty(value: CellValue): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

/** Text: ids and names. Numbers read as their digits (an id column of 1001, 1002 …). */
export function readText(value: CellValue): CellRead<string> {
  if (isEmpty(value)) return { ok: true, value: null };
  if (typeof value === 'string') return { ok: true, value: value.trim() };
  if (typeof value === 'number') return { ok: true, value: String(value) };
  if (value instanceof Date) return { ok: false, why: `${showCell(value)} is a date, not text` };
  return { ok: true, value: String(value) };
}

const PLAIN = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const GROUPED_POINT = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const GROUPED_COMMA = /^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/;

/**
 * A number: a numeric cell, or text such as `1200000`, `1,200,000.50`, `-3.5`, `(1,200)`
 * (accounting negative), with `decimal: ','` also `1.200.000,50`. Spaces as thousands
 * separators are ignored. A percent sign is refused rather than guessed at.
 */
export function readNumber(value: CellValue, decimal: '.' | ',' = '.'): CellRead<number> {
  if (isEmpty(value)) return { ok: true, value: null };
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { ok: true, value }
      : { ok: false, why: `${value} is not a finite number` };
  }
  if (typeof value !== 'string') return { ok: false, why: `${showCell(value)} is not a number` };
  let text = value.trim().replace(/[\s\u00a0\u202f]/g, '');
  let negative = false;
  const accounting = /^\((.*)\)$/.exec(text);
  if (accounting?.[1] !== undefined) {
    negative = true;
    text = accounting[1];
  }
  if (text.endsWith('%')) {
    return {
      ok: false,
      why: `${showCell(value)} has a percent sign: write the figure as the KPI counts it (96.1 for 96.1 %)`,
    };
  }
  let normal: string | null = null;
  if (decimal === '.') {
    if (PLAIN.test(text)) normal = text;
    else if (GROUPED_POINT.test(text)) normal = text.replace(/,/g, '');
  } else if (/^[+-]?\d+(,\d+)?$/.test(text) || GROUPED_COMMA.test(text)) {
    normal = text.replace(/\./g, '').replace(',', '.');
  }
  const number = normal === null ? Number.NaN : Number(normal);
  if (!Number.isFinite(number)) return { ok: false, why: `${showCell(value)} is not a number` };
  return { ok: true, value: negative ? -number : number };
}

/**
 * A reporting period: `2026`, `2026-H2`, `2026-Q4`, `2026-10`, also written `2026 Q4`,
 * `2026-q4` or `2026-1`; a year as a number; a date cell stands for its month.
 */
export function readPeriod(value: CellValue): CellRead<string> {
  if (isEmpty(value)) return { ok: true, value: null };
  let label: string | null = null;
  if (value instanceof Date) {
    label = value.toISOString().slice(0, 7);
  } else if (typeof value === 'number') {
    label = Number.isInteger(value) ? String(value) : null;
  } else if (typeof value === 'string') {
    const text = value.trim();
    const part = /^(\d{4})\s*[-/ ]?\s*([QqHh][1-4])$/.exec(text);
    const month = /^(\d{4})-(\d{1,2})$/.exec(text);
    if (part?.[1] !== undefined && part[2] !== undefined)
      label = `${part[1]}-${part[2].toUpperCase()}`;
    else if (month?.[1] !== undefined && month[2] !== undefined)
      label = `${month[1]}-${month[2].padStart(2, '0')}`;
    else label = text;
  }
  if (label !== null && parsePeriod(label) !== null) return { ok: true, value: label };
  return {
    ok: false,
    why: `${showCell(value)} is not a reporting period: write 2026, 2026-H2, 2026-Q4 or 2026-10`,
  };
}
