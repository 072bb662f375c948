import { DomainError, type Problem } from '../errors.ts';
import { weekIndex, weekLabel, type IsoWeek } from './iso-week.ts';
import { levelResources, type LevellingProblem } from './resource-levelling.ts';

/**
 * The resource bottleneck, explained: from units' weekly capacity and the weekly demands of
 * initiatives' work, find where a unit is over-allocated (which weeks, by how much, taken by
 * which initiatives), level the work week by week (each piece of work keeps its place in the
 * queue and starts as soon as its unit has room), and say which milestones that pushes and
 * why: "M-X moves 2 weeks because IT is at 140% in weeks 41–43, taken by I-A and I-B".
 *
 * Its own input type, in weeks; the engine translates the plan's capacity and demands into it
 * (`src/core/engine/capacity-model.ts`).
 */

export interface CapacityUnit {
  id: string;
  /** What the unit can deliver in a week, in the unit of the demands (e.g. people, points). */
  capacity: number;
  /** Weeks where it can deliver another amount (hiring, holidays, a freeze). */
  byWeek?: Readonly<Record<IsoWeek, number>>;
}

export interface CapacityWork {
  /** A work item or a package of work. */
  id: string;
  initiative: string;
  unit: string;
  /** The ISO week it is planned to start, `2026-W41`. */
  start: IsoWeek;
  /** Whole weeks it lasts. */
  weeks: number;
  /** What it takes from its unit in each of those weeks. */
  demand: number;
  /** Work that must finish before this starts (ids). */
  after?: readonly string[];
}

export interface CapacityMilestone {
  id: string;
  /** The work that delivers it: it lands in the week the last of it ends. */
  work: readonly string[];
}

export interface CapacityInput {
  units: readonly CapacityUnit[];
  work: readonly CapacityWork[];
  milestones: readonly CapacityMilestone[];
}

export interface OverAllocation {
  unit: string;
  /** Consecutive over-allocated weeks. */
  weeks: IsoWeek[];
  /** The capacity in the worst of those weeks. */
  capacity: number;
  /**
   * The load in the worst week (the highest share of capacity), and that share in percent; null
   * when the unit has no capacity at all that week.
   */
  peakLoad: number;
  peakPercent: number | null;
  /** Initiatives with work in those weeks, the largest load first. */
  initiatives: { id: string; load: number }[];
  sentence: string;
}

export interface MilestonePush {
  milestone: string;
  /** The week it lands as planned, and once the work is levelled. */
  plannedWeek: IsoWeek;
  levelledWeek: IsoWeek;
  weeks: number;
  /** The over-allocation behind the move, when one touches its work. */
  cause?: OverAllocation;
  sentence: string;
}

export interface CapacityExplanation {
  overAllocations: OverAllocation[];
  /** Milestones the levelled forecast moves later, the largest move first. */
  pushes: MilestonePush[];
  /** The week each piece of work starts as planned (after the work it comes after). */
  plannedStarts: Record<string, IsoWeek>;
  /** The week each piece of work starts once levelled. */
  levelledStarts: Record<string, IsoWeek>;
}

/** A unit's capacity in a running week number. */
export function capacityInWeek(unit: CapacityUnit, week: number): number {
  if (unit.byWeek === undefined) return unit.capacity;
  return unit.byWeek[weekLabel(week)] ?? unit.capacity;
}

/** Finds over-allocated units, levels the work and explains each milestone it pushes. */
export function explainOverAllocation(input: CapacityInput): CapacityExplanation {
  const problems: Problem[] = [];
  const units = new Map(input.units.map((unit) => [unit.id, unit]));
  const starts = new Map<string, number>();
  input.work.forEach((work, at) => {
    const week = weekIndex(work.start);
    if (week === undefined)
      problems.push({
        code: 'plan.bad_period',
        message: `start '${work.start}' of ${work.id} is not an ISO week like 2026-W41`,
        path: `work[${at}].start`,
      });
    else starts.set(work.id, week);
    if (!units.has(work.unit))
      problems.push({
        code: 'plan.unknown_reference',
        message: `unit '${work.unit}' of ${work.id} does not exist`,
        path: `work[${at}].unit`,
      });
  });
  const workIds = new Set(input.work.map((work) => work.id));
  input.milestones.forEach((milestone, at) =>
    milestone.work.forEach((id, k) => {
      if (!workIds.has(id))
        problems.push({
          code: 'plan.unknown_reference',
          message: `work '${id}' of milestone ${milestone.id} does not exist`,
          path: `milestones[${at}].work[${k}]`,
        });
    }),
  );
  if (problems.length > 0) throw new DomainError(problems);

  const overAllocations = findOverAllocations(input, starts);

  const levelledStart = level(input, starts);

  // Planned dates respect the links too: work waits for the work it comes after.
  const byId = new Map(input.work.map((work) => [work.id, work]));
  const plannedStart = new Map<string, number>();
  const plannedOf = (id: string, seen: Set<string>): number => {
    const known = plannedStart.get(id);
    if (known !== undefined) return known;
    const work = byId.get(id)!;
    let start = starts.get(id)!;
    if (!seen.has(id)) {
      seen.add(id);
      for (const before of work.after ?? []) {
        const previous = byId.get(before);
        if (previous !== undefined)
          start = Math.max(start, plannedOf(before, seen) + previous.weeks);
      }
    }
    plannedStart.set(id, start);
    return start;
  };
  for (const work of input.work) plannedOf(work.id, new Set());

  const pushes: MilestonePush[] = [];
  for (const milestone of input.milestones) {
    const delivering = milestone.work.map((id) => byId.get(id)!);
    if (delivering.length === 0) continue;
    // It lands in the week its last work ends (the week of that work's last working week).
    const landing = (startOf: Map<string, number>): number =>
      Math.max(...delivering.map((work) => startOf.get(work.id)! + Math.max(1, work.weeks) - 1));
    const planned = landing(plannedStart);
    const moved = landing(levelledStart);
    if (moved <= planned) continue;
    const cause = causeOf(delivering, overAllocations, plannedStart, byId);
    const weeks = moved - planned;
    const moves = `${milestone.id} moves ${weeks} ${weeks === 1 ? 'week' : 'weeks'}`;
    const sentence =
      cause === undefined
        ? `${moves}: the work it waits for starts later once every unit is kept within its capacity`
        : `${moves} because ${cause.unit} is ${loadWords(cause)} in ${weekRange(cause.weeks)}, taken by ${listing(cause.initiatives.map((i) => i.id))}`;
    pushes.push({
      milestone: milestone.id,
      plannedWeek: weekLabel(planned),
      levelledWeek: weekLabel(moved),
      weeks,
      ...(cause !== undefined ? { cause } : {}),
      sentence,
    });
  }
  pushes.sort((a, b) => b.weeks - a.weeks || a.milestone.localeCompare(b.milestone));

  return {
    overAllocations,
    pushes,
    plannedStarts: Object.fromEntries(
      input.work.map((work) => [work.id, weekLabel(plannedStart.get(work.id)!)]),
    ),
    levelledStarts: Object.fromEntries(
      input.work.map((work) => [work.id, weekLabel(levelledStart.get(work.id)!)]),
    ),
  };
}

/**
 * Levels the work, week by week: each piece keeps its place in the queue (planned start, then
 * input order) and starts as soon as its unit has room, never before its planned week. A week
 * where a unit can do less than its most is held by a reservation placed before any work, so
 * the levelling itself works with one capacity per unit. Work that needs more than its unit can
 * ever give takes the whole unit while it runs.
 */
function level(input: CapacityInput, starts: Map<string, number>): Map<string, number> {
  const origin = Math.min(...starts.values());
  return levelDirectly(input, starts, origin) ?? levelBySchedule(input, starts, origin);
}

/** `level` through `levelResources`: any input. Exported for the test that compares the two. */
export function levelBySchedule(
  input: CapacityInput,
  starts: Map<string, number>,
  origin: number,
): Map<string, number> {
  const anchor = '\u0000start';
  // The weeks a reservation may be needed in: up to the last planned end, plus every week of
  // work done one after another, plus the last week any unit names.
  let horizon = 0;
  for (const work of input.work) horizon = Math.max(horizon, starts.get(work.id)! - origin);
  for (const work of input.work) horizon += Math.max(1, work.weeks);
  for (const unit of input.units)
    for (const label of Object.keys(unit.byWeek ?? {})) {
      const week = weekIndex(label);
      if (week !== undefined) horizon = Math.max(horizon, week - origin + 1);
    }
  const reservations: { id: string; unit: number; week: number; amount: number }[] = [];
  const most = input.units.map((unit, k) => {
    let highest = unit.capacity;
    for (const amount of Object.values(unit.byWeek ?? {})) highest = Math.max(highest, amount);
    if (unit.byWeek !== undefined)
      for (let week = origin; week <= origin + horizon; week += 1) {
        const short = highest - capacityInWeek(unit, week);
        if (short > 0)
          reservations.push({ id: `\u0000held:${unit.id}:${week}`, unit: k, week, amount: short });
      }
    return highest;
  });
  const unitAt = new Map(input.units.map((unit, k) => [unit.id, k]));
  const problem: LevellingProblem = {
    activities: [
      { id: anchor, duration: 0, demands: [] },
      ...reservations.map((held) => ({
        id: held.id,
        duration: 1,
        demands: most.map((_, k) => (k === held.unit ? held.amount : 0)),
      })),
      ...input.work.map((work) => ({
        id: work.id,
        duration: work.weeks,
        demands: most.map((highest, k) =>
          k === unitAt.get(work.unit) ? Math.min(work.demand, highest) : 0,
        ),
      })),
    ],
    links: [
      ...reservations.map((held) => ({
        predecessor: anchor,
        successor: held.id,
        type: 'SS' as const,
        lag: held.week - origin,
      })),
      ...input.work.map((work) => ({
        predecessor: anchor,
        successor: work.id,
        type: 'SS' as const,
        lag: starts.get(work.id)! - origin,
      })),
      ...input.work.flatMap((work) =>
        (work.after ?? []).map((before) => ({ predecessor: before, successor: work.id })),
      ),
    ],
    resources: input.units.map((unit, k) => ({ id: unit.id, capacity: most[k]! })),
  };
  // The queue: reservations first, then planned start, then input order.
  const queue = [...input.work]
    .map((work, at) => ({ work, at }))
    .sort((a, b) => starts.get(a.work.id)! - starts.get(b.work.id)! || a.at - b.at)
    .map(({ work }) => work.id);
  // Placed one after another, nothing starts later than the latest planned start plus every
  // duration (reservations included): the work space needs no more periods than that.
  let latest = 0;
  let durations = reservations.length;
  for (const work of input.work) {
    latest = Math.max(latest, starts.get(work.id)! - origin);
    durations += Math.max(0, work.weeks);
  }
  for (const held of reservations) latest = Math.max(latest, held.week - origin);
  const levelled = levelResources(problem, {
    seed: 0,
    priority: [anchor, ...reservations.map((held) => held.id), ...queue],
    horizon: latest + durations + 2,
  });
  const offset = 1 + reservations.length;
  const levelledStart = new Map<string, number>();
  input.work.forEach((work, at) =>
    levelledStart.set(work.id, origin + levelled.starts[offset + at]!),
  );
  return levelledStart;
}

/**
 * `level` where it is plain: no unit with other capacity in some weeks (no reservations), no work
 * that waits for other work, every duration whole and every amount zero or more. The problem's
 * only links then tie each piece of work to its planned week, each uses one unit, and the serial
 * placement of \`levelResources\` by priority is this loop: in queue order, each piece at the first
 * week from its planned one where its unit has room for every week it runs (the same sums in the
 * same order, the same tolerance). Null where it is not plain: `levelResources` places it then.
 * Cheap enough for the engine, which levels one unit's 20–30 pieces again after an event, mostly
 * in code not yet optimised.
 */
export function levelDirectly(
  input: CapacityInput,
  starts: Map<string, number>,
  origin: number,
): Map<string, number> | null {
  const unitAt = new Map<string, number>();
  const most: number[] = [];
  for (const unit of input.units) {
    if (unit.byWeek !== undefined || !(unit.capacity >= 0) || unitAt.has(unit.id)) return null;
    unitAt.set(unit.id, most.length);
    most.push(unit.capacity);
  }
  const ids = new Set<string>();
  let latest = 0;
  let durations = 0;
  for (const work of input.work) {
    if (
      (work.after !== undefined && work.after.length > 0) ||
      !Number.isInteger(work.weeks) ||
      work.weeks < 0 ||
      !(work.demand >= 0) ||
      !Number.isFinite(work.demand) ||
      ids.has(work.id)
    )
      return null;
    ids.add(work.id);
    latest = Math.max(latest, starts.get(work.id)! - origin);
    durations += work.weeks;
  }
  const horizon = latest + durations + 2;
  const usage = most.map(() => new Float64Array(horizon));
  // The queue: planned start, then input order.
  const queue = input.work
    .map((work, at) => ({ work, at, start: starts.get(work.id)! - origin }))
    .sort((a, b) => a.start - b.start || a.at - b.at);
  const placed = new Map<string, number>();
  for (const { work, start } of queue) {
    const k = unitAt.get(work.unit)!;
    const need = Math.min(work.demand, most[k]!);
    const d = work.weeks;
    let t = start;
    if (d > 0 && need > 0) {
      const load = usage[k]!;
      const room = most[k]! - need + 1e-9;
      // Jump past the latest clash in the window until the window is free.
      for (;;) {
        let tau = t + d - 1;
        while (tau >= t && load[tau]! <= room) tau -= 1;
        if (tau < t) break;
        t = tau + 1;
      }
      for (let tau = t; tau < t + d; tau += 1) load[tau]! += need;
    }
    placed.set(work.id, origin + t);
  }
  // In input order, as `level` lists them.
  return new Map(input.work.map((work) => [work.id, placed.get(work.id)!]));
}

function findOverAllocations(input: CapacityInput, starts: Map<string, number>): OverAllocation[] {
  // Load per unit, per week, per initiative, as planned.
  const load = new Map<string, Map<number, Map<string, number>>>();
  for (const work of input.work) {
    const weeks = load.get(work.unit) ?? new Map<number, Map<string, number>>();
    load.set(work.unit, weeks);
    const first = starts.get(work.id)!;
    for (let week = first; week < first + work.weeks; week += 1) {
      const byInitiative = weeks.get(week) ?? new Map<string, number>();
      weeks.set(week, byInitiative);
      byInitiative.set(work.initiative, (byInitiative.get(work.initiative) ?? 0) + work.demand);
    }
  }
  const result: OverAllocation[] = [];
  for (const unit of input.units) {
    const weeks = load.get(unit.id);
    if (weeks === undefined) continue;
    const total = (week: number): number =>
      [...(weeks.get(week)?.values() ?? [])].reduce((sum, value) => sum + value, 0);
    const over = [...weeks.keys()]
      .filter((week) => total(week) > capacityInWeek(unit, week) + 1e-9)
      .sort((a, b) => a - b);
    const percent = (week: number): number => {
      const capacity = capacityInWeek(unit, week);
      return capacity > 0 ? Math.round((100 * total(week)) / capacity) : Number.POSITIVE_INFINITY;
    };
    // Consecutive weeks make one over-allocation.
    for (let i = 0; i < over.length;) {
      let j = i;
      while (j + 1 < over.length && over[j + 1] === over[j]! + 1) j += 1;
      const run = over.slice(i, j + 1);
      const peak = run.reduce((worst, week) =>
        percent(week) > percent(worst) ||
        (percent(week) === percent(worst) && total(week) > total(worst))
          ? week
          : worst,
      );
      const peakLoad = total(peak);
      const capacity = capacityInWeek(unit, peak);
      const share = new Map<string, number>();
      for (const week of run)
        for (const [initiative, amount] of weeks.get(week)!)
          share.set(initiative, Math.max(share.get(initiative) ?? 0, amount));
      const initiatives = [...share]
        .map(([id, amount]) => ({ id, load: amount }))
        .sort((a, b) => b.load - a.load || a.id.localeCompare(b.id));
      const worst = percent(peak);
      const labels = run.map(weekLabel);
      const found: Omit<OverAllocation, 'sentence'> = {
        unit: unit.id,
        weeks: labels,
        capacity,
        peakLoad,
        peakPercent: Number.isFinite(worst) ? worst : null,
        initiatives,
      };
      result.push({
        ...found,
        sentence: `${unit.id} is ${loadWords(found)} in ${weekRange(labels)} (${formatAmount(peakLoad)} against a capacity of ${formatAmount(capacity)} a week), taken by ${listing(initiatives.map((i) => `${i.id} (${formatAmount(i.load)})`))}`,
      });
      i = j + 1;
    }
  }
  return result;
}

/**
 * The over-allocation that holds up a milestone: on the unit of its work (or of work that work
 * waits for) while that work was planned to run; the worst one when several do.
 */
function causeOf(
  delivering: readonly CapacityWork[],
  overAllocations: readonly OverAllocation[],
  plannedStart: Map<string, number>,
  byId: Map<string, CapacityWork>,
): OverAllocation | undefined {
  const involved = new Map<string, CapacityWork>();
  const stack = [...delivering];
  while (stack.length > 0) {
    const work = stack.pop()!;
    if (involved.has(work.id)) continue;
    involved.set(work.id, work);
    for (const before of work.after ?? []) {
      const previous = byId.get(before);
      if (previous !== undefined) stack.push(previous);
    }
  }
  let worst: OverAllocation | undefined;
  for (const over of overAllocations) {
    const first = weekIndex(over.weeks[0]!)!;
    const last = weekIndex(over.weeks[over.weeks.length - 1]!)!;
    const touches = [...involved.values()].some((work) => {
      if (work.unit !== over.unit) return false;
      const start = plannedStart.get(work.id)!;
      return start <= last && start + Math.max(1, work.weeks) - 1 >= first;
    });
    if (touches && (worst === undefined || severity(over) > severity(worst))) worst = over;
  }
  return worst;
}

function severity(over: Pick<OverAllocation, 'peakPercent'>): number {
  return over.peakPercent ?? Number.POSITIVE_INFINITY;
}

/** `at 140%`, or `without capacity` for a week the unit can do nothing. */
export function loadWords(over: Pick<OverAllocation, 'peakPercent'>): string {
  return over.peakPercent === null ? 'without capacity' : `at ${over.peakPercent}%`;
}

/** `weeks 41–43`, `week 41`, or with years when the range crosses one. */
export function weekRange(labels: readonly IsoWeek[]): string {
  const first = labels[0]!;
  const last = labels[labels.length - 1]!;
  const short = (label: IsoWeek): string => String(Number(label.slice(6)));
  if (first === last) return `week ${short(first)}`;
  if (first.slice(0, 4) === last.slice(0, 4)) return `weeks ${short(first)}–${short(last)}`;
  return `weeks ${first}–${last}`;
}

/** `A`, `A and B`, `A, B and C`. */
export function listing(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]!}`;
}

function formatAmount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
