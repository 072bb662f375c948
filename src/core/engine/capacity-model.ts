import type { Demand, Unit } from '../domain/plan.ts';
import type {
  CapacityOverAllocation,
  CapacityState,
  DemandRun,
  LevelledCause,
  LevelledMilestone,
  UnitLoad,
} from '../domain/state.ts';
import { parsePeriod } from '../period.ts';
import { mondayOfWeek, weekIndex, weekLabel, weekOfDay } from '../schedule/iso-week.ts';
import {
  capacityInWeek,
  explainOverAllocation,
  listing,
  weekRange,
  type CapacityUnit,
  type CapacityWork,
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
    const period = parsePeriod(label);
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

/** The last week any period of any unit reaches, or −∞. */
function lastPeriodWeek(units: readonly Unit[]): number {
  let last = Number.NEGATIVE_INFINITY;
  for (const unit of units)
    for (const label of Object.keys(unit.capacity?.periods ?? {})) {
      const period = parsePeriod(label);
      if (period !== null) last = Math.max(last, weekOfDay(dayOf(period.end)));
    }
  return last;
}

interface Run {
  demand: Demand;
  /** Planned first week and weeks. */
  start: number;
  weeks: number;
  /** The planned end as a day: the window's end or the work item's forecast finish. */
  endDay: number;
  milestones: number[];
}

/**
 * The milestones each of some work items is linked to (by key or epic), by position: from the
 * engine's reverse index when it keeps one, else in one pass over every milestone's work.
 */
function linkedMilestones(data: EngineData, slots: ReadonlySet<number>): Map<number, number[]> {
  const found = new Map<number, number[]>();
  for (const slot of slots) found.set(slot, []);
  if (slots.size === 0) return found;
  if (data.work.incremental !== null) {
    // In plan order, as the pass below finds them.
    for (const slot of slots)
      found.set(
        slot,
        Array.from(milestonesOfItem(data.work, slot)).sort((a, b) => a - b),
      );
    return found;
  }
  for (let m = 0; m < data.plan.milestones.length; m += 1) {
    const linked = linkedOf(data.work, m);
    for (let k = 0; k < linked.length; k += 1) {
      const list = found.get(linked[k]!);
      if (list !== undefined && list[list.length - 1] !== m) list.push(m);
    }
  }
  return found;
}

/** Each demand's run from the as-of week on, or why it has none. */
function runsOf(data: EngineData): { runs: Run[]; idle: CapacityState['idle'] } {
  const { work, asOfDay, plan } = data;
  const runs: Run[] = [];
  const idle: CapacityState['idle'] = [];
  const following = new Map<Run, number>();
  for (const demand of plan.plan.demands) {
    let startDay: number;
    let endDay: number;
    let milestones: number[] = [];
    let followed = -1;
    if (demand.workItem !== undefined) {
      const key = demand.workItem;
      const slot = work.slotOf.get(key);
      const item = slot === undefined ? null : work.items[slot];
      if (slot === undefined || item === null || item === undefined) {
        idle.push({ id: demand.id, reason: `${key} is not among the work items read` });
        continue;
      }
      if (work.open[slot] === 0) {
        idle.push({ id: demand.id, reason: `${key} is done` });
        continue;
      }
      endDay = work.finish[slot]!;
      if (endDay === NO_DAY) {
        idle.push({ id: demand.id, reason: `${key} has no due date, so when it ends is unknown` });
        continue;
      }
      const start = item.startDate ?? demand.from;
      startDay = start === undefined ? asOfDay : dayOf(start);
      if (demand.milestone === undefined) followed = slot;
    } else if (demand.from !== undefined && demand.to !== undefined) {
      startDay = dayOf(demand.from);
      endDay = dayOf(demand.to);
      if (endDay < asOfDay) {
        idle.push({ id: demand.id, reason: `its window ended on ${demand.to}` });
        continue;
      }
    } else {
      idle.push({ id: demand.id, reason: 'it has neither a window nor a work item' });
      continue;
    }
    if (demand.milestone !== undefined) {
      const m = plan.milestoneAt.get(demand.milestone);
      if (m !== undefined) milestones = [m];
    }
    startDay = Math.max(startDay, asOfDay);
    const start = weekOfDay(startDay);
    const weeks = weekOfDay(Math.max(endDay, startDay)) - start + 1;
    const run = { demand, start, weeks, endDay, milestones };
    runs.push(run);
    if (followed >= 0) following.set(run, followed);
  }
  const linked = linkedMilestones(data, new Set(following.values()));
  for (const [run, slot] of following) run.milestones = linked.get(slot)!;
  return { runs, idle };
}

/**
 * The resource bottleneck of the engine's current state. `scope`, when given, receives the
 * milestones whose forecast the levelled forecast reads: those its demands hold, those it
 * moves, and their direct successors; a forecast move elsewhere cannot change the result.
 */
export function deriveCapacity(data: EngineData, scope?: Set<number>): CapacityState {
  const plan = data.plan.plan;
  const measure = plan.organisation.capacityMeasure ?? 'FTE';
  const { runs, idle } = runsOf(data);
  const units = plan.units.filter(
    (unit) => unit.capacity !== undefined || runs.some((run) => run.demand.unit === unit.id),
  );
  if (units.length === 0 && runs.length === 0)
    return { measure, units: [], demands: [], idle, overAllocations: [], milestones: [] };

  const asOfWeek = weekOfDay(data.asOfDay);
  let lastPlanned = asOfWeek;
  let serial = 0;
  for (const run of runs) {
    lastPlanned = Math.max(lastPlanned, run.start + run.weeks - 1);
    serial += run.weeks;
  }
  const horizon = Math.max(lastPlanned + serial, lastPeriodWeek(units));
  const capacityUnits = units.map((unit) => capacityOfUnit(unit, asOfWeek, horizon));
  const running = new Set(runs.map((run) => run.demand.id));
  const work: CapacityWork[] = runs.map((run) => ({
    id: run.demand.id,
    initiative: run.demand.initiative,
    unit: run.demand.unit,
    start: weekLabel(run.start),
    weeks: run.weeks,
    demand: run.demand.perWeek,
    after: (run.demand.after ?? []).filter((id) => running.has(id)),
  }));
  const explained =
    runs.length === 0
      ? { overAllocations: [], pushes: [], plannedStarts: {}, levelledStarts: {} }
      : explainOverAllocation({
          // Only the units that have work to level.
          units: capacityUnits.filter((unit) => runs.some((run) => run.demand.unit === unit.id)),
          work,
          milestones: runs.map((run) => ({ id: run.demand.id, work: [run.demand.id] })),
        });
  const overAllocations = explained.overAllocations.map((over): CapacityOverAllocation => ({
    id: overAllocationId(over),
    ...over,
  }));

  const demands: DemandRun[] = runs.map((run) => {
    const id = run.demand.id;
    const plannedStart = weekIndex(explained.plannedStarts[id]!)!;
    const levelledStart = weekIndex(explained.levelledStarts[id]!)!;
    return {
      id,
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

  return {
    measure,
    units: unitLoads(units, capacityUnits, demands, asOfWeek),
    demands,
    idle,
    overAllocations,
    milestones: levelMilestones(data, runs, demands, overAllocations, explained.pushes, scope),
  };
}

/** The signal id of an over-allocation: its unit and first week. */
function overAllocationId(over: OverAllocation): string {
  return `capacity.over_allocated:${over.unit}:${over.weeks[0]!}`;
}

function unitLoads(
  units: readonly Unit[],
  capacityUnits: readonly CapacityUnit[],
  demands: readonly DemandRun[],
  asOfWeek: number,
): UnitLoad[] {
  let last = asOfWeek;
  for (const demand of demands)
    last = Math.max(last, weekIndex(demand.plannedEnd)!, weekIndex(demand.levelledEnd)!);
  return units.map((unit, k) => {
    const length = last - asOfWeek + 1;
    const load = new Array<number>(length).fill(0);
    const levelled = new Array<number>(length).fill(0);
    for (const demand of demands) {
      if (demand.unit !== unit.id) continue;
      const add = (into: number[], first: string, end: string): void => {
        for (let week = weekIndex(first)!; week <= weekIndex(end)!; week += 1)
          into[week - asOfWeek]! += demand.perWeek;
      };
      add(load, demand.plannedStart, demand.plannedEnd);
      add(levelled, demand.levelledStart, demand.levelledEnd);
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
 */
function levelMilestones(
  data: EngineData,
  runs: readonly Run[],
  demands: readonly DemandRun[],
  overAllocations: readonly CapacityOverAllocation[],
  pushes: ReturnType<typeof explainOverAllocation>['pushes'],
  scope: Set<number> | undefined,
): LevelledMilestone[] {
  const { plan, milestones: model } = data;
  const count = plan.milestones.length;
  // The demand-driven floor of each milestone, and the demand that sets it.
  const floor = new Map<number, { day: number; run: number }>();
  runs.forEach((run, r) => {
    // From the run as its window or work item has it, before the work it comes after.
    const delay = weekIndex(demands[r]!.levelledStart)! - run.start;
    if (delay <= 0) return;
    for (const m of run.milestones) {
      const day = plan.calendarOf[m]!.next(run.endDay + 7 * delay);
      const known = floor.get(m);
      if (known === undefined || day > known.day) floor.set(m, { day, run: r });
    }
  });
  for (const m of floor.keys()) scope?.add(m);
  if (floor.size === 0) return [];

  const levelled = new Int32Array(count);
  const cause = new Array<LevelledCause | undefined>(count);
  const { start, list } = plan.incoming;
  for (let r = 0; r < count; r += 1) {
    const m = plan.order[r]!;
    const forecast = model.forecast[m]!;
    let day = forecast;
    let why: LevelledCause | undefined;
    const own = floor.get(m);
    if (own !== undefined && own.day > day) {
      day = own.day;
      const demand = runs[own.run]!.demand.id;
      const push = pushes.find((p) => p.milestone === demand);
      why =
        push?.cause !== undefined
          ? {
              kind: 'over_allocation',
              overAllocation: overAllocationId(push.cause),
              unit: push.cause.unit,
              demand,
            }
          : { kind: 'queue', demand };
    }
    // A cyclic plan's order is not a dependency order: its moves stay where they start.
    if (!plan.cyclic)
      for (let at = start[m]!; at < start[m + 1]!; at += 1) {
        const d = list[at]!;
        const from = plan.depFrom[d]!;
        if (cause[from] === undefined) continue;
        const required = plan.calendarOf[m]!.add(levelled[from]!, plan.depLag[d]!);
        if (required > day) {
          day = required;
          why = { kind: 'dependency', predecessor: plan.milestones[from]!.id };
        }
      }
    levelled[m] = day;
    cause[m] = why;
  }

  const result: LevelledMilestone[] = [];
  for (let m = 0; m < count; m += 1) {
    const why = cause[m];
    if (why === undefined) continue;
    if (scope !== undefined) {
      scope.add(m);
      const { start: first, list: deps } = plan.outgoing;
      for (let at = first[m]!; at < first[m + 1]!; at += 1) scope.add(plan.depTo[deps[at]!]!);
    }
    if (data.plan.canonicalMilestone[m] === 0) continue;
    const id = plan.milestones[m]!.id;
    const forecast = model.forecast[m]!;
    const calendarDays = levelled[m]! - forecast;
    const workingDays = plan.calendarOf[m]!.between(forecast, levelled[m]!);
    result.push({
      id,
      forecastDate: dateOf(forecast),
      levelledDate: dateOf(levelled[m]!),
      calendarDays,
      workingDays,
      cause: why,
      sentence: `${id} moves ${moveWords(calendarDays, workingDays)} to ${dateOf(levelled[m]!)} ${becauseWords(why, overAllocations)}`,
    });
  }
  return result;
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
      const share = over.peakPercent === null ? 'without capacity' : `at ${over.peakPercent}%`;
      return `because ${over.unit} is ${share} in ${weekRange(over.weeks)}, taken by ${listing(over.initiatives.map((i) => i.id))}`;
    }
    case 'queue':
      return `because its work (${why.demand}) starts later: it waits for room on its unit or for the work it comes after`;
    case 'dependency':
      return `because it waits for ${why.predecessor}, which moves`;
  }
}
