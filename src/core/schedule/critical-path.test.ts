import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  scheduleCriticalPath,
  type LinkType,
  type ScheduleActivity,
  type ScheduleInput,
  type ScheduleLink,
} from './critical-path.ts';
import { formatLocalDateTime, parseLocalDateTime } from './local-time.ts';
import {
  allDayWeek,
  ELAPSED_WEEK,
  STANDARD_WEEK,
  type WorkingTimeCalendar,
} from './working-time.ts';

const at = (text: string): number => parseLocalDateTime(text)!;
const DAY = 480;

/** Periods: an always-working calendar from instant 0, so every date is a plain number. */
function periods(activities: ScheduleActivity[], links: ScheduleLink[]): ScheduleInput {
  return {
    start: 0,
    calendar: 'periods',
    calendars: [{ id: 'periods', week: ELAPSED_WEEK }],
    activities,
    links,
  };
}

const fs = (predecessor: string, successor: string, lag = 0): ScheduleLink => ({
  predecessor,
  successor,
  type: 'FS',
  lag,
});

describe('the textbook network', () => {
  // A(3) → B(2) → D(1); A → C(4) → D.
  const schedule = scheduleCriticalPath(
    periods(
      [
        { id: 'A', duration: 3 },
        { id: 'B', duration: 2 },
        { id: 'C', duration: 4 },
        { id: 'D', duration: 1 },
      ],
      [fs('A', 'B'), fs('A', 'C'), fs('B', 'D'), fs('C', 'D')],
    ),
  );
  const row = (id: string) => {
    const a = schedule.activities.find((activity) => activity.id === id)!;
    return [a.earlyStart, a.earlyFinish, a.lateStart, a.lateFinish, a.totalSlack, a.freeSlack];
  };

  it('has early and late dates, total and free slack', () => {
    expect(row('A')).toEqual([0, 3, 0, 3, 0, 0]);
    expect(row('B')).toEqual([3, 5, 5, 7, 2, 2]);
    expect(row('C')).toEqual([3, 7, 3, 7, 0, 0]);
    expect(row('D')).toEqual([7, 8, 7, 8, 0, 0]);
    expect(schedule.finish).toBe(8);
  });

  it('names the critical path and what drives each start', () => {
    expect(schedule.criticalPath).toEqual(['A', 'C', 'D']);
    expect(schedule.activities[3]!.driver).toEqual({
      kind: 'link',
      predecessor: 'C',
      type: 'FS',
      lag: 0,
    });
  });
});

describe('links in working time on the Standard calendar', () => {
  const base = (links: ScheduleLink[]): ScheduleInput => ({
    // 2018-10-18 is a Thursday.
    start: at('2018-10-18T08:00'),
    calendar: 'standard',
    calendars: [{ id: 'standard', week: STANDARD_WEEK }],
    activities: [
      { id: 'P', duration: DAY },
      { id: 'S', duration: DAY },
      { id: 'Z', duration: 10 * DAY },
    ],
    links,
  });
  const successorStart = (type: LinkType, lag: number): string => {
    const schedule = scheduleCriticalPath(base([{ predecessor: 'P', successor: 'S', type, lag }]));
    return formatLocalDateTime(schedule.activities[1]!.earlyStart);
  };

  it('finish-to-start starts the next working morning, lags skip the weekend', () => {
    expect(successorStart('FS', 0)).toBe('2018-10-19T08:00:00');
    expect(successorStart('FS', DAY)).toBe('2018-10-22T08:00:00');
    expect(successorStart('FS', 5 * DAY)).toBe('2018-10-26T08:00:00');
    expect(successorStart('FS', -DAY)).toBe('2018-10-18T08:00:00');
    expect(successorStart('FS', -4 * 60)).toBe('2018-10-18T13:00:00');
  });

  it('start-to-start, finish-to-finish and start-to-finish', () => {
    expect(successorStart('SS', 2 * DAY)).toBe('2018-10-22T08:00:00');
    expect(successorStart('FF', 2 * DAY)).toBe('2018-10-22T08:00:00');
    expect(successorStart('SF', 2 * DAY)).toBe('2018-10-19T08:00:00');
    // As in MS Project, a start-to-finish successor may finish as its predecessor starts, on
    // the project's first day, and so start before the project does.
    expect(successorStart('SF', 0)).toBe('2018-10-17T08:00:00');
  });

  it('gives free slack net of the lag', () => {
    const schedule = scheduleCriticalPath(base([fs('P', 'S', 2 * DAY)]));
    const [p, s] = schedule.activities;
    expect(p!.freeSlack).toBe(0);
    // Z (10 days) ends on 31 October; S could slip from 23 October to then.
    expect(s!.totalSlack).toBe(6 * DAY);
    expect(p!.totalSlack).toBe(6 * DAY);
  });
});

describe('constraints, deadlines, manual tasks and summaries', () => {
  const input = (activities: ScheduleActivity[], links: ScheduleLink[] = []): ScheduleInput => ({
    start: at('2026-10-05T08:00'),
    calendar: 'standard',
    calendars: [{ id: 'standard', week: STANDARD_WEEK }],
    activities,
    links,
  });

  it('start no earlier than a Saturday starts on Monday', () => {
    const schedule = scheduleCriticalPath(
      input([
        {
          id: 'A',
          duration: DAY,
          constraint: { kind: 'start_no_earlier_than', at: at('2026-10-10T08:00') },
        },
      ]),
    );
    expect(formatLocalDateTime(schedule.activities[0]!.earlyStart)).toBe('2026-10-12T08:00:00');
    expect(schedule.activities[0]!.driver).toEqual({
      kind: 'constraint',
      constraint: 'start_no_earlier_than',
    });
  });

  it('a missed deadline gives negative slack and makes the chain critical', () => {
    const schedule = scheduleCriticalPath(
      input(
        [
          { id: 'A', duration: 3 * DAY },
          { id: 'B', duration: 2 * DAY, deadline: at('2026-10-08T17:00') },
          { id: 'C', duration: 5 * DAY },
        ],
        [fs('A', 'B')],
      ),
    );
    const [a, b, c] = schedule.activities;
    expect(b!.totalSlack).toBe(-DAY);
    expect(a!.totalSlack).toBe(-DAY);
    expect(a!.critical && b!.critical).toBe(true);
    expect(c!.critical).toBe(true);
  });

  it('a manually scheduled task stays where it was put', () => {
    const schedule = scheduleCriticalPath(
      input(
        [
          { id: 'A', duration: 3 * DAY },
          { id: 'B', duration: DAY, manualStart: at('2026-10-06T08:00') },
        ],
        [fs('A', 'B')],
      ),
    );
    expect(formatLocalDateTime(schedule.activities[1]!.earlyStart)).toBe('2026-10-06T08:00:00');
    expect(schedule.activities[1]!.driver).toEqual({ kind: 'manual' });
  });

  it('a summary rolls up its children, and a link to it binds them all', () => {
    const schedule = scheduleCriticalPath(
      input(
        [
          { id: 'Phase', duration: 0 },
          { id: 'A', duration: DAY, parent: 'Phase' },
          { id: 'B', duration: 2 * DAY, parent: 'Phase' },
          { id: 'Go', duration: 0 },
        ],
        [fs('Phase', 'Go')],
      ),
    );
    const [phase, a, , go] = schedule.activities;
    expect(phase!.summary).toBe(true);
    expect(formatLocalDateTime(phase!.earlyStart)).toBe('2026-10-05T08:00:00');
    expect(formatLocalDateTime(phase!.earlyFinish)).toBe('2026-10-06T17:00:00');
    expect(go!.milestone).toBe(true);
    // The milestone sits at the end of the day its predecessor finishes.
    expect(formatLocalDateTime(go!.earlyStart)).toBe('2026-10-06T17:00:00');
    expect(a!.totalSlack).toBe(DAY);
    expect(phase!.totalSlack).toBe(0);
  });
});

describe('bad input', () => {
  it('refuses a cycle, naming it', () => {
    expect(() =>
      scheduleCriticalPath(
        periods(
          [
            { id: 'A', duration: 1 },
            { id: 'B', duration: 1 },
            { id: 'C', duration: 1 },
            { id: 'D', duration: 1 },
          ],
          [fs('D', 'A'), fs('A', 'B'), fs('B', 'C'), fs('C', 'A')],
        ),
      ),
    ).toThrow('dependency cycle: A → B → C → A');
  });

  it('refuses unknown activities and calendars, all at once', () => {
    try {
      scheduleCriticalPath({
        ...periods([{ id: 'A', duration: 1, calendar: 'nope' }], [fs('A', 'X')]),
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        problems: [
          { code: 'plan.unknown_reference', path: 'activities[0].calendar' },
          { code: 'plan.unknown_reference', path: 'links[0]' },
        ],
      });
    }
  });
});

/** A plain integer CPM to hold the engine to, on an always-working calendar. */
function referenceCpm(
  durations: number[],
  links: { from: number; to: number; type: LinkType; lag: number }[],
): { es: number[]; ls: number[]; total: number[]; free: number[]; finish: number } {
  const n = durations.length;
  // MS Project's rule: the project start (0) holds only activities without predecessors; links
  // place the others, before the start if they say so, except that finish-to-finish does not.
  const es = new Array<number>(n).fill(0);
  // Links only run from lower to higher index here, so index order is topological.
  for (let j = 0; j < n; j += 1) {
    const incoming = links.filter((link) => link.to === j);
    if (incoming.length > 0) es[j] = -Infinity;
    for (const l of incoming) {
      const p = l.from;
      const bound =
        l.type === 'FS'
          ? es[p]! + durations[p]! + l.lag
          : l.type === 'SS'
            ? es[p]! + l.lag
            : l.type === 'FF'
              ? Math.max(0, es[p]! + durations[p]! + l.lag - durations[j]!)
              : es[p]! + l.lag - durations[j]!;
      es[j] = Math.max(es[j]!, bound);
    }
  }
  const finish = Math.max(...es.map((s, j) => s + durations[j]!));
  const lf = new Array<number>(n).fill(finish);
  for (let i = n - 1; i >= 0; i -= 1)
    for (const l of links.filter((link) => link.from === i)) {
      const s = l.to;
      const lsS = lf[s]! - durations[s]!;
      const bound =
        l.type === 'FS'
          ? lsS - l.lag
          : l.type === 'SS'
            ? lsS - l.lag + durations[i]!
            : l.type === 'FF'
              ? lf[s]! - l.lag
              : lf[s]! - l.lag + durations[i]!;
      lf[i] = Math.min(lf[i]!, bound);
    }
  const ls = lf.map((f, j) => f - durations[j]!);
  const total = ls.map((s, j) => s - es[j]!);
  const free = durations.map((d, i) => {
    let slack = total[i]!;
    for (const l of links.filter((link) => link.from === i)) {
      const from = (l.type[0] === 'F' ? es[i]! + d : es[i]!) + l.lag;
      const to = l.type[1] === 'S' ? es[l.to]! : es[l.to]! + durations[l.to]!;
      slack = Math.min(slack, to - from);
    }
    return Math.max(0, slack);
  });
  return { es, ls, total, free, finish };
}

describe('any network, against a plain integer CPM', () => {
  const network = fc
    .integer({ min: 1, max: 12 })
    .chain((n) =>
      fc.record({
        durations: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }),
        links: fc.array(
          fc.record({
            a: fc.integer({ min: 0, max: n - 1 }),
            b: fc.integer({ min: 0, max: n - 1 }),
            type: fc.constantFrom<LinkType>('FS', 'SS', 'FF', 'SF'),
            lag: fc.integer({ min: -4, max: 6 }),
          }),
          { maxLength: 2 * n },
        ),
      }),
    )
    .map(({ durations, links }) => ({
      durations,
      links: links
        .filter(({ a, b }) => a !== b)
        .map(({ a, b, type, lag }) => ({ from: Math.min(a, b), to: Math.max(a, b), type, lag })),
    }));

  it('gives the same dates and slack, and a critical path whenever there is work', () => {
    fc.assert(
      fc.property(network, ({ durations, links }) => {
        const schedule = scheduleCriticalPath(
          periods(
            durations.map((duration, j) => ({ id: `a${j}`, duration })),
            links.map((l) => ({
              predecessor: `a${l.from}`,
              successor: `a${l.to}`,
              type: l.type,
              lag: l.lag,
            })),
          ),
        );
        const expected = referenceCpm(durations, links);
        expect(schedule.finish).toBe(expected.finish);
        expect(schedule.activities.map((a) => a.earlyStart)).toEqual(expected.es);
        expect(schedule.activities.map((a) => a.lateStart)).toEqual(expected.ls);
        expect(schedule.activities.map((a) => a.totalSlack)).toEqual(expected.total);
        expect(schedule.activities.map((a) => a.freeSlack)).toEqual(expected.free);
        expect(schedule.activities.every((a) => a.totalSlack >= 0)).toBe(true);
        expect(schedule.criticalPath.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('MS Project rules for progress, early constraints and placeholders', () => {
  it('keeps a started activity at its actual start, whatever its predecessors say', () => {
    const schedule = scheduleCriticalPath(
      periods(
        [
          { id: 'A', duration: 5 },
          { id: 'B', duration: 3, actualStart: 2 },
          { id: 'C', duration: 1 },
        ],
        [fs('A', 'B'), fs('B', 'C')],
      ),
    );
    const [, b, c] = schedule.activities;
    expect([b!.earlyStart, b!.earlyFinish, b!.driver.kind]).toEqual([2, 5, 'actual']);
    expect(c!.earlyStart).toBe(5);
  });

  it('follows MS Project on progress: late dates, slack and finished successors', () => {
    const schedule = scheduleCriticalPath(
      periods(
        [
          // Finished: its late finish is its actual finish, and it has no free slack.
          { id: 'A', duration: 5, actualStart: 0, actualFinish: 5 },
          // In progress: its late start is its actual start, its slack its finish slack.
          { id: 'B', duration: 3, actualStart: 2 },
          { id: 'C', duration: 10 },
          // Not started, linked to a finished successor, which no longer binds it.
          { id: 'D', duration: 2 },
        ],
        [fs('A', 'B'), fs('D', 'A')],
      ),
    );
    const rows = Object.fromEntries(
      schedule.activities.map((a) => [
        a.id,
        [a.earlyStart, a.earlyFinish, a.lateStart, a.lateFinish, a.totalSlack, a.freeSlack],
      ]),
    );
    expect(schedule.finish).toBe(10);
    expect(rows).toEqual({
      A: [0, 5, 0, 5, 0, 0],
      B: [2, 5, 2, 10, 5, 5],
      C: [0, 10, 0, 10, 0, 0],
      D: [0, 2, 8, 10, 8, 8],
    });
  });

  it('schedules an as-late-as-possible activity at its late dates, and its successors after them', () => {
    const schedule = scheduleCriticalPath(
      periods(
        [
          { id: 'A', duration: 2 },
          { id: 'B', duration: 3, asLateAsPossible: true },
          { id: 'C', duration: 1 },
          { id: 'D', duration: 10 },
        ],
        [fs('A', 'B'), fs('B', 'C')],
      ),
    );
    const rows = Object.fromEntries(
      schedule.activities.map((a) => [
        a.id,
        [
          a.start,
          a.finish,
          a.earlyStart,
          a.earlyFinish,
          a.lateStart,
          a.lateFinish,
          a.totalSlack,
          a.freeSlack,
          a.critical,
        ],
      ]),
    );
    expect(rows).toEqual({
      // A keeps its slack up to where B is scheduled.
      A: [0, 2, 0, 2, 4, 6, 4, 4, false],
      // B sits at its late dates with no slack, which MS Project marks critical.
      B: [6, 9, 2, 5, 6, 9, 0, 0, true],
      // C follows B where B is scheduled.
      C: [9, 10, 9, 10, 9, 10, 0, 0, true],
      D: [0, 10, 0, 10, 0, 10, 0, 0, true],
    });
  });

  it('binds a start-to-start link from a summary through its earliest activity only', () => {
    const schedule = scheduleCriticalPath(
      periods(
        [
          { id: 'S', duration: 0 },
          { id: 'X', duration: 2, parent: 'S' },
          { id: 'Y', duration: 3, parent: 'S' },
          { id: 'Q', duration: 4 },
          { id: 'T', duration: 1 },
          { id: 'U', duration: 1 },
        ],
        [
          fs('Q', 'Y'),
          { predecessor: 'S', successor: 'T', type: 'SS', lag: 1 },
          // Finish-to-start from a summary still waits for all of it.
          fs('S', 'U'),
        ],
      ),
    );
    const startOf = (id: string): number =>
      schedule.activities.find((a) => a.id === id)!.earlyStart;
    // X starts at 0 and Y at 4: T follows X, one period later, not Y.
    expect([startOf('T'), startOf('U')]).toEqual([1, 7]);
  });

  it('caps the late finish by the deadline after a must constraint', () => {
    const [a] = scheduleCriticalPath(
      periods(
        [
          { id: 'A', duration: 2, constraint: { kind: 'must_start_on', at: 4 }, deadline: 5 },
          { id: 'B', duration: 10 },
        ],
        [],
      ),
    ).activities;
    expect([a!.earlyStart, a!.lateFinish, a!.totalSlack]).toEqual([4, 5, -1]);
  });

  it('starts an activity held by a no-earlier-than or must constraint before the project start', () => {
    const input: ScheduleInput = {
      ...periods(
        [
          { id: 'A', duration: 2, constraint: { kind: 'start_no_earlier_than', at: -10 } },
          { id: 'B', duration: 2, constraint: { kind: 'must_finish_on', at: -4 } },
          { id: 'C', duration: 2, constraint: { kind: 'start_no_later_than', at: -10 } },
        ],
        [],
      ),
    };
    const [a, b, c] = scheduleCriticalPath(input).activities;
    expect([a!.earlyStart, b!.earlyStart]).toEqual([-10, -6]);
    // No later than is a ceiling, not a start: with nothing before it, it is at its date.
    expect(c!.earlyStart).toBe(-10);
  });

  it('finishes the project with its last activity, even one before the start date', () => {
    const schedule = scheduleCriticalPath({
      ...periods([{ id: 'A', duration: 2, manualStart: -10 }], []),
    });
    expect(schedule.finish).toBe(-8);
    expect(schedule.activities[0]!.totalSlack).toBe(0);
  });

  it('marks a placeholder critical only when it is linked', () => {
    const schedule = scheduleCriticalPath(
      periods(
        [
          { id: 'A', duration: 2, criticalOnlyWhenLinked: true },
          { id: 'B', duration: 2, criticalOnlyWhenLinked: true },
          { id: 'C', duration: 0 },
        ],
        [fs('B', 'C')],
      ),
    );
    expect(schedule.activities.map((a) => [a.id, a.totalSlack, a.critical])).toEqual([
      ['A', 0, false],
      ['B', 0, true],
      ['C', 0, true],
    ]);
  });

  it('refuses a calendar without working time only when something works on it', () => {
    const input = periods([{ id: 'A', duration: 2 }], []);
    const idle: WorkingTimeCalendar = { id: 'idle', week: allDayWeek([]) };
    expect(scheduleCriticalPath({ ...input, calendars: [...input.calendars, idle] }).finish).toBe(
      2,
    );
    expect(() =>
      scheduleCriticalPath({
        ...input,
        calendars: [...input.calendars, idle],
        activities: [{ id: 'A', duration: 2, calendar: 'idle' }],
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            path: 'calendars[1]',
            message: 'calendar idle has no working time (used by activities[0].calendar)',
          }),
        ],
      }),
    );
  });
});
