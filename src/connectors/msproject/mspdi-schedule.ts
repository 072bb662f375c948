import type {
  ScheduleActivity,
  ScheduleAssignment,
  ScheduleInput,
  ScheduleLink,
} from '../../core/schedule/critical-path.ts';
import { ELAPSED_WEEK, type WorkingTimeCalendar } from '../../core/schedule/working-time.ts';
import type { MsProjectPlan, MsProjectTask } from './mspdi.ts';

/** The calendar of elapsed durations: every minute counts. */
export const ELAPSED_CALENDAR_ID = 'elapsed';

/**
 * The outline parent of each task (by UID): the nearest earlier task one outline level up.
 * MSPDI lists tasks in outline order and says nothing else about the tree.
 */
export function outlineParents(tasks: readonly MsProjectTask[]): Map<string, string> {
  const parents = new Map<string, string>();
  const open: MsProjectTask[] = [];
  for (const task of tasks) {
    while (open.length > 0 && open[open.length - 1]!.outlineLevel >= task.outlineLevel) open.pop();
    const parent = open[open.length - 1];
    if (parent !== undefined) parents.set(task.uid, parent.uid);
    open.push(task);
  }
  return parents;
}

/**
 * An MS Project plan as schedule input: every task an activity (ids are the UIDs), summaries
 * over their outline children, links with their MSPDI type and lag, resource work on the
 * resources' calendars unless the task has a fixed duration.
 */
export function scheduleInputFromMsProject(plan: MsProjectPlan): ScheduleInput {
  const parents = outlineParents(plan.tasks);
  const known = new Set(plan.tasks.map((task) => task.uid));
  const calendarIds = new Set(plan.calendars.map((calendar) => calendar.id));
  const resources = new Map(plan.resources.map((resource) => [resource.uid, resource]));
  const assignmentsOf = new Map<string, ScheduleAssignment[]>();
  for (const assignment of plan.assignments) {
    const resource = resources.get(assignment.resource);
    if (resource === undefined || !resource.work || assignment.units <= 0 || assignment.work <= 0)
      continue;
    const list = assignmentsOf.get(assignment.task) ?? [];
    list.push({
      resource: resource.uid,
      calendar:
        resource.calendar !== undefined && calendarIds.has(resource.calendar)
          ? resource.calendar
          : plan.calendar,
      minutes: assignment.work / assignment.units,
    });
    assignmentsOf.set(assignment.task, list);
  }

  const activities: ScheduleActivity[] = plan.tasks.map((task) => {
    const parent = parents.get(task.uid);
    const calendar = task.durationElapsed
      ? ELAPSED_CALENDAR_ID
      : task.calendar !== undefined && calendarIds.has(task.calendar)
        ? task.calendar
        : undefined;
    const assignments =
      task.fixedDuration || task.milestone ? undefined : assignmentsOf.get(task.uid);
    return {
      id: task.uid,
      duration: task.duration,
      ...(calendar !== undefined ? { calendar } : {}),
      ...(parent !== undefined ? { parent } : {}),
      ...(task.constraint !== undefined ? { constraint: task.constraint } : {}),
      ...(task.deadline !== undefined ? { deadline: task.deadline } : {}),
      ...(task.manual && !task.summary && task.start !== undefined
        ? { manualStart: task.start }
        : {}),
      ...(assignments !== undefined ? { assignments } : {}),
    };
  });
  const links: ScheduleLink[] = plan.tasks.flatMap((task) =>
    task.predecessors
      .filter((link) => known.has(link.predecessor))
      .map((link) => ({
        predecessor: link.predecessor,
        successor: task.uid,
        type: link.type,
        lag: link.lag,
        ...(link.lagElapsed ? { lagElapsed: true } : {}),
      })),
  );
  const elapsed: WorkingTimeCalendar = { id: ELAPSED_CALENDAR_ID, week: ELAPSED_WEEK };
  return {
    start: plan.start,
    calendar: plan.calendar,
    calendars: [...plan.calendars, elapsed],
    activities,
    links,
    criticalSlack: plan.criticalSlack,
  };
}
