import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Weekday } from '../../core/domain/plan.ts';
import { DomainError, type Problem } from '../../core/errors.ts';
import { findUnstorable, MAX_ID_LENGTH, unstorableReason } from '../../core/storable-text.ts';
import type { ConstraintKind, LinkType } from '../../core/schedule/critical-path.ts';
import {
  dateOfDay,
  dayOf,
  weekdayOfDay,
  MINUTES_PER_DAY,
  parseLocalDateTime,
  type Instant,
} from '../../core/schedule/local-time.ts';
import type {
  AlternateWorkWeek,
  CalendarException,
  WorkingPeriod,
  WorkingTimeCalendar,
  WorkWeek,
} from '../../core/schedule/working-time.ts';

/**
 * MS Project XML (MSPDI) at the edge: the XML is read and checked here, once, and turned into
 * `MsProjectPlan`, which speaks in minutes, instants and calendars. Nothing past this file sees
 * an MSPDI element name. Facts about the format: `PredecessorLink/Type` 0 = FF, 1 = FS, 2 = SF,
 * 3 = SS; `LinkLag` is in tenths of a minute; `LagFormat`/`DurationFormat` 4, 6, 8, 10, 12 (and
 * 36–44 even, "estimated") are elapsed units, 19/20/51/52 percent; `WeekDay/DayType` 1 = Sunday
 * … 7 = Saturday, 0 = a dated exception; a calendar with a `BaseCalendarUID` inherits what it
 * does not say itself.
 */

export interface MsProjectLink {
  /** The predecessor's UID. */
  predecessor: string;
  type: LinkType;
  /** Minutes: working minutes, or clock minutes when `lagElapsed`; a percent lag is converted. */
  lag: number;
  lagElapsed: boolean;
}

export interface MsProjectTask {
  uid: string;
  /** The row number people see in MS Project. */
  rowId?: string;
  name: string;
  outlineLevel: number;
  summary: boolean;
  milestone: boolean;
  /** Working minutes of the task's calendar (clock minutes when `durationElapsed`). */
  duration: number;
  durationElapsed: boolean;
  /** The task's calendar UID; the project's when absent. */
  calendar?: string;
  constraint?: { kind: ConstraintKind; at: Instant };
  /** As late as possible: scheduled at its late dates. */
  asLateAsPossible: boolean;
  deadline?: Instant;
  /** Manually scheduled: the dates below are the task's, whatever its links say. */
  manual: boolean;
  start?: Instant;
  finish?: Instant;
  /** Progress: when the task started and, once done, finished. */
  actualStart?: Instant;
  actualFinish?: Instant;
  /** The duration is an estimate (shown with a question mark in MS Project). */
  estimated: boolean;
  /** Fixed-duration tasks keep their duration whatever their resources' calendars. */
  fixedDuration: boolean;
  predecessors: MsProjectLink[];
}

export interface MsProjectResource {
  uid: string;
  name: string;
  calendar?: string;
  /** 1 = one full-time resource. */
  maxUnits: number;
  /** Work resources (people, machines) take time; material and cost resources do not. */
  work: boolean;
}

export interface MsProjectAssignment {
  task: string;
  resource: string;
  /** 1 = full time. */
  units: number;
  /** Minutes of work. */
  work: number;
  /** When MS Project scheduled the work: the span follows contours, delays and edits. */
  start?: Instant;
  finish?: Instant;
  /** Where the assignment is in the file, for messages. */
  path: string;
  /** The work stops and resumes: MS Project's timephased work has a gap of working time. */
  split: boolean;
}

export interface MsProjectPlan {
  file: string;
  name?: string;
  start: Instant;
  /** The project calendar's UID. */
  calendar: string;
  minutesPerDay: number;
  minutesPerWeek: number;
  /** Tasks with at most this total slack (working minutes) are critical. */
  criticalSlack: number;
  calendars: WorkingTimeCalendar[];
  tasks: MsProjectTask[];
  resources: MsProjectResource[];
  assignments: MsProjectAssignment[];
  /** What the file holds that this reader schedules differently from MS Project. */
  warnings: string[];
}

type XmlNode = Record<string, unknown>;

const LIST_ELEMENTS = new Set([
  'Calendar',
  'WeekDay',
  'WorkingTime',
  'Exception',
  'WorkWeek',
  'Task',
  'PredecessorLink',
  'Resource',
  'Assignment',
  'TimephasedData',
]);

const LINK_TYPES: Record<string, LinkType> = { '0': 'FF', '1': 'FS', '2': 'SF', '3': 'SS' };
const CONSTRAINTS: Record<string, ConstraintKind | 'asap' | 'alap'> = {
  '0': 'asap',
  '1': 'alap',
  '2': 'must_start_on',
  '3': 'must_finish_on',
  '4': 'start_no_earlier_than',
  '5': 'start_no_later_than',
  '6': 'finish_no_earlier_than',
  '7': 'finish_no_later_than',
};
const ELAPSED_FORMATS = new Set([4, 6, 8, 10, 12, 36, 38, 40, 42, 44]);
const PERCENT_FORMATS = new Set([19, 20, 51, 52]);
const ELAPSED_PERCENT_FORMATS = new Set([20, 52]);
/** MSPDI DayType 1 = Sunday … 7 = Saturday, as ISO weekdays. */
const ISO_WEEKDAY: Record<string, Weekday> = {
  '1': 7,
  '2': 1,
  '3': 2,
  '4': 3,
  '5': 4,
  '6': 5,
  '7': 6,
};

/** MSPDI nests about eight elements deep; anything far deeper is not a project file. */
const MAX_XML_DEPTH = 32;
/** A duration or lag longer than a century is a broken file, not a plan: refused at the edge. */
const MAX_MINUTES = 100 * 366 * MINUTES_PER_DAY;

/** The 1-based line and column of a character of the text. */
function placeIn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/**
 * Refuses what no MS Project file holds and a hostile one might: a DTD (external entities would
 * read files or URLs, nested ones expand to gigabytes) and text PostgreSQL cannot store.
 */
function refuseHostileXml(text: string, file: string): void {
  const dtd = /<!(DOCTYPE|ENTITY)\b/i.exec(text);
  if (dtd !== null) {
    throw new DomainError({
      code: 'file.parse',
      message: `the file declares a <!${dtd[1]!.toUpperCase()}>: MS Project XML has none, and entities are never read (they could name other files or expand without end)`,
      file,
      ...placeIn(text, dtd.index),
    });
  }
  const reason = unstorableReason(text);
  if (reason !== null) {
    const at = Number(/at character (\d+)/.exec(reason)?.[1] ?? 1) - 1;
    throw new DomainError({
      code: 'file.parse',
      message: `not MS Project XML text: it ${reason.replace(/ at character \d+$/, '')}`,
      file,
      ...placeIn(text, at),
    });
  }
}

/** Reads MSPDI text into an `MsProjectPlan`, or refuses it with every problem and its place. */
export function normalizeMsProjectXml(text: string, file: string): MsProjectPlan {
  refuseHostileXml(text, file);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new DomainError({
      code: 'file.parse',
      message: `not well-formed XML: ${valid.err.msg}`,
      file,
      line: valid.err.line,
      column: valid.err.col,
    });
  }
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => LIST_ELEMENTS.has(name),
    maxNestedTags: MAX_XML_DEPTH,
  });
  let document: XmlNode;
  try {
    document = parser.parse(text) as XmlNode;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new DomainError({
      code: 'file.parse',
      message: /nested/i.test(message)
        ? `elements are nested more than ${MAX_XML_DEPTH} deep: not an MS Project XML file`
        : `cannot read the XML: ${message}`,
      file,
    });
  }
  // Character references (&#0;, &#xD800;) decode to what the raw-text check could not see.
  const unstorable = findUnstorable(document, '$');
  if (unstorable !== null) {
    throw new DomainError({
      code: 'file.parse',
      message: `the text ${unstorable.reason}`,
      file,
      path: unstorable.path,
    });
  }
  const project = document.Project;
  if (!isNode(project))
    throw new DomainError({
      code: 'file.parse',
      message: 'not an MS Project XML file: the root element is not <Project>',
      file,
    });

  const problems: Problem[] = [];
  const warnings: string[] = [];
  const problem = (message: string, path: string): void => {
    problems.push({ code: 'file.parse', message, file, path });
  };
  const read = new FieldReader(problem);

  const minutesPerDay = read.positive(project, 'MinutesPerDay', '$.Project') ?? 480;
  const minutesPerWeek = read.positive(project, 'MinutesPerWeek', '$.Project') ?? 2400;
  const start = read.instant(project, 'StartDate', '$.Project');
  if (start === undefined) problem('the project has no <StartDate>', '$.Project.StartDate');
  const calendar = read.text(project, 'CalendarUID') ?? '1';
  const criticalSlackDays = read.number(project, 'CriticalSlackLimit', '$.Project') ?? 0;
  if (read.text(project, 'ScheduleFromStart') === '0')
    warnings.push(
      'the project is scheduled from its finish in MS Project; Throughline schedules it from its start date',
    );

  const calendars = readCalendars(listOf(project, 'Calendars', 'Calendar'), read, problem);
  if (!calendars.some((c) => c.id === calendar))
    problem(
      `the project calendar UID ${calendar} is not among the calendars`,
      '$.Project.CalendarUID',
    );

  const rawTasks: RawTask[] = [];
  listOf(project, 'Tasks', 'Task').forEach((node, at) => {
    const path = `$.Project.Tasks.Task[${at}]`;
    if (read.text(node, 'IsNull') === '1' || read.text(node, 'Active') === '0') return;
    if (read.text(node, 'ExternalTask') === '1' || read.text(node, 'IsSubproject') === '1') {
      warnings.push(
        `task UID ${read.text(node, 'UID') ?? '?'} is external or a subproject: left out`,
      );
      return;
    }
    const task = readTask(node, path, read, problem, warnings);
    if (task !== undefined) rawTasks.push(task);
  });
  const tasks = resolvePercentLags(rawTasks);

  const resources: MsProjectResource[] = listOf(project, 'Resources', 'Resource').flatMap(
    (node, at) => {
      const uid = read.text(node, 'UID');
      if (uid === undefined) return [];
      const path = `$.Project.Resources.Resource[${at}]`;
      const calendarUid = read.text(node, 'CalendarUID');
      return [
        {
          uid,
          name: read.text(node, 'Name') ?? `Resource ${uid}`,
          ...(calendarUid !== undefined && calendarUid !== '-1' ? { calendar: calendarUid } : {}),
          maxUnits: read.amount(node, 'MaxUnits', path) ?? 1,
          work: (read.text(node, 'Type') ?? '1') === '1',
        },
      ];
    },
  );
  const assignments: MsProjectAssignment[] = listOf(project, 'Assignments', 'Assignment').flatMap(
    (node, at) => {
      const path = `$.Project.Assignments.Assignment[${at}]`;
      const task = read.text(node, 'TaskUID');
      const resource = read.text(node, 'ResourceUID');
      if (task === undefined || resource === undefined) return [];
      const assignmentStart = read.instant(node, 'Start', path);
      const assignmentFinish = read.instant(node, 'Finish', path);
      return [
        {
          task,
          resource,
          units: read.amount(node, 'Units', path) ?? 1,
          work: read.duration(node, 'Work', path) ?? 0,
          ...(assignmentStart !== undefined ? { start: assignmentStart } : {}),
          ...(assignmentFinish !== undefined ? { finish: assignmentFinish } : {}),
          path,
          split: hasSplit(listOf(node, 'TimephasedData'), read),
        },
      ];
    },
  );

  if (problems.length > 0) throw new DomainError(problems);
  return {
    file,
    ...(read.text(project, 'Title') !== undefined || read.text(project, 'Name') !== undefined
      ? { name: read.text(project, 'Title') ?? read.text(project, 'Name')! }
      : {}),
    start: start!,
    calendar,
    minutesPerDay,
    minutesPerWeek,
    criticalSlack: criticalSlackDays * minutesPerDay,
    calendars,
    tasks,
    resources,
    assignments,
    warnings,
  };
}

function readTask(
  node: XmlNode,
  path: string,
  read: FieldReader,
  problem: (message: string, path: string) => void,
  warnings: string[],
): RawTask | undefined {
  const uid = read.id(node, 'UID', path);
  if (uid === undefined) {
    if (read.text(node, 'UID') === undefined) problem('a task has no <UID>', `${path}.UID`);
    return undefined;
  }
  const durationFormat = read.number(node, 'DurationFormat', path);
  const constraintType = read.text(node, 'ConstraintType') ?? '0';
  const constraintKind = CONSTRAINTS[constraintType];
  let constraint: MsProjectTask['constraint'];
  if (constraintKind === undefined)
    problem(`unknown <ConstraintType> ${constraintType}`, `${path}.ConstraintType`);
  else if (constraintKind !== 'asap' && constraintKind !== 'alap') {
    const at = read.instant(node, 'ConstraintDate', path);
    if (at === undefined)
      problem(
        `task UID ${uid} has a constraint without a <ConstraintDate>`,
        `${path}.ConstraintDate`,
      );
    else constraint = { kind: constraintKind, at };
  }
  const predecessors: RawLink[] = [];
  listOf(node, 'PredecessorLink').forEach((link, k) => {
    const linkPath = `${path}.PredecessorLink[${k}]`;
    const predecessor = read.id(link, 'PredecessorUID', linkPath);
    const typeCode = read.text(link, 'Type') ?? '1';
    const type = LINK_TYPES[typeCode];
    if (predecessor === undefined) {
      if (read.text(link, 'PredecessorUID') !== undefined) return; // too long: reported
      return problem('a link has no <PredecessorUID>', linkPath);
    }
    if (type === undefined) return problem(`unknown link <Type> ${typeCode}`, `${linkPath}.Type`);
    if (read.text(link, 'CrossProject') === '1') {
      warnings.push(`task UID ${uid}: a link to another project is left out`);
      return;
    }
    const tenths = read.number(link, 'LinkLag', linkPath) ?? 0;
    if (Math.abs(tenths / 10) > MAX_MINUTES) {
      return problem(
        `<LinkLag> ${tenths} (tenths of a minute) is longer than a century`,
        `${linkPath}.LinkLag`,
      );
    }
    const format = read.number(link, 'LagFormat', linkPath) ?? 7;
    if (PERCENT_FORMATS.has(format)) {
      // A percent lag is a share of the predecessor's duration; resolved once all tasks are read.
      predecessors.push({
        predecessor,
        type,
        lag: 0,
        lagElapsed: ELAPSED_PERCENT_FORMATS.has(format),
        percent: tenths / 10,
      });
      return;
    }
    predecessors.push({
      predecessor,
      type,
      lag: tenths / 10,
      lagElapsed: ELAPSED_FORMATS.has(format),
    });
  });
  const deadline = read.instant(node, 'Deadline', path);
  const start = read.instant(node, 'Start', path);
  const finish = read.instant(node, 'Finish', path);
  const calendarUid = read.text(node, 'CalendarUID');
  const milestone = read.text(node, 'Milestone') === '1';
  const duration = read.duration(node, 'Duration', path) ?? 0;
  const actualStart = read.instant(node, 'ActualStart', path);
  const actualFinish = read.instant(node, 'ActualFinish', path);
  if (actualFinish !== undefined && actualStart === undefined)
    problem('the task has an <ActualFinish> but no <ActualStart>', `${path}.ActualStart`);
  if (actualStart !== undefined && actualFinish !== undefined && actualFinish < actualStart)
    problem(
      `<ActualFinish> ${read.text(node, 'ActualFinish')} is before <ActualStart> ${read.text(node, 'ActualStart')}`,
      `${path}.ActualFinish`,
    );
  if (actualStart === undefined && (read.number(node, 'PercentComplete', path) ?? 0) > 0)
    warnings.push(
      `task UID ${uid} is ${read.text(node, 'PercentComplete')}% complete but has no actual start; Throughline schedules it as not started`,
    );
  return {
    uid,
    ...(read.text(node, 'ID') !== undefined ? { rowId: read.text(node, 'ID')! } : {}),
    name: read.text(node, 'Name') ?? '',
    outlineLevel: read.number(node, 'OutlineLevel', path) ?? 1,
    summary: read.text(node, 'Summary') === '1',
    milestone,
    duration: milestone ? 0 : duration,
    durationElapsed: durationFormat !== undefined && ELAPSED_FORMATS.has(durationFormat),
    ...(calendarUid !== undefined && calendarUid !== '-1' ? { calendar: calendarUid } : {}),
    ...(constraint !== undefined ? { constraint } : {}),
    asLateAsPossible: constraintKind === 'alap',
    ...(deadline !== undefined ? { deadline } : {}),
    manual: read.text(node, 'Manual') === '1',
    estimated: read.text(node, 'Estimated') === '1',
    ...(start !== undefined ? { start } : {}),
    ...(finish !== undefined ? { finish } : {}),
    ...(actualStart !== undefined ? { actualStart } : {}),
    ...(actualFinish !== undefined ? { actualFinish } : {}),
    fixedDuration: read.text(node, 'Type') === '1',
    predecessors,
  };
}

/**
 * Whether timephased work (type 1, the remaining work MS Project planned) has a period of
 * explicitly zero work between periods of work: the gap of a split task. Days with no value
 * are non-working days, not a split.
 */
function hasSplit(entries: readonly XmlNode[], read: FieldReader): boolean {
  let worked = false;
  let gap = false;
  for (const entry of entries) {
    if (read.text(entry, 'Type') !== '1') continue;
    const value = read.text(entry, 'Value');
    if (value === undefined) continue;
    const zero = /^PT0H0M0(\.0+)?S$/.test(value);
    if (!zero && worked && gap) return true;
    if (!zero) worked = true;
    else if (worked) gap = true;
  }
  return false;
}

/** A link as read: a percent lag waits for its predecessor's duration. */
type RawLink = MsProjectLink & { percent?: number };
type RawTask = Omit<MsProjectTask, 'predecessors'> & { predecessors: RawLink[] };

/** Percent lags become minutes of the predecessor's duration. */
function resolvePercentLags(tasks: readonly RawTask[]): MsProjectTask[] {
  const durations = new Map(tasks.map((task) => [task.uid, task.duration]));
  return tasks.map((task) => ({
    ...task,
    predecessors: task.predecessors.map(({ percent, ...link }) =>
      percent === undefined
        ? link
        : { ...link, lag: ((durations.get(link.predecessor) ?? 0) * percent) / 100 },
    ),
  }));
}

function readCalendars(
  nodes: XmlNode[],
  read: FieldReader,
  problem: (message: string, path: string) => void,
): WorkingTimeCalendar[] {
  interface RawCalendar {
    uid: string;
    name: string;
    base?: string;
    days: Partial<WorkWeek>;
    workWeeks: AlternateWorkWeek[];
    exceptions: CalendarException[];
  }
  const raw = new Map<string, RawCalendar>();
  nodes.forEach((node, at) => {
    const path = `$.Project.Calendars.Calendar[${at}]`;
    const uid = read.text(node, 'UID');
    if (uid === undefined) return problem('a calendar has no <UID>', `${path}.UID`);
    const base = read.text(node, 'BaseCalendarUID');
    const days: Partial<WorkWeek> = {};
    const exceptions: CalendarException[] = [];
    listOf(node, 'WeekDays', 'WeekDay').forEach((day, k) => {
      const dayPath = `${path}.WeekDays.WeekDay[${k}]`;
      const type = read.text(day, 'DayType');
      const periods = readWorkingTimes(day, read, dayPath, problem);
      if (type === '0') {
        // Project 2007 and later also write these as <Exceptions>, which then win.
        if (listOf(node, 'Exceptions', 'Exception').length > 0) return;
        const period = isNode(day.TimePeriod) ? day.TimePeriod : undefined;
        const from = period === undefined ? undefined : read.instant(period, 'FromDate', dayPath);
        const to = period === undefined ? undefined : read.instant(period, 'ToDate', dayPath);
        if (from === undefined || to === undefined)
          return problem('a dated calendar exception has no <TimePeriod>', dayPath);
        exceptions.push(exceptionOver(from, to, periods));
        return;
      }
      const weekday = type === undefined ? undefined : ISO_WEEKDAY[type];
      if (weekday === undefined)
        return problem(`unknown <DayType> ${type ?? ''}`, `${dayPath}.DayType`);
      days[weekday] = periods;
    });
    const workWeeks: AlternateWorkWeek[] = [];
    listOf(node, 'WorkWeeks', 'WorkWeek').forEach((week, k) => {
      const weekPath = `${path}.WorkWeeks.WorkWeek[${k}]`;
      const period = isNode(week.TimePeriod) ? week.TimePeriod : undefined;
      const from = period === undefined ? undefined : read.instant(period, 'FromDate', weekPath);
      const to = period === undefined ? undefined : read.instant(period, 'ToDate', weekPath);
      if (from === undefined || to === undefined)
        return problem('a work week has no <TimePeriod>', weekPath);
      // A work week does not work the days it does not list.
      const alternate: Partial<WorkWeek> = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
      listOf(week, 'WeekDays', 'WeekDay').forEach((day, d) => {
        const weekday = ISO_WEEKDAY[read.text(day, 'DayType') ?? ''];
        if (weekday !== undefined)
          alternate[weekday] = readWorkingTimes(
            day,
            read,
            `${weekPath}.WeekDays.WeekDay[${d}]`,
            problem,
          );
      });
      workWeeks.push({ from: dateOfDay(dayOf(from)), to: dateOfDay(dayOf(to)), week: alternate });
    });
    listOf(node, 'Exceptions', 'Exception').forEach((exception, k) => {
      const exceptionPath = `${path}.Exceptions.Exception[${k}]`;
      const period = isNode(exception.TimePeriod) ? exception.TimePeriod : undefined;
      const from =
        period === undefined ? undefined : read.instant(period, 'FromDate', exceptionPath);
      const to = period === undefined ? undefined : read.instant(period, 'ToDate', exceptionPath);
      if (from === undefined || to === undefined)
        return problem('a calendar exception has no <TimePeriod>', exceptionPath);
      const type = read.text(exception, 'Type') ?? '0';
      const every = Math.max(1, read.number(exception, 'Period', exceptionPath) ?? 1);
      const periods =
        read.text(exception, 'DayWorking') === '1'
          ? readWorkingTimes(exception, read, exceptionPath, problem)
          : [];
      const days = recurringDays(type, dayOf(from), dayOf(to), {
        every,
        daysOfWeek: read.number(exception, 'DaysOfWeek', exceptionPath) ?? 0,
        occurrences: read.number(exception, 'Occurrences', exceptionPath),
        month: read.number(exception, 'Month', exceptionPath),
        monthDay: read.number(exception, 'MonthDay', exceptionPath),
        monthItem: read.number(exception, 'MonthItem', exceptionPath),
        monthPosition: read.number(exception, 'MonthPosition', exceptionPath),
      });
      if (days === undefined)
        return problem(
          `recurring calendar exception '${read.text(exception, 'Name') ?? k}' (type ${type}) is not supported; save it as dated exceptions`,
          exceptionPath,
        );
      if (days === 'range') exceptions.push(exceptionOver(from, to, periods));
      else
        for (const day of days)
          exceptions.push({ from: dateOfDay(day), to: dateOfDay(day), periods });
    });
    raw.set(uid, {
      uid,
      name: read.text(node, 'Name') ?? `Calendar ${uid}`,
      ...(base !== undefined && base !== '-1' && base !== uid ? { base } : {}),
      days,
      workWeeks,
      exceptions,
    });
  });

  // A derived calendar takes from its base what it does not define itself.
  const resolved = new Map<string, WorkingTimeCalendar>();
  const resolve = (uid: string, seen: Set<string>): WorkingTimeCalendar | undefined => {
    const done = resolved.get(uid);
    if (done !== undefined) return done;
    const calendar = raw.get(uid);
    if (calendar === undefined || seen.has(uid)) return undefined;
    seen.add(uid);
    const base = calendar.base === undefined ? undefined : resolve(calendar.base, seen);
    const week = {} as Record<Weekday, readonly WorkingPeriod[]>;
    for (const weekday of [1, 2, 3, 4, 5, 6, 7] as const)
      week[weekday] = calendar.days[weekday] ?? base?.week[weekday] ?? [];
    const result: WorkingTimeCalendar = {
      id: uid,
      name: calendar.name,
      week,
      workWeeks: [...(base?.workWeeks ?? []), ...calendar.workWeeks],
      exceptions: [...(base?.exceptions ?? []), ...calendar.exceptions],
    };
    resolved.set(uid, result);
    return result;
  };
  return [...raw.keys()].flatMap((uid) => {
    const calendar = resolve(uid, new Set());
    return calendar === undefined ? [] : [calendar];
  });
}

/** How a recurring exception repeats, as MSPDI writes it. */
interface Recurrence {
  /** Every this many days, weeks, months or years. */
  every: number;
  /** Weekly: a bitmask of weekdays, Sunday = 1, Monday = 2 … Saturday = 64. */
  daysOfWeek: number;
  /** At most this many days; all in the range when absent. */
  occurrences: number | undefined;
  /** Yearly: the month, 0 = January. */
  month: number | undefined;
  /** Monthly or yearly on a day of the month (1–31). */
  monthDay: number | undefined;
  /** Monthly or yearly by position: 0 any day, 1 a weekday, 2 a weekend day, 3 Sunday … 9 Saturday. */
  monthItem: number | undefined;
  /** 0 first, 1 second, 2 third, 3 fourth, 4 last. */
  monthPosition: number | undefined;
}

/**
 * The days a recurring exception covers: 'range' for the plain range, undefined when the
 * recurrence cannot be read. MSPDI exception types: 0 a date range; 1 and 7 daily (every
 * Period days); 6 weekly (DaysOfWeek, every Period weeks); 4 monthly on a day of the month and
 * 5 monthly by position (the second Tuesday), every Period months; 2 yearly on a date and 3
 * yearly by position (the first Monday of March).
 */
function recurringDays(
  type: string,
  first: number,
  last: number,
  recurrence: Recurrence,
): number[] | 'range' | undefined {
  const { every, daysOfWeek, occurrences } = recurrence;
  const days: number[] = [];
  const limit = occurrences !== undefined && occurrences > 0 ? occurrences : Infinity;
  const take = (day: number | undefined): void => {
    if (day !== undefined && day >= first && day <= last && days.length < limit) days.push(day);
  };
  if (type === '0' || ((type === '1' || type === '7') && every === 1)) return 'range';
  if (type === '1' || type === '7') {
    for (let day = first; day <= last && days.length < limit; day += every) days.push(day);
    return days;
  }
  if (type === '6') {
    const firstWeek = Math.floor((first - 3) / 7);
    for (let day = first; day <= last && days.length < limit; day += 1) {
      // Bit 0 is Sunday: ISO weekday 7 → bit 0, Monday (1) → bit 1 …
      const bit = weekdayOfDay(day) % 7;
      const week = Math.floor((day - 3) / 7) - firstWeek;
      if ((daysOfWeek & (1 << bit)) !== 0 && week % every === 0) days.push(day);
    }
    return days;
  }
  const start = new Date(first * MINUTES_PER_DAY * 60_000);
  const firstMonth = start.getUTCFullYear() * 12 + start.getUTCMonth();
  const end = new Date(last * MINUTES_PER_DAY * 60_000);
  const lastMonth = end.getUTCFullYear() * 12 + end.getUTCMonth();
  const { month, monthDay, monthItem, monthPosition } = recurrence;
  let step: number;
  let offset = 0;
  if (type === '4' || type === '5') step = every;
  else if (type === '2' || type === '3') {
    if (month === undefined || month < 0 || month > 11) return undefined;
    step = 12;
    // The first occurrence is in the named month of the first year that reaches it.
    offset = (month - start.getUTCMonth() + 12) % 12;
  } else return undefined;
  const byDate = type === '4' || type === '2';
  if (byDate && (monthDay === undefined || monthDay < 1 || monthDay > 31)) return undefined;
  if (
    !byDate &&
    (monthItem === undefined ||
      monthItem < 0 ||
      monthItem > 9 ||
      monthPosition === undefined ||
      monthPosition < 0 ||
      monthPosition > 4)
  )
    return undefined;
  for (let m = firstMonth + offset; m <= lastMonth && days.length < limit; m += step)
    take(byDate ? dayOfMonth(m, monthDay!) : positionInMonth(m, monthItem!, monthPosition!));
  return days;
}

/** The day number of a day of a month (counted from year 0); the month's last day if it is shorter. */
function dayOfMonth(month: number, day: number): number {
  const year = Math.floor(month / 12);
  const length = new Date(Date.UTC(year, (month % 12) + 1, 0)).getUTCDate();
  return Date.UTC(year, month % 12, Math.min(day, length)) / 86_400_000;
}

/** The first … fourth or last day of a month that matches the item (any day, weekday, Sunday …). */
function positionInMonth(month: number, item: number, position: number): number | undefined {
  const firstDay = dayOfMonth(month, 1);
  const lastDay = dayOfMonth(month + 1, 1) - 1;
  const matches = (day: number): boolean => {
    const weekday = weekdayOfDay(day);
    if (item === 0) return true;
    if (item === 1) return weekday <= 5;
    if (item === 2) return weekday >= 6;
    return weekday === (item === 3 ? 7 : item - 3);
  };
  const found: number[] = [];
  for (let day = firstDay; day <= lastDay; day += 1) if (matches(day)) found.push(day);
  return position === 4 ? found[found.length - 1] : found[position];
}

function exceptionOver(
  from: Instant,
  to: Instant,
  periods: readonly WorkingPeriod[],
): CalendarException {
  // ToDate is usually 23:59 of the last day; a ToDate at exactly midnight ends the day before.
  const lastDay = to > from && to % MINUTES_PER_DAY === 0 ? dayOf(to) - 1 : dayOf(to);
  return { from: dateOfDay(dayOf(from)), to: dateOfDay(Math.max(dayOf(from), lastDay)), periods };
}

function readWorkingTimes(
  node: XmlNode,
  read: FieldReader,
  path: string,
  problem: (message: string, path: string) => void,
): WorkingPeriod[] {
  if (read.text(node, 'DayWorking') === '0') return [];
  return listOf(node, 'WorkingTimes', 'WorkingTime').flatMap((time, k) => {
    const from = clockMinutes(read.text(time, 'FromTime'));
    let to = clockMinutes(read.text(time, 'ToTime'));
    if (from === undefined || to === undefined) {
      problem(
        'a working time needs <FromTime> and <ToTime> as HH:MM:SS',
        `${path}.WorkingTimes.WorkingTime[${k}]`,
      );
      return [];
    }
    // 00:00 as the end of a period is the following midnight.
    if (to <= from) to += MINUTES_PER_DAY;
    return to > MINUTES_PER_DAY ? [] : [{ from, to }];
  });
}

function clockMinutes(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (match === null) return undefined;
  return Number(match[1]) * 60 + Number(match[2]) + Number(match[3] ?? 0) / 60;
}

const DURATION =
  /^(-)?P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Reads the few value types MSPDI uses, reporting what cannot be read with its place. */
class FieldReader {
  constructor(private readonly problem: (message: string, path: string) => void) {}

  text(node: XmlNode, name: string): string | undefined {
    const value = node[name];
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      return undefined;
    const text = String(value).trim();
    return text === '' ? undefined : text;
  }

  /** An id (a UID) that the store can key on. */
  id(node: XmlNode, name: string, path: string): string | undefined {
    const text = this.text(node, name);
    if (text !== undefined && text.length > MAX_ID_LENGTH) {
      this.problem(
        `<${name}> is ${text.length} characters long: ids have at most ${MAX_ID_LENGTH}`,
        `${path}.${name}`,
      );
      return undefined;
    }
    return text;
  }

  /** A number of zero or more (units of a resource or an assignment). */
  amount(node: XmlNode, name: string, path: string): number | undefined {
    const value = this.number(node, name, path);
    if (value === undefined || value >= 0) return value;
    this.problem(`<${name}> ${value} is negative: it must be zero or more`, `${path}.${name}`);
    return undefined;
  }

  /** A number of more than zero (minutes per day or week). */
  positive(node: XmlNode, name: string, path: string): number | undefined {
    const value = this.number(node, name, path);
    if (value === undefined || value > 0) return value;
    this.problem(`<${name}> ${value} must be more than zero`, `${path}.${name}`);
    return undefined;
  }

  number(node: XmlNode, name: string, path: string): number | undefined {
    const text = this.text(node, name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value)) {
      this.problem(`<${name}> '${text}' is not a number`, `${path}.${name}`);
      return undefined;
    }
    return value;
  }

  instant(node: XmlNode, name: string, path: string): Instant | undefined {
    const text = this.text(node, name);
    if (text === undefined) return undefined;
    const value = parseLocalDateTime(text);
    if (value === undefined)
      this.problem(`<${name}> '${text}' is not a date-time`, `${path}.${name}`);
    return value;
  }

  /** An ISO 8601 duration (`PT8H0M0S`) in minutes: zero or more, at most a century. */
  duration(node: XmlNode, name: string, path: string): number | undefined {
    const text = this.text(node, name);
    if (text === undefined) return undefined;
    const match = DURATION.exec(text);
    if (match === null) {
      this.problem(`<${name}> '${text}' is not a duration like PT8H0M0S`, `${path}.${name}`);
      return undefined;
    }
    const [days, hours, minutes, seconds] = [2, 3, 4, 5].map((k) => Number(match[k] ?? 0)) as [
      number,
      number,
      number,
      number,
    ];
    const total = days * MINUTES_PER_DAY + hours * 60 + minutes + seconds / 60;
    if (match[1] === '-' && total > 0) {
      this.problem(
        `<${name}> '${text}' is negative: a duration is zero or more`,
        `${path}.${name}`,
      );
      return undefined;
    }
    if (total > MAX_MINUTES) {
      this.problem(`<${name}> '${text}' is longer than a century`, `${path}.${name}`);
      return undefined;
    }
    return total;
  }
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The list under `parent/container/item` (or `parent/item` when one name is given). */
function listOf(node: XmlNode, container: string, item?: string): XmlNode[] {
  const holder = item === undefined ? node : node[container];
  const list = item === undefined ? node[container] : isNode(holder) ? holder[item] : undefined;
  return Array.isArray(list) ? list.filter(isNode) : [];
}
