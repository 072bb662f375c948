import type { Status } from '../api/types.ts';
import { onProductClock, productNow } from './clock.ts';

/** How figures, dates and statuses read in the app: one place, the same everywhere. */

const LOCALE = 'en-US';

const CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD']);

// Formatters are costly to build and the map formats hundreds of figures: build each once.
const formatters = new Map<string, Intl.NumberFormat>();

function numberFormat(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = formatters.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat(LOCALE, options);
    formatters.set(key, format);
  }
  return format;
}

/** True when a unit of measure is money. */
export function isMoney(unit: string): boolean {
  return CURRENCIES.has(unit.toUpperCase());
}

/** A value in its unit of measure: `$1,268,571`, `96.0%`, `118 hours`. */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (isMoney(unit)) {
    const currency = unit.toUpperCase();
    return numberFormat(`currency:${currency}`, {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    }).format(value);
  }
  if (unit === '%') return `${formatNumber(value, 1)}%`;
  return `${formatNumber(value, Number.isInteger(value) ? 0 : 1)} ${unit}`;
}

/** A value short enough for a chart axis: `$1.2M`, `96%`, `118`. */
export function formatCompact(value: number, unit: string): string {
  const compact = numberFormat('compact', {
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(value);
  if (isMoney(unit)) return unit.toUpperCase() === 'USD' ? `$${compact}` : `${compact} ${unit}`;
  if (unit === '%') return `${compact}%`;
  return compact;
}

/** A signed money or unit difference: `−$291,429`, `+18 hours`. */
export function formatSigned(value: number, unit: string): string {
  const sign = value < 0 ? '−' : value > 0 ? '+' : '±';
  return `${sign}${formatValue(Math.abs(value), unit)}`;
}

export function formatNumber(value: number, digits = 0): string {
  return numberFormat(`fixed:${digits}`, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar date `2026-10-05` as `5 Oct 2026` (no time zone: plans are made in days). */
export function formatDate(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (match === null) return iso;
  const [, year, month, day] = match;
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year}`;
}

/** A short date for axes: `5 Oct`. */
export function formatShortDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (match === null) return iso;
  return `${Number(match[3])} ${MONTHS[Number(match[2]) - 1] ?? match[2]}`;
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * An instant on the product's clock, in the reader's time zone, in the app's one date format:
 * `23 Nov 2026, 14:05`.
 */
export function formatInstant(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const date = new Date(onProductClock(ms));
  const day = `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())}`;
  return `${formatDate(day)}, ${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
}

/**
 * How long ago an instant was on the product's clock, roughly: `3 min ago`, `2 days ago`
 * (`wallNow`, the wall clock's reading, defaults to now).
 */
export function formatAge(iso: string | null | undefined, wallNow: number = Date.now()): string {
  if (iso === null || iso === undefined) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  // Both ends on the product's clock, from one reading of the wall clock.
  const ms = productNow(wallNow) - onProductClock(at, wallNow);
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** A number of days, always saying which kind: `+15 working days`, `+21 calendar days`. */
export function formatDays(days: number, kind: 'working' | 'calendar', signed = true): string {
  const sign = signed && days > 0 ? '+' : signed && days < 0 ? '−' : '';
  const n = signed ? Math.abs(days) : days;
  return `${sign}${n} ${kind} ${Math.abs(n) === 1 ? 'day' : 'days'}`;
}

/**
 * The engine's sentences in the app's words: ISO dates (`2026-10-26`) in the one date format
 * (`26 Oct 2026`), and unlabelled day counts (`(+21 days)`) said as calendar days.
 */
export function readableText(text: string): string {
  return text
    .replace(/(?<![\w-])(\d{4}-\d{2}-\d{2})(?![\w-])/g, (iso: string) => formatDate(iso))
    .replace(/([+−-]?\d+) days\b/g, (whole: string, n: string, offset: number, all: string) =>
      /working $/.test(all.slice(Math.max(0, offset - 8), offset)) ? whole : `${n} calendar days`,
    )
    .replace(/([+−-]?1) day\b(?! of)/g, (whole: string, n: string, offset: number, all: string) =>
      /(working|calendar) $/.test(all.slice(Math.max(0, offset - 9), offset))
        ? whole
        : `${n} calendar day`,
    );
}

/**
 * A date as people write it, in the app's format or ISO: `5 Oct 2026`, `5 October 2026`,
 * `Oct 5, 2026`, `2026-10-05`; null when it is not a real day.
 */
export function parseDate(text: string): string | null {
  const t = text.trim();
  let year: number;
  let month: number;
  let day: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const dayFirst = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/.exec(t);
  const monthFirst = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(t);
  const monthOf = (name: string): number =>
    MONTHS.findIndex((m) => m.toLowerCase() === name.slice(0, 3).toLowerCase()) + 1;
  if (iso !== null) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (dayFirst !== null) {
    [day, month, year] = [Number(dayFirst[1]), monthOf(dayFirst[2] ?? ''), Number(dayFirst[3])];
  } else if (monthFirst !== null) {
    [month, day, year] = [
      monthOf(monthFirst[1] ?? ''),
      Number(monthFirst[2]),
      Number(monthFirst[3]),
    ];
  } else {
    return null;
  }
  if (month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(day)}`;
}

export const STATUS_LABEL: Record<Status, string> = {
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
};

/** The theme colour of each status: green, amber, red. */
export const STATUS_COLOR: Record<Status, string> = {
  on_track: 'green',
  at_risk: 'orange',
  off_track: 'red',
};

/** Chart colours per status, dark enough to read on white. */
export const STATUS_HEX: Record<Status, string> = {
  on_track: '#2b8a3e',
  at_risk: '#d9480f',
  off_track: '#c92a2a',
};

/** Plural-aware count: `1 signal`, `3 signals`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** An amount of capacity, up to two decimals: `6`, `2.5`, `0.25`. */
export function formatAmount(value: number): string {
  return numberFormat('amount', { maximumFractionDigits: 2 }).format(value);
}

/** An ISO week `2026-W41` as `Week 41` (its Monday, shown beside it, tells the year). */
export function formatWeek(week: string): string {
  const match = /^\d{4}-W(\d{2})$/.exec(week);
  return match === null ? week : `Week ${Number(match[1])}`;
}

/** A run of ISO weeks, as the engine's sentences say it: `week 41`, `weeks 41–43`, `weeks 2026-W52–2027-W02`. */
export function formatWeekRange(first: string, last: string): string {
  if (first === last) {
    const match = /^\d{4}-W(\d{2})$/.exec(first);
    return `week ${match === null ? first : Number(match[1])}`;
  }
  const a = /^(\d{4})-W(\d{2})$/.exec(first);
  const b = /^(\d{4})-W(\d{2})$/.exec(last);
  if (a === null || b === null || a[1] !== b[1]) return `weeks ${first}–${last}`;
  return `weeks ${Number(a[2])}–${Number(b[2])}`;
}

/** A unit's load as a share of its capacity, rounded; null when it has no capacity to share. */
export function loadPercent(load: number, capacity: number | null): number | null {
  if (capacity === null || capacity <= 0) return null;
  return Math.round((load / capacity) * 100);
}
