import type { Calendar } from '../domain/plan.ts';
import { dayOf } from './day-numbers.ts';

/**
 * Working-day arithmetic on day numbers in O(1): a calendar is prepared as a prefix sum (how
 * many working days come before each day) and its inverse (the n-th working day) over a window
 * of days that grows, by doubling, to cover whatever is asked. It gives the answers of the plain
 * calendar in `calendar.ts` in every case.
 */
export interface WorkingDays {
  readonly calendar: Calendar;
  isWorking(day: number): boolean;
  /** The first working day on or after the day. */
  onOrAfter(day: number): number;
  /** The first working day strictly after the day. */
  next(day: number): number;
  /** `n` working days away, counted from the first working day on or after the day. */
  add(day: number, n: number): number;
  /** Working days from `from` to `to`, each first moved to a working day: positive when later. */
  between(from: number, to: number): number;
  /** Why a day is not worked: `weekend` (not a working weekday), `holiday`, or null (it is worked). */
  closedBecause(day: number): 'weekend' | 'holiday' | null;
}

/** Beyond this many days the window stops growing and the calendar walks day by day. */
const MAX_WINDOW = 1 << 18;
const MARGIN = 64;

function isoWeekday(day: number): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** Prepares a calendar for working-day arithmetic on day numbers. */
export function prepareWorkingDays(calendar: Calendar): WorkingDays {
  const weekdays = new Uint8Array(8);
  for (const weekday of calendar.workingDays) weekdays[weekday] = 1;
  if (calendar.workingDays.length === 0) {
    throw new RangeError(`calendar ${calendar.id} has no working day`);
  }
  const holidays = new Set<number>(calendar.holidays.map(dayOf));
  const isWorking = (day: number): boolean => weekdays[isoWeekday(day)] === 1 && !holidays.has(day);

  // The window [low, high): before[i] working days in [low, low + i); nth[k] the k-th working day.
  let low = 0;
  let high = 0;
  let before = new Int32Array(1);
  let nth = new Int32Array(0);
  let count = 0;
  const cover = (from: number, to: number): boolean => {
    if (from >= low && to < high) return true;
    const size = high - low;
    let newLow = size === 0 ? from - MARGIN : Math.min(low, from - MARGIN);
    let newHigh = size === 0 ? to + MARGIN : Math.max(high, to + MARGIN);
    // Grow at least twofold, so that a walk across the years costs the window once.
    const grown = Math.max(newHigh - newLow, size * 2);
    if (grown > MAX_WINDOW) return false;
    if (from < low || size === 0) newLow = newHigh - grown;
    else newHigh = newLow + grown;
    const span = newHigh - newLow;
    before = new Int32Array(span + 1);
    nth = new Int32Array(span);
    count = 0;
    for (let i = 0; i < span; i += 1) {
      before[i] = count;
      if (isWorking(newLow + i)) {
        nth[count] = newLow + i;
        count += 1;
      }
    }
    before[span] = count;
    low = newLow;
    high = newHigh;
    return true;
  };

  const walkForward = (day: number): number => {
    let d = day;
    while (!isWorking(d)) d += 1;
    return d;
  };
  const onOrAfter = (day: number): number => {
    for (let reach = 14; cover(day, day + reach); reach *= 4) {
      const rank = before[day - low]!;
      if (rank < count) return nth[rank]!;
    }
    return walkForward(day);
  };
  const walkBetween = (from: number, to: number): number => {
    let n = 0;
    for (let d = from + 1; d <= to; d += 1) if (isWorking(d)) n += 1;
    return n;
  };

  return {
    calendar,
    isWorking,
    onOrAfter,
    next: (day) => onOrAfter(day + 1),
    add(day, n) {
      const start = onOrAfter(day);
      const reach = Math.abs(n) * 2 + 14;
      for (let extra = reach; cover(start - extra, start + extra); extra *= 4) {
        const rank = before[start - low]! + n;
        if (rank >= 0 && rank < count) return nth[rank]!;
      }
      let d = start;
      let left = Math.abs(n);
      const step = n >= 0 ? 1 : -1;
      while (left > 0) {
        d += step;
        if (isWorking(d)) left -= 1;
      }
      return d;
    },
    between(from, to) {
      const a = onOrAfter(from);
      const b = onOrAfter(to);
      if (cover(Math.min(a, b), Math.max(a, b))) return before[b - low]! - before[a - low]!;
      return a <= b ? walkBetween(a, b) : -walkBetween(b, a);
    },
    closedBecause(day) {
      if (weekdays[isoWeekday(day)] !== 1) return 'weekend';
      return holidays.has(day) ? 'holiday' : null;
    },
  };
}
