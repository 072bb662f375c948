import type {
  ScheduleActivity,
  ScheduleAssignment,
  ScheduleInput,
  ScheduleLink,
} from '../../core/schedule/critical-path.ts';
import { DomainError } from '../../core/errors.ts';
import {
  compileWorkingTime,
  ELAPSED_WEEK,
  type WorkingTime,
  type WorkingTimeCalendar,
} from '../../core/schedule/working-time.ts';
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
  const taskStarts = new Map(plan.tasks.map((task) => [task.uid, task.start]));
  const compiled = new Map<string, WorkingTime>();
  const timeOf = (calendarId: string, why: string, path: string): WorkingTime => {
    const done = compiled.get(calendarId);
    if (done !== undefined) return done;
    const calendar = plan.calendars.find((c) => c.id === calendarId)!;
    try {
      const time = compileWorkingTime(calendar);
      compiled.set(calendarId, time);
      return time;
    } catch {
      throw new DomainError({
        code: 'file.parse',
        message: `calendar UID ${calendarId} '${calendar.name ?? calendarId}' has no working time, and ${why} works on it: give the calendar working days or the resource another calendar`,
        file: plan.file,
        path,
      });
    }
  };
  const assignmentsOf = new Map<string, ScheduleAssignment[]>();
  const splitTasks = new Set(plan.assignments.filter((a) => a.split).map((a) => a.task));
  for (const assignment of plan.assignments) {
    const resource = resources.get(assignment.resource);
    if (resource === undefined || !resource.work || assignment.units <= 0 || assignment.work <= 0)
      continue;
    const calendar =
      resource.calendar !== undefined && calendarIds.has(resource.calendar)
        ? resource.calendar
        : plan.calendar;
    // The work lasts, in the resource's working time, from the task's start to the
    // assignment's finish as MS Project scheduled it (contours, delays and edits included);
    // without stored dates, work divided by units.
    const taskStart = taskStarts.get(assignment.task);
    let minutes = assignment.work / assignment.units;
    const time = timeOf(
      calendar,
      `resource UID ${resource.uid} '${resource.name}' on task UID ${assignment.task}`,
      assignment.path,
    );
    if (taskStart !== undefined && assignment.finish !== undefined) {
      const span = time.workBetween(time.nextWorkStart(taskStart), assignment.finish);
      if (span > 0) minutes = span;
    }
    const list = assignmentsOf.get(assignment.task) ?? [];
    list.push({ resource: resource.uid, calendar, minutes });
    assignmentsOf.set(assignment.task, list);
  }

  // A calendar without working time is refused where it is used, not where it is defined: MS
  // Project writes such calendars for budget resources nothing schedules on.
  timeOf(plan.calendar, 'the project', '$.Project.CalendarUID');
  const activities: ScheduleActivity[] = plan.tasks.map((task) => {
    const parent = parents.get(task.uid);
    const calendar = task.durationElapsed
      ? ELAPSED_CALENDAR_ID
      : task.calendar !== undefined && calendarIds.has(task.calendar)
        ? task.calendar
        : undefined;
    if (calendar !== undefined && calendar !== ELAPSED_CALENDAR_ID)
      timeOf(calendar, `task UID ${task.uid} '${task.name}'`, `task UID ${task.uid}`);
    const finished = task.actualStart !== undefined && task.actualFinish !== undefined;
    const assignments =
      task.fixedDuration || task.milestone || finished ? undefined : assignmentsOf.get(task.uid);
    // A split task lasts from its start to its finish, the gaps of the split included: the
    // gaps are kept as working time when the task moves.
    let duration = task.duration;
    if (
      splitTasks.has(task.uid) &&
      !task.durationElapsed &&
      task.start !== undefined &&
      task.finish !== undefined
    ) {
      const calendarId = calendar ?? plan.calendar;
      const time = timeOf(calendarId, `task UID ${task.uid}`, `task UID ${task.uid}`);
      duration = Math.max(duration, time.workBetween(task.start, task.finish));
    }
    // A finished task lasted from its actual start to its actual finish.
    if (finished && !task.summary)
      duration = task.durationElapsed
        ? task.actualFinish! - task.actualStart!
        : timeOf(
            calendar ?? plan.calendar,
            `task UID ${task.uid}`,
            `task UID ${task.uid}`,
          ).workBetween(task.actualStart!, task.actualFinish!);
    return {
      id: task.uid,
      duration,
      ...(calendar !== undefined ? { calendar } : {}),
      ...(parent !== undefined ? { parent } : {}),
      ...(task.constraint !== undefined ? { constraint: task.constraint } : {}),
      ...(task.deadline !== undefined ? { deadline: task.deadline } : {}),
      ...(task.asLateAsPossible ? { asLateAsPossible: true } : {}),
      ...(task.manual && !task.summary && task.start !== undefined
        ? { manualStart: task.start }
        : {}),
      ...(task.actualStart !== undefined && !task.summary ? { actualStart: task.actualStart } : {}),
      ...(finished && !task.summary ? { actualFinish: task.actualFinish! } : {}),
      // MS Project never marks an unlinked manual task with an estimated duration and no work
      // critical (230 such tasks in its corpus; linked ones, and ones with a firm duration and
      // work, are). Both conditions are required: the corpus cannot tell which one decides.
      ...(task.manual && task.estimated && !assignmentsOf.has(task.uid)
        ? { criticalOnlyWhenLinked: true }
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
