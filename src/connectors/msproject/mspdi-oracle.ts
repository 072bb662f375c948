import { XMLParser } from 'fast-xml-parser';
import { scheduleCriticalPath } from '../../core/schedule/critical-path.ts';
import { formatLocalDateTime, parseLocalDateTime } from '../../core/schedule/local-time.ts';
import { compileWorkingTime } from '../../core/schedule/working-time.ts';
import { normalizeMsProjectXml } from './mspdi.ts';
import { scheduleInputFromMsProject } from './mspdi-schedule.ts';

/**
 * MS Project as the oracle: a file saved by MS Project holds, for every task, the start and
 * finish, early and late dates, total and free slack and critical flag MS Project computed. This schedules the file with
 * the core engine and lists where the two disagree. Dates are compared in working time of the
 * project calendar (17:00 on one working day and 08:00 on the next are the same point); slack
 * in tenths of a minute, as MSPDI stores it.
 */

export const ORACLE_FIELDS = [
  'Start',
  'Finish',
  'EarlyStart',
  'EarlyFinish',
  'LateStart',
  'LateFinish',
  'TotalSlack',
  'FreeSlack',
  'Critical',
] as const;
export type OracleField = (typeof ORACLE_FIELDS)[number];

export interface OracleDifference {
  uid: string;
  field: OracleField | 'scheduled';
  ours: string;
  msProject: string;
}

export interface OracleComparison {
  /** Tasks MS Project stored computed values for. */
  tasks: number;
  differences: OracleDifference[];
  /** Set when the file could not be scheduled at all. */
  failure?: string;
}

interface StoredTask {
  uid: string;
  values: Partial<Record<OracleField, string>>;
}

/** The values MS Project stored for each task that it scheduled (not null, not inactive). */
export function storedValues(xml: string): StoredTask[] {
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    isArray: (name) => name === 'Task',
  });
  const document = parser.parse(xml) as { Project?: { Tasks?: { Task?: unknown[] } } };
  const tasks = document.Project?.Tasks?.Task ?? [];
  return tasks.flatMap((node) => {
    const task = node as Record<string, unknown>;
    const text = (name: string): string | undefined =>
      typeof task[name] === 'string' && task[name] !== '' ? task[name] : undefined;
    const uid = text('UID');
    if (uid === undefined || text('IsNull') === '1' || text('Active') === '0') return [];
    if (text('ExternalTask') === '1' || text('IsSubproject') === '1') return [];
    const values: Partial<Record<OracleField, string>> = {};
    for (const field of ORACLE_FIELDS) {
      const value = text(field);
      if (value !== undefined) values[field] = value;
    }
    if (text('EarlyStart') === undefined) return [];
    return [{ uid, values }];
  });
}

/** Schedules one MS Project file and compares every stored task value with ours. */
export function compareWithMsProject(xml: string, file: string): OracleComparison {
  const stored = storedValues(xml);
  let schedule: ReturnType<typeof scheduleCriticalPath>;
  let point: (instant: number) => number;
  try {
    const plan = normalizeMsProjectXml(xml, file);
    const input = scheduleInputFromMsProject(plan);
    schedule = scheduleCriticalPath(input);
    const projectCalendar = input.calendars.find((calendar) => calendar.id === input.calendar)!;
    const time = compileWorkingTime(projectCalendar);
    point = (instant) => time.workBetween(plan.start, instant);
  } catch (error) {
    return {
      tasks: stored.length,
      differences: [],
      failure: error instanceof Error ? error.message : String(error),
    };
  }
  const byId = new Map(schedule.activities.map((activity) => [activity.id, activity]));
  const differences: OracleDifference[] = [];
  for (const task of stored) {
    const ours = byId.get(task.uid);
    if (ours === undefined) {
      differences.push({ uid: task.uid, field: 'scheduled', ours: 'no', msProject: 'yes' });
      continue;
    }
    const dates = {
      EarlyStart: ours.earlyStart,
      EarlyFinish: ours.earlyFinish,
      LateStart: ours.lateStart,
      LateFinish: ours.lateFinish,
      Start: ours.start,
      Finish: ours.finish,
    };
    for (const [field, value] of Object.entries(dates) as [OracleField, number][]) {
      const theirs = task.values[field];
      if (theirs === undefined) continue;
      const instant = parseLocalDateTime(theirs);
      if (instant === undefined || point(value) !== point(instant))
        differences.push({
          uid: task.uid,
          field,
          ours: formatLocalDateTime(value),
          msProject: theirs,
        });
    }
    const slack = task.values.TotalSlack;
    if (slack !== undefined && Math.round(ours.totalSlack * 10) !== Math.round(Number(slack)))
      differences.push({
        uid: task.uid,
        field: 'TotalSlack',
        ours: String(Math.round(ours.totalSlack * 10)),
        msProject: slack,
      });
    const free = task.values.FreeSlack;
    if (free !== undefined && Math.round(ours.freeSlack * 10) !== Math.round(Number(free)))
      differences.push({
        uid: task.uid,
        field: 'FreeSlack',
        ours: String(Math.round(ours.freeSlack * 10)),
        msProject: free,
      });
    const critical = task.values.Critical;
    if (critical !== undefined && ours.critical !== (critical === '1'))
      differences.push({
        uid: task.uid,
        field: 'Critical',
        ours: ours.critical ? '1' : '0',
        msProject: critical,
      });
  }
  return { tasks: stored.length, differences };
}
