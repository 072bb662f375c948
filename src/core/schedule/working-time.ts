import type { IsoDate, Weekday } from '../domain/plan.ts';
import { dayOf, MINUTES_PER_DAY, startOfDate, weekdayOfDay, type Instant } from './local-time.ts';

/**
 * Working-time calendars: which minutes of which days are worked. A calendar has a default
 * week (working periods per weekday), optional work weeks that replace it between two dates,
 * and exceptions (holidays, or days with other hours). Durations and lags are counted in
 * working minutes; "the end of one working day and the start of the next" are different clock
 * times but the same point in working time.
 */

/** Minutes after midnight, `from` < `to` ≤ 1440 (a `to` of 1440 is the following midnight). */
export interface WorkingPeriod {
  from: number;
  to: number;
}

/** Working periods per ISO weekday (1 = Monday … 7 = Sunday); an empty list is a day off. */
export type WorkWeek = Record<Weekday, readonly WorkingPeriod[]>;

/** A date range (inclusive) with its own working periods; none = not worked (a holiday). */
export interface CalendarException {
  from: IsoDate;
  to: IsoDate;
  periods: readonly WorkingPeriod[];
}

/** A date range (inclusive) that follows another week; weekdays it does not name keep the default. */
export interface AlternateWorkWeek {
  from: IsoDate;
  to: IsoDate;
  week: Partial<WorkWeek>;
}

export interface WorkingTimeCalendar {
  id: string;
  name?: string;
  week: WorkWeek;
  workWeeks?: readonly AlternateWorkWeek[];
  exceptions?: readonly CalendarException[];
}

/** A calendar compiled for arithmetic in working time. */
export interface WorkingTime {
  readonly id: string;
  /** Working periods of a day number, sorted, as minutes after that day's midnight. */
  periodsOn(day: number): readonly WorkingPeriod[];
  /** The instant itself when it is worked (or starts a period), else the start of the next period. */
  nextWorkStart(at: Instant): Instant;
  /** The instant itself when it is worked (or ends a period), else the end of the previous period. */
  previousWorkFinish(at: Instant): Instant;
  /**
   * Moves by working minutes: forward from the next work start, landing on the end of a period
   * when the work runs out exactly there; backward (negative minutes) from the previous work
   * finish, landing on the start of a period. Zero returns the instant unchanged.
   */
  addWork(at: Instant, minutes: number): Instant;
  /** Working minutes from `from` to `to`; negative when `to` is earlier. */
  workBetween(from: Instant, to: Instant): number;
}

/** Mon–Fri 08:00–12:00 and 13:00–17:00, MS Project's Standard calendar. */
export const STANDARD_WEEK: WorkWeek = (() => {
  const day: WorkingPeriod[] = [
    { from: 8 * 60, to: 12 * 60 },
    { from: 13 * 60, to: 17 * 60 },
  ];
  return { 1: day, 2: day, 3: day, 4: day, 5: day, 6: [], 7: [] };
})();

/** Every minute of every day: elapsed time. */
export const ELAPSED_WEEK: WorkWeek = (() => {
  const day: WorkingPeriod[] = [{ from: 0, to: MINUTES_PER_DAY }];
  return { 1: day, 2: day, 3: day, 4: day, 5: day, 6: day, 7: day };
})();

/** A week whose given weekdays are worked all day (00:00–24:00): for plans made in days. */
export function allDayWeek(workingDays: readonly Weekday[]): WorkWeek {
  const day: WorkingPeriod[] = [{ from: 0, to: MINUTES_PER_DAY }];
  const week = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] } as Record<
    Weekday,
    WorkingPeriod[]
  >;
  for (const weekday of workingDays) week[weekday] = day;
  return week;
}

/** How far a search for working time may run before the calendar is declared empty. */
const SEARCH_LIMIT_DAYS = 366 * 200;

interface Range {
  from: number;
  to: number;
}

/** Sorts and merges periods; refuses periods outside the day. */
function normalisePeriods(
  periods: readonly WorkingPeriod[],
  where: string,
): readonly WorkingPeriod[] {
  for (const period of periods) {
    if (!(period.from >= 0 && period.to <= MINUTES_PER_DAY && period.from < period.to))
      throw new RangeError(
        `${where}: working period ${period.from}–${period.to} is not within a day`,
      );
  }
  const sorted = [...periods].sort((a, b) => a.from - b.from);
  const merged: WorkingPeriod[] = [];
  for (const period of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && period.from <= last.to) {
      merged[merged.length - 1] = { from: last.from, to: Math.max(last.to, period.to) };
    } else merged.push({ ...period });
  }
  return merged;
}

/** Compiles a calendar definition; throws a RangeError when it has no working time at all. */
export function compileWorkingTime(calendar: WorkingTimeCalendar): WorkingTime {
  const where = `calendar ${calendar.id}`;
  const week = new Map<Weekday, readonly WorkingPeriod[]>();
  for (const weekday of [1, 2, 3, 4, 5, 6, 7] as const)
    week.set(weekday, normalisePeriods(calendar.week[weekday] ?? [], where));
  const workWeeks = (calendar.workWeeks ?? []).map((alternate) => ({
    range: dateRange(alternate.from, alternate.to),
    week: new Map(
      ([1, 2, 3, 4, 5, 6, 7] as const).flatMap((weekday) => {
        const periods = alternate.week[weekday];
        return periods === undefined
          ? []
          : [[weekday, normalisePeriods(periods, where)] as [Weekday, readonly WorkingPeriod[]]];
      }),
    ),
  }));
  const exceptions = (calendar.exceptions ?? []).map((exception) => ({
    range: dateRange(exception.from, exception.to),
    periods: normalisePeriods(exception.periods, where),
  }));
  const hasWeeklyWork = [...week.values()].some((periods) => periods.length > 0);
  const hasOtherWork =
    workWeeks.some((alternate) => [...alternate.week.values()].some((p) => p.length > 0)) ||
    exceptions.some((exception) => exception.periods.length > 0);
  if (!hasWeeklyWork && !hasOtherWork) throw new RangeError(`${where} has no working time`);

  const singleDays = new Map<number, number>();
  const rangeExceptions: number[] = [];
  exceptions.forEach((exception, i) => {
    if (exception.range.from === exception.range.to) singleDays.set(exception.range.from, i);
    else rangeExceptions.push(i);
  });
  const cache = new Map<number, readonly WorkingPeriod[]>();
  const totals = new Map<number, number>();
  const periodsOn = (day: number): readonly WorkingPeriod[] => {
    const cached = cache.get(day);
    if (cached !== undefined) return cached;
    let periods: readonly WorkingPeriod[] | undefined;
    // A later exception wins over an earlier one, as in a list edited top to bottom. Days of
    // a recurring exception are one-day exceptions, found by their day.
    let winner = singleDays.get(day) ?? -1;
    for (let k = rangeExceptions.length - 1; k >= 0; k -= 1) {
      const i = rangeExceptions[k]!;
      if (i < winner) break;
      const exception = exceptions[i]!;
      if (day >= exception.range.from && day <= exception.range.to) {
        winner = i;
        break;
      }
    }
    if (winner >= 0) periods = exceptions[winner]!.periods;
    const weekday = weekdayOfDay(day);
    for (let i = workWeeks.length - 1; i >= 0 && periods === undefined; i -= 1) {
      const alternate = workWeeks[i]!;
      if (day >= alternate.range.from && day <= alternate.range.to)
        periods = alternate.week.get(weekday);
    }
    periods ??= week.get(weekday) ?? [];
    cache.set(day, periods);
    return periods;
  };
  const totalOn = (day: number): number => {
    const cached = totals.get(day);
    if (cached !== undefined) return cached;
    let total = 0;
    for (const period of periodsOn(day)) total += period.to - period.from;
    totals.set(day, total);
    return total;
  };
  const noWork = (at: Instant): never => {
    throw new RangeError(`${where} has no working time within 200 years of minute ${at}`);
  };

  const nextWorkStart = (at: Instant): Instant => {
    const first = dayOf(at);
    for (let day = first; day < first + SEARCH_LIMIT_DAYS; day += 1) {
      const base = day * MINUTES_PER_DAY;
      for (const period of periodsOn(day)) {
        if (base + period.to > at) return Math.max(base + period.from, at);
      }
    }
    return noWork(at);
  };

  const previousWorkFinish = (at: Instant): Instant => {
    const first = dayOf(at);
    for (let day = first; day > first - SEARCH_LIMIT_DAYS; day -= 1) {
      const base = day * MINUTES_PER_DAY;
      const periods = periodsOn(day);
      for (let i = periods.length - 1; i >= 0; i -= 1) {
        const period = periods[i]!;
        if (base + period.from < at) return Math.min(base + period.to, at);
      }
    }
    return noWork(at);
  };

  // Working minutes of whole days counted from an anchor day (the first day asked about):
  // forward[i] = days anchor … anchor+i−1, backward[i] = days anchor−i … anchor−1, each grown on
  // demand, so long durations and slack are found by search, not day by day, and the values
  // never change once given.
  let anchor: number | undefined;
  const forward: number[] = [0];
  const backward: number[] = [0];
  const workBefore = (day: number): number | undefined => {
    anchor ??= day;
    const at = day - anchor;
    if (at > SEARCH_LIMIT_DAYS * 2 || -at > SEARCH_LIMIT_DAYS * 2) return undefined;
    if (at >= 0) {
      while (forward.length <= at) {
        const last = forward.length - 1;
        forward.push(forward[last]! + totalOn(anchor + last));
      }
      return forward[at];
    }
    while (backward.length <= -at) {
      const last = backward.length - 1;
      backward.push(backward[last]! + totalOn(anchor - last - 1));
    }
    return -backward[-at]!;
  };
  /** The first day from `day` on by whose end `left` minutes are worked, and what remains for it. */
  const skipForward = (day: number, left: number): [number, number] | undefined => {
    const base = workBefore(day);
    if (base === undefined) return undefined;
    let low = day;
    let high = day + 1;
    for (let step = 1; ; step *= 2) {
      const worked = workBefore(high);
      if (worked === undefined || step > SEARCH_LIMIT_DAYS) return undefined;
      if (worked - base >= left) break;
      low = high;
      high = day + step * 2;
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (workBefore(middle)! - base >= left) high = middle;
      else low = middle;
    }
    return [high - 1, left - (workBefore(high - 1)! - base)];
  };
  /** The last day up to `day` from whose start `left` minutes are worked by the end of `day`. */
  const skipBackward = (day: number, left: number): [number, number] | undefined => {
    const end = workBefore(day + 1);
    if (end === undefined) return undefined;
    let high = day + 1;
    let low = day;
    for (let step = 1; ; step *= 2) {
      const worked = workBefore(low);
      if (worked === undefined || step > SEARCH_LIMIT_DAYS) return undefined;
      if (end - worked >= left) break;
      high = low;
      low = day - step * 2;
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (end - workBefore(middle)! >= left) low = middle;
      else high = middle;
    }
    return [low, left - (end - workBefore(low + 1)!)];
  };

  const addForward = (at: Instant, minutes: number): Instant => {
    let left = minutes;
    let cursor = at;
    let day = dayOf(at);
    for (let guard = 0; guard < SEARCH_LIMIT_DAYS; guard += 1) {
      let base = day * MINUTES_PER_DAY;
      if (cursor <= base && totalOn(day) < left) {
        const jump = skipForward(day, left);
        if (jump === undefined) {
          left -= totalOn(day);
          cursor = base + MINUTES_PER_DAY;
          day += 1;
          continue;
        }
        [day, left] = jump;
        base = day * MINUTES_PER_DAY;
        cursor = base;
      }
      for (const period of periodsOn(day)) {
        const end = base + period.to;
        if (end <= cursor) continue;
        const start = Math.max(base + period.from, cursor);
        const available = end - start;
        if (left <= available) return start + left;
        left -= available;
        cursor = end;
      }
      cursor = Math.max(cursor, base + MINUTES_PER_DAY);
      day += 1;
    }
    return noWork(at);
  };

  const addBackward = (at: Instant, minutes: number): Instant => {
    let left = minutes;
    let cursor = at;
    const first = dayOf(at);
    // An instant at midnight belongs, going backward, to the day before.
    let day = at === first * MINUTES_PER_DAY ? first - 1 : first;
    for (let guard = 0; guard < SEARCH_LIMIT_DAYS; guard += 1) {
      let base = day * MINUTES_PER_DAY;
      if (cursor >= base + MINUTES_PER_DAY && totalOn(day) < left) {
        const jump = skipBackward(day, left);
        if (jump === undefined) {
          left -= totalOn(day);
          cursor = base;
          day -= 1;
          continue;
        }
        [day, left] = jump;
        base = day * MINUTES_PER_DAY;
        cursor = base + MINUTES_PER_DAY;
      }
      const periods = periodsOn(day);
      for (let i = periods.length - 1; i >= 0; i -= 1) {
        const period = periods[i]!;
        const start = base + period.from;
        if (start >= cursor) continue;
        const end = Math.min(base + period.to, cursor);
        const available = end - start;
        if (left <= available) return end - left;
        left -= available;
        cursor = start;
      }
      cursor = Math.min(cursor, base);
      day -= 1;
    }
    return noWork(at);
  };

  const workWithin = (day: number, from: Instant, to: Instant): number => {
    const base = day * MINUTES_PER_DAY;
    let total = 0;
    for (const period of periodsOn(day)) {
      const start = Math.max(base + period.from, from);
      const end = Math.min(base + period.to, to);
      if (end > start) total += end - start;
    }
    return total;
  };

  const workForward = (from: Instant, to: Instant): number => {
    const first = dayOf(from);
    const last = dayOf(to);
    if (first === last) return workWithin(first, from, to);
    const between =
      last - first > 1
        ? (workBefore(last) ?? Number.NaN) - (workBefore(first + 1) ?? Number.NaN)
        : 0;
    if (!Number.isNaN(between))
      return workWithin(first, from, to) + between + workWithin(last, from, to);
    let total = 0;
    for (let day = first; day <= last; day += 1) total += workWithin(day, from, to);
    return total;
  };

  return {
    id: calendar.id,
    periodsOn,
    nextWorkStart,
    previousWorkFinish,
    addWork(at, minutes) {
      if (minutes > 0) return addForward(at, minutes);
      if (minutes < 0) return addBackward(at, -minutes);
      return at;
    },
    workBetween(from, to) {
      if (to === from) return 0;
      return to > from ? workForward(from, to) : -workForward(to, from);
    },
  };
}

function dateRange(from: IsoDate, to: IsoDate): Range {
  return { from: dayOf(startOfDate(from)), to: dayOf(startOfDate(to)) };
}
