import type { IsoDate, Weekday } from '../domain/plan.ts';

/**
 * Local wall-clock time as a number: minutes since 1970-01-01T00:00 with no time zone. Plans
 * and MS Project files carry local date-times, so no zone or daylight-saving change may move
 * them; arithmetic on plain numbers keeps the scheduler fast and exact.
 */
export type Instant = number;

export const MINUTES_PER_DAY = 1440;
const MS_PER_MINUTE = 60_000;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/** The day number (days since 1970-01-01) an instant falls on. */
export function dayOf(instant: Instant): number {
  return Math.floor(instant / MINUTES_PER_DAY);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
export function weekdayOfDay(day: number): Weekday {
  // 1970-01-01 was a Thursday (ISO 4).
  return (((((day + 3) % 7) + 7) % 7) + 1) as Weekday;
}

/**
 * Reads `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]` as an instant; undefined when the text is not a
 * real date-time.
 */
export function parseLocalDateTime(text: string): Instant | undefined {
  const match = LOCAL_DATE_TIME.exec(text.trim());
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [hour, minute, second] = [
    Number(match[4] ?? 0),
    Number(match[5] ?? 0),
    Number(match[6] ?? 0),
  ];
  if (hour > 24 || minute > 59 || second > 59 || (hour === 24 && (minute > 0 || second > 0)))
    return undefined;
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  )
    return undefined;
  return ms / MS_PER_MINUTE + hour * 60 + minute + second / 60;
}

/** The instant at the start (00:00) of an ISO date. The caller guarantees the date is valid. */
export function startOfDate(date: IsoDate): Instant {
  return Date.parse(`${date}T00:00:00Z`) / MS_PER_MINUTE;
}

/** The ISO date of a day number. */
export function dateOfDay(day: number): IsoDate {
  return new Date(day * MINUTES_PER_DAY * MS_PER_MINUTE).toISOString().slice(0, 10);
}

/** `YYYY-MM-DDTHH:MM:SS`, rounded to the second. */
export function formatLocalDateTime(instant: Instant): string {
  const seconds = Math.round(instant * 60);
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}
