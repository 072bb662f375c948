import type { Demand, Unit } from '../domain/plan.ts';
import type {
  CapacityOverAllocation,
  CapacityState,
  DemandRun,
  LevelledCause,
  LevelledMilestone,
  UnitLoad,
} from '../domain/state.ts';
import { parseCapacityPeriod } from '../period.ts';
import { mondayOfWeek, weekIndex, weekLabel, weekOfDay } from '../schedule/iso-week.ts';
import {
  capacityInWeek,
  explainOverAllocation,
  listing,
  loadWords,
  weekRange,
  type CapacityExplanation,
  type CapacityUnit,
  type CapacityWork,
  type MilestonePush,
  type OverAllocation,
} from '../schedule/over-allocation.ts';
import { NO_DAY, dateOf, dayOf } from './day-numbers.ts';
import type { EngineData } from './engine-data.ts';
import { formatWorkingDays } from './format.ts';
import { linkedOf, milestonesOfItem } from './work-model.ts';

/**
 * The plan's capacity and demands, as of a day, turned into the resource bottleneck: each
 * demand's run in weeks (a work item's demand runs from its start to its forecast finish, so a
 * slip at the source moves it), every unit's weekly load against its capacity, the
 * over-allocations, the work levelled so that no unit takes on more than it can, and the
 * milestones that levelling moves, with the reason.
 *
 * A milestone's levelled date is its deterministic forecast, pushed to the working day after the
 * levelled end of any of its demands that levelling delays, and then through its dependencies as
 * the deterministic rule does. Weeks before the as-of week are history and take nothing.
 */

/** The weekly capacity of a unit in a week: the most specific period holding its Monday wins. */
function capacityOfUnit(unit: Unit, fromWeek: number, toWeek: number): CapacityUnit {
  const capacity = unit.capacity;
  if (capacity === undefined) return { id: unit.id, capacity: Number.POSITIVE_INFINITY };
  const periods = Object.entries(capacity.periods ?? {}).flatMap(([label, amount]) => {
    const period = parseCapacityPeriod(label);
    return period === null ? [] : [{ start: dayOf(period.start), end: dayOf(period.end), amount }];
  });
  if (periods.length === 0) return { id: unit.id, capacity: capacity.perWeek };
  // Most specific first: the shortest period.
  periods.sort((a, b) => a.end - a.start - (b.end - b.start));
  const byWeek: Record<string, number> = {};
  for (let week = fromWeek; week <= toWeek; week += 1) {
    const monday = mondayOfWeek(week);
    const period = periods.find((p) => p.start <= monday && monday <= p.end);
    if (period !== undefined) byWeek[weekLabel(week)] = period.amount;
  }
  return { id: unit.id, capacity: capacity.perWeek, byWeek };
}

const capacityCache = new WeakMap<Unit, { asOfWeek: number; capacity: CapacityUnit }>();

/**
 * `capacityOfUnit`, kept per unit and as-of week: the horizon given is never before the last
 * week of any period of the units levelled (`lastPeriodWeek`), so every week a period of this
 * unit names is read whatever the horizon, and the answer depends on the unit and the first week
 * alone.
 */
function cachedCapacityOfUnit(unit: Unit, fromWeek: number, toWeek: number): CapacityUnit {
  const cached = capacityCache.get(unit);
  if (cached?.asOfWeek === fromWeek) return cached.capacity;
  const capacity = capacityOfUnit(unit, fromWeek, toWeek);
  capacityCache.set(unit, { asOfWeek: fromWeek, capacity });
  return capacity;
}

/**
 * Whether an entry of the levelling before reads as one made now: both are made by `levelRuns`,
 * field for field, so these are all their fields.
 */
function sameEntry(a: CapacityWork, b: CapacityWork): boolean {
  if (
    a.id !== b.id ||
    a.initiative !== b.initiative ||
    a.unit !== b.unit ||
    a.start !== b.start ||
    !Object.is(a.weeks, b.weeks) ||
    !Object.is(a.demand, b.demand) ||
    a.after?.length !== b.after?.length
  )
    return false;
  for (let k = 0; k < (a.after?.length ?? 0); k += 1) if (a.after![k] !== b.after![k]) return false;
  return true;
}

/** The last week any period of any unit reaches, or −∞. */
function lastPeriodWeek(units: readonly Unit[]): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const unit of units)
    for (const label of Object.keys(unit.capacity?.periods ?? {})) {
      const period = parseCapacityPeriod(label);
      if (period !== null) last = Math.max(last, weekOfDay(dayOf(period.end)));
    }
  return last;
}

interface Run {
  demand: Demand;
  /** The demand's position in the plan: causes and floors name runs by it, so they hold while
   * other demands start or stop running. */
  at: number;
  /** Planned first week and weeks. */
  start: number;
  weeks: number;
  /** The planned end as a day: the window's end or the work item's forecast finish. */
  endDay: number;
  milestones: number[];
}

/**
 * The milestones each of some work items is linked to (by key or epic), by position, in plan
 * order: in one pass over every milestone's work (a model without the reverse index).
 */
function linkedMilestones(data: EngineData, slots: ReadonlySet<number>): Map<number, number[]> {
  const found = new Map<number, number[]>();
  for (const slot of slots) found.set(slot, []);
  if (slots.size === 0) return found;
  for (let m = 0; m < data.plan.milestones.length; m += 1) {
    const linked = linkedOf(data.work, m);
    for (let k = 0; k < linked.length; k += 1) {
      const list = found.get(linked[k]!);
      if (list !== undefined && list[list.length - 1] !== m) list.push(m);
    }
  }
  return found;
}

type Idle = CapacityState['idle'][number];

/** One demand as levelling reads it: its run from the as-of week on, or why it has none. */
type DemandSlot = { run: Run; idle: null } | { run: null; idle: Idle };

/**
 * One demand's run, or why it has none; `linked` gives the milestones of the work item it
 * follows (by slot), asked only for a demand that follows one.
 */
function slotOfDemand(
  data: EngineData,
  demand: Demand,
  at: number,
  linked: (slot: number) => number[],
): DemandSlot {
  const { work, asOfDay, plan } = data;
  let startDay: number;
  let endDay: number;
  let followed = -1;
  if (demand.workItem !== undefined) {
    const key = demand.workItem;
    const slot = work.slotOf.get(key);
    const item = slot === undefined ? null : work.items[slot];
    if (slot === undefined || item === null || item === undefined)
      return {
        run: null,
        idle: { id: demand.id, reason: `${key} is not among the work items read` },
      };
    if (work.open[slot] === 0)
      return { run: null, idle: { id: demand.id, reason: `${key} is done` } };
    endDay = work.finish[slot]!;
    if (endDay === NO_DAY)
      return {
        run: null,
        idle: { id: demand.id, reason: `${key} has no due date, so when it ends is unknown` },
      };
    const start = item.startDate ?? demand.from;
    startDay = start === undefined ? asOfDay : dayOf(start);
    if (demand.milestone === undefined) followed = slot;
  } else if (demand.from !== undefined && demand.to !== undefined) {
    startDay = dayOf(demand.from);
    endDay = dayOf(demand.to);
    if (endDay < asOfDay)
      return { run: null, idle: { id: demand.id, reason: `its window ended on ${demand.to}` } };
  } else {
    return {
      run: null,
      idle: { id: demand.id, reason: 'it has neither a window nor a work item' },
    };
  }
  let milestones: number[] = [];
  if (demand.milestone !== undefined) {
    const m = plan.milestoneAt.get(demand.milestone);
    if (m !== undefined) milestones = [m];
  } else if (followed >= 0) milestones = linked(followed);
  startDay = Math.max(startDay, asOfDay);
  const start = weekOfDay(startDay);
  const weeks = weekOfDay(Math.max(endDay, startDay)) - start + 1;
  return { run: { demand, at, start, weeks, endDay, milestones }, idle: null };
}

/** What a demand's slot says, as text: while every demand's holds, so does the levelling. */
function pieceOf(slot: DemandSlot): string {
  if (slot.run === null) return `${slot.idle.id}\u0000${slot.idle.reason}`;
  const { demand, start, weeks, endDay, milestones } = slot.run;
  return `${demand.id}\u0000${start}\u0000${weeks}\u0000${endDay}\u0000${milestones.join(',')}`;
}

/** The milestones a work item is linked to, in plan order, from the engine's reverse index. */
function linkedOfSlot(data: EngineData, slot: number): number[] {
  return Array.from(milestonesOfItem(data.work, slot)).sort((a, b) => a - b);
}

/** Every demand's slot, in plan order. */
function demandSlotsOf(data: EngineData): DemandSlot[] {
  const demands = data.plan.plan.demands;
  if (data.work.incremental !== null)
    return demands.map((demand, at) =>
      slotOfDemand(data, demand, at, (slot) => linkedOfSlot(data, slot)),
    );
  // Without the reverse index: the followed items first, then their milestones in one pass.
  const following = new Set<number>();
  demands.forEach((demand, at) =>
    slotOfDemand(data, demand, at, (slot) => {
      following.add(slot);
      return [];
    }),
  );
  const linked = linkedMilestones(data, following);
  return demands.map((demand, at) => slotOfDemand(data, demand, at, (slot) => linked.get(slot)!));
}

/** What levelling the runs gave: the part of the bottleneck that only the runs decide. */
export interface LevelledRuns {
  /** The runs as text: while it holds, so does everything here. */
  readonly key: string;
  /** Each demand's run or why it has none, and as text, by its position in the plan. */
  readonly slots: readonly DemandSlot[];
  readonly pieces: readonly string[];
  readonly measure: string;
  readonly units: UnitLoad[];
  readonly demands: DemandRun[];
  readonly idle: CapacityState['idle'];
  readonly overAllocations: CapacityOverAllocation[];
  readonly runs: readonly Run[];
  /** Per demand (its position): the over-allocation (its index) behind its run's delay, or −1. */
  readonly runCause: Int32Array;
  /**
   * Milestones a delayed run holds: no earlier than this day, and the run that sets it (its
   * demand's position).
   */
  readonly floor: ReadonlyMap<number, { day: number; run: number }>;
  /** What the levelling read and found: another levelling reuses the units they share. */
  readonly levelling: Levelling | null;
}

/** The levelling's own input and answer (`explainOverAllocation`), kept for reuse. */
interface Levelling {
  /** The units with work to level, in plan order, with their capacity as levelling read it. */
  readonly units: readonly CapacityUnit[];
  /** The runs as levelling read them, in run order. */
  readonly work: readonly CapacityWork[];
  readonly explained: CapacityExplanation;
}

/**
 * The resource bottleneck as numbers: the levelled runs, and every milestone's levelled date
 * with its cause. Made into readable entries (`capacityState`) only when someone reads them.
 */
export interface CapacityModel {
  readonly runs: LevelledRuns;
  /** Levelled date per milestone position (its forecast when nothing moves it). */
  readonly levelled: Int32Array;
  /** Why it moves: NONE, OVER (ref: run), QUEUE (ref: run), DEPENDENCY (ref: predecessor). */
  readonly causeKind: Uint8Array;
  readonly causeRef: Int32Array;
  /** The over-allocation a move traces back to (index), or −1. */
  readonly root: Int32Array;
  /** Positions that move, in plan order, and the forecast each had then. */
  readonly moved: readonly number[];
  readonly movedForecast: readonly number[];
  /**
   * Made from a model before with the same levelled runs: the milestones whose levelled date,
   * cause, root or forecast may differ from it; every other milestone reads the same in both.
   * Null when made whole.
   */
  readonly touched: ReadonlySet<number> | null;
  /**
   * Made from a model before by levelling again in place (`relevelMilestones`): the arrays are
   * that model's, written over, and this holds what each touched milestone read there (levelled
   * date, cause kind, cause ref, root), so that the two can still be compared (`sameCapacity`,
   * `beforeRoot`). The model before then reads as this one. Null when made whole.
   */
  readonly was: ReadonlyMap<number, readonly [number, number, number, number]> | null;
  /**
   * Made from a model before whose moved milestones it keeps, their forecasts written over in
   * place (`relistMoved`): true when one of those forecasts differs from what that model had.
   */
  readonly movedForecastsChanged: boolean;
}

/** The root a touched milestone had in the model `model` was made from (`before`). */
export function beforeRoot(model: CapacityModel, before: CapacityModel, m: number): number {
  const was = before.root === model.root ? model.was?.get(m) : undefined;
  return was === undefined ? before.root[m]! : was[3];
}

/**
 * Whether a milestone's forecast is read by the levelled dates: it is held by a delayed run,
 * it moves, or it waits for one that moves. A forecast move anywhere else changes nothing here.
 */
export function readsForecastOf(data: EngineData, model: CapacityModel, m: number): boolean {
  if (model.causeKind[m] !== CAUSE_NONE || model.runs.floor.has(m)) return true;
  const { start, list } = data.plan.incoming;
  for (let at = start[m]!; at < start[m + 1]!; at += 1)
    if (model.causeKind[data.plan.depFrom[list[at]!]!] !== CAUSE_NONE) return true;
  return false;
}

export const CAUSE_NONE = 0;
export const CAUSE_OVER = 1;
export const CAUSE_QUEUE = 2;
export const CAUSE_DEPENDENCY = 3;

/** Levels the runs: demands' weeks, loads, over-allocations and delays. */
function levelRuns(
  data: EngineData,
  slots: readonly DemandSlot[],
  pieces: readonly string[],
  key: string,
  reuse: LevelledRuns | null,
): LevelledRuns {
  const runs: Run[] = [];
  const idle: Idle[] = [];
  for (const slot of slots)
    if (slot.run !== null) runs.push(slot.run);
    else idle.push(slot.idle);
  const plan = data.plan.plan;
  const measure = plan.organisation.capacityMeasure ?? 'FTE';
  const withWork = new Set(runs.map((run) => run.demand.unit));
  const units = plan.units.filter((unit) => unit.capacity !== undefined || withWork.has(unit.id));
  const asOfWeek = weekOfDay(data.asOfDay);
  let lastPlanned = asOfWeek;
  let serial = 0;
  for (const run of runs) {
    lastPlanned = Math.max(lastPlanned, run.start + run.weeks - 1);
    serial += run.weeks;
  }
  const horizon = Math.max(lastPlanned + serial, lastPeriodWeek(units));
  const capacityUnits = units.map((unit) => cachedCapacityOfUnit(unit, asOfWeek, horizon));
  const running = new Set(runs.map((run) => run.demand.id));
  // A piece of work that reads as in the levelling before is that entry itself: comparing
  // groups of work (`explainByGroups`) then finds it the same at once.
  const known = new Map<string, CapacityWork>();
  for (const w of reuse?.levelling?.work ?? []) if (!known.has(w.id)) known.set(w.id, w);
  // A run that is the very run levelled before (an event reads again only the demands it
  // touched) and waits for no other work reads as its entry before: both lists are in plan order.
  const previousRuns = reuse?.levelling === null ? undefined : reuse?.runs;
  let p = 0;
  const work: CapacityWork[] = runs.map((run) => {
    if (previousRuns !== undefined && (run.demand.after ?? []).length === 0) {
      while (p < previousRuns.length && previousRuns[p]!.at < run.at) p += 1;
      if (previousRuns[p] === run) return reuse!.levelling!.work[p]!;
    }
    const entry = {
      id: run.demand.id,
      initiative: run.demand.initiative,
      unit: run.demand.unit,
      start: weekLabel(run.start),
      weeks: run.weeks,
      demand: run.demand.perWeek,
      after: (run.demand.after ?? []).filter((id) => running.has(id)),
    };
    const before = known.get(entry.id);
    return before !== undefined && sameEntry(before, entry) ? before : entry;
  });
  // Only the units that have work to level.
  const levelled = capacityUnits.filter((unit) => withWork.has(unit.id));
  const explained =
    runs.length === 0
      ? { overAllocations: [], pushes: [], plannedStarts: {}, levelledStarts: {} }
      : reuse?.levelling !== null && reuse?.levelling !== undefined
        ? explainByGroups(levelled, work, reuse.levelling)
        : explainOverAllocation({ units: levelled, work, milestones: runMilestones(work) });
  const overAllocations = explained.overAllocations.map((over): CapacityOverAllocation => ({
    id: overAllocationId(over),
    ...over,
  }));
  const overAt = new Map(overAllocations.map((over, k) => [over.id, k]));
  const runCause = new Int32Array(slots.length).fill(-1);
  const runAt = new Map<string, number>();
  // The first run of an id, as a search from the start finds it.
  for (let r = runs.length - 1; r >= 0; r -= 1) runAt.set(runs[r]!.demand.id, r);
  for (const push of explained.pushes) {
    if (push.cause === undefined) continue;
    const r = runAt.get(push.milestone);
    if (r !== undefined) runCause[runs[r]!.at] = overAt.get(overAllocationId(push.cause)) ?? -1;
  }

  // Each run's planned and levelled first week, as numbers.
  const plannedWeek = new Int32Array(runs.length);
  const levelledWeek = new Int32Array(runs.length);
  for (let r = 0; r < runs.length; r += 1) {
    const id = runs[r]!.demand.id;
    plannedWeek[r] = weekIndex(explained.plannedStarts[id]!)!;
    levelledWeek[r] = weekIndex(explained.levelledStarts[id]!)!;
  }
  // The readable runs and loads, made when first read: following events, most levellings are
  // never read whole.
  const makeDemands = (): DemandRun[] =>
    runs.map((run, r) => {
      const plannedStart = plannedWeek[r]!;
      const levelledStart = levelledWeek[r]!;
      return {
        id: run.demand.id,
        initiative: run.demand.initiative,
        unit: run.demand.unit,
        perWeek: run.demand.perWeek,
        ...(run.demand.workItem !== undefined ? { workItem: run.demand.workItem } : {}),
        plannedStart: weekLabel(plannedStart),
        plannedEnd: weekLabel(plannedStart + run.weeks - 1),
        levelledStart: weekLabel(levelledStart),
        levelledEnd: weekLabel(levelledStart + run.weeks - 1),
        delayWeeks: levelledStart - plannedStart,
        milestones: run.milestones.map((m) => data.plan.milestones[m]!.id),
      };
    });
  let demands: DemandRun[] | undefined;
  let loads: UnitLoad[] | undefined;
  // The demand-driven floor of each milestone, and the run that sets it.
  const floor = new Map<number, { day: number; run: number }>();
  runs.forEach((run, r) => {
    // From the run as its window or work item has it, before the work it comes after.
    const delay = levelledWeek[r]! - run.start;
    if (delay <= 0) return;
    for (const m of run.milestones) {
      const day = data.plan.calendarOf[m]!.next(run.endDay + 7 * delay);
      const known = floor.get(m);
      if (known === undefined || day > known.day) floor.set(m, { day, run: run.at });
    }
  });
  return {
    key,
    slots,
    pieces,
    measure,
    get units(): UnitLoad[] {
      loads ??= unitLoads(units, capacityUnits, runs, plannedWeek, levelledWeek, asOfWeek);
      return loads;
    },
    get demands(): DemandRun[] {
      demands ??= makeDemands();
      return demands;
    },
    idle,
    overAllocations,
    runs,
    runCause,
    floor,
    levelling: runs.length === 0 ? null : { units: levelled, work, explained },
  };
}

/** Each run as the levelling's "milestone": it lands when its own work ends. */
function runMilestones(work: readonly CapacityWork[]): { id: string; work: string[] }[] {
  return work.map((w) => ({ id: w.id, work: [w.id] }));
}

/**
 * `explainOverAllocation` of the units and work, reusing a levelling before for every group of
 * units it levelled the same. Units are grouped by the work that waits for work on another unit;
 * nothing else joins them: a unit's load and over-allocations are its own, and levelling places
 * each piece of work in queue order at the first weeks its own unit has room, after the work it
 * waits for (`level`: one capacity per unit, reservations per unit). So a group's answer is what
 * levelling that group alone gives; a group whose units and work read the same as before keeps
 * the answer before, and only the others are levelled again. Where that cannot be shown (repeated
 * ids, work on a unit not listed, work a group's levelling pushes past the weeks it reserves
 * reduced capacity for: `withinOwnReservations`), everything is levelled at once, as without a
 * levelling before. Property-tested against a full recompute (`derive-state-from.property.test`).
 */
function explainByGroups(
  units: readonly CapacityUnit[],
  work: readonly CapacityWork[],
  before: Levelling,
): CapacityExplanation {
  const unitOf = new Map(work.map((w) => [w.id, w.unit]));
  const listed = new Set(units.map((unit) => unit.id));
  if (
    unitOf.size !== work.length ||
    listed.size !== units.length ||
    work.some((w) => !listed.has(w.unit))
  )
    return explainOverAllocation({ units, work, milestones: runMilestones(work) });
  // Groups of units: union-find over the waits that cross units.
  const parent = new Map(units.map((unit) => [unit.id, unit.id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const w of work)
    for (const id of w.after ?? []) {
      const other = unitOf.get(id);
      if (other !== undefined) parent.set(find(w.unit), find(other));
    }
  const groups = new Map<string, string[]>();
  // Each unit's group, found once: the lists below read it for every piece of work.
  const rootOf = new Map<string, string>();
  for (const unit of units) {
    const root = find(unit.id);
    rootOf.set(unit.id, root);
    const group = groups.get(root);
    if (group === undefined) groups.set(root, [unit.id]);
    else group.push(unit.id);
  }
  const overByUnit = new Map<string, OverAllocation[]>();
  const pushes: MilestonePush[] = [];
  const plannedStarts: Record<string, string> = {};
  const levelledStarts: Record<string, string> = {};
  // Each group's units and work, now and before, in their order, in one pass each.
  const listsOf = <T>(list: readonly T[], unit: (entry: T) => string): Map<string, T[]> => {
    const byRoot = new Map<string, T[]>();
    for (const entry of list) {
      const id = unit(entry);
      const root = rootOf.get(id) ?? `\u0000${id}`;
      const at = byRoot.get(root);
      if (at === undefined) byRoot.set(root, [entry]);
      else at.push(entry);
    }
    return byRoot;
  };
  const unitsNow = listsOf(units, (unit) => unit.id);
  const unitsBefore = listsOf(before.units, (unit) => unit.id);
  const workNow = listsOf(work, (w) => w.unit);
  const workBefore = listsOf(before.work, (w) => w.unit);
  // The pushes of the levelling before, by group, in its order: a group levelled the same keeps
  // its own (found once, not by reading every push for every group).
  let pushesBefore: Map<string, MilestonePush[]> | null = null;
  const keptPushes = (root: string): readonly MilestonePush[] => {
    if (pushesBefore === null) {
      pushesBefore = new Map();
      for (const push of before.explained.pushes) {
        const unit = unitOf.get(push.milestone);
        const at = unit === undefined ? undefined : rootOf.get(unit);
        if (at === undefined) continue;
        const list = pushesBefore.get(at);
        if (list === undefined) pushesBefore.set(at, [push]);
        else list.push(push);
      }
    }
    return pushesBefore.get(root) ?? [];
  };
  for (const [root, ids] of groups) {
    const members = new Set(ids);
    const groupUnits = unitsNow.get(root) ?? [];
    const groupWork = workNow.get(root) ?? [];
    const same =
      sameUnits(groupUnits, unitsBefore.get(root) ?? []) &&
      sameWork(groupWork, workBefore.get(root) ?? []);
    const answer = same
      ? before.explained
      : explainOverAllocation({
          units: groupUnits,
          work: groupWork,
          milestones: runMilestones(groupWork),
        });
    // Levelled alone, a group sees its units' reduced weeks only as far as its own work reaches;
    // work pushed past that would land where the whole levelling's later weeks say: then level all.
    if (!withinOwnReservations(groupUnits, groupWork, answer.levelledStarts))
      return explainOverAllocation({ units, work, milestones: runMilestones(work) });
    for (const over of answer.overAllocations) {
      if (!members.has(over.unit)) continue;
      const list = overByUnit.get(over.unit);
      if (list === undefined) overByUnit.set(over.unit, [over]);
      else list.push(over);
    }
    for (const w of groupWork) {
      plannedStarts[w.id] = answer.plannedStarts[w.id]!;
      levelledStarts[w.id] = answer.levelledStarts[w.id]!;
    }
    if (same) for (const push of keptPushes(root)) pushes.push(push);
    else
      for (const push of answer.pushes)
        if (members.has(unitOf.get(push.milestone)!)) pushes.push(push);
  }
  return {
    // In unit order, as `explainOverAllocation` lists them.
    overAllocations: units.flatMap((unit) => overByUnit.get(unit.id) ?? []),
    pushes,
    plannedStarts,
    levelledStarts,
  };
}

/**
 * Whether every piece of work ends within the weeks levelling the group alone holds reduced
 * capacity for: `level` reserves a unit's shortfall from the first planned start up to the
 * latest one plus every week of work (and the last week a unit names). Inside those weeks a
 * group levelled alone and the same group levelled with every other see the same room on their
 * units; past them, the room depends on how far the whole levelling reaches.
 */
function withinOwnReservations(
  units: readonly CapacityUnit[],
  work: readonly CapacityWork[],
  levelledStarts: Readonly<Record<string, string>>,
): boolean {
  if (units.every((unit) => unit.byWeek === undefined)) return true;
  const starts = work.map((w) => weekIndex(w.start)!);
  const origin = Math.min(...starts);
  let horizon = 0;
  for (const start of starts) horizon = Math.max(horizon, start - origin);
  for (const w of work) horizon += Math.max(1, w.weeks);
  for (const unit of units)
    for (const label of Object.keys(unit.byWeek ?? {})) {
      const week = weekIndex(label);
      if (week !== undefined) horizon = Math.max(horizon, week - origin + 1);
    }
  const last = origin + horizon;
  return work.every((w) => weekIndex(levelledStarts[w.id]!)! + Math.max(1, w.weeks) - 1 <= last);
}

/**
 * Whether two lists of levelling input say exactly the same: every field of every entry, compared
 * whole (`Object.is` for numbers), so that a field levelling reads later is compared too.
 */
function sameUnits(a: readonly CapacityUnit[], b: readonly CapacityUnit[]): boolean {
  return sameEntries(a, b);
}

function sameWork(a: readonly CapacityWork[], b: readonly CapacityWork[]): boolean {
  return sameEntries(a, b);
}

/** `sameValue` of two lists (made by pushing: no holes), entry by entry, the same entry at once. */
function sameEntries<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k += 1) if (a[k] !== b[k] && !sameValue(a[k], b[k])) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}

/** What a capacity model follows from: the model before an event, and what the event moved. */
export interface CapacitySince {
  model: CapacityModel;
  /** Milestones whose unconstrained date the event moved. */
  forecastsMoved: Iterable<number>;
}

/**
 * The demands' runs levelled: what the milestones' floors (`MilestoneModel.floor`) come from. It
 * reads only the work and the plan, never a milestone's date, so it comes before the forecasts.
 * The levelling before (`previous`) is kept while the runs are the same. Given the demands
 * (positions) whose work changed since `previous` (`changed`, an engine that follows events),
 * only their runs are read again; the others are `previous`'s.
 */
export function levelledRunsOf(
  data: EngineData,
  previous?: LevelledRuns,
  reuse?: LevelledRuns | null,
  changed?: Iterable<number>,
): LevelledRuns {
  const demands = data.plan.plan.demands;
  let slots: DemandSlot[];
  let pieces: string[];
  if (
    previous !== undefined &&
    changed !== undefined &&
    data.work.incremental !== null &&
    previous.slots.length === demands.length
  ) {
    slots = previous.slots as DemandSlot[];
    pieces = previous.pieces as string[];
    let copied = false;
    for (const at of changed) {
      const demand = demands[at];
      if (demand === undefined) continue;
      const slot = slotOfDemand(data, demand, at, (s) => linkedOfSlot(data, s));
      const piece = pieceOf(slot);
      if (piece === pieces[at]) continue;
      if (!copied) {
        slots = slots.slice();
        pieces = pieces.slice();
        copied = true;
      }
      slots[at] = slot;
      pieces[at] = piece;
    }
    if (!copied) return previous;
  } else {
    slots = demandSlotsOf(data);
    pieces = slots.map(pieceOf);
  }
  const key = pieces.join('\n');
  if (previous?.key === key) return previous;
  return levelRuns(data, slots, pieces, key, reuse ?? null);
}

/**
 * The resource bottleneck of the engine's current state, as numbers, from the levelled runs.
 * Given the model before an event (`since`), only the levelled dates the event reaches are made
 * again; else everything in one pass.
 */
export function deriveCapacityModel(
  data: EngineData,
  runs: LevelledRuns,
  since?: CapacitySince,
): CapacityModel {
  if (since === undefined) return levelMilestones(data, runs);
  const { model: previous, forecastsMoved } = since;
  if (previous.runs === runs) return relevelMilestones(data, previous, forecastsMoved);
  // Runs are named by their demand's position, which holds. Over-allocations are named by their
  // index: where the list changed, the moves before are made to name the same ones (by id) in
  // the new list, or none when theirs went; a milestone whose hold changed is levelled again.
  const then = previous.runs.overAllocations;
  const now = runs.overAllocations;
  if (!sameIds(then, now)) {
    const at = new Map(now.map((over, k) => [over.id, k]));
    if (at.size !== now.length || new Set(then.map((over) => over.id)).size !== then.length)
      return levelMilestones(data, runs);
    const remap = then.map((over) => at.get(over.id) ?? -1);
    const { root } = previous;
    for (const m of previous.moved) {
      const was = root[m]!;
      if (was >= 0) root[m] = remap[was] ?? -1;
    }
  }
  // Only the milestones whose hold changed, and those whose forecast moved, need their
  // levelled dates made again.
  const held = new Set<number>();
  const overOf = (r: LevelledRuns, run: number): string => {
    const over = r.runCause[run]!;
    return over < 0 ? '' : (r.overAllocations[over]?.id ?? '');
  };
  const sameHold = (m: number): boolean => {
    const a = previous.runs.floor.get(m);
    const b = runs.floor.get(m);
    if (a === undefined || b === undefined) return a === b;
    return (
      a.day === b.day && a.run === b.run && overOf(previous.runs, a.run) === overOf(runs, b.run)
    );
  };
  for (const m of previous.runs.floor.keys()) if (!sameHold(m)) held.add(m);
  for (const m of runs.floor.keys()) if (!held.has(m) && !sameHold(m)) held.add(m);
  return relevelMilestones(data, previous, forecastsMoved, runs, held);
}

/** Whether two lists of over-allocations name the same ones in the same order. */
function sameIds(
  a: readonly CapacityOverAllocation[],
  b: readonly CapacityOverAllocation[],
): boolean {
  return a.length === b.length && a.every((over, k) => over.id === b[k]!.id);
}

/** The readable bottleneck: entries and sentences for every milestone that moves. */
export function capacityState(data: EngineData, model: CapacityModel): CapacityState {
  const { runs } = model;
  return {
    measure: runs.measure,
    units: runs.units,
    demands: runs.demands,
    idle: runs.idle,
    overAllocations: runs.overAllocations,
    milestones: model.moved.flatMap((m) =>
      data.plan.canonicalMilestone[m] === 0 ? [] : [levelledEntry(data, model, m)],
    ),
  };
}

/** The id of the demand at a position of the plan. */
function demandId(data: EngineData, at: number): string {
  return data.plan.plan.demands[at]?.id ?? '';
}

/** The cause of a move, as the state shows it. */
export function causeOf(data: EngineData, model: CapacityModel, m: number): LevelledCause {
  const ref = model.causeRef[m]!;
  switch (model.causeKind[m]) {
    case CAUSE_OVER: {
      const over = model.runs.overAllocations[model.runs.runCause[ref]!]!;
      return {
        kind: 'over_allocation',
        overAllocation: over.id,
        unit: over.unit,
        demand: demandId(data, ref),
      };
    }
    case CAUSE_QUEUE:
      return { kind: 'queue', demand: demandId(data, ref) };
    default:
      return { kind: 'dependency', predecessor: data.plan.milestones[ref]!.id };
  }
}

/** A moving milestone's entry; its forecast as the model's data has it now, unless given. */
export function levelledEntry(
  data: EngineData,
  model: CapacityModel,
  m: number,
  forecast: number = data.milestones.unconstrained[m]!,
): LevelledMilestone {
  const { plan } = data;
  const id = plan.milestones[m]!.id;
  const day = model.levelled[m]!;
  const calendarDays = day - forecast;
  const workingDays = plan.calendarOf[m]!.between(forecast, day);
  const cause = causeOf(data, model, m);
  return {
    id,
    forecastDate: dateOf(forecast),
    levelledDate: dateOf(day),
    calendarDays,
    workingDays,
    cause,
    sentence: `${id} moves ${moveWords(calendarDays, workingDays)} to ${dateOf(day)} ${becauseWords(cause, model.runs.overAllocations)}`,
  };
}

/** Whether two models say the same: the same runs levelled, and the same dates and causes. */
export function sameCapacity(a: CapacityModel, b: CapacityModel): boolean {
  if (a === b) return true;
  if (a.runs.key !== b.runs.key || a.moved.length !== b.moved.length) return false;
  if (a.levelled === b.levelled) {
    // `b` levelled again in place from `a` (or `a` itself): only the milestones in `b.was` can
    // read differently, and those that move now are in both lists when the lists agree.
    if (b.movedForecastsChanged) return false;
    if ((a.moved !== b.moved || a.movedForecast !== b.movedForecast) && !sameList(a, b))
      return false;
    for (const [m, then] of b.was ?? [])
      if (
        b.causeKind[m] !== CAUSE_NONE &&
        (then[0] !== b.levelled[m] || then[1] !== b.causeKind[m] || then[2] !== b.causeRef[m])
      )
        return false;
    return true;
  }
  for (let k = 0; k < a.moved.length; k += 1) {
    const m = a.moved[k]!;
    if (
      b.moved[k] !== m ||
      a.movedForecast[k] !== b.movedForecast[k] ||
      a.levelled[m] !== b.levelled[m] ||
      a.causeKind[m] !== b.causeKind[m] ||
      a.causeRef[m] !== b.causeRef[m]
    )
      return false;
  }
  return true;
}

function sameList(a: CapacityModel, b: CapacityModel): boolean {
  for (let k = 0; k < a.moved.length; k += 1)
    if (a.moved[k] !== b.moved[k] || a.movedForecast[k] !== b.movedForecast[k]) return false;
  return true;
}

/** The signal id of an over-allocation: its unit and first week. */
function overAllocationId(over: OverAllocation): string {
  return `capacity.over_allocated:${over.unit}:${over.weeks[0]!}`;
}

function unitLoads(
  units: readonly Unit[],
  capacityUnits: readonly CapacityUnit[],
  runs: readonly Run[],
  plannedWeek: Int32Array,
  levelledWeek: Int32Array,
  asOfWeek: number,
): UnitLoad[] {
  let last = asOfWeek;
  const byUnit = new Map<string, number[]>();
  runs.forEach((run, r) => {
    last = Math.max(last, plannedWeek[r]! + run.weeks - 1, levelledWeek[r]! + run.weeks - 1);
    const list = byUnit.get(run.demand.unit);
    if (list === undefined) byUnit.set(run.demand.unit, [r]);
    else list.push(r);
  });
  return units.map((unit, k) => {
    const length = last - asOfWeek + 1;
    const load = new Array<number>(length).fill(0);
    const levelled = new Array<number>(length).fill(0);
    for (const r of byUnit.get(unit.id) ?? []) {
      const { weeks, demand } = runs[r]!;
      for (let week = plannedWeek[r]!; week < plannedWeek[r]! + weeks; week += 1)
        load[week - asOfWeek]! += demand.perWeek;
      for (let week = levelledWeek[r]!; week < levelledWeek[r]! + weeks; week += 1)
        levelled[week - asOfWeek]! += demand.perWeek;
    }
    return {
      unit: unit.id,
      weeks: load.map((amount, at) => {
        const week = asOfWeek + at;
        const capacity = capacityInWeek(capacityUnits[k]!, week);
        return {
          week: weekLabel(week),
          monday: dateOf(mondayOfWeek(week)),
          capacity: Number.isFinite(capacity) ? capacity : null,
          load: amount,
          levelledLoad: levelled[at]!,
        };
      }),
    };
  });
}

/**
 * The levelled date of every milestone: each delayed demand holds its milestones to the working
 * day after its levelled end; dependencies then carry the moves downstream, in dependency order.
 * A milestone's forecast moves too, but a levelled date differs from it only downstream of a
 * held milestone, so the pass starts there.
 */
function levelMilestones(data: EngineData, levelledRuns: LevelledRuns): CapacityModel {
  const { plan, milestones: forecasts } = data;
  const count = plan.milestones.length;
  const model = {
    runs: levelledRuns,
    levelled: Int32Array.from(forecasts.unconstrained.subarray(0, count)),
    causeKind: new Uint8Array(count),
    causeRef: new Int32Array(count).fill(-1),
    root: new Int32Array(count).fill(-1),
    moved: [] as number[],
    movedForecast: [] as number[],
    touched: null,
    was: null,
    movedForecastsChanged: false,
  };
  const { floor } = levelledRuns;
  if (floor.size === 0) return model;
  // Only milestones at or after a held one in dependency order can move.
  let from = count;
  for (const m of floor.keys()) from = Math.min(from, plan.rank[m]!);
  for (let r = from; r < count; r += 1) levelOne(data, model, plan.order[r]!);
  listMoved(data, model);
  return model;
}

function listMoved(
  data: EngineData,
  model: { causeKind: Uint8Array; moved: number[]; movedForecast: number[] },
): void {
  for (let m = 0; m < model.causeKind.length; m += 1)
    if (model.causeKind[m] !== CAUSE_NONE) {
      model.moved.push(m);
      model.movedForecast.push(data.milestones.unconstrained[m]!);
    }
}

/**
 * The moved milestones after a relevelling, from those before: the untouched keep their place
 * and their forecast then (a moved milestone whose forecast moves is touched), the touched that
 * move now are merged in, in plan order. Linear in the moved, not in every milestone.
 */
function relistMoved(
  data: EngineData,
  previous: CapacityModel,
  model: {
    causeKind: Uint8Array;
    moved: readonly number[];
    movedForecast: readonly number[];
    touched: ReadonlySet<number>;
    movedForecastsChanged: boolean;
  },
): void {
  // The same milestones move as before: the lists before hold, or only forecasts change in them.
  let same = true;
  for (const m of model.touched) {
    const k = indexIn(previous.moved, m);
    if (k < 0 !== (model.causeKind[m] === CAUSE_NONE)) {
      same = false;
      break;
    }
  }
  if (same) {
    // The lists before are kept, their forecasts written over in place (as the levelled dates
    // are): no copy of every moved milestone's forecast for the few that changed.
    const forecasts = previous.movedForecast as number[];
    for (const m of model.touched) {
      const k = indexIn(previous.moved, m);
      const forecast = data.milestones.unconstrained[m]!;
      if (k >= 0 && forecasts[k] !== forecast) {
        forecasts[k] = forecast;
        model.movedForecastsChanged = true;
      }
    }
    model.moved = previous.moved;
    model.movedForecast = forecasts;
    return;
  }
  const joining: number[] = [];
  let leaving = 0;
  for (const m of model.touched) {
    if (model.causeKind[m] !== CAUSE_NONE) joining.push(m);
    if (indexIn(previous.moved, m) >= 0) leaving += 1;
  }
  joining.sort((a, b) => a - b);
  const { touched } = model;
  // Made at their length: grown one by one, thousands of moves would be copied several times.
  const length = previous.moved.length - leaving + joining.length;
  const moved = new Array<number>(length);
  const movedForecast = new Array<number>(length);
  model.moved = moved;
  model.movedForecast = movedForecast;
  let at = 0;
  let to = 0;
  for (let k = 0; k < previous.moved.length; k += 1) {
    const m = previous.moved[k]!;
    if (touched.has(m)) continue;
    while (at < joining.length && joining[at]! < m) {
      moved[to] = joining[at]!;
      movedForecast[to] = data.milestones.unconstrained[joining[at]!]!;
      to += 1;
      at += 1;
    }
    moved[to] = m;
    movedForecast[to] = previous.movedForecast[k]!;
    to += 1;
  }
  for (; at < joining.length; at += 1) {
    moved[to] = joining[at]!;
    movedForecast[to] = data.milestones.unconstrained[joining[at]!]!;
    to += 1;
  }
}

/**
 * One milestone's levelled date and cause, from its forecast, its floor and the levelled dates
 * of its predecessors that move; true when any of them changed.
 */
function levelOne(
  data: EngineData,
  model: {
    runs: LevelledRuns;
    levelled: Int32Array;
    causeKind: Uint8Array;
    causeRef: Int32Array;
    root: Int32Array;
  },
  m: number,
): boolean {
  const { plan, milestones: forecasts } = data;
  const { levelled, causeKind, causeRef, root } = model;
  let day = forecasts.unconstrained[m]!;
  let kind = CAUSE_NONE;
  let ref = -1;
  let from = -1;
  const own = model.runs.floor.get(m);
  if (own !== undefined && own.day > day) {
    day = own.day;
    const over = model.runs.runCause[own.run]!;
    kind = over >= 0 ? CAUSE_OVER : CAUSE_QUEUE;
    ref = own.run;
    from = over;
  }
  // A cyclic plan's order is not a dependency order: its moves stay where they start.
  if (!plan.cyclic) {
    const { start, list } = plan.incoming;
    for (let at = start[m]!; at < start[m + 1]!; at += 1) {
      const d = list[at]!;
      const pred = plan.depFrom[d]!;
      if (causeKind[pred] === CAUSE_NONE) continue;
      const required = plan.calendarOf[m]!.add(levelled[pred]!, plan.depLag[d]!);
      if (required > day) {
        day = required;
        kind = CAUSE_DEPENDENCY;
        ref = pred;
        from = root[pred]!;
      }
    }
  }
  const changed =
    levelled[m] !== day || causeKind[m] !== kind || causeRef[m] !== ref || root[m] !== from;
  levelled[m] = day;
  causeKind[m] = kind;
  causeRef[m] = ref;
  root[m] = from;
  return changed;
}

/**
 * The levelled dates after some forecasts moved, the runs unchanged: from those milestones on,
 * in dependency order, only as far as a levelled date or cause changes.
 */
function relevelMilestones(
  data: EngineData,
  previous: CapacityModel,
  forecastsMoved: Iterable<number>,
  runs: LevelledRuns = previous.runs,
  held: ReadonlySet<number> = new Set(),
): CapacityModel {
  const { plan } = data;
  // In place: the arrays before are written over, and what a milestone read there is kept in
  // `was` before it is levelled again. Nothing reads the model before after this but the
  // comparisons that look in `was` (`sameCapacity`, `beforeRoot`).
  const was = new Map<number, readonly [number, number, number, number]>();
  const model = {
    runs,
    levelled: previous.levelled,
    causeKind: previous.causeKind,
    causeRef: previous.causeRef,
    root: previous.root,
    moved: [] as readonly number[],
    movedForecast: [] as readonly number[],
    touched: new Set<number>(held),
    was,
    movedForecastsChanged: false,
  };
  // A queue by rank in the dependency order, each milestone at most once.
  const queued = new Set<number>();
  const heap: number[] = [];
  const push = (m: number): void => {
    if (queued.has(m)) return;
    queued.add(m);
    heap.push(m);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (plan.rank[heap[parent]!]! <= plan.rank[heap[i]!]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < heap.length && plan.rank[heap[l]!]! < plan.rank[heap[least]!]!) least = l;
        if (r < heap.length && plan.rank[heap[r]!]! < plan.rank[heap[least]!]!) least = r;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  };
  const seeds = new Set<number>();
  for (const m of forecastsMoved)
    if (readsForecastOf(data, previous, m)) {
      seeds.add(m);
      model.touched.add(m);
      push(m);
    }
  for (const m of held) push(m);
  const { start, list } = plan.outgoing;
  let changed = false;
  while (heap.length > 0) {
    const m = pop();
    was.set(m, [model.levelled[m]!, model.causeKind[m]!, model.causeRef[m]!, model.root[m]!]);
    if (!levelOne(data, model, m)) {
      // Its levelled date holds, but a moving milestone's entry shows its forecast too.
      if (seeds.has(m) && model.causeKind[m] !== CAUSE_NONE) changed = true;
      continue;
    }
    changed = true;
    model.touched.add(m);
    if (plan.cyclic) continue;
    for (let at = start[m]!; at < start[m + 1]!; at += 1) push(plan.depTo[list[at]!]!);
  }
  if (!changed && runs === previous.runs) return previous;
  relistMoved(data, previous, model);
  return model;
}

/** Where `m` is in an ascending list, or −1. */
function indexIn(list: readonly number[], m: number): number {
  let low = 0;
  let high = list.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = list[mid]!;
    if (at === m) return mid;
    if (at < m) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/** `2 weeks` when the move is whole weeks, else in working days. */
function moveWords(calendarDays: number, workingDays: number): string {
  if (calendarDays % 7 === 0) {
    const weeks = calendarDays / 7;
    return `${weeks} ${weeks === 1 ? 'week' : 'weeks'}`;
  }
  return formatWorkingDays(workingDays);
}

function becauseWords(
  why: LevelledCause,
  overAllocations: readonly CapacityOverAllocation[],
): string {
  switch (why.kind) {
    case 'over_allocation': {
      const over = overAllocations.find((o) => o.id === why.overAllocation)!;
      return `because ${over.unit} is ${loadWords(over)} in ${weekRange(over.weeks)}, taken by ${listing(over.initiatives.map((i) => i.id))}`;
    }
    case 'queue':
      return `because its work (${why.demand}) starts later: it waits for room on its unit or for the work it comes after`;
    case 'dependency':
      return `because it waits for ${why.predecessor}, which moves`;
  }
}
