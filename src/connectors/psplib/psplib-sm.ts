import { DomainError, type Problem } from '../../core/errors.ts';
import type { ScheduleInput } from '../../core/schedule/critical-path.ts';
import type { LevellingProblem } from '../../core/schedule/resource-levelling.ts';
import { ELAPSED_WEEK } from '../../core/schedule/working-time.ts';

/**
 * PSPLIB single-mode instances (`.sm`; Kolisch & Sprecher 1996) at the edge. Sections are
 * separated by lines of asterisks: `PRECEDENCE RELATIONS` rows are
 * `job modes #successors successors…`, `REQUESTS/DURATIONS` rows are
 * `job mode duration R1 R2 …`, `RESOURCEAVAILABILITIES` gives each renewable resource's
 * constant capacity. Job 1 and the last job are the zero-duration source and sink.
 */

export interface PsplibJob {
  /** The job number, as written. */
  id: string;
  duration: number;
  /** Per renewable resource, in file order. */
  demands: number[];
  successors: string[];
}

export interface PsplibInstance {
  file: string;
  jobs: PsplibJob[];
  resources: { id: string; capacity: number }[];
  /** The critical-path length ignoring resources, as the file's header states it. */
  mpmTime?: number;
  horizon?: number;
}

/** Longest job duration read: PSPLIB instances run tens of periods; far more is a broken file. */
const MAX_DURATION = 1_000_000;

/** Reads `.sm` text, or refuses it naming the line of every problem. */
export function normalizePsplibSm(text: string, file: string): PsplibInstance {
  const lines = text.split(/\r?\n/);
  const problems: Problem[] = [];
  const problem = (line: number, message: string): void => {
    problems.push({ code: 'file.parse', message, file, line: line + 1 });
  };
  const numbers = (line: number): number[] | undefined => {
    const cells = lines[line]!.trim()
      .split(/\s+/)
      .filter((cell) => cell !== '');
    const values = cells.map(Number);
    if (values.some((value) => !Number.isFinite(value))) {
      problem(line, `expected numbers, found '${lines[line]!.trim()}'`);
      return undefined;
    }
    return values;
  };
  const find = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
  const isRule = (line: string | undefined): boolean =>
    line === undefined || /^\s*\*{5,}/.test(line);
  const headerNumber = (pattern: RegExp): number | undefined => {
    const at = find(pattern);
    if (at < 0) return undefined;
    const value = /:\s*(\d+)/.exec(lines[at]!)?.[1];
    return value === undefined ? undefined : Number(value);
  };

  const jobCount = headerNumber(/^\s*jobs \(incl\. supersource\/sink\s*\)/i);
  const horizon = headerNumber(/^\s*horizon\s*:/i);
  const renewable = headerNumber(/^\s*-\s*renewable\s*:/i);

  let mpmTime: number | undefined;
  const info = find(/^\s*PROJECT INFORMATION:/i);
  if (info >= 0 && lines[info + 1] !== undefined && /MPM-Time/i.test(lines[info + 1]!)) {
    const header = lines[info + 1]!.trim().split(/\s+/);
    const values = lines[info + 2] === undefined ? undefined : numbers(info + 2);
    const column = header.findIndex((cell) => /MPM-Time/i.test(cell));
    if (values !== undefined && column >= 0) mpmTime = values[column];
  }

  const precedence = find(/^\s*PRECEDENCE RELATIONS:/i);
  const requests = find(/^\s*REQUESTS\/DURATIONS:/i);
  const availability = find(/^\s*RESOURCEAVAILABILITIES:/i);
  if (precedence < 0) problem(0, 'no PRECEDENCE RELATIONS section');
  if (requests < 0) problem(0, 'no REQUESTS/DURATIONS section');
  if (availability < 0) problem(0, 'no RESOURCEAVAILABILITIES section');
  if (problems.length > 0) throw new DomainError(problems);

  const successors = new Map<string, { line: number; successors: string[] }>();
  for (let line = precedence + 2; !isRule(lines[line]); line += 1) {
    if (lines[line]!.trim() === '') continue;
    const values = numbers(line);
    if (values === undefined) continue;
    const [job, modes, count, ...rest] = values;
    if (job === undefined || modes === undefined || count === undefined) {
      problem(line, 'a precedence row needs: job, modes, number of successors, successors');
      continue;
    }
    if (modes !== 1)
      problem(line, `job ${job} has ${modes} modes; only single-mode (.sm) files are read`);
    if (rest.length !== count)
      problem(line, `job ${job} announces ${count} successors but lists ${rest.length}`);
    successors.set(String(job), { line, successors: rest.map(String) });
  }

  const resourceNames = (lines[availability + 1] ?? '').trim().match(/[A-Za-z]+\s*\d+/g) ?? [];
  const capacities = availability + 2 < lines.length ? numbers(availability + 2) : undefined;
  const resources = resourceNames.map((name, k) => ({
    id: name.replace(/\s+/g, ''),
    capacity: capacities?.[k] ?? Number.NaN,
  }));
  if (capacities === undefined || capacities.length !== resourceNames.length)
    problem(availability + 2, 'resource availabilities do not match the resource names above them');
  resources.forEach(({ id, capacity }) => {
    if (capacity < 0) problem(availability + 2, `${id} has capacity ${capacity}: zero or more`);
  });
  if (renewable !== undefined && renewable !== resources.length)
    problem(
      availability + 1,
      `the header announces ${renewable} renewable resources, the file lists ${resources.length}`,
    );

  const jobs: PsplibJob[] = [];
  let row = requests + 1;
  while (row < lines.length && !/^\s*-{5,}/.test(lines[row]!)) row += 1;
  for (let line = row + 1; !isRule(lines[line]); line += 1) {
    if (lines[line]!.trim() === '') continue;
    const values = numbers(line);
    if (values === undefined) continue;
    const [job, , duration, ...demands] = values;
    if (job === undefined || duration === undefined || demands.length !== resources.length) {
      problem(line, `a request row needs: job, mode, duration and ${resources.length} demands`);
      continue;
    }
    if (!Number.isInteger(duration) || duration < 0)
      problem(line, `job ${job} has duration ${duration}: not a whole number of periods`);
    else if (duration > MAX_DURATION)
      problem(line, `job ${job} has duration ${duration}: at most ${MAX_DURATION} periods`);
    demands.forEach((demand, k) => {
      if (demand < 0)
        problem(line, `job ${job} demands ${demand} of ${resources[k]!.id}: zero or more`);
    });
    const links = successors.get(String(job));
    if (links === undefined) problem(line, `job ${job} has no precedence row`);
    jobs.push({ id: String(job), duration, demands, successors: links?.successors ?? [] });
  }
  const known = new Set(jobs.map((job) => job.id));
  for (const [job, { line, successors: list }] of successors) {
    if (!known.has(job)) problem(line, `job ${job} has no REQUESTS/DURATIONS row`);
    for (const successor of list)
      if (!known.has(successor))
        problem(line, `job ${job} names successor ${successor}, which does not exist`);
  }
  if (jobCount !== undefined && jobs.length !== jobCount)
    problem(requests, `the header announces ${jobCount} jobs, the file has ${jobs.length}`);
  if (problems.length > 0) throw new DomainError(problems);
  return {
    file,
    jobs,
    resources,
    ...(mpmTime !== undefined ? { mpmTime } : {}),
    ...(horizon !== undefined ? { horizon } : {}),
  };
}

/** The instance as a levelling problem: job numbers as ids, finish-to-start links without lag. */
export function levellingProblemFromPsplib(instance: PsplibInstance): LevellingProblem {
  return {
    activities: instance.jobs.map(({ id, duration, demands }) => ({ id, duration, demands })),
    links: instance.jobs.flatMap((job) =>
      job.successors.map((successor) => ({ predecessor: job.id, successor })),
    ),
    resources: instance.resources,
  };
}

/**
 * The instance as critical-path input, resources ignored: one period is one minute of an
 * always-working calendar starting at instant 0, so every date is a period number.
 */
export function scheduleInputFromPsplib(instance: PsplibInstance): ScheduleInput {
  return {
    start: 0,
    calendar: 'periods',
    calendars: [{ id: 'periods', week: ELAPSED_WEEK }],
    activities: instance.jobs.map((job) => ({ id: job.id, duration: job.duration })),
    links: instance.jobs.flatMap((job) =>
      job.successors.map((successor) => ({
        predecessor: job.id,
        successor,
        type: 'FS' as const,
        lag: 0,
      })),
    ),
  };
}
