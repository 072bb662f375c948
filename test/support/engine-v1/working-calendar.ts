import { fromDayNumber, toDayNumber } from '../../../src/core/calendar.ts';
import type { Calendar, IsoDate } from '../../../src/core/domain/plan.ts';

/**
 * The plain working-day calendar: day by day over ISO dates, the obvious way. The engine's own
 * (`src/core/engine/working-days.ts`, prefix sums over day numbers) is property-tested against
 * it, and the first engine and the benchmark's baseline use it.
 */

/** A calendar prepared for fast working-day arithmetic. */
export interface WorkingCalendar {
  id: string;
  isWorkingDay(date: IsoDate): boolean;
  /** The first working day on or after the date. */
  onOrAfter(date: IsoDate): IsoDate;
  /** The first working day strictly after the date. */
  nextWorkingDay(date: IsoDate): IsoDate;
  /**
   * Moves by `n` working days: from a working day, +n lands n working days later and −n n
   * earlier; from a non-working day, counting starts at the next working day.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** Working days from `from` to `to`: positive when `to` is later, 0 when the same working day. */
  workingDaysBetween(from: IsoDate, to: IsoDate): number;
}

/** ISO weekday of a day number (1 = Monday); 1970-01-01 was a Thursday. */
function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Prepares a calendar for working-day arithmetic. */
export function workingCalendar(calendar: Calendar): WorkingCalendar {
  const working = new Set<number>(calendar.workingDays);
  const holidays = new Set<number>(calendar.holidays.map(toDayNumber));
  if (working.size === 0) throw new RangeError(`calendar ${calendar.id} has no working day`);
  const isWorking = (day: number): boolean => working.has(isoWeekday(day)) && !holidays.has(day);
  const forward = (day: number): number => {
    let d = day;
    while (!isWorking(d)) d += 1;
    return d;
  };
  const countBetween = (from: number, to: number): number => {
    // Working days in (from, to], for from <= to.
    let count = 0;
    for (let d = from + 1; d <= to; d += 1) if (isWorking(d)) count += 1;
    return count;
  };
  return {
    id: calendar.id,
    isWorkingDay: (date) => isWorking(toDayNumber(date)),
    onOrAfter: (date) => fromDayNumber(forward(toDayNumber(date))),
    nextWorkingDay: (date) => fromDayNumber(forward(toDayNumber(date) + 1)),
    addWorkingDays(date, n) {
      let d = forward(toDayNumber(date));
      let left = Math.abs(n);
      const step = n >= 0 ? 1 : -1;
      while (left > 0) {
        d += step;
        if (isWorking(d)) left -= 1;
      }
      return fromDayNumber(d);
    },
    workingDaysBetween(from, to) {
      const a = forward(toDayNumber(from));
      const b = forward(toDayNumber(to));
      return a <= b ? countBetween(a, b) : -countBetween(b, a);
    },
  };
}
