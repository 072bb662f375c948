import type { Dependency, Milestone } from '../../core/domain/plan.ts';
import type { CriticalPathSchedule, ScheduleInput } from '../../core/schedule/critical-path.ts';
import { dateOfDay, dayOf } from '../../core/schedule/local-time.ts';
import { compileWorkingTime } from '../../core/schedule/working-time.ts';
import type { MsProjectPlan } from './mspdi.ts';
import { outlineParents } from './mspdi-schedule.ts';

export interface MsProjectImportOptions {
  initiative: string;
  /** Milestone ids are the prefix and the task's UID; `<initiative>-` by default. */
  idPrefix?: string;
}

export interface MsProjectPlanEntities {
  milestones: Milestone[];
  dependencies: Dependency[];
}

/**
 * An MS Project plan as Throughline plan entities. Each task that is not a summary becomes a
 * milestone of the initiative: its outcome, dated at the task's scheduled finish. Each link
 * becomes a dependency between those finishes (a link on a summary binds every task under
 * it), with the lag that keeps the same distance between the two finishes in working days: a
 * finish-to-start link of lag L to a task of duration D is "D + L days after", a
 * start-to-start link also subtracts the predecessor's duration, and so on.
 */
export function planEntitiesFromMsProject(
  plan: MsProjectPlan,
  input: ScheduleInput,
  schedule: CriticalPathSchedule,
  options: MsProjectImportOptions,
): MsProjectPlanEntities {
  const prefix = options.idPrefix ?? `${options.initiative}-`;
  const time = compileWorkingTime(input.calendars.find((c) => c.id === input.calendar)!);
  const scheduled = new Map(schedule.activities.map((activity) => [activity.id, activity]));
  const tasks = plan.tasks.filter((task) => !scheduled.get(task.uid)!.summary);
  const idOf = (uid: string): string => `${prefix}${uid}`;
  const span = (uid: string): number => {
    const activity = scheduled.get(uid)!;
    return time.workBetween(activity.start, activity.finish);
  };

  const milestones: Milestone[] = tasks.map((task) => {
    const activity = scheduled.get(task.uid)!;
    // A task that takes time ends with its last working minute; a milestone is where it sits.
    // Dated where it is scheduled: its late dates when as late as possible.
    const finish = activity.milestone ? activity.finish : activity.finish - 1;
    return {
      id: idOf(task.uid),
      name: task.name === '' ? `Task ${task.uid}` : task.name,
      initiative: options.initiative,
      plannedDate: dateOfDay(dayOf(finish)),
      work: { keys: [], epics: [] },
    };
  });

  const children = new Map<string, string[]>();
  for (const [child, parent] of outlineParents(plan.tasks)) {
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const leaves = (uid: string): string[] => {
    const under = children.get(uid);
    return under === undefined ? [uid] : under.flatMap(leaves);
  };
  const lagDays = new Map<string, { predecessor: string; successor: string; lag: number }>();
  for (const link of input.links) {
    for (const predecessor of leaves(link.predecessor))
      for (const successor of leaves(link.successor)) {
        const lag = link.lagElapsed === true ? (link.lag / 1440) * plan.minutesPerDay : link.lag;
        const minutes =
          link.type === 'FS'
            ? lag + span(successor)
            : link.type === 'FF'
              ? lag
              : link.type === 'SS'
                ? lag + span(successor) - span(predecessor)
                : lag - span(predecessor);
        const days = Math.round(minutes / plan.minutesPerDay);
        const key = `${predecessor}\u0000${successor}`;
        const held = lagDays.get(key);
        if (held === undefined || days > held.lag)
          lagDays.set(key, { predecessor, successor, lag: days });
      }
  }
  const dependencies: Dependency[] = [...lagDays.values()].map((link) => ({
    predecessor: idOf(link.predecessor),
    successor: idOf(link.successor),
    type: 'FS',
    lagDays: link.lag,
  }));
  return { milestones, dependencies };
}
