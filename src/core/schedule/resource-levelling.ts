import { DomainError, type Problem } from '../errors.ts';
import type { LinkType } from './critical-path.ts';
import { mulberry32 } from '../random.ts';
import { topologicalOrder } from '../engine/topological-order.ts';
import {
  createWorkspace,
  listByKey,
  scheduleList,
  search,
  type Network,
  type Prepared,
} from './resource-levelling-search.ts';

/**
 * Resource levelling: a resource-constrained schedule in whole periods, where activities use
 * renewable resources (people, teams, machines) of constant capacity per period. This is the
 * RCPSP, which is NP-hard; the heuristic is published and well measured on PSPLIB
 * (`resource-levelling-search.ts`): serial schedule generation from activity lists, seeded by
 * four priority rules (LFT, LST, MTS, GRPW) and regret-based biased random sampling on them,
 * every schedule improved by forward-backward justification, then a genetic algorithm over
 * the justified lists.
 *
 * Deterministic given the seed and the budget. The search stops early once the makespan meets
 * a lower bound (the critical path, or the work of the busiest resource over its capacity).
 */

/** Schedules the search builds by default: about 70 ms for a 120-activity PSPLIB instance. */
export const DEFAULT_SCHEDULES = 8000;

export interface LevellingActivity {
  id: string;
  /** Whole periods, zero or more. */
  duration: number;
  /** Units of each resource used in every period the activity runs (by resource position). */
  demands: readonly number[];
}

export interface LevellingLink {
  predecessor: string;
  successor: string;
  /** FS by default. */
  type?: LinkType;
  /** Whole periods, may be negative; 0 by default. */
  lag?: number;
}

export interface LevellingResource {
  id: string;
  /** Units available in every period. */
  capacity: number;
}

export interface LevellingProblem {
  activities: readonly LevellingActivity[];
  links: readonly LevellingLink[];
  resources: readonly LevellingResource[];
}

export interface LevellingOptions {
  seed: number;
  /**
   * Schedules the search may build, each generation and each justification pass counting
   * one; `DEFAULT_SCHEDULES` by default.
   */
  iterations?: number;
  /**
   * Instead of searching for the shortest schedule, place the activities once, in this order
   * of priority (ids; the rest after, in input order), each as early as it fits: what a
   * forecast needs, where work keeps its place in the queue and nothing moves without cause.
   */
  priority?: readonly string[];
  /**
   * With `priority`: the periods the schedule can need at most, when the caller knows a bound
   * tighter than the problem's (its sum of durations and positive lags); it sizes the work space.
   */
  horizon?: number;
}

export interface LevelledSchedule {
  /** Start period of each activity, in input order; the first starts at 0. */
  starts: number[];
  makespan: number;
  /** The critical-path length, ignoring resources. */
  criticalPathLength: number;
  /** No schedule can be shorter than this. */
  lowerBound: number;
  /** Schedules actually built (fewer than the budget when the lower bound was reached). */
  iterations: number;
}

const EPSILON = 1e-9;

/** Levels a problem: the shortest resource-feasible schedule found; throws a DomainError for bad input. */
export function levelResources(
  problem: LevellingProblem,
  options: LevellingOptions,
): LevelledSchedule {
  const computed = prepare(problem);
  const prepared =
    options.priority !== undefined && options.horizon !== undefined
      ? {
          ...computed,
          horizon: Math.max(1, Math.min(computed.horizon, Math.ceil(options.horizon))),
        }
      : computed;
  const { n } = prepared.forward;
  const workspace = createWorkspace(prepared);
  if (options.priority !== undefined) {
    const rank = new Map(options.priority.map((id, position) => [id, position]));
    const key = new Float64Array(n);
    problem.activities.forEach((activity, j) => {
      key[j] = rank.get(activity.id) ?? options.priority!.length + j;
    });
    const list = new Int32Array(n);
    listByKey(prepared.forward, workspace, key, list);
    const starts = new Int32Array(n);
    const makespan = scheduleList(prepared, prepared.forward, workspace, list, starts);
    return {
      starts: Array.from(starts),
      makespan,
      criticalPathLength: prepared.criticalPathLength,
      lowerBound: prepared.lowerBound,
      iterations: 1,
    };
  }
  const budget = Math.max(1, Math.floor(options.iterations ?? DEFAULT_SCHEDULES));
  const found = search(prepared, workspace, mulberry32(options.seed), budget);
  return {
    starts: Array.from(found.starts),
    makespan: found.makespan,
    criticalPathLength: prepared.criticalPathLength,
    lowerBound: prepared.lowerBound,
    iterations: workspace.schedules,
  };
}

/** The critical-path length of a levelling problem, ignoring resources. */
export function criticalPathLength(problem: LevellingProblem): number {
  return prepare(problem).criticalPathLength;
}

/**
 * Every way a schedule breaks the links or the capacity of a period, as sentences; empty when
 * it is feasible. Written plainly, apart from the levelling code, so that it can check it.
 */
export function checkLevelledSchedule(
  problem: LevellingProblem,
  starts: readonly number[],
): string[] {
  const broken: string[] = [];
  const index = new Map(problem.activities.map((activity, at) => [activity.id, at]));
  const startOf = (id: string): number => starts[index.get(id)!]!;
  const finishOf = (id: string): number =>
    startOf(id) + problem.activities[index.get(id)!]!.duration;
  problem.activities.forEach((activity, at) => {
    const start = starts[at];
    if (start === undefined || !Number.isInteger(start) || start < 0)
      broken.push(`${activity.id} starts at ${start}, not a period`);
  });
  if (broken.length > 0) return broken;
  for (const link of problem.links) {
    const lag = link.lag ?? 0;
    const type = link.type ?? 'FS';
    const from = type[0] === 'F' ? finishOf(link.predecessor) : startOf(link.predecessor);
    const to = type[1] === 'S' ? startOf(link.successor) : finishOf(link.successor);
    if (to < from + lag)
      broken.push(`${link.predecessor} → ${link.successor} (${type}, lag ${lag}) is broken`);
  }
  let end = 0;
  problem.activities.forEach(
    (activity, at) => (end = Math.max(end, starts[at]! + activity.duration)),
  );
  problem.resources.forEach((resource, k) => {
    for (let period = 0; period < end; period += 1) {
      let used = 0;
      problem.activities.forEach((activity, at) => {
        if (starts[at]! <= period && period < starts[at]! + activity.duration)
          used += activity.demands[k] ?? 0;
      });
      if (used > resource.capacity + EPSILON)
        broken.push(`${resource.id} is used ${used} of ${resource.capacity} in period ${period}`);
    }
  });
  return broken;
}

function prepare(problem: LevellingProblem): Prepared {
  const problems: Problem[] = [];
  const n = problem.activities.length;
  const resources = problem.resources.length;
  const index = new Map<string, number>();
  const duration = new Int32Array(n);
  const demand = new Float64Array(n * resources);
  const capacity = new Float64Array(resources);
  problem.resources.forEach((resource, k) => {
    if (!(resource.capacity >= 0))
      problems.push({
        code: 'plan.bad_value',
        message: `capacity of ${resource.id} must be zero or more`,
        path: `resources[${k}].capacity`,
      });
    capacity[k] = resource.capacity;
  });
  problem.activities.forEach((activity, j) => {
    if (index.has(activity.id))
      problems.push({
        code: 'plan.duplicate_id',
        message: `activity '${activity.id}' appears twice`,
        path: `activities[${j}].id`,
      });
    index.set(activity.id, j);
    if (!Number.isInteger(activity.duration) || activity.duration < 0)
      problems.push({
        code: 'plan.bad_value',
        message: `duration of ${activity.id} must be a whole number of periods`,
        path: `activities[${j}].duration`,
      });
    duration[j] = activity.duration;
    for (let k = 0; k < resources; k += 1) {
      const need = activity.demands[k] ?? 0;
      if (!(need >= 0))
        problems.push({
          code: 'plan.bad_value',
          message: `demand of ${activity.id} for ${problem.resources[k]!.id} must be zero or more`,
          path: `activities[${j}].demands[${k}]`,
        });
      else if (need > capacity[k]! + EPSILON && activity.duration > 0)
        problems.push({
          code: 'plan.bad_value',
          message: `${activity.id} needs ${need} of ${problem.resources[k]!.id} but only ${capacity[k]} exist: it can never run`,
          path: `activities[${j}].demands[${k}]`,
        });
      demand[j * resources + k] = need;
    }
  });
  const from: number[] = [];
  const to: number[] = [];
  const delta: number[] = [];
  problem.links.forEach((link, at) => {
    const p = index.get(link.predecessor);
    const s = index.get(link.successor);
    const lag = link.lag ?? 0;
    if (p === undefined || s === undefined) {
      problems.push({
        code: 'plan.unknown_reference',
        message: `link ${link.predecessor} → ${link.successor} names an activity that does not exist`,
        path: `links[${at}]`,
      });
      return;
    }
    if (!Number.isInteger(lag))
      problems.push({
        code: 'plan.bad_value',
        message: `lag of ${link.predecessor} → ${link.successor} must be whole periods`,
        path: `links[${at}].lag`,
      });
    from.push(p);
    to.push(s);
    delta.push(startDistance(link.type ?? 'FS', lag, duration[p]!, duration[s]!));
  });
  if (problems.length > 0) throw new DomainError(problems);

  const forward = network(n, duration, from, to, delta);
  const order = activityOrder(n, from, to, (j) => problem.activities[j]!.id);
  const backwardDelta = delta.map((d, e) => d + duration[to[e]!]! - duration[from[e]!]!);
  const backward = network(n, duration, to, from, backwardDelta);

  const earliestStart = new Int32Array(n);
  for (const j of order)
    for (let e = forward.predStart[j]!; e < forward.predStart[j + 1]!; e += 1)
      earliestStart[j] = Math.max(
        earliestStart[j]!,
        earliestStart[forward.predNode[e]!]! + forward.predDelta[e]!,
      );
  let length = 0;
  for (let j = 0; j < n; j += 1) length = Math.max(length, earliestStart[j]! + duration[j]!);
  // Latest finish against the critical-path length: the sampling priority.
  const latestStart = new Int32Array(n);
  for (let j = 0; j < n; j += 1) latestStart[j] = length - duration[j]!;
  for (let k = order.length - 1; k >= 0; k -= 1) {
    const j = order[k]!;
    for (let e = backward.predStart[j]!; e < backward.predStart[j + 1]!; e += 1) {
      // backward preds of j are its successors s, with S_s >= S_j + delta(j→s).
      const s = backward.predNode[e]!;
      const forwardDelta = backward.predDelta[e]! - duration[s]! + duration[j]!;
      latestStart[j] = Math.min(latestStart[j]!, latestStart[s]! - forwardDelta);
    }
  }
  const latestFinish = new Int32Array(n);
  for (let j = 0; j < n; j += 1) latestFinish[j] = latestStart[j]! + duration[j]!;

  let lowerBound = length;
  for (let k = 0; k < resources; k += 1) {
    if (capacity[k]! <= 0) continue;
    let work = 0;
    for (let j = 0; j < n; j += 1) work += duration[j]! * demand[j * resources + k]!;
    lowerBound = Math.max(lowerBound, Math.ceil(work / capacity[k]! - EPSILON));
  }
  let horizon = 1;
  for (let j = 0; j < n; j += 1) horizon += duration[j]!;
  for (const d of delta) horizon += Math.max(0, d);
  for (const d of backwardDelta) horizon += Math.max(0, d);
  const useStart = new Int32Array(n + 1);
  const useResource: number[] = [];
  const useNeed: number[] = [];
  const useRoom: number[] = [];
  for (let j = 0; j < n; j += 1) {
    for (let k = 0; k < resources; k += 1) {
      const need = demand[j * resources + k]!;
      if (need <= 0) continue;
      useResource.push(k);
      useNeed.push(need);
      useRoom.push(capacity[k]! - need + EPSILON);
    }
    useStart[j + 1] = useResource.length;
  }
  // Packed resources: a field per resource of the bits of the largest capacity and a guard bit.
  let integral = resources > 0;
  let largest = 0;
  for (let k = 0; k < resources; k += 1) {
    if (!Number.isInteger(capacity[k]!)) integral = false;
    largest = Math.max(largest, capacity[k]!);
  }
  for (let i = 0; i < demand.length; i += 1) if (!Number.isInteger(demand[i]!)) integral = false;
  const width = integral && largest < 2 ** 30 ? 33 - Math.clz32(largest) : 32;
  const packed = resources * width <= 31;
  let packedGuard = 0;
  let packedCapacity = 0;
  const packedNeed = new Int32Array(packed ? n : 0);
  if (packed) {
    for (let k = 0; k < resources; k += 1) {
      packedGuard |= 1 << (k * width + width - 1);
      packedCapacity |= capacity[k]! << (k * width);
    }
    // An activity of no duration is never placed (and may need more than exists).
    for (let j = 0; j < n; j += 1)
      if (duration[j]! > 0)
        for (let k = 0; k < resources; k += 1)
          packedNeed[j]! |= demand[j * resources + k]! << (k * width);
  }
  return {
    packedGuard,
    packedCapacity,
    packedNeed,
    forward,
    backward,
    latestStart,
    resources,
    capacity,
    demand,
    useStart,
    useResource: Int32Array.from(useResource),
    useNeed: Float64Array.from(useNeed),
    useRoom: Float64Array.from(useRoom),
    horizon,
    earliestStart,
    latestFinish,
    criticalPathLength: length,
    lowerBound,
  };
}

/** S_successor ≥ S_predecessor + distance, for each link type. */
function startDistance(type: LinkType, lag: number, pred: number, succ: number): number {
  if (type === 'FS') return pred + lag;
  if (type === 'SS') return lag;
  if (type === 'FF') return pred + lag - succ;
  return lag - succ;
}

function network(
  n: number,
  duration: Int32Array,
  from: readonly number[],
  to: readonly number[],
  delta: readonly number[],
): Network {
  const predStart = new Int32Array(n + 1);
  const succStart = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e += 1) {
    predStart[to[e]! + 1]! += 1;
    succStart[from[e]! + 1]! += 1;
  }
  for (let j = 0; j < n; j += 1) {
    predStart[j + 1]! += predStart[j]!;
    succStart[j + 1]! += succStart[j]!;
  }
  const predNode = new Int32Array(from.length);
  const predDelta = new Int32Array(from.length);
  const succNode = new Int32Array(from.length);
  const predFill = predStart.slice(0, n);
  const succFill = succStart.slice(0, n);
  for (let e = 0; e < from.length; e += 1) {
    const p = predFill[to[e]!]!++;
    predNode[p] = from[e]!;
    predDelta[p] = delta[e]!;
    succNode[succFill[from[e]!]!++] = to[e]!;
  }
  const indegree = new Int32Array(n);
  for (let j = 0; j < n; j += 1) indegree[j] = predStart[j + 1]! - predStart[j]!;
  return { n, duration, predStart, predNode, predDelta, succStart, succNode, indegree };
}

/**
 * The activities in an order where every link runs forward (the core's Kahn order), or a cycle
 * error naming the activities no such order reaches.
 */
function activityOrder(
  n: number,
  from: readonly number[],
  to: readonly number[],
  idOf: (j: number) => string,
): Int32Array {
  const { order, forced } = topologicalOrder(n, from, to);
  if (forced.length > 0) {
    // Up to the first node forced through, the order is plain Kahn's: the rest is stuck.
    const first = order.indexOf(forced[0]!);
    const stuck = [...order.subarray(first)].sort((a, b) => a - b);
    throw new DomainError({
      code: 'plan.cycle',
      message: `dependency cycle among ${stuck.map(idOf).join(', ')}`,
      path: 'links',
    });
  }
  return order;
}
