import type { Random } from '../random.ts';

/**
 * The search behind resource levelling (`resource-levelling.ts`): schedule generation,
 * justification and a genetic algorithm over activity lists, on the prepared arrays.
 *
 * - A schedule comes from an **activity list** (an order that keeps every link: predecessors
 *   first) by the **serial schedule-generation scheme** (Kelley 1963; Kolisch 1996): each
 *   activity in turn at its earliest period that keeps the links and every period's capacity.
 * - The first lists come from **priority rules** (latest finish LFT, latest start LST, most
 *   total successors MTS, greatest rank positional weight GRPW; Kolisch 1996, "Serial and
 *   parallel resource-constrained project scheduling methods revisited", EJOR 90), first as
 *   they rank, then by **regret-based biased random sampling** on each rule (Drexl 1991).
 * - Every schedule is improved by **double justification** (forward-backward improvement:
 *   Tormos & Lova 2001; Valls, Ballestín & Quintanilla 2005, "Justification and RCPSP: a
 *   technique that pays", EJOR 165): right-justify, latest finish first, then left-justify,
 *   earliest start first. It never makes a schedule longer.
 * - A steady-state **genetic algorithm** then crosses the best lists (Hartmann 1998, "A
 *   competitive genetic algorithm for resource-constrained project scheduling", NRL 45:
 *   two-point crossover of activity lists, which keeps the links, and swaps of neighbours
 *   not linked); each child is justified and its justified start order is what it passes on.
 *
 * Every schedule built (a generation or one justification pass) counts against the budget,
 * so the result depends on the seed and the budget only, never on the machine's speed.
 */

/** The links as minimum distances between starts, ready for the SGS. */
export interface Network {
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

export interface Prepared {
  forward: Network;
  /** The same links read backwards in mirrored time, for right justification. */
  backward: Network;
  resources: number;
  capacity: Float64Array;
  /** demand[j * resources + k] */
  demand: Float64Array;
  /**
   * The resources each activity uses: useStart[j]..useStart[j+1] index, in useResource /
   * useNeed / useRoom, the resource, the units needed, and the load above which it has no room.
   */
  useStart: Int32Array;
  useResource: Int32Array;
  useNeed: Float64Array;
  useRoom: Float64Array;
  /**
   * When every capacity and demand is a whole number and the resources fit in one 31-bit word
   * (a field per resource wide enough for its capacity, plus a guard bit above it): the guard
   * bits, the capacities packed so, and each activity's demands packed so (0 for none). A
   * period's free units are then one word, and an activity fits a period when no field of
   * (free | guard) − need borrows from its guard bit. 0 and an empty array otherwise.
   */
  packedGuard: number;
  packedCapacity: number;
  packedNeed: Int32Array;
  horizon: number;
  earliestStart: Int32Array;
  latestStart: Int32Array;
  latestFinish: Int32Array;
  criticalPathLength: number;
  lowerBound: number;
}

export interface Workspace {
  usage: Float64Array;
  /** With packed resources (`packedGuard` > 0), the free units of each period, packed. */
  free: Int32Array;
  /** Periods [0, used) of `usage` (or `free`) may hold load from an earlier schedule. */
  used: number;
  horizon: number;
  /** Schedules built so far. */
  schedules: number;
  eligible: Int32Array;
  left: Int32Array;
  weights: Float64Array;
  key: Float64Array;
  periods: Int32Array;
  heap: Int32Array;
  list: Int32Array;
  mirrored: Int32Array;
  candidate: Int32Array;
  taken: Uint8Array;
  /**
   * Bucket queue of whole-period keys: first activity per key (made on first use: placing once
   * by priority needs none), next activity in its bucket.
   */
  bucket: Int32Array | null;
  next: Int32Array;
}

export function createWorkspace(prepared: Prepared): Workspace {
  const n = prepared.forward.n;
  const packed = prepared.packedGuard !== 0;
  return {
    usage: new Float64Array(packed ? 0 : prepared.resources * prepared.horizon),
    free: new Int32Array(packed ? prepared.horizon : 0).fill(prepared.packedCapacity),
    used: 0,
    horizon: prepared.horizon,
    schedules: 0,
    eligible: new Int32Array(n),
    left: new Int32Array(n),
    weights: new Float64Array(n),
    key: new Float64Array(n),
    periods: new Int32Array(n),
    heap: new Int32Array(n),
    list: new Int32Array(n),
    mirrored: new Int32Array(n),
    candidate: new Int32Array(n),
    taken: new Uint8Array(n),
    bucket: null,
    next: new Int32Array(n),
  };
}

/** Clears the load an earlier schedule left: only the periods it used. */
function clearUsage(prepared: Prepared, ws: Workspace): void {
  const { usage, horizon } = ws;
  if (prepared.packedGuard !== 0) ws.free.fill(prepared.packedCapacity, 0, ws.used);
  else
    for (let k = 0; k < prepared.resources; k += 1)
      usage.fill(0, k * horizon, k * horizon + ws.used);
  ws.used = 0;
  ws.schedules += 1;
}

/**
 * Places activity j at the first period from `earliest` on where every resource it uses has
 * room for all its periods, books it and returns that period.
 */
function place(prepared: Prepared, ws: Workspace, j: number, earliest: number, d: number): number {
  if (prepared.packedGuard !== 0) return placePacked(prepared, ws, j, earliest, d);
  const { useStart, useResource, useNeed, useRoom } = prepared;
  const first = useStart[j]!;
  const last = useStart[j + 1]!;
  let t = earliest;
  if (d > 0 && first < last) {
    const { usage, horizon } = ws;
    // Scan the window backwards, period by period, every resource at once; at a clash, jump past
    // it: the periods from there to the window's end are known to have room, so only the new
    // end of the window is scanned. Up to four resources (every PSPLIB activity) in locals, the
    // missing ones with unlimited room; one branch per period.
    const count = last - first;
    if (count <= 4) {
      const b0 = useResource[first]! * horizon;
      const r0 = useRoom[first]!;
      const b1 = count > 1 ? useResource[first + 1]! * horizon : b0;
      const r1 = count > 1 ? useRoom[first + 1]! : Infinity;
      const b2 = count > 2 ? useResource[first + 2]! * horizon : b0;
      const r2 = count > 2 ? useRoom[first + 2]! : Infinity;
      const b3 = count > 3 ? useResource[first + 3]! * horizon : b0;
      const r3 = count > 3 ? useRoom[first + 3]! : Infinity;
      let end = t + d - 1;
      let checked = t - 1;
      let tau = end;
      while (tau > checked) {
        if (
          usage[b0 + tau]! > r0 ||
          usage[b1 + tau]! > r1 ||
          usage[b2 + tau]! > r2 ||
          usage[b3 + tau]! > r3
        ) {
          t = tau + 1;
          checked = end;
          end = tau + d;
          tau = end;
        } else tau -= 1;
      }
    } else {
      let end = t + d - 1;
      let checked = t - 1;
      let tau = end;
      while (tau > checked) {
        let clash = false;
        for (let u = first; u < last; u += 1)
          if (usage[useResource[u]! * horizon + tau]! > useRoom[u]!) {
            clash = true;
            break;
          }
        if (clash) {
          t = tau + 1;
          checked = end;
          end = tau + d;
          tau = end;
        } else tau -= 1;
      }
    }
    for (let u = first; u < last; u += 1) {
      const need = useNeed[u]!;
      const base = useResource[u]! * horizon;
      for (let tau = base + t; tau < base + t + d; tau += 1) usage[tau]! += need;
    }
  }
  if (t + d > ws.used) ws.used = t + d;
  return t;
}

/** `place` with packed resources: one word per period for all of them. */
function placePacked(
  prepared: Prepared,
  ws: Workspace,
  j: number,
  earliest: number,
  d: number,
): number {
  const need = prepared.packedNeed[j]!;
  let t = earliest;
  if (d > 0 && need !== 0) {
    const guard = prepared.packedGuard;
    const { free } = ws;
    // As in `place`: backwards through the window, past each clash, never a period twice.
    let end = t + d - 1;
    let checked = t - 1;
    let tau = end;
    while (tau > checked) {
      if ((((free[tau]! | guard) - need) & guard) !== guard) {
        t = tau + 1;
        checked = end;
        end = tau + d;
        tau = end;
      } else tau -= 1;
    }
    for (let p = t; p < t + d; p += 1) free[p]! -= need;
  }
  if (t + d > ws.used) ws.used = t + d;
  return t;
}

/** The serial SGS over an activity list that keeps the links of `net`; returns the makespan. */
export function scheduleList(
  prepared: Prepared,
  net: Network,
  ws: Workspace,
  list: Int32Array,
  out: Int32Array,
): number {
  clearUsage(prepared, ws);
  const { n, duration, predStart, predNode, predDelta } = net;
  let makespan = 0;
  for (let step = 0; step < n; step += 1) {
    const j = list[step]!;
    let t = 0;
    for (let e = predStart[j]!; e < predStart[j + 1]!; e += 1) {
      const from = out[predNode[e]!]! + predDelta[e]!;
      if (from > t) t = from;
    }
    const d = duration[j]!;
    t = place(prepared, ws, j, t, d);
    out[j] = t;
    if (t + d > makespan) makespan = t + d;
  }
  return makespan;
}

/**
 * The activity list of `net` that takes, among the activities whose predecessors are all
 * listed, the one with the smallest key (ties: lowest index): Kahn's order with a heap.
 */
export function listByKey(
  net: Network,
  ws: Workspace,
  key: ArrayLike<number>,
  out: Int32Array,
): void {
  const { n, succStart, succNode } = net;
  const { left, heap } = ws;
  left.set(net.indegree);
  let size = 0;
  const less = (a: number, b: number): boolean => key[a]! < key[b]! || (key[a] === key[b] && a < b);
  const push = (j: number): void => {
    let i = size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(j, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = j;
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap[--size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const child = r < size && less(heap[r]!, heap[l]!) ? r : l;
      if (!less(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    if (size > 0) heap[i] = last;
    return top;
  };
  for (let j = 0; j < n; j += 1) if (left[j] === 0) push(j);
  for (let step = 0; step < n; step += 1) {
    const j = pop();
    out[step] = j;
    for (let e = succStart[j]!; e < succStart[j + 1]!; e += 1) {
      const s = succNode[e]!;
      if (--left[s]! === 0) push(s);
    }
  }
}

/**
 * `listByKey` for keys that are whole periods in [0, horizon] (starts and mirrored starts), with
 * a bucket queue: among the activities whose predecessors are all listed, one with the smallest
 * key (ties: the one made eligible last). Linear in activities, links and periods.
 */
function listByPeriod(net: Network, ws: Workspace, key: Int32Array, out: Int32Array): void {
  const { n, succStart, succNode } = net;
  const { left, next } = ws;
  ws.bucket ??= new Int32Array(ws.horizon + 1).fill(-1);
  const bucket = ws.bucket;
  left.set(net.indegree);
  let low = bucket.length;
  for (let j = 0; j < n; j += 1)
    if (left[j] === 0) {
      const k = key[j]!;
      next[j] = bucket[k]!;
      bucket[k] = j;
      if (k < low) low = k;
    }
  for (let step = 0; step < n; step += 1) {
    while (bucket[low] === -1) low += 1;
    const j = bucket[low]!;
    bucket[low] = next[j]!;
    out[step] = j;
    for (let e = succStart[j]!; e < succStart[j + 1]!; e += 1) {
      const s = succNode[e]!;
      if (--left[s]! === 0) {
        const k = key[s]!;
        next[s] = bucket[k]!;
        bucket[k] = s;
        if (k < low) low = k;
      }
    }
  }
}

/**
 * One list by regret-based biased random sampling on a priority value (smaller first): each
 * eligible activity is drawn with weight (the largest eligible value − its own + 1)^2.
 */
function sampleList(
  net: Network,
  ws: Workspace,
  value: Float64Array,
  random: Random,
  out: Int32Array,
): void {
  const { n, succStart, succNode } = net;
  const { eligible, left, weights } = ws;
  left.set(net.indegree);
  let count = 0;
  for (let j = 0; j < n; j += 1) if (left[j] === 0) eligible[count++] = j;
  for (let step = 0; step < n; step += 1) {
    let slot = 0;
    if (count > 1) {
      let worst = -Infinity;
      for (let i = 0; i < count; i += 1) worst = Math.max(worst, value[eligible[i]!]!);
      let total = 0;
      for (let i = 0; i < count; i += 1) {
        const regret = worst - value[eligible[i]!]! + 1;
        weights[i] = regret * regret;
        total += weights[i]!;
      }
      let pick = random() * total;
      slot = count - 1;
      for (let i = 0; i < count; i += 1) {
        pick -= weights[i]!;
        if (pick < 0) {
          slot = i;
          break;
        }
      }
    }
    const j = eligible[slot]!;
    eligible[slot] = eligible[--count]!;
    out[step] = j;
    for (let e = succStart[j]!; e < succStart[j + 1]!; e += 1) {
      const s = succNode[e]!;
      if (--left[s]! === 0) eligible[count++] = s;
    }
  }
}

/**
 * Double justification, up to `rounds` times while it shortens the schedule: right-justify
 * (latest finish first, as late as possible), then left-justify (earliest start first, as early
 * as possible).
 * Leaves the best schedule in `starts` and its start order in `list`; returns its makespan.
 */
export function justify(
  prepared: Prepared,
  ws: Workspace,
  starts: Int32Array,
  list: Int32Array,
  makespanBefore: number,
  budget: number,
  rounds: number,
): number {
  const { n, duration } = prepared.forward;
  const { mirrored, candidate } = ws;
  const key = ws.periods;
  const order = ws.list;
  let makespan = makespanBefore;
  for (let round = 0; round < rounds && ws.schedules + 2 <= budget; round += 1) {
    // Right: in mirrored time an activity's start is makespan − its finish.
    for (let j = 0; j < n; j += 1) key[j] = makespan - starts[j]! - duration[j]!;
    listByPeriod(prepared.backward, ws, key, order);
    const mirroredSpan = scheduleList(prepared, prepared.backward, ws, order, mirrored);
    for (let j = 0; j < n; j += 1) key[j] = mirroredSpan - mirrored[j]! - duration[j]!;
    listByPeriod(prepared.forward, ws, key, order);
    const span = scheduleList(prepared, prepared.forward, ws, order, candidate);
    if (span >= makespan) break;
    starts.set(candidate);
    makespan = span;
  }
  listByPeriod(prepared.forward, ws, starts, list);
  return makespan;
}

interface Individual {
  list: Int32Array;
  starts: Int32Array;
  makespan: number;
  /** A hash of the starts, to keep twins out of the population. */
  hash: number;
}

function hashStarts(starts: Int32Array): number {
  let hash = 0x811c9dc5;
  for (let j = 0; j < starts.length; j += 1) hash = Math.imul(hash ^ starts[j]!, 0x01000193);
  return hash >>> 0;
}

/** The priority values (smaller first) of the four rules: LFT, LST, MTS, GRPW. */
function priorityRules(prepared: Prepared, ws: Workspace): Float64Array[] {
  const { n, duration, succStart, succNode } = prepared.forward;
  const lft = Float64Array.from(prepared.latestFinish);
  const lst = Float64Array.from(prepared.latestStart);
  // GRPW: own duration plus the durations of the immediate successors.
  const grpw = new Float64Array(n);
  for (let j = 0; j < n; j += 1) {
    let weight = duration[j]!;
    for (let e = succStart[j]!; e < succStart[j + 1]!; e += 1) weight += duration[succNode[e]!]!;
    grpw[j] = -weight;
  }
  // MTS: all successors, direct or not (bit sets in reverse topological order; immediate
  // successors only on very large problems).
  const mts = new Float64Array(n);
  const words = (n + 31) >>> 5;
  if (n <= 4000) {
    const order = new Int32Array(n);
    listByKey(prepared.forward, ws, prepared.earliestStart, order);
    const reach = new Uint32Array(n * words);
    for (let step = n - 1; step >= 0; step -= 1) {
      const j = order[step]!;
      for (let e = succStart[j]!; e < succStart[j + 1]!; e += 1) {
        const s = succNode[e]!;
        reach[j * words + (s >>> 5)]! |= 1 << (s & 31);
        for (let w = 0; w < words; w += 1) reach[j * words + w]! |= reach[s * words + w]!;
      }
      let count = 0;
      for (let w = 0; w < words; w += 1) {
        let bits = reach[j * words + w]!;
        while (bits !== 0) {
          bits &= bits - 1;
          count += 1;
        }
      }
      mts[j] = -count;
    }
  } else {
    for (let j = 0; j < n; j += 1) mts[j] = -(succStart[j + 1]! - succStart[j]!);
  }
  return [lft, lst, mts, grpw];
}

/** The shortest schedule the search finds within `budget` schedules, or at the lower bound. */
export function search(
  prepared: Prepared,
  ws: Workspace,
  random: Random,
  budget: number,
): { starts: Int32Array; makespan: number } {
  const { n } = prepared.forward;
  const rules = priorityRules(prepared, ws);
  // A population of one per hundred schedules budgeted, up to 80; a tenth of the budget seeds it.
  const size = Math.max(2, Math.min(80, Math.floor(budget / 100)));
  const population: Individual[] = [];
  let best: Individual | undefined;
  const done = (): boolean =>
    ws.schedules >= budget || (best !== undefined && best.makespan <= prepared.lowerBound);

  const evaluate = (list: Int32Array): Individual => {
    const starts = new Int32Array(n);
    const first = scheduleList(prepared, prepared.forward, ws, list, starts);
    // One round per child: further rounds rarely pay for the schedules they cost.
    const makespan = justify(prepared, ws, starts, list, first, budget, 1);
    const found = { list, starts, makespan, hash: hashStarts(starts) };
    if (best === undefined || makespan < best.makespan) best = found;
    return found;
  };
  const admit = (child: Individual): void => {
    if (population.some((p) => p.makespan === child.makespan && p.hash === child.hash)) return;
    if (population.length < size) {
      population.push(child);
      return;
    }
    let worst = 0;
    for (let i = 1; i < population.length; i += 1)
      if (population[i]!.makespan > population[worst]!.makespan) worst = i;
    if (child.makespan <= population[worst]!.makespan) population[worst] = child;
  };

  // The rules as they rank, then sampled on each rule in turn.
  for (const rule of rules) {
    if (done()) break;
    const list = new Int32Array(n);
    listByKey(prepared.forward, ws, rule, list);
    admit(evaluate(list));
  }
  const seeding = Math.max(size, Math.floor(budget / 10));
  for (let r = 0; !done() && (population.length < size || ws.schedules < seeding); r += 1) {
    const list = new Int32Array(n);
    sampleList(prepared.forward, ws, rules[r % rules.length]!, random, list);
    admit(evaluate(list));
  }

  // The genetic algorithm: two-point crossover of two parents, each chosen by a tournament of
  // two, then swaps of unlinked neighbours; the child replaces the worst when no longer.
  const linked = new Set<number>();
  const { succStart, succNode } = prepared.forward;
  for (let j = 0; j < n; j += 1)
    for (let e = succStart[j]!; e < succStart[j + 1]!; e += 1) linked.add(j * n + succNode[e]!);
  const pick = (): Individual => {
    const a = population[Math.floor(random() * population.length)]!;
    const b = population[Math.floor(random() * population.length)]!;
    return a.makespan <= b.makespan ? a : b;
  };
  const { taken } = ws;
  const mutate = (list: Int32Array, rate: number): void => {
    for (let i = 0; i + 1 < n; i += 1)
      if (random() < rate && !linked.has(list[i]! * n + list[i + 1]!)) {
        const swap = list[i]!;
        list[i] = list[i + 1]!;
        list[i + 1] = swap;
      }
  };
  while (!done() && population.length >= 2) {
    const mother = pick();
    const father = pick();
    let q1 = Math.floor(random() * (n + 1));
    let q2 = Math.floor(random() * (n + 1));
    if (q1 > q2) [q1, q2] = [q2, q1];
    const child = new Int32Array(n);
    taken.fill(0);
    let at = 0;
    for (; at < q1; at += 1) {
      child[at] = mother.list[at]!;
      taken[child[at]!] = 1;
    }
    for (let i = 0; at < q2; i += 1) {
      const j = father.list[i]!;
      if (taken[j] === 1) continue;
      child[at++] = j;
      taken[j] = 1;
    }
    for (let i = 0; at < n; i += 1) {
      const j = mother.list[i]!;
      if (taken[j] === 1) continue;
      child[at++] = j;
      taken[j] = 1;
    }
    mutate(child, 0.05);
    admit(evaluate(child));
  }
  return { starts: best!.starts, makespan: best!.makespan };
}
