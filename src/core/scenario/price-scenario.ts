import type { IsoDate, Plan, PeriodLabel } from '../domain/plan.ts';
import type { DerivedState, KpiForecast, SignalKind } from '../domain/state.ts';
import { computeState, type EngineInput } from '../engine/compute-state.ts';
import { dateOf } from '../engine/day-numbers.ts';
import {
  deriveStateFrom,
  stateFigures,
  stateKpis,
  stateSignals,
  type StateFigures,
} from '../engine/engine.ts';
import { DomainError } from '../errors.ts';
import { applyScenario } from './apply-scenario.ts';
import { MAX_COMPARED_SCENARIOS, type Scenario, type ScenarioChange } from './scenario.ts';

/**
 * Prices a scenario: applies its changes to the plan and computes the result with the same
 * engine as the live forecast (`computeState`), then says what differs from the current state.
 * Only entries that change are listed; the totals cover the whole portfolio.
 */

/** A figure as it stands and as the scenario would have it; null where the entity is gone. */
export interface Compared<T> {
  before: T;
  after: T;
}

export interface MilestoneDifference {
  id: string;
  /** The baseline. */
  plannedDate: Compared<IsoDate | null>;
  /** The forecast: levelled within the units' capacity where a unit declares it. */
  forecastDate: Compared<IsoDate | null>;
  /** Forecast minus plan in working days (positive = late). */
  slipWorkingDays: Compared<number | null>;
  /** The levelled date: the forecast (levelling is part of it), kept for readers that name it. */
  levelledDate: Compared<IsoDate | null>;
}

export interface KpiPeriodDifference {
  kpi: string;
  period: PeriodLabel;
  target: Compared<number | null>;
  forecast: Compared<number | null>;
  /** Forecast minus target, signed so that negative is worse than target. */
  gap: Compared<number | null>;
}

export interface BudgetDifference {
  initiative: string;
  period: PeriodLabel;
  /** The budget plan of the line (0 where there is no line). */
  plan: Compared<number>;
}

export interface CapacityDifference {
  unit: string;
  /** The highest planned weekly load as a share of capacity, in percent (null: no capacity). */
  peakPercent: Compared<number | null>;
  /** ISO weeks in which the unit is over-allocated. */
  overAllocatedWeeks: Compared<string[]>;
}

/** Return on investment, plainly: benefit value in the horizon divided by budget plan. */
export interface Roi {
  /** What the initiative's benefits add to their KPIs over the periods the KPIs forecast. */
  benefitValue: number;
  /** The sum of its budget plan over every period. */
  budget: number;
  /** benefitValue / budget; null when there is no budget. */
  ratio: number | null;
}

export interface RoiDifference {
  initiative: string;
  roi: Compared<Roi | null>;
}

export interface SignalRef {
  id: string;
  kind: SignalKind;
}

export interface ScenarioTotals {
  /** Milestones whose plan, forecast or levelled date differ (removed ones included). */
  milestonesChanged: number;
  /** Budget plan over every initiative and period. */
  budgetPlan: Compared<number>;
  /** Costs of the scenario that no initiative's budget carries (e.g. added capacity). */
  scenarioCost: number;
  currency: string;
  /**
   * Money at stake, over the KPIs counted in the organisation's currency: how far the forecasts
   * fall short of their targets, and short of what they would be had every milestone landed on
   * its planned date.
   */
  moneyAtStake: { againstTarget: Compared<number>; againstPlan: Compared<number> };
  /** Benefit value (currency KPIs) that lands later because the levelled forecast moves milestones. */
  moneyLaterByCapacity: Compared<number>;
  signals: Compared<number>;
}

export interface ScenarioResult {
  asOf: IsoDate;
  milestones: MilestoneDifference[];
  kpis: KpiPeriodDifference[];
  budget: BudgetDifference[];
  capacity: CapacityDifference[];
  roi: RoiDifference[];
  signals: { raised: SignalRef[]; resolved: SignalRef[] };
  totals: ScenarioTotals;
}

/** A priced scenario with the plan it would make (for applying it later). */
export interface PricedScenario {
  plan: Plan;
  state: DerivedState;
  result: ScenarioResult;
}

/**
 * Applies the changes and computes the scenario over the whole portfolio with the live engine,
 * compared with the current state (computed from `input`, or the one given, e.g. the live one).
 */
export function priceScenario(
  input: EngineInput,
  changes: readonly ScenarioChange[],
  current: DerivedState = computeState(input),
): ScenarioResult {
  return priceScenarioWithPlan(input, changes, current).result;
}

/** As `priceScenario`, also returning the scenario's plan and its derived state. */
export function priceScenarioWithPlan(
  input: EngineInput,
  changes: readonly ScenarioChange[],
  current: DerivedState = computeState(input),
): PricedScenario {
  const plan = applyScenario(input.plan, current, changes);
  // The same engine, reusing what the current state computed from the same work items; the
  // comparison reads figures, not readable entries (each KPI's explanation, each signal's chain).
  const state = deriveStateFrom({ ...input, plan }, current);
  return { plan, state, result: compareStates(input.plan, current, plan, state, changes, false) };
}

/**
 * Pricing the plain way, the reference the fast one is tested against: a full recompute of the
 * scenario's plan (`computeState`), compared through the states' readable entries.
 */
export function priceScenarioInFull(
  input: EngineInput,
  changes: readonly ScenarioChange[],
  current: DerivedState = computeState(input),
): PricedScenario {
  const plan = applyScenario(input.plan, current, changes);
  const state = computeState({ ...input, plan });
  return { plan, state, result: compareStates(input.plan, current, plan, state, changes, true) };
}

export interface ScenarioColumn {
  id: string;
  name: string;
  author: string;
  result: ScenarioResult;
}

/** Up to four scenarios side by side, each against the current state (computed once). */
export function compareScenarios(
  input: EngineInput,
  scenarios: readonly Scenario[],
  current: DerivedState = computeState(input),
): ScenarioColumn[] {
  if (scenarios.length > MAX_COMPARED_SCENARIOS)
    throw new DomainError({
      code: 'scenario.too_many',
      message: `at most ${MAX_COMPARED_SCENARIOS} scenarios are compared side by side, got ${scenarios.length}`,
      path: `$[${MAX_COMPARED_SCENARIOS}]`,
    });
  return scenarios.map((scenario, k) => {
    try {
      return {
        id: scenario.id,
        name: scenario.name,
        author: scenario.author,
        result: priceScenario(input, scenario.changes, current),
      };
    } catch (error) {
      // Name the scenario in every problem's path: `$[1].changes[2].milestone`.
      if (!(error instanceof DomainError)) throw error;
      throw new DomainError(
        error.problems.map((p) => ({ ...p, path: `$[${k}]${(p.path ?? '$').slice(1)}` })),
      );
    }
  });
}

// ---------------------------------------------------------------------------------------------

interface MilestoneFigures {
  plannedDate: IsoDate;
  forecastDate: IsoDate;
  slipWorkingDays: number;
  levelledDate: IsoDate;
}

function milestoneFigures(state: DerivedState): Map<string, MilestoneFigures> {
  const figures = new Map<string, MilestoneFigures>();
  const numbers = stateFigures(state);
  if (numbers !== null) {
    numbers.ids.forEach((id, m) => {
      if (id !== null)
        figures.set(id, {
          plannedDate: dateOf(numbers.planned[m]!),
          forecastDate: dateOf(numbers.forecast[m]!),
          slipWorkingDays: numbers.slip[m]!,
          levelledDate: dateOf(numbers.levelled[m]!),
        });
    });
    return figures;
  }
  // A state from elsewhere: its readable entries say the same, at the cost of making them.
  const levelled = new Map(state.capacity.milestones.map((m) => [m.id, m.levelledDate]));
  for (const m of state.milestones.values())
    figures.set(m.id, {
      plannedDate: m.plannedDate,
      forecastDate: m.forecastDate,
      slipWorkingDays: m.slipWorkingDays,
      levelledDate: levelled.get(m.id) ?? m.forecastDate,
    });
  return figures;
}

/**
 * Each canonical milestone id's position, per plan model (its planned days' array): the current
 * state's is made once for every scenario priced against it, and a live state that follows events
 * keeps its plan model until the plan itself changes.
 */
const positionsOf = new WeakMap<object, Map<string, number>>();

function milestonePositions(figures: StateFigures): Map<string, number> {
  const key = figures.planned as object;
  let positions = positionsOf.get(key);
  if (positions === undefined) {
    positions = new Map();
    const { ids } = figures;
    for (let m = 0; m < ids.length; m += 1) {
      const id = ids[m];
      if (id !== null && id !== undefined) positions.set(id, m);
    }
    positionsOf.set(key, positions);
  }
  return positions;
}

function compareMilestones(before: DerivedState, after: DerivedState): MilestoneDifference[] {
  const x = stateFigures(before);
  const y = stateFigures(after);
  if (x === null || y === null) return compareMilestoneEntries(before, after);
  // On the engine's day numbers: dates are written only for the milestones that differ.
  // The current state's positions are kept (made once per plan); the scenario's are looked up.
  const a = milestonePositions(x);
  const out: MilestoneDifference[] = [];
  const date = (day: ArrayLike<number>, m: number | undefined): IsoDate | null =>
    m === undefined ? null : dateOf(day[m]!);
  const push = (id: string, p: number | undefined, q: number | undefined): void => {
    out.push({
      id,
      plannedDate: { before: date(x.planned, p), after: date(y.planned, q) },
      forecastDate: { before: date(x.forecast, p), after: date(y.forecast, q) },
      slipWorkingDays: {
        before: p === undefined ? null : x.slip[p]!,
        after: q === undefined ? null : y.slip[q]!,
      },
      levelledDate: { before: date(x.levelled, p), after: date(y.levelled, q) },
    });
  };
  for (const [id, p] of a) {
    const q = y.positionOf(id);
    if (
      q !== undefined &&
      x.planned[p] === y.planned[q] &&
      x.forecast[p] === y.forecast[q] &&
      x.slip[p] === y.slip[q] &&
      x.levelled[p] === y.levelled[q]
    )
      continue;
    push(id, p, q);
  }
  // In position order, as a map of the scenario's positions would list them.
  y.ids.forEach((id, q) => {
    if (id !== null && !a.has(id)) push(id, undefined, q);
  });
  return out;
}

/** As `compareMilestones`, for states the engine did not make: through their readable entries. */
function compareMilestoneEntries(before: DerivedState, after: DerivedState): MilestoneDifference[] {
  const a = milestoneFigures(before);
  const b = milestoneFigures(after);
  const out: MilestoneDifference[] = [];
  for (const id of union(a.keys(), b.keys())) {
    const x = a.get(id);
    const y = b.get(id);
    if (
      x !== undefined &&
      y !== undefined &&
      x.plannedDate === y.plannedDate &&
      x.forecastDate === y.forecastDate &&
      x.slipWorkingDays === y.slipWorkingDays &&
      x.levelledDate === y.levelledDate
    )
      continue;
    out.push({
      id,
      plannedDate: { before: x?.plannedDate ?? null, after: y?.plannedDate ?? null },
      forecastDate: { before: x?.forecastDate ?? null, after: y?.forecastDate ?? null },
      slipWorkingDays: { before: x?.slipWorkingDays ?? null, after: y?.slipWorkingDays ?? null },
      levelledDate: { before: x?.levelledDate ?? null, after: y?.levelledDate ?? null },
    });
  }
  return out;
}

interface PeriodFigures {
  target: number | null;
  forecast: number;
  forecastAtPlan: number;
  gap: number | null;
}

function kpiFigures(
  kpis: readonly Pick<KpiForecast, 'id' | 'periods'>[],
): Map<string, Map<string, PeriodFigures>> {
  const figures = new Map<string, Map<string, PeriodFigures>>();
  for (const kpi of kpis)
    figures.set(
      kpi.id,
      new Map(
        kpi.periods.map((p) => [
          p.period,
          { target: p.target, forecast: p.forecast, forecastAtPlan: p.forecastAtPlan, gap: p.gap },
        ]),
      ),
    );
  return figures;
}

function compareKpis(
  a: Map<string, Map<string, PeriodFigures>>,
  b: Map<string, Map<string, PeriodFigures>>,
): KpiPeriodDifference[] {
  const out: KpiPeriodDifference[] = [];
  for (const kpi of union(a.keys(), b.keys())) {
    const x = a.get(kpi) ?? new Map<string, PeriodFigures>();
    const y = b.get(kpi) ?? new Map<string, PeriodFigures>();
    for (const period of union(x.keys(), y.keys())) {
      const p = x.get(period);
      const q = y.get(period);
      if (p !== undefined && q !== undefined && p.forecast === q.forecast && p.target === q.target)
        continue;
      out.push({
        kpi,
        period,
        target: { before: p?.target ?? null, after: q?.target ?? null },
        forecast: { before: p?.forecast ?? null, after: q?.forecast ?? null },
        gap: { before: p?.gap ?? null, after: q?.gap ?? null },
      });
    }
  }
  return out;
}

function budgetLines(plan: Plan): Map<string, Map<string, number>> {
  return new Map(
    plan.initiatives.map((i) => [
      i.id,
      new Map(Object.entries(i.budget).map(([period, line]) => [period, line.plan])),
    ]),
  );
}

function compareBudgets(before: Plan, after: Plan): BudgetDifference[] {
  const a = budgetLines(before);
  const b = budgetLines(after);
  const out: BudgetDifference[] = [];
  for (const initiative of union(a.keys(), b.keys())) {
    const x = a.get(initiative) ?? new Map<string, number>();
    const y = b.get(initiative) ?? new Map<string, number>();
    for (const period of union(x.keys(), y.keys())) {
      const p = x.get(period) ?? 0;
      const q = y.get(period) ?? 0;
      if (p !== q) out.push({ initiative, period, plan: { before: p, after: q } });
    }
  }
  return out;
}

function unitFigures(state: DerivedState): Map<string, { peak: number | null; weeks: string[] }> {
  const figures = new Map<string, { peak: number | null; weeks: string[] }>();
  const capacity = stateFigures(state)?.capacity ?? state.capacity;
  for (const unit of capacity.units) {
    let peak: number | null = null;
    for (const week of unit.weeks)
      if (week.capacity !== null && week.capacity > 0)
        peak = Math.max(peak ?? 0, Math.round((week.load / week.capacity) * 100));
    figures.set(unit.unit, { peak, weeks: [] });
  }
  for (const over of capacity.overAllocations) {
    const unit = figures.get(over.unit) ?? { peak: null, weeks: [] };
    figures.set(over.unit, unit);
    unit.weeks.push(...over.weeks);
  }
  return figures;
}

function compareCapacity(before: DerivedState, after: DerivedState): CapacityDifference[] {
  const a = unitFigures(before);
  const b = unitFigures(after);
  const out: CapacityDifference[] = [];
  for (const unit of union(a.keys(), b.keys())) {
    const x = a.get(unit) ?? { peak: null, weeks: [] };
    const y = b.get(unit) ?? { peak: null, weeks: [] };
    if (x.peak === y.peak && x.weeks.join() === y.weeks.join()) continue;
    out.push({
      unit,
      peakPercent: { before: x.peak, after: y.peak },
      overAllocatedWeeks: { before: x.weeks, after: y.weeks },
    });
  }
  return out;
}

function roiOf(
  plan: Plan,
  kpis: readonly Pick<KpiForecast, 'id' | 'periods'>[],
  figures: StateFigures | null,
): Map<string, Roi> {
  // The milestone holding an id is the last with it: the engine's index of the same plan says
  // so without a map of every milestone.
  let initiativeOf: (id: string) => string | undefined;
  if (figures !== null && figures.plan === plan) {
    initiativeOf = (id) => {
      const m = figures.positionOf(id);
      return m === undefined ? undefined : plan.milestones[m]!.initiative;
    };
  } else {
    const byId = new Map(plan.milestones.map((m) => [m.id, m.initiative]));
    initiativeOf = (id) => byId.get(id);
  }
  const value = new Map<string, number>();
  for (const kpi of kpis)
    for (const period of kpi.periods)
      for (const accrual of period.benefits) {
        const initiative = initiativeOf(accrual.milestone);
        if (initiative !== undefined)
          value.set(initiative, (value.get(initiative) ?? 0) + accrual.amount);
      }
  const roi = new Map<string, Roi>();
  for (const initiative of plan.initiatives) {
    let budget = 0;
    for (const line of Object.values(initiative.budget)) budget += line.plan;
    const benefitValue = value.get(initiative.id) ?? 0;
    roi.set(initiative.id, {
      benefitValue,
      budget,
      ratio: budget > 0 ? benefitValue / budget : null,
    });
  }
  return roi;
}

function compareRoi(a: Map<string, Roi>, b: Map<string, Roi>): RoiDifference[] {
  const out: RoiDifference[] = [];
  for (const initiative of union(a.keys(), b.keys())) {
    const x = a.get(initiative) ?? null;
    const y = b.get(initiative) ?? null;
    if (x !== null && y !== null && x.benefitValue === y.benefitValue && x.budget === y.budget)
      continue;
    out.push({ initiative, roi: { before: x, after: y } });
  }
  return out;
}

function moneyAtStake(
  plan: Plan,
  kpis: Map<string, Map<string, PeriodFigures>>,
): { againstTarget: number; againstPlan: number } {
  let againstTarget = 0;
  let againstPlan = 0;
  const currency = plan.organisation.currency;
  for (const kpi of plan.kpis) {
    if (kpi.unitOfMeasure !== currency) continue;
    const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
    for (const p of kpis.get(kpi.id)?.values() ?? []) {
      if (p.gap !== null && p.gap < 0) againstTarget -= p.gap;
      const behind = sign * (p.forecastAtPlan - p.forecast);
      if (behind > 0) againstPlan += behind;
    }
  }
  return { againstTarget, againstPlan };
}

/** Benefit value (currency KPIs) the capacity signals say lands later. */
function moneyLaterByCapacity(
  plan: Plan,
  later: readonly { kpi: string; later: number }[],
): number {
  const currencyKpis = new Set(
    plan.kpis.filter((k) => k.unitOfMeasure === plan.organisation.currency).map((k) => k.id),
  );
  let sum = 0;
  for (const step of later) if (currencyKpis.has(step.kpi)) sum += step.later;
  return sum;
}

/** What comparing reads of a state: its KPI periods and its signals, by id and kind. */
interface StateReadings {
  kpis: readonly Pick<KpiForecast, 'id' | 'periods'>[];
  signals: readonly SignalRef[];
  /** What the capacity signals' chains say lands later per KPI, in order (`stateSignals`). */
  later: readonly { kpi: string; later: number }[];
}

/**
 * A state's readings. `byEntries` reads its readable entries (every KPI with its explanation,
 * every signal with its chain): the way pricing first read them, kept as the reference the fast
 * reading is tested against. Otherwise, for a state the engine made, the same figures without
 * making those entries.
 */
function readingsOf(state: DerivedState, byEntries: boolean): StateReadings {
  if (!byEntries) {
    const kpis = stateKpis(state);
    const signals = stateSignals(state);
    if (kpis !== null && signals !== null)
      return { kpis, signals: signals.refs, later: signals.later };
  }
  const list = state.signals;
  const later: { kpi: string; later: number }[] = [];
  for (const signal of list) {
    if (signal.kind !== 'capacity.over_allocated') continue;
    for (const step of signal.chain)
      if (step.kind === 'kpi' && typeof step.figures['later'] === 'number')
        later.push({ kpi: step.id, later: step.figures['later'] });
  }
  return {
    kpis: [...state.kpis.values()],
    signals: list.map((s) => ({ id: s.id, kind: s.kind })),
    later,
  };
}

function compareStates(
  planBefore: Plan,
  before: DerivedState,
  planAfter: Plan,
  after: DerivedState,
  changes: readonly ScenarioChange[],
  byEntries: boolean,
): ScenarioResult {
  const milestones = compareMilestones(before, after);
  // Entries are made each time a table is walked: walk each once.
  const readBefore = readingsOf(before, byEntries);
  const readAfter = readingsOf(after, byEntries);
  const kpiListBefore = readBefore.kpis;
  const kpiListAfter = readAfter.kpis;
  const kpisBefore = kpiFigures(kpiListBefore);
  const kpisAfter = kpiFigures(kpiListAfter);
  const signalsBefore = new Map(readBefore.signals.map((s) => [s.id, s.kind]));
  const signalsAfter = new Map(readAfter.signals.map((s) => [s.id, s.kind]));
  const sumBudget = (plan: Plan): number =>
    plan.initiatives.reduce(
      (sum, i) => Object.values(i.budget).reduce((s, line) => s + line.plan, sum),
      0,
    );
  let scenarioCost = 0;
  for (const change of changes)
    if (
      change.kind === 'add_capacity' &&
      change.cost !== undefined &&
      change.cost.initiative === undefined
    )
      scenarioCost += change.cost.amount;
  const stakeBefore = moneyAtStake(planBefore, kpisBefore);
  const stakeAfter = moneyAtStake(planAfter, kpisAfter);
  return {
    asOf: after.asOf,
    milestones,
    kpis: compareKpis(kpisBefore, kpisAfter),
    budget: compareBudgets(planBefore, planAfter),
    capacity: compareCapacity(before, after),
    roi: compareRoi(
      roiOf(planBefore, kpiListBefore, byEntries ? null : stateFigures(before)),
      roiOf(planAfter, kpiListAfter, byEntries ? null : stateFigures(after)),
    ),
    signals: {
      raised: [...signalsAfter]
        .filter(([id]) => !signalsBefore.has(id))
        .map(([id, kind]) => ({ id, kind })),
      resolved: [...signalsBefore]
        .filter(([id]) => !signalsAfter.has(id))
        .map(([id, kind]) => ({ id, kind })),
    },
    totals: {
      milestonesChanged: milestones.length,
      budgetPlan: { before: sumBudget(planBefore), after: sumBudget(planAfter) },
      scenarioCost,
      currency: planAfter.organisation.currency,
      moneyAtStake: {
        againstTarget: { before: stakeBefore.againstTarget, after: stakeAfter.againstTarget },
        againstPlan: { before: stakeBefore.againstPlan, after: stakeAfter.againstPlan },
      },
      moneyLaterByCapacity: {
        before: moneyLaterByCapacity(planBefore, readBefore.later),
        after: moneyLaterByCapacity(planAfter, readAfter.later),
      },
      signals: { before: signalsBefore.size, after: signalsAfter.size },
    },
  };
}

function union<T>(a: Iterable<T>, b: Iterable<T>): T[] {
  const seen = new Set(a);
  const out = [...seen];
  for (const x of b)
    if (!seen.has(x)) {
      seen.add(x);
      out.push(x);
    }
  return out;
}
