import type { IsoDate, Weekday } from './domain/plan.ts';

/**
 * Calendar arithmetic on ISO dates. Dates are handled as UTC day numbers so that no time zone
 * or daylight-saving change can move a day.
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when the text is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * A date (midnight UTC) or an instant with a zone (`2026-09-14`, `2026-09-14T10:00:00Z`,
 * `2026-09-14T12:00+02:00`); null when the text is neither or names no real day.
 */
export function parseDateOrInstant(text: string): Date | null {
  if (isIsoDate(text)) return new Date(`${text}T00:00:00Z`);
  const match = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.exec(
    text,
  );
  if (match === null || !isIsoDate(match[1] ?? '')) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Days since 1970-01-01 for an ISO date. The caller guarantees the date is valid. */
export function toDayNumber(date: IsoDate): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** The ISO date of a day number. */
export function fromDayNumber(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Adds calendar days. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return fromDayNumber(toDayNumber(date) + days);
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function weekday(date: IsoDate): Weekday {
  return weekdayOfDayNumber(toDayNumber(date));
}

function weekdayOfDayNumber(day: number): Weekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return (((((day + 3) % 7) + 7) % 7) + 1) as Weekday;
}
