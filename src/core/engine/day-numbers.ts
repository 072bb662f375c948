import { fromDayNumber, toDayNumber } from '../calendar.ts';
import type { IsoDate } from '../domain/plan.ts';

/**
 * The engine works on day numbers (days since 1970-01-01, UTC) held in typed arrays; ISO text is
 * read once at the edge of a computation and written only when a person or an API reads a figure.
 */

/** "No date": a work item without a due date, a done item without a done date. */
export const NO_DAY = -0x80000000;

const ZERO = 48;

/** The day number of `YYYY-MM-DD`, read from its digits; anything else goes the slow, general way. */
export function dayOf(date: IsoDate): number {
  if (date.length === 10 && date.charCodeAt(4) === 45 && date.charCodeAt(7) === 45) {
    const y0 = date.charCodeAt(0) - ZERO;
    const y1 = date.charCodeAt(1) - ZERO;
    const y2 = date.charCodeAt(2) - ZERO;
    const y3 = date.charCodeAt(3) - ZERO;
    const m0 = date.charCodeAt(5) - ZERO;
    const m1 = date.charCodeAt(6) - ZERO;
    const d0 = date.charCodeAt(8) - ZERO;
    const d1 = date.charCodeAt(9) - ZERO;
    // `>>> 0` turns a character below '0' into a huge number: one comparison tells a digit.
    if (
      y0 >>> 0 < 10 &&
      y1 >>> 0 < 10 &&
      y2 >>> 0 < 10 &&
      y3 >>> 0 < 10 &&
      m0 >>> 0 < 10 &&
      m1 >>> 0 < 10 &&
      d0 >>> 0 < 10 &&
      d1 >>> 0 < 10
    ) {
      const month = m0 * 10 + m1;
      const day = d0 * 10 + d1;
      if (month >= 1 && month <= 12 && day >= 1 && day <= 31) {
        return daysFromCivil(y0 * 1000 + y1 * 100 + y2 * 10 + y3, month, day);
      }
    }
  }
  return toDayNumber(date);
}

/** The day number of an optional date: NO_DAY when there is none. */
export function dayOrNone(date: IsoDate | null): number {
  return date === null ? NO_DAY : dayOf(date);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

// Printing a date is a pure function of its number; a portfolio prints the same few hundred
// days again and again, so each is printed once. The memo is invisible from outside.
const printed = new Map<number, IsoDate>();

/** The ISO date of a day number. */
export function dateOf(day: number): IsoDate {
  let date = printed.get(day);
  if (date === undefined) {
    date = fromDayNumber(day);
    if (printed.size < 100_000) printed.set(day, date);
  }
  return date;
}

/** The ISO date of a day number, or null for NO_DAY. */
export function dateOrNull(day: number): IsoDate | null {
  return day === NO_DAY ? null : dateOf(day);
}
