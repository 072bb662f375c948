import type { CriticalPathSchedule, ScheduleInput } from '../../core/schedule/critical-path.ts';
import type { Instant } from '../../core/schedule/local-time.ts';
import {
  levelResources,
  type LevellingActivity,
  type LevellingLink,
} from '../../core/schedule/resource-levelling.ts';
import { compileWorkingTime } from '../../core/schedule/working-time.ts';
import type { MsProjectPlan } from './mspdi.ts';

export interface LevelledMsProject {
  finish: Instant;
  /** Levelled start of every task (summaries: their earliest child). */
  starts: Map<string, Instant>;
  warnings: string[];
}

/** The coarsest grid is a working day; the finest an hour, so that long plans stay small. */
const FINEST_GRID = 60;

/**
 * Levels an MS Project plan against its work resources' maximum units. The schedule is laid on
 * a grid of working time of the project calendar (the largest step that divides every
 * duration and lag, an hour at the finest), each task keeps its critical-path early start as
 * the earliest it may start, and the levelling heuristic of the core searches the shortest
 * schedule. Approximations, reported as warnings: resource calendars are not applied while
 * levelling, and durations off the grid are rounded up.
 */
export function levelMsProjectSchedule(
  plan: MsProjectPlan,
  input: ScheduleInput,
  schedule: CriticalPathSchedule,
  seed: number,
): LevelledMsProject {
  const warnings: string[] = [];
  const time = compileWorkingTime(input.calendars.find((c) => c.id === input.calendar)!);
  const leaves = schedule.activities.filter((activity) => !activity.summary);
  const offset = (instant: Instant): number => time.workBetween(input.start, instant);
  const span = new Map(
    leaves.map((activity) => [
      activity.id,
      offset(activity.earlyFinish) - offset(activity.earlyStart),
    ]),
  );

  const resources = plan.resources.filter(
    (resource) =>
      resource.work &&
      plan.assignments.some((a) => a.resource === resource.uid && a.units > 0 && a.work > 0),
  );
  if (resources.length === 0) {
    return {
      finish: schedule.finish,
      starts: new Map(schedule.activities.map((activity) => [activity.id, activity.earlyStart])),
      warnings: [
        'no task uses a work resource: the levelled schedule is the critical-path schedule',
      ],
    };
  }

  const quantities = [
    ...span.values(),
    ...input.links.map((link) => Math.abs(link.lag)),
    ...leaves.map((activity) => offset(activity.earlyStart)),
  ].filter((value) => value > 0);
  let grid = quantities.reduce((g, value) => gcd(g, Math.round(value)), 0) || plan.minutesPerDay;
  if (grid < FINEST_GRID) {
    warnings.push(`durations and lags are rounded up to whole hours while levelling`);
    grid = FINEST_GRID;
  }
  const periods = (minutes: number): number => Math.ceil(minutes / grid - 1e-9);

  const anchor = '\u0000start';
  const activities: LevellingActivity[] = [
    { id: anchor, duration: 0, demands: resources.map(() => 0) },
    ...leaves.map((activity) => ({
      id: activity.id,
      duration: periods(span.get(activity.id)!),
      demands: resources.map((resource) => {
        const units = plan.assignments
          .filter((a) => a.task === activity.id && a.resource === resource.uid && a.work > 0)
          .reduce((sum, a) => sum + a.units, 0);
        if (units > resource.maxUnits) {
          warnings.push(
            `task UID ${activity.id} asks ${units} units of ${resource.name}, who has ${resource.maxUnits}: levelled as ${resource.maxUnits}`,
          );
          return resource.maxUnits;
        }
        return units;
      }),
    })),
  ];
  const leafIds = new Set(leaves.map((activity) => activity.id));
  const links: LevellingLink[] = [
    // Nothing starts before its critical-path early start (constraints, manual dates).
    ...leaves.map((activity) => ({
      predecessor: anchor,
      successor: activity.id,
      type: 'SS' as const,
      lag: Math.floor(offset(activity.earlyStart) / grid),
    })),
    ...input.links
      .filter((link) => leafIds.has(link.predecessor) && leafIds.has(link.successor))
      .map((link) => ({
        predecessor: link.predecessor,
        successor: link.successor,
        type: link.type,
        lag: Math.sign(link.lag) * periods(Math.abs(link.lag)),
      })),
  ];
  if (input.links.some((link) => !leafIds.has(link.predecessor) || !leafIds.has(link.successor)))
    warnings.push('links on summary tasks are kept only through the early starts while levelling');
  if (plan.resources.some((r) => r.calendar !== undefined))
    warnings.push(
      'resource calendars are not applied while levelling: the grid is the project calendar',
    );

  const levelled = levelResources(
    {
      activities,
      links,
      resources: resources.map((resource) => ({ id: resource.name, capacity: resource.maxUnits })),
    },
    { seed },
  );
  const instantOf = (period: number): Instant =>
    period === 0
      ? time.nextWorkStart(input.start)
      : time.nextWorkStart(time.addWork(input.start, period * grid));
  const starts = new Map<string, Instant>();
  leaves.forEach((activity, at) => starts.set(activity.id, instantOf(levelled.starts[at + 1]!)));
  // Summaries start with their earliest child.
  const parents = new Map(
    input.activities.filter((a) => a.parent !== undefined).map((a) => [a.id, a.parent!]),
  );
  for (const [id, start] of [...starts]) {
    for (let parent = parents.get(id); parent !== undefined; parent = parents.get(parent))
      starts.set(parent, Math.min(starts.get(parent) ?? Infinity, start));
  }
  const finish = time.addWork(input.start, levelled.makespan * grid);
  return {
    // Not shorter than the critical path, whose finish keeps the resources' calendars.
    finish: offset(finish) <= offset(schedule.finish) ? schedule.finish : finish,
    starts,
    warnings,
  };
}

function gcd(a: number, b: number): number {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y > 0) [x, y] = [y, x % y];
  return x;
}
