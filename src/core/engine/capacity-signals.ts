import type { CapacityOverAllocation, ChainStep, Signal } from '../domain/state.ts';
import { listing, loadWords, weekRange } from '../schedule/over-allocation.ts';
import { CAUSE_OVER, beforeRoot, levelledEntry, type CapacityModel } from './capacity-model.ts';
import { rowOf } from './compressed-rows.ts';
import type { EngineData } from './engine-data.ts';
import { formatAmount, formatWithUnit } from './format.ts';
import { ownerOfMilestone } from './plan-model.ts';

/** A chain names at most this many moved milestones, then says how many more move. */
const CHAIN_MILESTONES = 12;

/**
 * One signal per over-allocation: a unit has more work than capacity in some weeks. Its chain
 * runs from the unit and the initiatives that take it, through the milestones the levelled
 * forecast moves (those its demands hold first, then those that wait for them), to the money the
 * bottleneck costs per KPI (the forecast counts it: benefits land on the levelled dates); it ends with the trade-off and who decides it: the owner of
 * the closest objective every initiative involved serves, else an executive.
 */
export function capacitySignals(
  data: EngineData,
  model: CapacityModel,
  previous?: ReadonlyMap<string, KeyedSignal>,
  before?: CapacityModel,
): KeyedSignal[] {
  const overAllocations = model.runs.overAllocations;
  if (overAllocations.length === 0) return [];
  const dirty = dirtyOverAllocations(model, before);
  const figures = figuresByOverAllocation(data, model, dirty);
  return overAllocations.map((over, k) => {
    // An over-allocation none of whose milestones the event touched says what it said.
    const kept = dirty === null || dirty.has(k) ? undefined : previous?.get(over.id);
    if (kept !== undefined) return kept;
    const { count, first, shown, money } =
      figures[k] ?? figuresByOverAllocation(data, model, new Set([k]))[k]!;
    // Everything the signal says, as numbers: while it holds, the signal made before holds.
    const key = JSON.stringify([
      over.sentence,
      count,
      first,
      shown.map((m) => [
        m,
        model.levelled[m],
        data.milestones.unconstrained[m],
        model.causeKind[m],
        model.causeRef[m],
      ]),
      [...money].map(([kpi, sum]) => [kpi, sum.later, sum.benefits]),
    ]);
    const known = previous?.get(over.id);
    if (known?.key === key) return known;
    // The chain is made when first read; the forecasts it shows are taken now, as the key has them.
    const forecasts = shown.map((m) => data.milestones.unconstrained[m]!);
    return lazySignal(over.id, key, () =>
      overAllocationSignal(data, model, over, count, first, money, shown, forecasts),
    );
  });
}

/** A keyed signal whose chain is made when first read, once. */
function lazySignal(id: string, key: string, make: () => Signal): KeyedSignal {
  let made: Signal | undefined;
  return {
    id,
    key,
    get signal(): Signal {
      made ??= make();
      return made;
    },
  };
}

/**
 * The over-allocations (indices) whose signal may read differently from the model before: the
 * roots, before and now, of every milestone the event touched, and those that are new or read
 * differently after levelling again. Null (all of them) unless the model was made from `before`.
 */
function dirtyOverAllocations(
  model: CapacityModel,
  before: CapacityModel | undefined,
): ReadonlySet<number> | null {
  if (before === undefined || model.touched === null) return null;
  const dirty = new Set<number>();
  if (model.runs !== before.runs) {
    // Levelled again: the over-allocations that are new or read differently are dirty too (the
    // moves before name the same ones as the new list, by id: `deriveCapacityModel`).
    const then = new Map(before.runs.overAllocations.map((over) => [over.id, over]));
    const now = model.runs.overAllocations;
    for (let k = 0; k < now.length; k += 1) {
      const was = then.get(now[k]!.id);
      if (was === undefined || !sameOverAllocation(now[k]!, was)) dirty.add(k);
    }
  }
  for (const m of model.touched) {
    const root = beforeRoot(model, before, m);
    if (root >= 0) dirty.add(root);
    if (model.root[m]! >= 0) dirty.add(model.root[m]!);
  }
  return dirty;
}

/** Whether two over-allocations read the same, field for field (every field they have). */
function sameOverAllocation(a: CapacityOverAllocation, b: CapacityOverAllocation): boolean {
  if (a === b) return true;
  if (
    a.id !== b.id ||
    a.unit !== b.unit ||
    a.capacity !== b.capacity ||
    a.peakLoad !== b.peakLoad ||
    a.peakPercent !== b.peakPercent ||
    a.sentence !== b.sentence ||
    a.weeks.length !== b.weeks.length ||
    a.initiatives.length !== b.initiatives.length
  )
    return false;
  for (let w = 0; w < a.weeks.length; w += 1) if (a.weeks[w] !== b.weeks[w]) return false;
  for (let i = 0; i < a.initiatives.length; i += 1) {
    const x = a.initiatives[i]!;
    const y = b.initiatives[i]!;
    if (x.id !== y.id || x.load !== y.load) return false;
  }
  return true;
}

/** What an over-allocation's signal reads of the milestones it moves. */
interface MovedFigures {
  /** How many it moves, and the first three, in plan order. */
  count: number;
  first: number[];
  /** The moves its chain names: those its demands hold first, then those that wait for them. */
  shown: number[];
  /** The money per KPI (`moneyLater`). */
  money: Map<string, MoneyLater>;
}

/**
 * For every over-allocation, or those of `only`, what its signal reads of the moved milestones
 * it is the root of: in one pass over the moved milestones, in plan order, without listing them.
 */
function figuresByOverAllocation(
  data: EngineData,
  model: CapacityModel,
  only: ReadonlySet<number> | null,
): (MovedFigures | undefined)[] {
  const figures = model.runs.overAllocations.map((_, k): MovedFigures | undefined =>
    only === null || only.has(k) ? { count: 0, first: [], shown: [], money: new Map() } : undefined,
  );
  // Per over-allocation, the moves its chain names that its demands do not hold.
  const others = figures.map((): number[] => []);
  const { moved } = model;
  for (let at = 0; at < moved.length; at += 1) {
    const m = moved[at]!;
    const root = model.root[m]!;
    if (root < 0 || data.plan.canonicalMilestone[m] !== 1) continue;
    const f = figures[root];
    if (f === undefined) continue;
    f.count += 1;
    if (f.first.length < 3) f.first.push(m);
    // The first CHAIN_MILESTONES its demands hold, then as many of the others as there is room
    // for: once full, the others are not read.
    if (f.shown.length < CHAIN_MILESTONES) {
      if (model.causeKind[m] === CAUSE_OVER) f.shown.push(m);
      else if (others[root]!.length < CHAIN_MILESTONES) others[root]!.push(m);
    }
    addMoneyLater(data, model, m, f.money);
  }
  figures.forEach((f, k) => {
    if (f === undefined) return;
    for (const m of others[k]!) {
      if (f.shown.length >= CHAIN_MILESTONES) break;
      f.shown.push(m);
    }
  });
  return figures;
}

/**
 * The moved milestones each over-allocation is the root of, in plan order: for every one, or
 * for those of `only`.
 */
function movedByOverAllocation(
  data: EngineData,
  model: CapacityModel,
  only: ReadonlySet<number> | null = null,
): (number[] | undefined)[] {
  const movedBy = model.runs.overAllocations.map((_, k): number[] | undefined =>
    only === null || only.has(k) ? [] : undefined,
  );
  for (const m of model.moved) {
    const root = model.root[m]!;
    if (root >= 0 && data.plan.canonicalMilestone[m] === 1) movedBy[root]?.push(m);
  }
  return movedBy;
}

/**
 * What each capacity signal's chain counts per KPI, without making the signals: per
 * over-allocation, in signal order, its id and the benefit value that lands later for each KPI
 * (the `later` figure of its chain's KPI steps, in chain order).
 */
export function capacitySignalFigures(
  data: EngineData,
  model: CapacityModel,
): { id: string; later: { kpi: string; later: number }[] }[] {
  const overAllocations = model.runs.overAllocations;
  if (overAllocations.length === 0) return [];
  const movedBy = movedByOverAllocation(data, model);
  return overAllocations.map((over, k) => ({
    id: over.id,
    later: [...moneyLater(data, model, movedBy[k] ?? [])].map(([kpi, sum]) => ({
      kpi,
      later: sum.later,
    })),
  }));
}

/**
 * A signal with its id and the key of what it says. Comparing keys needs no signal: following
 * events, a signal's chain is made only when someone reads it.
 */
export interface KeyedSignal {
  readonly id: string;
  readonly key: string;
  readonly signal: Signal;
}

interface MoneyLater {
  later: number;
  /** How many benefits land later, and the first of them (the chain names it when alone). */
  benefits: number;
  first: string;
  /** The first four distinct milestones the benefits land with (the chain names three). */
  milestones: string[];
}

/** Every benefit of every milestone that moves lands later: how much, summed per KPI. */
function moneyLater(
  data: EngineData,
  model: CapacityModel,
  moved: readonly number[],
): Map<string, MoneyLater> {
  const byKpi = new Map<string, MoneyLater>();
  for (const m of moved) addMoneyLater(data, model, m, byKpi);
  return byKpi;
}

/** Adds what one moved milestone's benefits land later to the sums per KPI. */
function addMoneyLater(
  data: EngineData,
  model: CapacityModel,
  m: number,
  byKpi: Map<string, MoneyLater>,
): void {
  const { plan: planModel } = data;
  const rows = planModel.benefitsOfMilestone;
  if (rows.start[m] === rows.start[m + 1]) return;
  const days = model.levelled[m]! - data.milestones.unconstrained[m]!;
  for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) {
    const benefit = planModel.plan.benefits[rows.list[at]!]!;
    let sum = byKpi.get(benefit.kpi);
    if (sum === undefined)
      byKpi.set(benefit.kpi, (sum = { later: 0, benefits: 0, first: benefit.id, milestones: [] }));
    sum.later += (benefit.amountPerWeek * days) / 7;
    sum.benefits += 1;
    // The chain names three and says whether there are more: four distinct are enough.
    if (sum.milestones.length < 4 && !sum.milestones.includes(benefit.milestone))
      sum.milestones.push(benefit.milestone);
  }
}

function overAllocationSignal(
  data: EngineData,
  model: CapacityModel,
  over: CapacityOverAllocation,
  count: number,
  first: readonly number[],
  byKpi: ReadonlyMap<string, MoneyLater>,
  shown: readonly number[],
  forecasts: readonly number[],
): Signal {
  const { plan: planModel } = data;
  const plan = planModel.plan;
  const index = planModel.index;
  const measure = model.runs.measure;
  const weeks = weekRange(over.weeks);
  const owners = new Set<string>();
  const chain: ChainStep[] = [
    {
      kind: 'unit',
      id: over.unit,
      text: over.sentence,
      figures: {
        weeks: over.weeks.join(','),
        capacity: over.capacity,
        peakLoad: over.peakLoad,
        ...(over.peakPercent !== null ? { peakPercent: over.peakPercent } : {}),
        measure,
      },
    },
  ];
  for (const taker of over.initiatives) {
    const initiative = index.initiatives.get(taker.id);
    if (initiative !== undefined) owners.add(initiative.owner);
    chain.push({
      kind: 'initiative',
      id: taker.id,
      text: `${taker.id} takes up to ${formatWithUnit(formatAmount(taker.load), measure)} a week of ${over.unit} in ${weeks}`,
      figures: { load: taker.load },
    });
  }

  for (let at = 0; at < shown.length; at += 1) {
    const m = shown[at]!;
    if (planModel.canonicalMilestone[m] === 0) continue;
    const entry = levelledEntry(data, model, m, forecasts[at]);
    const owner = ownerOfMilestone(planModel, m);
    if (owner !== null) owners.add(owner);
    chain.push({
      kind: 'milestone',
      id: entry.id,
      text: `${entry.sentence} (${entry.forecastDate} without it)`,
      figures: {
        forecastDate: entry.forecastDate,
        levelledDate: entry.levelledDate,
        calendarDays: entry.calendarDays,
        workingDays: entry.workingDays,
      },
    });
  }
  if (count > shown.length) {
    const more = count - shown.length;
    chain.push({
      kind: 'unit',
      id: over.unit,
      text: `… and ${more} more ${more === 1 ? 'milestone moves' : 'milestones move'} with them through their dependencies`,
      figures: { more },
    });
  }

  // The money, per KPI.
  const currency = plan.organisation.currency;
  for (const [kpiId, sum] of byKpi) {
    const kpi = index.kpis.get(kpiId);
    if (kpi !== undefined) owners.add(kpi.owner);
    const amount = formatWithUnit(formatAmount(sum.later), kpi?.unitOfMeasure ?? currency);
    const what =
      sum.benefits === 1
        ? `${sum.first} lands later with ${sum.milestones[0]!}`
        : `${sum.benefits} benefits land later with ${listing(sum.milestones.slice(0, 3))}${sum.milestones.length > 3 ? ' and others' : ''}`;
    // The forecast already counts the later dates: this is the share of it the bottleneck costs.
    chain.push({
      kind: 'kpi',
      id: kpiId,
      text: `${kpiId}: ${amount} of benefit lost in the forecast because ${over.unit} is ${loadWords(over)} in ${weeks} — ${what}`,
      figures: { kpi: kpiId, later: sum.later, benefits: sum.benefits },
    });
  }

  const initiatives = over.initiatives.map((taker) => taker.id);
  const decider = deciderOf(data, initiatives);
  if (decider !== null) {
    owners.add(decider.person);
    const name = index.people.get(decider.person)?.name ?? decider.person;
    chain.push({
      kind: decider.objective === null ? 'unit' : 'objective',
      id: decider.objective ?? over.unit,
      text: `Trade-off: ${over.unit}'s capacity in ${weeks} between ${listing(initiatives)}, or more capacity for ${over.unit}; ${name} decides${decider.objective === null ? '' : `, as owner of ${decider.objective}`}`,
      figures: { decider: decider.person },
    });
  }
  const share = `is ${loadWords(over)}`;
  const ids = first.map((m) => planModel.milestones[m]!.id);
  const named =
    count === 0
      ? ''
      : count <= 3
        ? `: ${ids.join(', ')} move`
        : `: ${ids.join(', ')} and ${count - 3} more move`;
  return {
    id: over.id,
    kind: 'capacity.over_allocated',
    subject: { kind: 'unit', id: over.unit },
    title: `${over.unit} ${share} in ${weeks}${named}`,
    chain,
    affectedOwners: [...owners].sort(),
  };
}

/**
 * Who decides a trade-off between initiatives: the owner of the closest objective that all of
 * them serve (directly or through parent objectives), else the first executive of the plan.
 */
function deciderOf(
  data: EngineData,
  initiativeIds: readonly string[],
): { person: string; objective: string | null } | null {
  const model = data.plan;
  const plan = model.plan;
  let common: Map<number, number> | null = null;
  for (const id of initiativeIds) {
    const i = model.initiativeAt.get(id);
    if (i === undefined) continue;
    // Every objective it serves, and how far up each is.
    const reach = new Map<number, number>();
    for (const o of rowOf(model.objectivesOfInitiative, i)) {
      let at = o;
      for (let depth = 0; at >= 0 && !reach.has(at); depth += 1) {
        reach.set(at, depth);
        at = model.parentObjective[at]!;
      }
    }
    if (common === null) common = reach;
    else {
      const both = new Map<number, number>();
      for (const [o, depth] of reach) {
        const other = common.get(o);
        if (other !== undefined) both.set(o, Math.max(depth, other));
      }
      common = both;
    }
  }
  let closest: number | null = null;
  for (const [o, depth] of common ?? []) {
    if (closest === null || depth < common!.get(closest)!) closest = o;
  }
  if (closest !== null) {
    const objective = plan.objectives[closest]!;
    return { person: objective.owner, objective: objective.id };
  }
  const executive = plan.people.find((person) => person.role === 'executive');
  return executive === undefined ? null : { person: executive.id, objective: null };
}
