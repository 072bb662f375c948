/**
 * The state as read: lazy tables over the engine's figures, and the figures read without making
 * the readable entries (what comparing two states needs).
 */
import type { Plan } from '../domain/plan.ts';
import type {
  CapacityState,
  DerivedState,
  InitiativeStatus,
  KpiForecast,
  MilestoneForecast,
  ObjectiveStatus,
  Signal,
  WorkItemForecast,
} from '../domain/state.ts';
import { capacitySignalFigures } from './capacity-signals.ts';
import { LazyTable } from './derived-table.ts';
import { slipTest } from './engine-build.ts';
import { capacityModelOf, capacityStateOf, capacitySignalsOf } from './engine-capacity.ts';
import type { EngineData } from './engine-data.ts';
import type { Internal } from './engine-internal.ts';
import { signalList } from './engine-signals.ts';
import { readInitiative, readKpi, readMilestone, readObjective, readWorkItem } from './explain.ts';
import type { IdIndex, PlanModel } from './plan-model.ts';

export interface Tables {
  workItems: LazyTable<WorkItemForecast>;
  milestones: LazyTable<MilestoneForecast>;
  kpis: LazyTable<KpiForecast>;
  initiatives: LazyTable<InitiativeStatus>;
  objectives: LazyTable<ObjectiveStatus>;
}

function* canonicalEntries(
  entities: readonly { id: string }[],
  at: IdIndex,
): Iterable<[string, number]> {
  for (let position = 0; position < entities.length; position += 1) {
    const id = entities[position]!.id;
    if (at.get(id) === position) yield [id, position];
  }
}

export function createTables(holder: { internal: Internal }): Tables {
  const data = (): EngineData => holder.internal.data;
  const plan = (): PlanModel => data().plan;
  return {
    workItems: new LazyTable(
      (key) => data().work.slotOf.get(key),
      function* () {
        const work = data().work;
        for (let s = 0; s < work.count; s += 1) {
          const item = work.items[s];
          if (item !== null && item !== undefined) yield [item.key, s];
        }
      },
      () => data().work.slotOf.size,
      (slot) => readWorkItem(data(), slot),
    ),
    milestones: new LazyTable(
      (id) => plan().milestoneAt.get(id),
      () => canonicalEntries(plan().milestones, plan().milestoneAt),
      () => plan().milestoneAt.size,
      (m) => readMilestone(data(), m),
    ),
    kpis: new LazyTable(
      (id) => plan().kpiAt.get(id),
      () => canonicalEntries(plan().plan.kpis, plan().kpiAt),
      () => plan().kpiAt.size,
      (k) => readKpi(data(), k),
    ),
    initiatives: new LazyTable(
      (id) => plan().initiativeAt.get(id),
      () => canonicalEntries(plan().plan.initiatives, plan().initiativeAt),
      () => plan().initiativeAt.size,
      (i) => readInitiative(data(), i),
    ),
    objectives: new LazyTable(
      (id) => plan().objectiveAt.get(id),
      () => canonicalEntries(plan().plan.objectives, plan().objectiveAt),
      () => plan().objectiveAt.size,
      (o) => readObjective(data(), o),
    ),
  };
}

/** Each state's engine internals, for `stateFigures`; held weakly, so states still go. */
export const internalsOf = new WeakMap<DerivedState, { internal: Internal }>();

/** Every milestone's figures as numbers (day numbers, `dayOf`), in plan order, and the loads. */
export interface StateFigures {
  /** Milestone ids; null at a position that repeats an id (only the first counts). */
  readonly ids: readonly (string | null)[];
  readonly planned: ArrayLike<number>;
  readonly forecast: ArrayLike<number>;
  readonly slip: ArrayLike<number>;
  /** The levelled dates: the forecast itself (acyclic plans; levelling is part of it). */
  readonly levelled: ArrayLike<number>;
  /** Units' weekly loads and the over-allocations, without the levelled milestones' entries. */
  readonly capacity: Pick<CapacityState, 'units' | 'overAllocations'>;
  /** The plan the figures are of. */
  readonly plan: Plan;
  /** The position of a milestone id (the one `ids` holds it at), or undefined. */
  readonly positionOf: (id: string) => number | undefined;
}

/** Milestone ids per plan model, null where an id repeats: made once per plan. */
export const idsOf = new WeakMap<PlanModel, readonly (string | null)[]>();

/**
 * The milestones' planned, forecast and levelled days and slips, and the units' loads, of a
 * state this engine made, without making any readable entry: what comparing two states
 * (scenarios) needs. Null for a state the engine did not make.
 */
export function stateFigures(state: DerivedState): StateFigures | null {
  const holder = internalsOf.get(state);
  if (holder === undefined) return null;
  const internal = holder.internal;
  const { plan, milestones } = internal.data;
  let ids = idsOf.get(plan);
  if (ids === undefined) {
    ids = plan.milestones.map((m, k) => (plan.canonicalMilestone[k] === 1 ? m.id : null));
    idsOf.set(plan, ids);
  }
  const at = plan.milestoneAt;
  return {
    ids,
    plan: plan.plan,
    positionOf: (id) => at.get(id),
    planned: plan.plannedDay,
    forecast: milestones.forecast,
    slip: milestones.slip,
    levelled: internal.capacity.active ? capacityModelOf(internal).levelled : milestones.forecast,
    capacity: internal.capacity.active
      ? capacityModelOf(internal).runs
      : { units: [], overAllocations: [] },
  };
}

/** A signal named by its id and kind, as a comparison of states needs it. */
export interface SignalRef {
  id: string;
  kind: Signal['kind'];
}

/** The signals of a state as `stateSignals` gives them: what comparing two states reads. */
export interface StateSignals {
  /** Every signal's id and kind, in the order of `state.signals`. */
  readonly refs: readonly SignalRef[];
  /**
   * The benefit value each capacity signal's chain says lands later, per KPI: its KPI steps'
   * `later` figures, signal by signal and step by step in chain order.
   */
  readonly later: readonly { kpi: string; later: number }[];
}

/**
 * The signals of a state this engine made, by id and kind in the order `state.signals` lists
 * them, and what the capacity signals' chains count per KPI, without making the signals: which
 * milestones, KPI periods and over-allocations signal is settled by the figures
 * (`milestoneSignal`, `kpiSignals`, `capacitySignals`). Null for a state the engine did not make.
 */
export function stateSignals(state: DerivedState): StateSignals | null {
  const holder = internalsOf.get(state);
  if (holder === undefined) return null;
  const internal = holder.internal;
  const { data, signals } = internal;
  const capacity = internal.capacity;
  // Made already, or an engine that follows events (its signatures decide): read them.
  if ((signals.list !== null && !signals.stale) || signals.milestoneSignature !== null) {
    const list = signalList(internal);
    return {
      refs: list.map((signal) => ({ id: signal.id, kind: signal.kind })),
      later: laterOf(capacitySignalsOf(internal)),
    };
  }
  if (capacity.active && capacity.signals !== null) {
    // The capacity signals are made: read them, as the list would.
    const made = capacity.signals.map((keyed) => keyed.signal);
    return { refs: slippedAndMissing(internal, made), later: laterOf(made) };
  }
  const figures = capacity.active ? capacitySignalFigures(data, capacityModelOf(internal)) : [];
  const refs = slippedAndMissing(
    internal,
    figures.map((over) => ({ id: over.id, kind: 'capacity.over_allocated' as const })),
  );
  return { refs, later: figures.flatMap((over) => over.later) };
}

/** The KPI steps' `later` figures of capacity signals' chains, in order. */
function laterOf(signals: readonly Signal[]): { kpi: string; later: number }[] {
  const out: { kpi: string; later: number }[] = [];
  for (const signal of signals) {
    if (signal.kind !== 'capacity.over_allocated') continue;
    for (const step of signal.chain) {
      const later = step.figures['later'];
      if (step.kind === 'kpi' && typeof later === 'number') out.push({ kpi: step.id, later });
    }
  }
  return out;
}

/** The milestone and KPI signals' ids and kinds in list order, then the capacity ones given. */
function slippedAndMissing(internal: Internal, capacity: readonly SignalRef[]): SignalRef[] {
  const { data } = internal;
  const refs: SignalRef[] = [];
  const { plan } = data;
  const slip = slipTest(data, internal.options);
  const forecast = data.milestones.forecast;
  for (let m = 0; m < plan.milestones.length; m += 1) {
    if (plan.canonicalMilestone[m] !== 1) continue;
    const compared = slip === null ? forecast[m]! : slip.dayOf(m);
    if (compared > plan.plannedDay[m]!)
      refs.push({ id: `milestone.slipped:${plan.milestones[m]!.id}`, kind: 'milestone.slipped' });
  }
  data.kpis.forEach((core, k) => {
    if (plan.kpiAt.get(core.kpi.id) !== k) return;
    for (const period of core.periods) {
      if (period.target === null || period.gap === null || period.end < data.asOf) continue;
      if (period.gap >= 0) continue;
      refs.push({
        id: `kpi.misses_target:${core.kpi.id}:${period.period}`,
        kind: 'kpi.misses_target',
      });
    }
  });
  for (const ref of capacity) refs.push({ id: ref.id, kind: ref.kind });
  return refs;
}

/**
 * Each KPI's id and forecast periods, in the order of `state.kpis`, without making the readable
 * entries (their explanations): the periods are the very objects the entries hold. Null for a
 * state the engine did not make.
 */
export function stateKpis(
  state: DerivedState,
): { id: string; periods: KpiForecast['periods'] }[] | null {
  const holder = internalsOf.get(state);
  if (holder === undefined) return null;
  const { plan, kpis } = holder.internal.data;
  const out: { id: string; periods: KpiForecast['periods'] }[] = [];
  for (const [id, k] of canonicalEntries(plan.plan.kpis, plan.kpiAt))
    out.push({ id, periods: kpis[k]!.periods });
  return out;
}

export function stateOf(holder: { internal: Internal }, tables: Tables): DerivedState {
  const state = stateFields(holder, tables);
  internalsOf.set(state, holder);
  return state;
}

function stateFields(holder: { internal: Internal }, tables: Tables): DerivedState {
  return {
    asOf: holder.internal.data.asOf,
    workItems: tables.workItems,
    milestones: tables.milestones,
    kpis: tables.kpis,
    initiatives: tables.initiatives,
    objectives: tables.objectives,
    get capacity(): CapacityState {
      return capacityStateOf(holder.internal);
    },
    get signals(): readonly Signal[] {
      return signalList(holder.internal);
    },
  };
}
