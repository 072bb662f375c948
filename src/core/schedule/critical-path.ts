import { DomainError, type Problem } from '../errors.ts';
import type { Instant } from './local-time.ts';
import { compileWorkingTime, type WorkingTime, type WorkingTimeCalendar } from './working-time.ts';

/**
 * Critical-path scheduling in working time: a forward pass (early start and finish), a
 * backward pass (late start and finish), total and free slack and the critical flag, over
 * activities linked finish-to-start, start-to-start, finish-to-finish or start-to-finish with
 * positive or negative lags. Each activity works on its own calendar (or on its resources'
 * calendars); lags count in the successor's calendar. Summary activities roll up their
 * children. The rules follow Microsoft Project where it has rules of its own; see
 * docs/SCHEDULING.md, which the MS Project comparison test holds to.
 */

export type LinkType = 'FS' | 'SS' | 'FF' | 'SF';

export interface ScheduleLink {
  predecessor: string;
  successor: string;
  type: LinkType;
  /** Working minutes of the successor's calendar (clock minutes when `lagElapsed`); may be negative. */
  lag: number;
  lagElapsed?: boolean;
}

export type ConstraintKind =
  | 'start_no_earlier_than'
  | 'start_no_later_than'
  | 'finish_no_earlier_than'
  | 'finish_no_later_than'
  | 'must_start_on'
  | 'must_finish_on';

export interface ScheduleConstraint {
  kind: ConstraintKind;
  at: Instant;
}

/** Work a resource does on its own calendar: the activity lasts until the last of them ends. */
export interface ScheduleAssignment {
  resource: string;
  calendar: string;
  /** Working minutes of the resource's calendar (work divided by the assignment's units). */
  minutes: number;
}

export interface ScheduleActivity {
  id: string;
  /** Working minutes of the activity's calendar; 0 makes a milestone. Ignored for summaries. */
  duration: number;
  /** The activity's calendar; the schedule's default when absent. */
  calendar?: string;
  /** The summary activity this one belongs to. An activity with children is a summary. */
  parent?: string;
  constraint?: ScheduleConstraint;
  /** A date the activity should finish by: caps its late finish. */
  deadline?: Instant;
  /**
   * As late as possible (MS Project): scheduled at its late dates, with no slack; successors
   * follow those dates.
   */
  asLateAsPossible?: boolean;
  /** Manually scheduled (MS Project): it starts here whatever its predecessors say. */
  manualStart?: Instant;
  /** Started: it started here, whatever its predecessors or constraint say. */
  actualStart?: Instant;
  /**
   * Finished here (with `actualStart`; the duration is the actual one). MS Project's rules for
   * progress: a finished activity's late finish is its actual finish and it no longer binds
   * its predecessors' late dates or free slack; a started one's late start is its actual start
   * and its total slack is its finish slack.
   */
  actualFinish?: Instant;
  /**
   * Critical only when linked (MS Project: a manually scheduled task whose duration is still an
   * estimate is a placeholder, never critical on its own, whatever its slack).
   */
  criticalOnlyWhenLinked?: boolean;
  /** When present with work, the resources' calendars decide the dates instead of `duration`. */
  assignments?: readonly ScheduleAssignment[];
}

export interface ScheduleInput {
  /** Nothing starts before this instant. */
  start: Instant;
  /** The default calendar's id. */
  calendar: string;
  calendars: readonly WorkingTimeCalendar[];
  activities: readonly ScheduleActivity[];
  links: readonly ScheduleLink[];
  /** An activity is critical when its total slack is at most this (working minutes); 0 by default. */
  criticalSlack?: number;
  /**
   * MS Project lets a milestone sit at the end of a working period (a milestone after a task
   * that ends at 17:00 is at 17:00, not at 08:00 the next morning). True by default.
   */
  milestonesAtPeriodEnd?: boolean;
}

/** What set an activity's early start. */
export type StartDriver =
  | { kind: 'project_start' }
  | { kind: 'link'; predecessor: string; type: LinkType; lag: number }
  | { kind: 'constraint'; constraint: ConstraintKind }
  | { kind: 'manual' }
  | { kind: 'actual' }
  | { kind: 'rollup' };

export interface ScheduledActivity {
  id: string;
  summary: boolean;
  milestone: boolean;
  /** When it is scheduled: its early dates, or its late dates when as late as possible. */
  start: Instant;
  finish: Instant;
  earlyStart: Instant;
  earlyFinish: Instant;
  lateStart: Instant;
  lateFinish: Instant;
  /** min(late start − early start, late finish − early finish), working minutes of its calendar. */
  totalSlack: number;
  /** How far it can slip before it delays any successor (or the project), working minutes. */
  freeSlack: number;
  critical: boolean;
  driver: StartDriver;
}

export interface CriticalPathSchedule {
  start: Instant;
  /** The latest early finish. */
  finish: Instant;
  /** In input order. */
  activities: ScheduledActivity[];
  /** Critical non-summary activities, by early start. */
  criticalPath: string[];
}

interface Span {
  time: WorkingTime;
  minutes: number;
}

/** Schedules activities by the critical-path method; throws a DomainError for bad input or a cycle. */
export function scheduleCriticalPath(input: ScheduleInput): CriticalPathSchedule {
  const problems: Problem[] = [];
  // Calendars are compiled when first used: one nothing uses may have no working time (MS
  // Project writes such calendars for budget resources), one in use may not.
  const definitions = new Map<string, number>();
  input.calendars.forEach((calendar, at) => definitions.set(calendar.id, at));
  const times = new Map<string, WorkingTime | undefined>();
  const timeOf = (id: string | undefined, path: string): WorkingTime | undefined => {
    const key = id ?? input.calendar;
    if (times.has(key)) return times.get(key);
    const at = definitions.get(key);
    let time: WorkingTime | undefined;
    if (at === undefined)
      problems.push({
        code: 'plan.unknown_reference',
        message: `calendar '${key}' does not exist`,
        path,
      });
    else
      try {
        time = compileWorkingTime(input.calendars[at]!);
      } catch (error) {
        problems.push({
          code: 'plan.bad_value',
          message: `${error instanceof Error ? error.message : String(error)} (used by ${path})`,
          path: `calendars[${at}]`,
        });
      }
    times.set(key, time);
    return time;
  };
  const defaultTime = timeOf(input.calendar, 'calendar');

  const activities = input.activities;
  const count = activities.length;
  const index = new Map<string, number>();
  activities.forEach((activity, at) => {
    if (index.has(activity.id))
      problems.push({
        code: 'plan.duplicate_id',
        message: `activity '${activity.id}' appears twice`,
        path: `activities[${at}].id`,
      });
    else index.set(activity.id, at);
  });

  const children: number[][] = activities.map(() => []);
  const parentOf = new Int32Array(count).fill(-1);
  activities.forEach((activity, at) => {
    if (activity.parent === undefined) return;
    const parent = index.get(activity.parent);
    if (parent === undefined || parent === at) {
      problems.push({
        code: 'plan.unknown_reference',
        message: `parent '${activity.parent}' of '${activity.id}' does not exist`,
        path: `activities[${at}].parent`,
      });
      return;
    }
    parentOf[at] = parent;
    children[parent]!.push(at);
  });
  const isSummary = (at: number): boolean => children[at]!.length > 0;
  // Parents must form a tree.
  for (let at = 0; at < count; at += 1) {
    let cursor = parentOf[at]!;
    for (let steps = 0; cursor >= 0; steps += 1) {
      if (cursor === at || steps > count) {
        problems.push({
          code: 'plan.cycle',
          message: `'${activities[at]!.id}' is its own ancestor`,
          path: `activities[${at}].parent`,
        });
        break;
      }
      cursor = parentOf[cursor]!;
    }
  }
  if (problems.length > 0) throw new DomainError(problems);

  const calendarOf: WorkingTime[] = [];
  const spans: Span[][] = [];
  activities.forEach((activity, at) => {
    const time = timeOf(activity.calendar, `activities[${at}].calendar`) ?? defaultTime!;
    calendarOf.push(time);
    const withWork = (activity.assignments ?? []).filter((assignment) => assignment.minutes > 0);
    if (withWork.length > 0) {
      spans.push(
        withWork.map((assignment, k) => ({
          time: timeOf(assignment.calendar, `activities[${at}].assignments[${k}].calendar`) ?? time,
          minutes: assignment.minutes,
        })),
      );
    } else {
      if (!(activity.duration >= 0) && !isSummary(at))
        problems.push({
          code: 'plan.bad_value',
          message: `duration of '${activity.id}' must be zero or more`,
          path: `activities[${at}].duration`,
        });
      spans.push([{ time, minutes: Math.max(0, activity.duration) }]);
    }
  });

  const leavesOf = (at: number): number[] => {
    if (!isSummary(at)) return [at];
    const out: number[] = [];
    const stack = [...children[at]!];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (isSummary(next)) stack.push(...children[next]!);
      else out.push(next);
    }
    return out;
  };

  // Links on summaries bind every activity under them, except that a start-to-start or
  // start-to-finish link from a summary binds through its earliest activity only (MS Project):
  // such edges to one successor form a group, of which the forward pass keeps one.
  const edgeFrom: number[] = [];
  const edgeTo: number[] = [];
  const edgeLink: ScheduleLink[] = [];
  const edgeGroup: number[] = [];
  let groups = 0;
  input.links.forEach((link, at) => {
    const from = index.get(link.predecessor);
    const to = index.get(link.successor);
    if (from === undefined || to === undefined) {
      problems.push({
        code: 'plan.unknown_reference',
        message: `link ${link.predecessor} → ${link.successor} names an activity that does not exist`,
        path: `links[${at}]`,
      });
      return;
    }
    if (!Number.isFinite(link.lag))
      problems.push({
        code: 'plan.bad_value',
        message: `lag of ${link.predecessor} → ${link.successor} is not a number`,
        path: `links[${at}].lag`,
      });
    const fromStart = isSummary(from) && (link.type === 'SS' || link.type === 'SF');
    for (const s of leavesOf(to)) {
      const group = fromStart ? groups++ : -1;
      for (const p of leavesOf(from)) {
        edgeFrom.push(p);
        edgeTo.push(s);
        edgeLink.push(link);
        edgeGroup.push(group);
      }
    }
  });
  /** Edges that bind: all but the later members of a start-linked summary group. */
  const active = new Uint8Array(edgeFrom.length).fill(1);
  if (problems.length > 0) throw new DomainError(problems);

  const outgoing: number[][] = activities.map(() => []);
  const incoming: number[][] = activities.map(() => []);
  edgeFrom.forEach((from, e) => {
    outgoing[from]!.push(e);
    incoming[edgeTo[e]!]!.push(e);
  });
  const order = orderOrThrow(
    count,
    edgeFrom,
    edgeTo,
    outgoing,
    (at) => activities[at]!.id,
    isSummary,
  );

  const milestoneRule = input.milestonesAtPeriodEnd !== false;
  const isFinished = (at: number): boolean =>
    activities[at]!.actualStart !== undefined && activities[at]!.actualFinish !== undefined;
  const totalMinutes = (at: number): number => spans[at]!.reduce((sum, s) => sum + s.minutes, 0);
  const isMilestone = (at: number): boolean => !isSummary(at) && totalMinutes(at) === 0;
  const finishFrom = (at: number, start: Instant): Instant => {
    let finish = -Infinity;
    for (const span of spans[at]!)
      finish = Math.max(finish, span.time.addWork(start, span.minutes));
    return finish;
  };
  const startFrom = (at: number, finish: Instant): Instant => {
    let start = Infinity;
    for (const span of spans[at]!)
      start = Math.min(start, span.time.addWork(finish, -span.minutes));
    return start;
  };
  const normaliseStart = (at: number, t: Instant): Instant => {
    const time = calendarOf[at]!;
    if (milestoneRule && isMilestone(at) && time.previousWorkFinish(t) === t) return t;
    let start = Infinity;
    for (const span of spans[at]!) start = Math.min(start, span.time.nextWorkStart(t));
    return start;
  };
  const normaliseFinish = (at: number, t: Instant): Instant => {
    let finish = -Infinity;
    for (const span of spans[at]!) finish = Math.max(finish, span.time.previousWorkFinish(t));
    return finish;
  };
  const lagged = (e: number, t: Instant): Instant => {
    const link = edgeLink[e]!;
    if (link.lag === 0) return t;
    if (link.lagElapsed === true) return t + link.lag;
    return calendarOf[edgeTo[e]!]!.addWork(t, link.lag);
  };
  const unlagged = (e: number, t: Instant): Instant => {
    const link = edgeLink[e]!;
    if (link.lag === 0) return t;
    if (link.lagElapsed === true) return t - link.lag;
    return calendarOf[edgeTo[e]!]!.addWork(t, -link.lag);
  };

  const es = new Float64Array(count);
  const ef = new Float64Array(count);
  const ls = new Float64Array(count);
  const lf = new Float64Array(count);
  const drivers: StartDriver[] = activities.map(() => ({ kind: 'project_start' }));

  const isAlap = (at: number): boolean =>
    activities[at]!.asLateAsPossible === true &&
    !isSummary(at) &&
    activities[at]!.manualStart === undefined &&
    activities[at]!.actualStart === undefined;
  /** The dates an activity is scheduled at: its late ones when as late as possible. */
  const startOf = (at: number, late: boolean): Instant => (late && isAlap(at) ? ls[at]! : es[at]!);
  const finishOf = (at: number, late: boolean): Instant => (late && isAlap(at) ? lf[at]! : ef[at]!);

  // Forward pass; run again once the late dates are known when an activity is as late as
  // possible, so that its successors follow where it is scheduled (MS Project).
  const forwardPass = (late: boolean): void => {
    for (const at of order) {
      const activity = activities[at]!;
      const fixedStart = activity.actualStart ?? activity.manualStart;
      if (fixedStart !== undefined) {
        es[at] = fixedStart;
        ef[at] = finishFrom(at, fixedStart);
        drivers[at] = { kind: activity.actualStart !== undefined ? 'actual' : 'manual' };
        continue;
      }
      const constraint = activity.constraint;
      // MS Project: the project start holds only an activity without predecessors, and not one
      // held by a start or finish no earlier than (or must) constraint, which starts from that
      // date even before the project's start. Links alone place the others, before the project
      // start if a negative lag or a start-to-finish link says so; a finish-to-finish link never
      // places its successor before the project start.
      const fromConstraint =
        constraint !== undefined &&
        constraint.kind !== 'start_no_later_than' &&
        constraint.kind !== 'finish_no_later_than';
      let start = fromConstraint || incoming[at]!.length > 0 ? -Infinity : input.start;
      let driver: StartDriver = { kind: 'project_start' };
      if (!late) {
        // Of each start-linked summary group, the edge from the earliest activity binds.
        const earliest = new Map<number, number>();
        for (const e of incoming[at]!) {
          const group = edgeGroup[e]!;
          if (group < 0) continue;
          const best = earliest.get(group);
          if (best === undefined || es[edgeFrom[e]!]! < es[edgeFrom[best]!]!)
            earliest.set(group, e);
        }
        for (const e of incoming[at]!)
          if (edgeGroup[e]! >= 0) active[e] = earliest.get(edgeGroup[e]!) === e ? 1 : 0;
      }
      for (const e of incoming[at]!) {
        if (active[e] === 0) continue;
        const p = edgeFrom[e]!;
        const link = edgeLink[e]!;
        let candidate: Instant;
        if (link.type === 'FS') candidate = lagged(e, finishOf(p, late));
        else if (link.type === 'SS') candidate = lagged(e, startOf(p, late));
        else if (link.type === 'FF')
          candidate = Math.max(input.start, startFrom(at, lagged(e, finishOf(p, late))));
        else candidate = startFrom(at, lagged(e, startOf(p, late)));
        if (candidate > start) {
          start = candidate;
          driver = {
            kind: 'link',
            predecessor: activities[p]!.id,
            type: link.type,
            lag: link.lag,
          };
        }
      }
      if (start !== -Infinity) start = normaliseStart(at, start);
      if (constraint !== undefined) {
        const bound =
          constraint.kind === 'start_no_earlier_than' ||
          constraint.kind === 'start_no_later_than' ||
          constraint.kind === 'must_start_on'
            ? normaliseStart(at, constraint.at)
            : startFrom(at, constraint.at);
        const early =
          constraint.kind === 'start_no_earlier_than' ||
          constraint.kind === 'finish_no_earlier_than';
        const late =
          constraint.kind === 'start_no_later_than' || constraint.kind === 'finish_no_later_than';
        if (
          (early && bound > start) ||
          (late && bound < start) ||
          (!early && !late && bound !== start)
        ) {
          start = bound;
          driver = { kind: 'constraint', constraint: constraint.kind };
        }
      }
      es[at] = start;
      ef[at] = finishFrom(at, start);
      drivers[at] = driver;
    }
  };
  forwardPass(false);

  // The project finishes with its last task, even one that ends before the project's start.
  let finish = -Infinity;
  for (let at = 0; at < count; at += 1) if (!isSummary(at)) finish = Math.max(finish, ef[at]!);
  if (finish === -Infinity) finish = input.start;

  // Backward pass.
  for (let k = order.length - 1; k >= 0; k -= 1) {
    const at = order[k]!;
    const activity = activities[at]!;
    const binding = outgoing[at]!.filter((e) => active[e] === 1 && !isFinished(edgeTo[e]!));
    let lateFinish = binding.length === 0 ? finish : Infinity;
    for (const e of binding) {
      const s = edgeTo[e]!;
      const link = edgeLink[e]!;
      let candidate: Instant;
      if (link.type === 'FS') candidate = unlagged(e, ls[s]!);
      else if (link.type === 'FF') candidate = unlagged(e, lf[s]!);
      else if (activity.manualStart !== undefined) {
        // MS Project: a manually scheduled predecessor is not pulled earlier by a successor
        // linked to its start; it only has to finish by the successor's late finish when the
        // successor ends a chain, else by the project's finish.
        candidate = outgoing[s]!.length === 0 ? lf[s]! : finish;
      } else if (link.type === 'SS') candidate = finishFrom(at, unlagged(e, ls[s]!));
      else candidate = finishFrom(at, unlagged(e, lf[s]!));
      lateFinish = Math.min(lateFinish, candidate, finish);
    }
    const constraint = activity.constraint;
    if (constraint !== undefined) {
      const kind = constraint.kind;
      if (kind === 'must_start_on') lateFinish = finishFrom(at, constraint.at);
      else if (kind === 'must_finish_on') lateFinish = constraint.at;
      else if (kind === 'start_no_later_than')
        lateFinish = Math.min(lateFinish, finishFrom(at, constraint.at));
      else if (kind === 'finish_no_later_than') lateFinish = Math.min(lateFinish, constraint.at);
    }
    // A deadline caps the late finish whatever the constraint (MS Project applies it last).
    if (activity.deadline !== undefined) lateFinish = Math.min(lateFinish, activity.deadline);
    lateFinish = normaliseFinish(at, lateFinish);
    if (isFinished(at)) lateFinish = activity.actualFinish!;
    lf[at] = lateFinish;
    ls[at] = activity.actualStart ?? startFrom(at, lateFinish);
  }

  const anyAlap = activities.some((_, at) => isAlap(at));
  if (anyAlap) forwardPass(true);

  const limit = input.criticalSlack ?? 0;
  const totalSlack = new Float64Array(count);
  const freeSlack = new Float64Array(count);
  for (const at of order) {
    const time = calendarOf[at]!;
    const finishSlack = time.workBetween(ef[at]!, lf[at]!);
    // A started activity's slack is its finish slack: its start is history.
    // As late as possible leaves no slack; a started activity's slack is its finish slack.
    const slack = isAlap(at)
      ? 0
      : activities[at]!.actualStart !== undefined
        ? finishSlack
        : Math.min(time.workBetween(es[at]!, ls[at]!), finishSlack);
    totalSlack[at] = slack;
    let free = isFinished(at) ? 0 : slack;
    for (const e of outgoing[at]!) {
      const s = edgeTo[e]!;
      if (active[e] === 0 || isFinished(s)) continue;
      const type = edgeLink[e]!.type;
      const from = lagged(
        e,
        type === 'FS' || type === 'FF' ? finishOf(at, anyAlap) : startOf(at, anyAlap),
      );
      const to = type === 'FS' || type === 'SS' ? startOf(s, anyAlap) : finishOf(s, anyAlap);
      free = Math.min(free, time.workBetween(from, to));
    }
    freeSlack[at] = Math.max(0, free);
  }

  const critical = activities.map(
    (activity, at) =>
      !isSummary(at) &&
      totalSlack[at]! <= limit &&
      !(
        activity.criticalOnlyWhenLinked === true &&
        incoming[at]!.length === 0 &&
        outgoing[at]!.length === 0
      ),
  );

  // Summaries roll up their children, deepest first.
  const summaries: number[] = [];
  const visit = (at: number): void => {
    for (const child of children[at]!) if (isSummary(child)) visit(child);
    summaries.push(at);
  };
  for (let at = 0; at < count; at += 1) if (isSummary(at) && parentOf[at] === -1) visit(at);
  for (const at of summaries) {
    let [minEs, maxEf, minLs, maxLf] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const child of children[at]!) {
      // A summary spans where its children are scheduled.
      minEs = Math.min(minEs, startOf(child, true));
      maxEf = Math.max(maxEf, finishOf(child, true));
      minLs = Math.min(minLs, ls[child]!);
      maxLf = Math.max(maxLf, lf[child]!);
    }
    [es[at], ef[at], ls[at], lf[at]] = [minEs, maxEf, minLs, maxLf];
    const time = calendarOf[at]!;
    const slack = Math.min(time.workBetween(minEs, minLs), time.workBetween(maxEf, maxLf));
    totalSlack[at] = slack;
    freeSlack[at] = Math.max(0, slack);
    critical[at] = slack <= limit;
    drivers[at] = { kind: 'rollup' };
  }

  const scheduled = activities.map((activity, at): ScheduledActivity => ({
    id: activity.id,
    summary: isSummary(at),
    milestone: isMilestone(at),
    start: startOf(at, true),
    finish: finishOf(at, true),
    earlyStart: es[at]!,
    earlyFinish: ef[at]!,
    lateStart: ls[at]!,
    lateFinish: lf[at]!,
    totalSlack: totalSlack[at]!,
    freeSlack: freeSlack[at]!,
    critical: critical[at]!,
    driver: drivers[at]!,
  }));
  const criticalPath = scheduled
    .map((activity, at) => ({ activity, at }))
    .filter(({ activity }) => activity.critical && !activity.summary)
    .sort((a, b) => a.activity.earlyStart - b.activity.earlyStart || a.at - b.at)
    .map(({ activity }) => activity.id);
  return { start: input.start, finish, activities: scheduled, criticalPath };
}

/** Kahn's order of the non-summary activities; a cycle is refused naming every activity on it. */
function orderOrThrow(
  count: number,
  from: readonly number[],
  to: readonly number[],
  outgoing: readonly (readonly number[])[],
  idOf: (at: number) => string,
  isSummary: (at: number) => boolean,
): number[] {
  const indegree = new Int32Array(count);
  for (const target of to) indegree[target] = indegree[target]! + 1;
  const order: number[] = [];
  for (let at = 0; at < count; at += 1) if (!isSummary(at) && indegree[at] === 0) order.push(at);
  for (let head = 0; head < order.length; head += 1) {
    for (const e of outgoing[order[head]!]!) {
      const next = to[e]!;
      indegree[next] = indegree[next]! - 1;
      if (indegree[next] === 0) order.push(next);
    }
  }
  const leaves = Array.from({ length: count }, (_, at) => at).filter((at) => !isSummary(at));
  if (order.length === leaves.length) return order;
  // Walk backwards along unfinished predecessors until a node repeats: that is a cycle.
  const pendingPredecessor = new Int32Array(count).fill(-1);
  from.forEach((origin, e) => {
    if (indegree[to[e]!]! > 0 && indegree[origin]! > 0) pendingPredecessor[to[e]!] = origin;
  });
  let cursor = leaves.find((at) => indegree[at]! > 0)!;
  const seen = new Map<number, number>();
  const walk: number[] = [];
  while (!seen.has(cursor)) {
    seen.set(cursor, walk.length);
    walk.push(cursor);
    cursor = pendingPredecessor[cursor]!;
  }
  const found = walk.slice(seen.get(cursor)).reverse();
  // Start the cycle at its first activity in input order, so the message is stable.
  const first = found.indexOf(Math.min(...found));
  const cycle = [...found.slice(first), ...found.slice(0, first)];
  const names = [...cycle, cycle[0]!].map(idOf).join(' → ');
  throw new DomainError({
    code: 'plan.cycle',
    message: `dependency cycle: ${names}`,
    path: 'links',
  });
}
