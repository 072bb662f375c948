import { DomainError, type Problem } from '../errors.ts';
import type { LinkType } from './critical-path.ts';
import { seededRandom, type Random } from './seeded-random.ts';

/**
 * Resource levelling: a resource-constrained schedule in whole periods, where activities use
 * renewable resources (people, teams, machines) of constant capacity per period. This is the
 * RCPSP, which is NP-hard; the heuristic is published and well measured on PSPLIB:
 *
 * - schedules are built by the **serial schedule-generation scheme** (Kelley 1963; Kolisch
 *   1996): activities one at a time, each at its earliest start that keeps the links and the
 *   capacity of every period;
 * - the order comes from **regret-based biased random sampling** on the latest-finish-time
 *   priority (Drexl 1991; Kolisch & Drexl 1996);
 * - each sampled schedule is improved by **double justification** (forward-backward
 *   improvement: Tormos & Lova 2001; Valls, Ballestín & Quintanilla 2005, "Justification and
 *   RCPSP: A technique that pays", EJOR 165): shift every activity right as far as possible,
 *   latest finish first, then left again, earliest start first; repeated while it helps. It
 *   never makes a schedule longer.
 *
 * Deterministic given the seed. Sampling stops early once the makespan meets a lower bound
 * (the critical path, or the work of the busiest resource over its capacity).
 */

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
  /** Sampled schedules (each then justified); 1000 by default. */
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
  /** Sampled schedules actually built (fewer when the lower bound was reached). */
  iterations: number;
}

/** The links as minimum distances between starts, in both directions, ready for the SGS. */
interface Network {
  n: number;
  duration: Int32Array;
  /** predStart[j]..predStart[j+1] index predecessors of j in predNode / predDelta. */
  predStart: Int32Array;
  predNode: Int32Array;
  predDelta: Int32Array;
  succStart: Int32Array;
  succNode: Int32Array;
  indegree: Int32Array;
}

interface Prepared {
  forward: Network;
  /** The same links read backwards in mirrored time, for right justification. */
  backward: Network;
  resources: number;
  capacity: Float64Array;
  /** demand[j * resources + k] */
  demand: Float64Array;
  /** Resources each activity uses, as lists. */
  uses: Int32Array[];
  horizon: number;
  earliestStart: Int32Array;
  latestFinish: Int32Array;
  criticalPathLength: number;
  lowerBound: number;
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
  const random = seededRandom(options.seed);
  const budget = Math.max(1, Math.floor(options.iterations ?? 1000));
  const workspace = createWorkspace(prepared);
  if (options.priority !== undefined) {
    const rank = new Map(options.priority.map((id, position) => [id, position]));
    problem.activities.forEach((activity, j) => {
      workspace.key[j] = rank.get(activity.id) ?? options.priority!.length + j;
    });
    const starts = new Int32Array(n);
    const makespan = serialSgs(
      prepared,
      prepared.forward,
      workspace,
      starts,
      smallestKey(workspace.key),
    );
    return {
      starts: Array.from(starts),
      makespan,
      criticalPathLength: prepared.criticalPathLength,
      lowerBound: prepared.lowerBound,
      iterations: 1,
    };
  }

  let best: Int32Array | undefined;
  let bestMakespan = Infinity;
  let iterations = 0;
  const current = new Int32Array(n);
  while (iterations < budget && bestMakespan > prepared.lowerBound) {
    iterations += 1;
    sampleSchedule(prepared, workspace, random, current);
    const makespan = justify(prepared, workspace, current);
    if (makespan < bestMakespan) {
      bestMakespan = makespan;
      best = current.slice();
    }
  }
  return {
    starts: Array.from(best!),
    makespan: bestMakespan,
    criticalPathLength: prepared.criticalPathLength,
    lowerBound: prepared.lowerBound,
    iterations,
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
  const order = topologicalOrder(forward, (j) => problem.activities[j]!.id);
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
  const uses: Int32Array[] = [];
  for (let j = 0; j < n; j += 1) {
    const list: number[] = [];
    for (let k = 0; k < resources; k += 1) if (demand[j * resources + k]! > 0) list.push(k);
    uses.push(Int32Array.from(list));
  }
  return {
    forward,
    backward,
    resources,
    capacity,
    demand,
    uses,
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

function topologicalOrder(net: Network, idOf: (j: number) => string): number[] {
  const left = net.indegree.slice();
  const order: number[] = [];
  for (let j = 0; j < net.n; j += 1) if (left[j] === 0) order.push(j);
  for (let head = 0; head < order.length; head += 1) {
    const j = order[head]!;
    for (let e = net.succStart[j]!; e < net.succStart[j + 1]!; e += 1) {
      const s = net.succNode[e]!;
      if (--left[s]! === 0) order.push(s);
    }
  }
  if (order.length < net.n) {
    const stuck = Array.from({ length: net.n }, (_, j) => j).filter((j) => left[j]! > 0);
    throw new DomainError({
      code: 'plan.cycle',
      message: `dependency cycle among ${stuck.map(idOf).join(', ')}`,
      path: 'links',
    });
  }
  return order;
}

interface Workspace {
  usage: Float64Array;
  /** Periods [0, used) of `usage` may hold load from an earlier schedule. */
  used: number;
  horizon: number;
  eligible: Int32Array;
  left: Int32Array;
  weights: Float64Array;
  key: Float64Array;
  mirrored: Int32Array;
  starts: Int32Array;
}

function createWorkspace(prepared: Prepared): Workspace {
  const n = prepared.forward.n;
  return {
    usage: new Float64Array(prepared.resources * prepared.horizon),
    used: 0,
    horizon: prepared.horizon,
    eligible: new Int32Array(n),
    left: new Int32Array(n),
    weights: new Float64Array(n),
    key: new Float64Array(n),
    mirrored: new Int32Array(n),
    starts: new Int32Array(n),
  };
}

/**
 * The serial SGS: `choose` picks the next activity among the eligible ones (all predecessors
 * placed); each is placed at the earliest period that keeps links and capacities. Returns the
 * makespan.
 */
function serialSgs(
  prepared: Prepared,
  net: Network,
  ws: Workspace,
  out: Int32Array,
  choose: (eligible: Int32Array, count: number) => number,
): number {
  const { n, duration, predStart, predNode, predDelta, succStart, succNode } = net;
  const { usage, horizon, eligible, left } = ws;
  const { resources, capacity, demand, uses } = prepared;
  // Only the periods the previous schedule used need clearing.
  for (let k = 0; k < resources; k += 1) usage.fill(0, k * horizon, k * horizon + ws.used);
  ws.used = 0;
  left.set(net.indegree);
  let count = 0;
  for (let j = 0; j < n; j += 1) if (left[j] === 0) eligible[count++] = j;
  let makespan = 0;
  for (let step = 0; step < n; step += 1) {
    const slot = choose(eligible, count);
    const j = eligible[slot]!;
    eligible[slot] = eligible[--count]!;
    let t = 0;
    for (let e = predStart[j]!; e < predStart[j + 1]!; e += 1)
      t = Math.max(t, out[predNode[e]!]! + predDelta[e]!);
    const d = duration[j]!;
    const used = uses[j]!;
    if (d > 0 && used.length > 0) {
      // Jump past the latest clash in the window until the window is free.
      let clash = true;
      while (clash) {
        clash = false;
        for (let u = 0; u < used.length && !clash; u += 1) {
          const k = used[u]!;
          const room = capacity[k]! - demand[j * resources + k]! + EPSILON;
          const base = k * horizon;
          for (let tau = t + d - 1; tau >= t; tau -= 1) {
            if (usage[base + tau]! > room) {
              t = tau + 1;
              clash = true;
              break;
            }
          }
        }
      }
      for (let u = 0; u < used.length; u += 1) {
        const k = used[u]!;
        const need = demand[j * resources + k]!;
        const base = k * horizon;
        for (let tau = t; tau < t + d; tau += 1) usage[base + tau]! += need;
      }
    }
    out[j] = t;
    makespan = Math.max(makespan, t + d);
    ws.used = Math.max(ws.used, t + d);
    for (let e = succStart[j]!; e < succStart[j + 1]!; e += 1) {
      const s = succNode[e]!;
      if (--left[s]! === 0) eligible[count++] = s;
    }
  }
  return makespan;
}

/** One schedule by regret-based biased random sampling on latest finish times. */
function sampleSchedule(
  prepared: Prepared,
  ws: Workspace,
  random: Random,
  out: Int32Array,
): number {
  const latestFinish = prepared.latestFinish;
  const weights = ws.weights;
  return serialSgs(prepared, prepared.forward, ws, out, (eligible, count) => {
    if (count === 1) return 0;
    let worst = -Infinity;
    for (let i = 0; i < count; i += 1) worst = Math.max(worst, latestFinish[eligible[i]!]!);
    let total = 0;
    for (let i = 0; i < count; i += 1) {
      // Regret: how much better than the worst eligible activity; +1 keeps every choice open.
      const weight = worst - latestFinish[eligible[i]!]! + 1;
      weights[i] = weight;
      total += weight;
    }
    let pick = random() * total;
    for (let i = 0; i < count; i += 1) {
      pick -= weights[i]!;
      if (pick < 0) return i;
    }
    return count - 1;
  });
}

/** The eligible activity with the smallest key (ties: lowest index). */
function smallestKey(key: Float64Array): (eligible: Int32Array, count: number) => number {
  return (eligible, count) => {
    let best = 0;
    for (let i = 1; i < count; i += 1) {
      const a = key[eligible[i]!]!;
      const b = key[eligible[best]!]!;
      if (a < b || (a === b && eligible[i]! < eligible[best]!)) best = i;
    }
    return best;
  };
}

/**
 * Double justification, repeated while it shortens the schedule: right-justify (latest finish
 * first, as late as possible), then left-justify (earliest start first, as early as possible).
 * Leaves the best schedule in `starts` and returns its makespan.
 */
function justify(prepared: Prepared, ws: Workspace, starts: Int32Array): number {
  const { n, duration } = prepared.forward;
  const { key, mirrored } = ws;
  let makespan = 0;
  for (let j = 0; j < n; j += 1) makespan = Math.max(makespan, starts[j]! + duration[j]!);
  const chooseByKey = smallestKey(key);
  for (;;) {
    // Right: in mirrored time an activity's start is makespan − its finish.
    for (let j = 0; j < n; j += 1) key[j] = makespan - starts[j]! - duration[j]!;
    const mirroredSpan = serialSgs(prepared, prepared.backward, ws, mirrored, chooseByKey);
    for (let j = 0; j < n; j += 1) key[j] = mirroredSpan - mirrored[j]! - duration[j]!;
    const candidate = ws.starts;
    const span = serialSgs(prepared, prepared.forward, ws, candidate, chooseByKey);
    if (span >= makespan) return makespan;
    starts.set(candidate);
    makespan = span;
  }
}
