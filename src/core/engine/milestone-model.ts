import { NO_DAY } from './day-numbers.ts';
import type { PlanModel } from './plan-model.ts';
import { UNDATED, type WorkModel, linkedOf } from './work-model.ts';

/** What a milestone's own work says before its dependencies are applied. */
export const BASIS_OPEN_WORK = 1;
export const BASIS_DONE_WORK = 2;
export const BASIS_NO_WORK = 3;
export const BASIS_UNKNOWN_FINISH = 4;
export const BASIS_UNDATED_DONE = 5;

export const ON_TRACK = 0;
export const AT_RISK = 1;
export const OFF_TRACK = 2;

/**
 * Every milestone's forecast as numbers, one typed array per figure. Materialised forecasts
 * (dates as text, statuses with reasons, explanations) are made from these when someone reads
 * them; everything that they say is a function of these arrays, the plan and the work.
 */
export interface MilestoneModel {
  /** The date the work alone gives, and which rule gave it. */
  readonly basisDay: Int32Array;
  readonly basisKind: Uint8Array;
  /** The work item behind the basis (latest open, or last done), or −1; and its date. */
  readonly basisSlot: Int32Array;
  readonly basisItemDay: Int32Array;
  readonly linkedCount: Int32Array;
  readonly openCount: Int32Array;
  /** Open linked items without a due date: how many, and the first of them. */
  readonly unknownCount: Int32Array;
  readonly firstUnknown: Int32Array;
  /**
   * The forecast everything downstream reads: the date the work and dependencies give, held no
   * earlier than `floor` (the resource bottleneck) and pushed by predecessors' forecasts.
   */
  readonly forecast: Int32Array;
  /** The date without the resource bottleneck (work and dependencies alone): an explanation. */
  readonly unconstrained: Int32Array;
  /** The earliest day the levelled work of a delayed demand allows, or NO_DAY: an input. */
  readonly floor: Int32Array;
  /** The dependency that set the forecast (index into the plan model's), or −1. */
  readonly driverDep: Int32Array;
  /** The predecessor's forecast when a dependency set the forecast. */
  readonly driverFromDay: Int32Array;
  readonly slip: Int32Array;
  readonly status: Uint8Array;
  /** Hops from the root of the chain of dependencies that set each forecast, and that root. */
  readonly hops: Int32Array;
  readonly root: Int32Array;
  /** Dependencies ignored because they close a cycle (plans with a cycle only). */
  readonly cycleNotes: Map<number, number[]>;
}

export function createMilestoneModel(count: number): MilestoneModel {
  return {
    basisDay: new Int32Array(count),
    basisKind: new Uint8Array(count),
    basisSlot: new Int32Array(count),
    basisItemDay: new Int32Array(count),
    linkedCount: new Int32Array(count),
    openCount: new Int32Array(count),
    unknownCount: new Int32Array(count),
    firstUnknown: new Int32Array(count),
    forecast: new Int32Array(count),
    unconstrained: new Int32Array(count),
    floor: new Int32Array(count).fill(NO_DAY),
    driverDep: new Int32Array(count),
    driverFromDay: new Int32Array(count),
    slip: new Int32Array(count),
    status: new Uint8Array(count),
    hops: new Int32Array(count),
    root: new Int32Array(count),
    cycleNotes: new Map(),
  };
}

/**
 * The date a milestone's own work gives: the next working day after its latest open work, after
 * its last done work when all is done, else its planned date.
 */
export function computeBasis(
  plan: PlanModel,
  work: WorkModel,
  model: MilestoneModel,
  m: number,
): void {
  const linked = linkedOf(work, m);
  const { open, finish } = work;
  let latestOpen = NO_DAY;
  let latestOpenSlot = -1;
  let lastDone = NO_DAY;
  let lastDoneSlot = -1;
  let openCount = 0;
  let unknownCount = 0;
  let firstUnknown = -1;
  for (let k = 0; k < linked.length; k += 1) {
    const s = linked[k]!;
    const itemFinish = finish[s]!;
    const flags = open[s]!;
    if (flags !== 0) {
      openCount += 1;
      if ((flags & UNDATED) !== 0) {
        if (unknownCount === 0) firstUnknown = s;
        unknownCount += 1;
      }
      if (itemFinish !== NO_DAY && (latestOpen === NO_DAY || itemFinish > latestOpen)) {
        latestOpen = itemFinish;
        latestOpenSlot = s;
      }
    } else if (itemFinish !== NO_DAY && (lastDone === NO_DAY || itemFinish > lastDone)) {
      lastDone = itemFinish;
      lastDoneSlot = s;
    }
  }
  model.linkedCount[m] = linked.length;
  model.openCount[m] = openCount;
  model.unknownCount[m] = unknownCount;
  model.firstUnknown[m] = firstUnknown;
  const calendar = plan.calendarOf[m]!;
  if (latestOpen !== NO_DAY) {
    model.basisKind[m] = BASIS_OPEN_WORK;
    model.basisSlot[m] = latestOpenSlot;
    model.basisItemDay[m] = latestOpen;
    model.basisDay[m] = calendar.next(latestOpen);
  } else if (linked.length > 0 && openCount === 0 && lastDone !== NO_DAY) {
    model.basisKind[m] = BASIS_DONE_WORK;
    model.basisSlot[m] = lastDoneSlot;
    model.basisItemDay[m] = lastDone;
    model.basisDay[m] = calendar.next(lastDone);
  } else {
    model.basisKind[m] =
      linked.length === 0
        ? BASIS_NO_WORK
        : openCount > 0
          ? BASIS_UNKNOWN_FINISH
          : BASIS_UNDATED_DONE;
    model.basisSlot[m] = -1;
    model.basisItemDay[m] = NO_DAY;
    model.basisDay[m] = plan.plannedDay[m]!;
  }
}

/**
 * Applies a milestone's dependencies to its basis, in plan order: each may push it later to
 * `lag` working days from its predecessor's forecast; the first to push it furthest drives it.
 * Then its floor (the resource bottleneck) may hold it later still; the unconstrained date is the
 * same rule over the predecessors' unconstrained dates, without floors.
 * Predecessors not yet `settled` close a cycle and are noted, not followed.
 */
export function applyDependencies(
  plan: PlanModel,
  model: MilestoneModel,
  m: number,
  settled: Uint8Array | null,
): void {
  const calendar = plan.calendarOf[m]!;
  const { forecast, unconstrained } = model;
  let date = model.basisDay[m]!;
  let free = date;
  let driver = -1;
  const { start, list } = plan.incoming;
  let notes: number[] | null = null;
  for (let at = start[m]!; at < start[m + 1]!; at += 1) {
    const d = list[at]!;
    const from = plan.depFrom[d]!;
    if (settled !== null && settled[from] === 0) {
      (notes ??= []).push(d);
      continue;
    }
    const lag = plan.depLag[d]!;
    const required = calendar.add(forecast[from]!, lag);
    if (required > date) {
      date = required;
      driver = d;
    }
    // Unmoved predecessors need no second sum.
    const freeRequired =
      unconstrained[from] === forecast[from] ? required : calendar.add(unconstrained[from]!, lag);
    if (freeRequired > free) free = freeRequired;
  }
  if (notes !== null) model.cycleNotes.set(m, notes);
  // The bottleneck holds the milestone; the chain that drives it stays the work's.
  const floor = model.floor[m]!;
  if (floor > date) date = floor;
  forecast[m] = date;
  unconstrained[m] = free;
  model.driverDep[m] = driver;
  model.driverFromDay[m] = driver < 0 ? NO_DAY : forecast[plan.depFrom[driver]!]!;
  const planned = plan.plannedDay[m]!;
  model.slip[m] = calendar.between(planned, date);
  model.status[m] = date > planned ? OFF_TRACK : model.unknownCount[m]! > 0 ? AT_RISK : ON_TRACK;
  if (driver < 0) {
    model.hops[m] = 0;
    model.root[m] = m;
  } else {
    const parent = plan.depFrom[driver]!;
    model.hops[m] = model.hops[parent]! + 1;
    model.root[m] = model.root[parent]!;
  }
}

/** Forecasts every milestone: bases first, then dependencies in topological order. */
export function forecastAllMilestones(
  plan: PlanModel,
  work: WorkModel,
  model: MilestoneModel,
): void {
  const count = plan.milestones.length;
  for (let m = 0; m < count; m += 1) computeBasis(plan, work, model, m);
  model.cycleNotes.clear();
  const settled = plan.cyclic ? new Uint8Array(count) : null;
  for (let r = 0; r < count; r += 1) {
    const m = plan.order[r]!;
    applyDependencies(plan, model, m, settled);
    if (settled !== null) settled[m] = 1;
  }
}

/** Where the forecast sits among the figures a snapshot keeps. */
const FORECAST_FIGURE = 8;
const UNCONSTRAINED_FIGURE = 15;

/** Every per-milestone figure, in the order a snapshot keeps them. */
function figuresOf(model: MilestoneModel): readonly (Int32Array | Uint8Array)[] {
  return [
    model.basisDay,
    model.basisKind,
    model.basisSlot,
    model.basisItemDay,
    model.linkedCount,
    model.openCount,
    model.unknownCount,
    model.firstUnknown,
    model.forecast,
    model.driverDep,
    model.driverFromDay,
    model.slip,
    model.status,
    model.hops,
    model.root,
    model.unconstrained,
  ];
}

/**
 * The figures of the milestones a pass recomputes as they were before, to tell whether it
 * changed anything: one list for the pass, each milestone's figures at an offset in it.
 */
class Snapshots {
  private readonly offsets = new Map<number, number>();
  private kept = new Int32Array(16 * 64);
  private used = 0;

  constructor(private readonly figures: readonly (Int32Array | Uint8Array)[]) {}

  /** Keeps a milestone's figures (once: the first time counts) and says where. */
  take(m: number): number {
    const known = this.offsets.get(m);
    if (known !== undefined) return known;
    const { figures } = this;
    if (this.used + figures.length > this.kept.length) {
      const grown = new Int32Array(this.kept.length * 2);
      grown.set(this.kept);
      this.kept = grown;
    }
    const at = this.used;
    for (let f = 0; f < figures.length; f += 1) this.kept[at + f] = figures[f]![m]!;
    this.used += figures.length;
    this.offsets.set(m, at);
    return at;
  }

  /** A figure as it was before. */
  figure(at: number, f: number): number {
    return this.kept[at + f]!;
  }

  differs(m: number, at: number): boolean {
    const { figures, kept } = this;
    for (let f = 0; f < figures.length; f += 1) if (kept[at + f] !== figures[f]![m]) return true;
    return false;
  }
}

/** What an incremental milestone pass did. */
export interface MilestoneUpdate {
  /** Milestones recomputed (their materialised forms must be made again). */
  readonly recomputed: Set<number>;
  /** Milestones with any figure changed. */
  readonly changed: Set<number>;
  /** Milestones whose forecast date moved, with the date they had before. */
  readonly moved: Map<number, number>;
  /** Milestones whose unconstrained date moved (what the levelled causes read). */
  readonly unconstrainedMoved: Set<number>;
}

/**
 * Recomputes the basis of the seeds, then the forecast of every milestone a change reaches
 * through its successors, in topological order; stops where a forecast holds. Acyclic plans only.
 */
export function reforecastMilestones(
  plan: PlanModel,
  work: WorkModel,
  model: MilestoneModel,
  seeds: Iterable<number>,
): MilestoneUpdate {
  const update: MilestoneUpdate = {
    recomputed: new Set(),
    changed: new Set(),
    moved: new Map(),
    unconstrainedMoved: new Set(),
  };
  const heap = new RankHeap(plan.rank);
  const before = new Snapshots(figuresOf(model));
  for (const m of seeds) {
    before.take(m);
    computeBasis(plan, work, model, m);
    heap.push(m);
  }
  const { outgoing, depTo, depFrom } = plan;
  while (heap.size > 0) {
    const m = heap.pop();
    const kept = before.take(m);
    const wasHops = model.hops[m]!;
    const wasRoot = model.root[m]!;
    applyDependencies(plan, model, m, null);
    update.recomputed.add(m);
    if (before.differs(m, kept)) update.changed.add(m);
    const previous = before.figure(kept, FORECAST_FIGURE);
    const freeMoved = model.unconstrained[m] !== before.figure(kept, UNCONSTRAINED_FIGURE);
    if (freeMoved) update.unconstrainedMoved.add(m);
    const moved = model.forecast[m] !== previous || freeMoved;
    if (model.forecast[m] !== previous) update.moved.set(m, previous);
    const rerooted = model.hops[m] !== wasHops || model.root[m] !== wasRoot;
    for (let at = outgoing.start[m]!; at < outgoing.start[m + 1]!; at += 1) {
      const successor = depTo[outgoing.list[at]!]!;
      // A moved forecast can move every successor; a new chain root or length only those it drives.
      const driven = model.driverDep[successor]! >= 0 && depFrom[model.driverDep[successor]!] === m;
      if (moved || (rerooted && driven)) heap.push(successor);
    }
  }
  return update;
}

/** A min-heap of milestones by topological rank, each at most once. */
class RankHeap {
  private readonly items: number[] = [];
  private readonly queued = new Set<number>();

  constructor(private readonly rank: Int32Array) {}

  get size(): number {
    return this.items.length;
  }

  push(m: number): void {
    if (this.queued.has(m)) return;
    this.queued.add(m);
    const items = this.items;
    let at = items.length;
    items.push(m);
    const r = this.rank[m]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.rank[items[parent]!]! <= r) break;
      items[at] = items[parent]!;
      at = parent;
    }
    items[at] = m;
  }

  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    this.queued.delete(top);
    if (items.length > 0) {
      let at = 0;
      const r = this.rank[last]!;
      for (;;) {
        const left = at * 2 + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child =
          right < items.length && this.rank[items[right]!]! < this.rank[items[left]!]!
            ? right
            : left;
        if (this.rank[items[child]!]! >= r) break;
        items[at] = items[child]!;
        at = child;
      }
      items[at] = last;
    }
    return top;
  }
}
