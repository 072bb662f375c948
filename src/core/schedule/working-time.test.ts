import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLocalDateTime, parseLocalDateTime } from './local-time.ts';
import { allDayWeek, compileWorkingTime, STANDARD_WEEK, type WorkWeek } from './working-time.ts';

const at = (text: string): number => parseLocalDateTime(text)!;
const show = formatLocalDateTime;
const HOUR = 60;
const DAY = 8 * HOUR;

const standard = compileWorkingTime({ id: 'standard', week: STANDARD_WEEK });

describe('local date-times', () => {
  it('reads and writes YYYY-MM-DDTHH:MM:SS', () => {
    expect(show(at('2006-09-21T08:00:00'))).toBe('2006-09-21T08:00:00');
    expect(show(at('2024-02-29'))).toBe('2024-02-29T00:00:00');
    expect(parseLocalDateTime('2023-02-29T08:00:00')).toBeUndefined();
    expect(parseLocalDateTime('2023-01-01T25:00:00')).toBeUndefined();
    expect(parseLocalDateTime('yesterday')).toBeUndefined();
  });
});

describe('the Standard calendar (Mon–Fri 08:00–12:00, 13:00–17:00)', () => {
  it('adds working time over lunch, nights and weekends', () => {
    // 2006-09-21 is a Thursday.
    expect(show(standard.addWork(at('2006-09-21T08:00'), DAY))).toBe('2006-09-21T17:00:00');
    expect(show(standard.addWork(at('2006-09-21T10:00'), 3 * HOUR))).toBe('2006-09-21T14:00:00');
    expect(show(standard.addWork(at('2006-09-21T17:00'), DAY))).toBe('2006-09-22T17:00:00');
    expect(show(standard.addWork(at('2006-09-22T08:00'), 2 * DAY))).toBe('2006-09-25T17:00:00');
    expect(show(standard.addWork(at('2006-09-23T11:00'), HOUR))).toBe('2006-09-25T09:00:00');
  });

  it('subtracts working time, landing on the start of a period', () => {
    expect(show(standard.addWork(at('2006-09-25T17:00'), -DAY))).toBe('2006-09-25T08:00:00');
    expect(show(standard.addWork(at('2006-09-25T08:00'), -DAY))).toBe('2006-09-22T08:00:00');
    expect(show(standard.addWork(at('2006-09-25T09:00'), -2 * HOUR))).toBe('2006-09-22T16:00:00');
  });

  it('finds the next work start and the previous work finish', () => {
    expect(show(standard.nextWorkStart(at('2006-09-22T17:00')))).toBe('2006-09-25T08:00:00');
    expect(show(standard.nextWorkStart(at('2006-09-22T12:30')))).toBe('2006-09-22T13:00:00');
    expect(show(standard.nextWorkStart(at('2006-09-22T09:15')))).toBe('2006-09-22T09:15:00');
    expect(show(standard.previousWorkFinish(at('2006-09-25T08:00')))).toBe('2006-09-22T17:00:00');
    expect(show(standard.previousWorkFinish(at('2006-09-22T12:30')))).toBe('2006-09-22T12:00:00');
  });

  it('counts working minutes between two instants', () => {
    expect(standard.workBetween(at('2006-09-22T17:00'), at('2006-09-25T08:00'))).toBe(0);
    expect(standard.workBetween(at('2006-09-21T08:00'), at('2006-09-28T17:00'))).toBe(6 * DAY);
    expect(standard.workBetween(at('2006-09-28T17:00'), at('2006-09-21T08:00'))).toBe(-6 * DAY);
  });
});

describe('exceptions and work weeks', () => {
  const calendar = compileWorkingTime({
    id: 'with-holidays',
    week: STANDARD_WEEK,
    exceptions: [
      { from: '2026-12-24', to: '2026-12-26', periods: [] },
      { from: '2026-12-28', to: '2026-12-28', periods: [{ from: 9 * HOUR, to: 11 * HOUR }] },
    ],
    workWeeks: [
      {
        from: '2027-01-04',
        to: '2027-01-10',
        week: { 6: [{ from: 8 * HOUR, to: 12 * HOUR }] },
      },
    ],
  });

  it('skips holidays and works the short day', () => {
    // Wed 23 Dec 17:00 + 1 day: the 24th and 25th are holidays, the 28th has 2 hours.
    expect(show(calendar.addWork(at('2026-12-23T17:00'), DAY))).toBe('2026-12-29T15:00:00');
    expect(calendar.workBetween(at('2026-12-28T00:00'), at('2026-12-29T00:00'))).toBe(2 * HOUR);
  });

  it('works the Saturday of the alternate week only', () => {
    expect(calendar.periodsOn(dayNumber('2027-01-09'))).toEqual([{ from: 480, to: 720 }]);
    expect(calendar.periodsOn(dayNumber('2027-01-16'))).toEqual([]);
  });

  it('refuses a calendar without working time', () => {
    expect(() => compileWorkingTime({ id: 'never', week: allDayWeek([]) })).toThrow(
      /never has no working time/,
    );
  });
});

describe('a night shift across midnight', () => {
  const night: WorkWeek = {
    1: [{ from: 23 * HOUR, to: 24 * HOUR }],
    2: [
      { from: 0, to: 3 * HOUR },
      { from: 4 * HOUR, to: 8 * HOUR },
      { from: 23 * HOUR, to: 24 * HOUR },
    ],
    3: [
      { from: 0, to: 3 * HOUR },
      { from: 4 * HOUR, to: 8 * HOUR },
      { from: 23 * HOUR, to: 24 * HOUR },
    ],
    4: [
      { from: 0, to: 3 * HOUR },
      { from: 4 * HOUR, to: 8 * HOUR },
      { from: 23 * HOUR, to: 24 * HOUR },
    ],
    5: [
      { from: 0, to: 3 * HOUR },
      { from: 4 * HOUR, to: 8 * HOUR },
      { from: 23 * HOUR, to: 24 * HOUR },
    ],
    6: [
      { from: 0, to: 3 * HOUR },
      { from: 4 * HOUR, to: 8 * HOUR },
    ],
    7: [],
  };
  const calendar = compileWorkingTime({ id: 'night', week: night });

  it('runs a shift from 23:00 to 08:00 with a break', () => {
    // 2003-01-07 is a Tuesday: its night starts at 23:00.
    expect(show(calendar.addWork(at('2003-01-07T08:00'), DAY))).toBe('2003-01-08T08:00:00');
    expect(show(calendar.addWork(at('2003-01-07T08:00'), 50 * DAY))).toBe('2003-03-18T08:00:00');
  });
});

describe('working-time arithmetic, for any instants', () => {
  const instant = fc.integer({ min: 0, max: 60 * 24 * 400 }).map((m) => at('2026-01-01') + m);
  const minutes = fc.integer({ min: 1, max: 60 * 24 * 30 });

  it('adding then counting gives the minutes back', () => {
    fc.assert(
      fc.property(instant, minutes, (start, work) => {
        const end = standard.addWork(start, work);
        expect(standard.workBetween(start, end)).toBe(work);
        const back = standard.addWork(end, -work);
        expect(standard.workBetween(back, end)).toBe(work);
        expect(standard.workBetween(start, back)).toBe(0);
      }),
    );
  });

  it('the next work start and previous work finish are the same point in working time', () => {
    fc.assert(
      fc.property(instant, (t) => {
        expect(
          standard.workBetween(standard.previousWorkFinish(t), standard.nextWorkStart(t)),
        ).toBe(0);
      }),
    );
  });
});

describe('against minute-by-minute counting, with holidays, short days and a work week', () => {
  const calendar = compileWorkingTime({
    id: 'busy',
    week: STANDARD_WEEK,
    exceptions: [
      { from: '2026-03-02', to: '2026-03-06', periods: [] },
      { from: '2026-03-11', to: '2026-03-11', periods: [{ from: 600, to: 660 }] },
      { from: '2026-04-04', to: '2026-04-04', periods: [{ from: 480, to: 720 }] },
    ],
    workWeeks: [
      { from: '2026-05-01', to: '2026-05-31', week: { 5: [], 6: [{ from: 540, to: 600 }] } },
    ],
  });
  const worked = (minute: number): boolean => {
    const day = Math.floor(minute / 1440);
    const offset = minute - day * 1440;
    return calendar.periodsOn(day).some((p) => p.from <= offset && offset < p.to);
  };
  const instant = fc.integer({ min: 0, max: 60 * 24 * 120 }).map((m) => at('2026-02-20') + m);

  it('adds and counts exactly as a clock would', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 480 * 25 }), (start, work) => {
        let t = start;
        for (let left = work; left > 0; t += 1) if (worked(t)) left -= 1;
        expect(calendar.addWork(start, work)).toBe(t);
        let back = start;
        for (let left = work; left > 0;) {
          back -= 1;
          if (worked(back)) left -= 1;
        }
        expect(calendar.addWork(start, -work)).toBe(back);
        let count = 0;
        for (let m = start; m < t; m += 1) if (worked(m)) count += 1;
        expect(calendar.workBetween(start, t)).toBe(count);
      }),
      { numRuns: 150 },
    );
  });
});

function dayNumber(date: string): number {
  return Math.floor(at(date) / 1440);
}

describe('working time counted far before the first date asked about', () => {
  it('gives the same answers whichever dates are asked first', () => {
    const standard = compileWorkingTime({ id: 'standard', week: STANDARD_WEEK });
    const fresh = (): ReturnType<typeof compileWorkingTime> =>
      compileWorkingTime({ id: 'standard', week: STANDARD_WEEK });
    const late = at('2040-06-04T08:00');
    const early = at('2001-03-05T08:00');
    const middle = at('2020-01-06T08:00');
    // Asked late first, then ever earlier: the counts must still add up.
    const total = standard.workBetween(middle, late) + standard.workBetween(early, middle);
    expect(standard.workBetween(early, late)).toBe(total);
    expect(fresh().workBetween(early, late)).toBe(total);
    expect(standard.addWork(late, -total)).toBe(early);
    expect(fresh().addWork(early, total)).toBe(fresh().previousWorkFinish(late));
  });
});
