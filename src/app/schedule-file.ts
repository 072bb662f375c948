import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { normalizeMsProjectXml } from '../connectors/msproject/mspdi.ts';
import { scheduleInputFromMsProject } from '../connectors/msproject/mspdi-schedule.ts';
import { levelMsProjectSchedule } from '../connectors/msproject/mspdi-levelling.ts';
import {
  levellingProblemFromPsplib,
  normalizePsplibSm,
  scheduleInputFromPsplib,
} from '../connectors/psplib/psplib-sm.ts';
import { DomainError, fail } from '../core/errors.ts';
import { scheduleCriticalPath, type ScheduledActivity } from '../core/schedule/critical-path.ts';
import { formatLocalDateTime, type Instant } from '../core/schedule/local-time.ts';
import { planDateOf, scheduleInputFromPlan } from '../core/schedule/plan-schedule.ts';
import { levelResources } from '../core/schedule/resource-levelling.ts';
import { compileWorkingTime } from '../core/schedule/working-time.ts';
import { planFileFormatOf, readPlanFile } from '../plan-file/index.ts';

/**
 * `throughline schedule FILE`: schedules a plan file, an MS Project XML or a PSPLIB file with
 * the core engine and shapes the stable JSON contract other tools read:
 * `{finish, levelledFinish?, tasks: [{id, earlyStart, earlyFinish, lateStart, lateFinish,
 * totalSlack, freeSlack, critical, levelledStart?}]}` — dates are local date-times for MS
 * Project files, period numbers for PSPLIB and ISO dates for plan files; slack is in working
 * minutes, periods and working days respectively.
 */

export type ScheduleFileKind = 'msproject' | 'psplib' | 'plan';
/** A local date-time (MS Project), a period number (PSPLIB) or an ISO date (plan files). */
export type ScheduleTime = string | number;

export interface ScheduleFileTask {
  id: string;
  name?: string;
  earlyStart: ScheduleTime;
  earlyFinish: ScheduleTime;
  lateStart: ScheduleTime;
  lateFinish: ScheduleTime;
  totalSlack: number;
  freeSlack: number;
  critical: boolean;
  levelledStart?: ScheduleTime;
  /** Where the task is scheduled, when not at its early dates (as late as possible). */
  start?: ScheduleTime;
  finish?: ScheduleTime;
  summary?: boolean;
  milestone?: boolean;
}

export interface ScheduleFileResult {
  finish: ScheduleTime;
  levelledFinish?: ScheduleTime;
  tasks: ScheduleFileTask[];
  kind: ScheduleFileKind;
  /** What the slack numbers count. */
  slackUnit: 'working minutes' | 'periods' | 'working days';
  criticalPath: string[];
  /** What the file holds that is scheduled differently from its source tool. */
  warnings: string[];
}

export interface ScheduleFileOptions {
  level?: boolean;
  /** Levelling is a seeded search: the same seed gives the same schedule. */
  seed?: number;
  iterations?: number;
}

/** The kind of schedule file a name implies, or undefined. */
export function scheduleFileKindOf(file: string): ScheduleFileKind | undefined {
  const extension = extname(file).toLowerCase();
  if (extension === '.xml') return 'msproject';
  if (extension === '.sm') return 'psplib';
  if (planFileFormatOf(file) !== undefined) return 'plan';
  return undefined;
}

/** Reads and schedules a file; every problem with the input is a DomainError naming its place. */
export async function scheduleFile(
  file: string,
  options: ScheduleFileOptions = {},
): Promise<ScheduleFileResult> {
  const kind = scheduleFileKindOf(file);
  if (kind === undefined)
    fail(
      'file.parse',
      `${basename(file)} is not a plan file (.yaml, .yml, .json), an MS Project XML file (.xml) or a PSPLIB file (.sm)`,
      { file },
    );
  if (kind === 'plan') return schedulePlanFile(file, options);
  const text = await readText(file);
  return kind === 'msproject'
    ? scheduleMsProjectText(text, file, options)
    : schedulePsplibText(text, file, options);
}

/**
 * Runs a computation on a file's content so that whatever it refuses names the file: a problem
 * the core found (a cycle, a duplicate id) gets the file, and a schedule that runs past what can
 * be computed (no working time for centuries) is the file's problem, not a fault.
 */
export function inFile<T>(file: string, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof DomainError) {
      throw new DomainError(error.problems.map((problem) => ({ file, ...problem })));
    }
    if (error instanceof RangeError) {
      fail('file.parse', `the schedule cannot be computed: ${error.message}`, { file });
    }
    throw error;
  }
}

/** Schedules MSPDI text. */
export function scheduleMsProjectText(
  text: string,
  file: string,
  options: ScheduleFileOptions = {},
): ScheduleFileResult {
  const plan = normalizeMsProjectXml(text, file);
  const input = inFile(file, () => scheduleInputFromMsProject(plan));
  const schedule = inFile(file, () => scheduleCriticalPath(input));
  const names = new Map(plan.tasks.map((task) => [task.uid, task.name]));
  const levelled =
    options.level === true
      ? inFile(file, () => levelMsProjectSchedule(plan, input, schedule, seedOf(options)))
      : undefined;
  return {
    finish: formatLocalDateTime(schedule.finish),
    ...(levelled !== undefined ? { levelledFinish: formatLocalDateTime(levelled.finish) } : {}),
    tasks: schedule.activities.map((activity) => ({
      ...taskFields(activity, formatLocalDateTime),
      ...(names.get(activity.id) ? { name: names.get(activity.id)! } : {}),
      ...(levelled !== undefined
        ? {
            levelledStart: formatLocalDateTime(
              levelled.starts.get(activity.id) ?? activity.earlyStart,
            ),
          }
        : {}),
    })),
    kind: 'msproject',
    slackUnit: 'working minutes',
    criticalPath: schedule.criticalPath,
    warnings: [...plan.warnings, ...(levelled?.warnings ?? [])],
  };
}

/** Schedules PSPLIB `.sm` text: the critical path, and with `level` the resource-levelled schedule. */
export function schedulePsplibText(
  text: string,
  file: string,
  options: ScheduleFileOptions = {},
): ScheduleFileResult {
  const instance = normalizePsplibSm(text, file);
  const schedule = inFile(file, () => scheduleCriticalPath(scheduleInputFromPsplib(instance)));
  const levelled =
    options.level === true
      ? inFile(file, () =>
          levelResources(levellingProblemFromPsplib(instance), {
            seed: seedOf(options),
            ...(options.iterations !== undefined ? { iterations: options.iterations } : {}),
          }),
        )
      : undefined;
  const period = (instant: Instant): number => instant;
  return {
    finish: schedule.finish,
    ...(levelled !== undefined ? { levelledFinish: levelled.makespan } : {}),
    tasks: schedule.activities.map((activity, at) => ({
      ...taskFields(activity, period),
      ...(levelled !== undefined ? { levelledStart: levelled.starts[at]! } : {}),
    })),
    kind: 'psplib',
    slackUnit: 'periods',
    criticalPath: schedule.criticalPath,
    warnings: [],
  };
}

async function schedulePlanFile(
  file: string,
  options: ScheduleFileOptions,
): Promise<ScheduleFileResult> {
  const { plan } = await readPlanFile(file);
  const input = scheduleInputFromPlan(plan);
  const schedule = inFile(file, () => scheduleCriticalPath(input));
  const times = new Map(
    input.calendars.map((calendar) => [calendar.id, compileWorkingTime(calendar)]),
  );
  const calendarOf = new Map(input.activities.map((activity) => [activity.id, activity.calendar]));
  const defaultTime = times.get(input.calendar)!;
  const names = new Map(plan.milestones.map((milestone) => [milestone.id, milestone.name]));
  return {
    finish: planDateOf(defaultTime, schedule.finish),
    // A plan file has no resources yet: levelling leaves it as it is.
    ...(options.level === true ? { levelledFinish: planDateOf(defaultTime, schedule.finish) } : {}),
    tasks: schedule.activities.map((activity) => {
      const time = times.get(calendarOf.get(activity.id) ?? input.calendar) ?? defaultTime;
      const date = (instant: Instant): string => planDateOf(time, instant);
      const fields = taskFields(activity, date);
      return {
        ...fields,
        totalSlack: activity.totalSlack / 1440,
        freeSlack: activity.freeSlack / 1440,
        ...(names.get(activity.id) ? { name: names.get(activity.id)! } : {}),
        ...(options.level === true ? { levelledStart: fields.earlyStart } : {}),
      };
    }),
    kind: 'plan',
    slackUnit: 'working days',
    criticalPath: schedule.criticalPath,
    warnings:
      options.level === true
        ? [
            'a plan file levels milestones, not work: the levelled schedule is the critical-path schedule; its capacity and demands are levelled by the engine (throughline capacity)',
          ]
        : [],
  };
}

function taskFields(
  activity: ScheduledActivity,
  time: (instant: Instant) => ScheduleTime,
): ScheduleFileTask {
  return {
    id: activity.id,
    earlyStart: time(activity.earlyStart),
    earlyFinish: time(activity.earlyFinish),
    lateStart: time(activity.lateStart),
    lateFinish: time(activity.lateFinish),
    totalSlack: activity.totalSlack,
    freeSlack: activity.freeSlack,
    critical: activity.critical,
    // Scheduled elsewhere than its early dates (as late as possible): where it is.
    ...(activity.start !== activity.earlyStart || activity.finish !== activity.earlyFinish
      ? { start: time(activity.start), finish: time(activity.finish) }
      : {}),
    ...(activity.summary ? { summary: true } : {}),
    ...(activity.milestone ? { milestone: true } : {}),
  };
}

function seedOf(options: ScheduleFileOptions): number {
  return options.seed ?? 1;
}

async function readText(file: string): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR')
      fail('file.not_found', `${file} does not exist or is not a file`, { file });
    fail('file.parse', `cannot read ${file}: ${code ?? String(error)}`, { file });
  }
}
