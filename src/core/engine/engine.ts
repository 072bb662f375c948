import type { IsoDate, Plan } from '../domain/plan.ts';
import type {
  CapacityState,
  DerivedState,
  InitiativeStatus,
  ProbabilisticForecast,
  KpiForecast,
  MilestoneForecast,
  ObjectiveStatus,
  Signal,
  WorkItemForecast,
} from '../domain/state.ts';
import type { WorkItem, WorkItemChange } from '../domain/work-item.ts';
import {
  type ChainContext,
  type LinkCache,
  type RootMemo,
  type SignatureCache,
  createLinkCache,
  createSignatureCache,
} from './cause-chain.ts';
import { accrualDays } from './benefit-accrual.ts';
import {
  capacityState,
  deriveCapacityModel,
  levelledRunsOf,
  readsForecastOf,
  sameCapacity,
  type CapacityModel,
  type LevelledRuns,
} from './capacity-model.ts';
import { capacitySignalFigures, capacitySignals, type KeyedSignal } from './capacity-signals.ts';
import { NO_DAY, dayOf } from './day-numbers.ts';
import { LazyTable } from './derived-table.ts';
import { type EngineData, deliveryCode, valueCode } from './engine-data.ts';
import {
  deliveryStatus,
  readInitiative,
  readKpi,
  readMilestone,
  readObjective,
  readWorkItem,
  valueStatus,
} from './explain.ts';
import {
  type KpiCore,
  createPeriodReader,
  forecastKpi,
  reforecastKpi,
  sameKpi,
  sameStatus,
} from './kpi-model.ts';
import {
  type MilestoneModel,
  createMilestoneModel,
  forecastAllMilestones,
  reforecastMilestones,
} from './milestone-model.ts';
import { type IdIndex, type PlanModel, modelPlan } from './plan-model.ts';
import {
  type ProbabilisticInput,
  forecastAllProbabilistic,
  reforecastProbabilistic,
} from './probabilistic-forecast.ts';
import {
  type SlipTest,
  kpiSignals,
  kpiSignatures,
  milestoneSignal,
  milestoneSignature,
  sameSignature,
} from './raise-signals.ts';
import {
  type ObjectiveCore,
  type ObjectiveInputs,
  computeInitiative,
  computeObjective,
  createInitiativeModel,
  objectiveGraph,
} from './status-model.ts';
import {
  buildWorkModel,
  closesCycle,
  currentItems,
  deleteWorkItem,
  milestonesOfItem,
  blocksOf,
  reforecastWork,
  upsertWorkItem,
} from './work-model.ts';

/** How milestone dates are forecast beyond the deterministic rule. */
export interface ForecastingOptions {
  /**
   * What a slip signal compares with the plan: the deterministic forecast (the default), or the
   * P85 of the Monte Carlo forecast where the history allows one.
   */
  slipBasis?: 'deterministic' | 'p85';
  /** The teams' history and the seed: with them, every milestone gets P50/P85/P95 dates. */
  probabilistic?: ProbabilisticInput;
}

export interface EngineInput {
  plan: Plan;
  workItems: readonly WorkItem[];
  /** The latest change the source reported per work item key; may be empty. */
  changes: Readonly<Record<string, WorkItemChange>>;
  /** "Now": the day the state is derived for. */
  asOf: IsoDate;
  forecasting?: ForecastingOptions;
}

/** One thing a source reported about one work item (a `WorkItemEvent` is one). */
export type EngineEvent =
  | { op: 'upsert'; item: WorkItem; change: WorkItemChange | null }
  | { op: 'delete'; key: string; change: WorkItemChange | null };

/** What one event changed in the derived state, by id. */
export interface StateChanges {
  workItems: string[];
  milestones: string[];
  kpis: string[];
  initiatives: string[];
  objectives: string[];
  signals: { raised: string[]; changed: string[]; resolved: string[] };
  /** True when the resource bottleneck (loads, over-allocations, levelled dates) changed. */
  capacity: boolean;
  /** True when the event needed a full recompute (work items blocking each other in a cycle). */
  full: boolean;
}

/** A derived state that follows work-item events, recomputing only what each event reaches. */
export interface Engine {
  /** The current state; it follows every event (read what you need to keep). */
  readonly state: DerivedState;
  /** Takes one event and says what it changed. */
  apply(event: EngineEvent): StateChanges;
  /** The input a full recompute of the current state would take. */
  input(): EngineInput;
}

// ---------------------------------------------------------------------------------------------
// Building

function objectiveInputs(data: EngineData): ObjectiveInputs {
  return {
    kpiStatus: (k) => data.kpis[k]!.status,
    deliveryCode: (i) => deliveryCode(data, i),
    valueCode: (i) => valueCode(data, i),
    delivery: (i) => deliveryStatus(data, i),
    value: (i) => valueStatus(data, i),
  };
}

function deriveObjectives(data: EngineData): void {
  const { plan, objectiveGraph: graph, objectives } = data;
  const derived = new Uint8Array(plan.plan.objectives.length);
  const inputs = objectiveInputs(data);
  for (const o of graph.order) {
    objectives[o] = computeObjective(plan, graph, o, inputs, (child) =>
      derived[child] === 1 ? objectives[child]!.status : undefined,
    );
    derived[o] = 1;
  }
}

function chainContext(data: EngineData): ChainContext {
  return {
    plan: data.plan,
    work: data.work,
    milestones: data.milestones,
    changes: data.changes,
    asOf: data.asOf,
    objectiveStatus: (o) => data.objectives[o]?.status,
  };
}

function slipTest(data: EngineData, options: ForecastingOptions | undefined): SlipTest | null {
  if (options?.slipBasis !== 'p85' || data.probabilistic === null) return null;
  const chance = data.probabilistic.forecasts;
  return {
    dayOf(m) {
      const forecast = chance[m];
      return forecast === undefined || 'insufficient' in forecast
        ? data.milestones.forecast[m]!
        : dayOf(forecast.p85);
    },
    wordsOf(m) {
      const forecast = chance[m];
      return forecast === undefined || 'insufficient' in forecast ? 'forecast' : 'P85 forecast';
    },
  };
}

/**
 * The signals as they stand, kept per milestone and per KPI so that one can change alone. Signal
 * objects are made when read; an engine that follows events keeps each signal's signature, so
 * that it can tell exactly which signals an event raised, changed or resolved without making them.
 */
interface SignalStore {
  milestone: (Signal | undefined)[];
  kpi: Signal[][];
  /** 1 where the object must be made (again) before it is read. */
  readonly milestoneStale: Uint8Array;
  readonly kpiStale: Uint8Array;
  stale: boolean;
  /** Signatures (engines that follow events only): undefined where a milestone raises none. */
  readonly milestoneSignature: (number[] | undefined)[] | null;
  readonly kpiSignature: Map<string, number[]>[] | null;
  readonly signatureCache: SignatureCache;
  list: Signal[] | null;
}

/**
 * The resource bottleneck and its signals, derived when first read. An engine that follows
 * events derives it again after an event that can move it (reusing the levelling while the
 * demands' runs hold), and keeps each signal's text to tell which ones the event raised,
 * changed or resolved.
 */
interface CapacityHolder {
  /** False when the plan has neither capacity nor demands: then there is nothing to derive. */
  readonly active: boolean;
  /**
   * The demands' runs levelled, made before the milestones' forecasts (their floors come from
   * it); null when not active.
   */
  runs: LevelledRuns | null;
  /** The bottleneck as numbers, its readable form and its signals, each made when first asked. */
  model: CapacityModel | null;
  state: CapacityState | null;
  signals: KeyedSignal[] | null;
  /** Engines that follow events: each capacity signal as text, by id. */
  signatures: Map<string, string> | null;
  /** The work item keys demands follow: an event about one of them may move the bottleneck. */
  readonly followed: ReadonlySet<string>;
}

interface Internal {
  data: EngineData;
  options: ForecastingOptions | undefined;
  links: LinkCache;
  signals: SignalStore;
  capacity: CapacityHolder;
}

function capacityModelOf(internal: Internal): CapacityModel {
  const holder = internal.capacity;
  holder.model ??= deriveCapacityModel(internal.data, holder.runs!);
  return holder.model;
}

function capacityStateOf(internal: Internal): CapacityState {
  const holder = internal.capacity;
  holder.state ??= holder.active
    ? capacityState(internal.data, capacityModelOf(internal))
    : {
        measure: internal.data.plan.plan.organisation.capacityMeasure ?? 'FTE',
        units: [],
        demands: [],
        idle: [],
        overAllocations: [],
        milestones: [],
      };
  return holder.state;
}

function keyedCapacitySignals(internal: Internal): KeyedSignal[] {
  const holder = internal.capacity;
  holder.signals ??= holder.active ? capacitySignals(internal.data, capacityModelOf(internal)) : [];
  return holder.signals;
}

function capacitySignalsOf(internal: Internal): Signal[] {
  return keyedCapacitySignals(internal).map((keyed) => keyed.signal);
}

/** Takes the capacity signals' text now, for an engine that follows events. */
function signCapacity(internal: Internal): void {
  const holder = internal.capacity;
  if (!holder.active) return;
  // The key of a signal says all it says: it serves as its text.
  holder.signatures = new Map(keyedCapacitySignals(internal).map((keyed) => [keyed.id, keyed.key]));
}

/**
 * Whether an event touched an item a demand follows: only then can the demands' runs, and so
 * the milestones' floors, change.
 */
function followsEvent(
  holder: CapacityHolder,
  work: EngineData['work'],
  eventKey: string,
  items: ReadonlySet<number>,
): boolean {
  if (!holder.active || holder.followed.size === 0) return false;
  if (holder.followed.has(eventKey)) return true;
  for (const slot of items) {
    const key = work.items[slot]?.key;
    if (key !== undefined && holder.followed.has(key)) return true;
  }
  return false;
}

/**
 * Levels the demands' runs again after an event about an item a demand follows, and writes the
 * floors that changed into the milestone model: the milestones whose floor moved, to forecast
 * again.
 */
function relevelRuns(internal: Internal): number[] {
  const holder = internal.capacity;
  const before = holder.runs!;
  const after = levelledRunsOf(internal.data, before);
  if (after === before) return [];
  holder.runs = after;
  const { floor } = internal.data.milestones;
  const seeds: number[] = [];
  for (const m of before.floor.keys())
    if (!after.floor.has(m)) {
      floor[m] = NO_DAY;
      seeds.push(m);
    }
  for (const [m, held] of after.floor)
    if (floor[m] !== held.day) {
      floor[m] = held.day;
      seeds.push(m);
    }
  return seeds;
}

/**
 * Derives the capacity again after an event that may move it, and says what changed: an event
 * that levelled the runs anew, or one that moved the unconstrained date of a milestone the
 * levelled causes read. Any other event leaves the bottleneck as it is.
 */
function updateCapacity(
  internal: Internal,
  changes: StateChanges,
  freeMoved: ReadonlySet<number>,
): void {
  const holder = internal.capacity;
  if (!holder.active) return;
  const before = capacityModelOf(internal);
  let touched = holder.runs !== before.runs;
  if (!touched && before.moved.length + before.runs.floor.size > 0)
    for (const m of freeMoved)
      if (readsForecastOf(internal.data, before, m)) {
        touched = true;
        break;
      }
  if (!touched) return;
  const signatures = holder.signatures ?? new Map<string, string>();
  const previous = new Map(keyedCapacitySignals(internal).map((keyed) => [keyed.id, keyed]));
  holder.model = deriveCapacityModel(internal.data, holder.runs!, {
    model: before,
    forecastsMoved: freeMoved,
  });
  if (holder.model === before) return;
  holder.state = null;
  holder.signals = capacitySignals(internal.data, holder.model, previous, before);
  signCapacity(internal);
  diffCapacity(signatures, before, holder, changes);
  internal.signals.list = null;
}

function diffCapacity(
  before: ReadonlyMap<string, string>,
  model: CapacityModel | null,
  after: CapacityHolder,
  changes: StateChanges,
): void {
  for (const [id, text] of after.signatures ?? []) {
    const was = before.get(id);
    if (was === undefined) changes.signals.raised.push(id);
    else if (was !== text) changes.signals.changed.push(id);
  }
  for (const id of before.keys())
    if (after.signatures?.has(id) !== true) changes.signals.resolved.push(id);
  const now = after.model;
  if (model !== null && now !== null && !sameCapacity(model, now)) changes.capacity = true;
}

function build(input: EngineInput, incremental: boolean, base?: Internal): Internal {
  const asOfDay = dayOf(input.asOf);
  const plan = modelPlan(input.plan);
  const work = buildWorkModel(
    plan,
    input.workItems,
    asOfDay,
    incremental,
    base === undefined ? undefined : { plan: base.data.plan, work: base.data.work },
  );
  const milestones = createMilestoneModel(plan.milestones.length);
  const kpis: KpiCore[] = [];
  const initiatives = createInitiativeModel(plan.plan.initiatives.length);
  const data: EngineData = {
    asOf: input.asOf,
    asOfDay,
    plan,
    work,
    changes: new Map(Object.entries(input.changes)),
    milestones,
    kpis,
    initiatives,
    objectiveGraph: objectiveGraph(plan),
    objectives: new Array<ObjectiveCore>(plan.plan.objectives.length),
    probabilistic: null,
  };
  // Where a unit declares capacity, the levelled date is the forecast: the demands' runs are
  // levelled first (they read only the work), and their floors hold the milestones.
  const capacityActive =
    input.plan.demands.length > 0 || input.plan.units.some((unit) => unit.capacity !== undefined);
  const runs = capacityActive ? levelledRunsOf(data, undefined, base?.capacity.runs) : null;
  if (runs !== null) for (const [m, held] of runs.floor) milestones.floor[m] = held.day;
  forecastAllMilestones(plan, work, milestones);
  const periodOf = createPeriodReader();
  for (let k = 0; k < plan.plan.kpis.length; k += 1)
    kpis.push(forecastKpi(plan, k, milestones.forecast, asOfDay, input.asOf, periodOf));
  const kpiCode = (k: number): number => codeOfKpi(kpis[k]!);
  for (let i = 0; i < plan.plan.initiatives.length; i += 1) {
    computeInitiative(plan, initiatives, i, milestones.status, kpiCode);
  }
  deriveObjectives(data);
  const probabilistic = input.forecasting?.probabilistic;
  if (probabilistic !== undefined) {
    data.probabilistic = forecastAllProbabilistic(data, probabilistic);
  }

  const count = plan.milestones.length;
  const internal: Internal = {
    data,
    options: input.forecasting,
    links: createLinkCache(),
    signals: {
      milestone: new Array<Signal | undefined>(count),
      kpi: plan.plan.kpis.map(() => []),
      milestoneStale: new Uint8Array(count).fill(1),
      kpiStale: new Uint8Array(plan.plan.kpis.length).fill(1),
      stale: true,
      milestoneSignature: incremental ? new Array<number[] | undefined>(count) : null,
      kpiSignature: incremental ? plan.plan.kpis.map(() => new Map()) : null,
      signatureCache: createSignatureCache(),
      list: null,
    },
    capacity: {
      active: capacityActive,
      runs,
      model: null,
      state: null,
      signals: null,
      signatures: null,
      followed: new Set(
        input.plan.demands.flatMap((demand) =>
          demand.workItem === undefined ? [] : [demand.workItem],
        ),
      ),
    },
  };
  // Which milestones and KPI periods signal is settled by the figures above. An engine that
  // follows events takes each signal's signature now, to tell later what an event changed.
  if (incremental) {
    signAll(internal);
    signCapacity(internal);
  }
  return internal;
}

function signAll(internal: Internal): void {
  const { data, signals } = internal;
  const context = chainContext(data);
  const memo: RootMemo = new Map();
  const slip = slipTest(data, internal.options);
  const { plan } = data;
  for (let m = 0; m < plan.milestones.length; m += 1) {
    if (plan.canonicalMilestone[m] !== 1) continue;
    signals.milestoneSignature![m] = milestoneSignature(
      context,
      signals.signatureCache,
      m,
      memo,
      slip,
    );
  }
  data.kpis.forEach((core, k) => {
    if (plan.kpiAt.get(core.kpi.id) !== k) return;
    signals.kpiSignature![k] = kpiSignatures(context, signals.signatureCache, core, memo);
  });
}

/** The signal objects, made for whatever changed since they were last read. */
function signalList(internal: Internal): Signal[] {
  const { data, links, signals } = internal;
  if (signals.stale) {
    const context = chainContext(data);
    const memo: RootMemo = new Map();
    const slip = slipTest(data, internal.options);
    const { plan } = data;
    for (let m = 0; m < plan.milestones.length; m += 1) {
      if (signals.milestoneStale[m] === 0) continue;
      signals.milestoneStale[m] = 0;
      const signs =
        signals.milestoneSignature === null || signals.milestoneSignature[m] !== undefined;
      signals.milestone[m] =
        plan.canonicalMilestone[m] === 1 && signs
          ? milestoneSignal(context, links, m, memo, slip)
          : undefined;
    }
    data.kpis.forEach((core, k) => {
      if (signals.kpiStale[k] === 0) return;
      signals.kpiStale[k] = 0;
      signals.kpi[k] =
        plan.kpiAt.get(core.kpi.id) === k ? kpiSignals(context, links, core, memo) : [];
    });
    signals.stale = false;
    signals.list = null;
  }
  if (signals.list === null) {
    const list: Signal[] = [];
    for (const signal of signals.milestone) if (signal !== undefined) list.push(signal);
    for (const kpi of signals.kpi) for (const signal of kpi) list.push(signal);
    for (const signal of capacitySignalsOf(internal)) list.push(signal);
    signals.list = list;
  }
  return signals.list;
}

function codeOfKpi(core: KpiCore): number {
  const status = core.status.status;
  return status === 'on_track' ? 0 : status === 'at_risk' ? 1 : 2;
}

// ---------------------------------------------------------------------------------------------
// The state as read

interface Tables {
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

function createTables(holder: { internal: Internal }): Tables {
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
const internalsOf = new WeakMap<DerivedState, { internal: Internal }>();

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
const idsOf = new WeakMap<PlanModel, readonly (string | null)[]>();

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

function stateOf(holder: { internal: Internal }, tables: Tables): DerivedState {
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

/**
 * Derives the whole state from the plan and the work as of a day: work item and milestone
 * forecasts, KPI forecasts, initiative and objective statuses, and signals with cause chains.
 */
export function deriveState(input: EngineInput): DerivedState {
  const holder = { internal: build(input, false) };
  return stateOf(holder, createTables(holder));
}

/**
 * As `deriveState(input)`, for a plan derived from the one of `base` (a scenario's): over the very
 * same work items and as-of day, what reads only the work items (their forecasts) is taken from
 * `base` rather than computed again (not from a base that follows events: it writes them); and
 * the demands are levelled again only on the units whose capacity or work differ from `base`'s
 * (with the units their work waits on). Anything else is derived in full.
 */
export function deriveStateFrom(input: EngineInput, base: DerivedState): DerivedState {
  const from = internalsOf.get(base)?.internal;
  const holder = { internal: build(input, false, from) };
  return stateOf(holder, createTables(holder));
}

/**
 * The Monte Carlo forecast of the given milestones (P50/P85/P95 beside the deterministic date),
 * computing only them and the milestones they depend on; unknown ids are left out.
 */
export function forecastProbabilistic(
  input: EngineInput,
  probabilistic: ProbabilisticInput,
  milestoneIds: readonly string[],
): Record<string, ProbabilisticForecast> {
  const { data } = build({ ...input, forecasting: {} }, false);
  const positions = milestoneIds.flatMap((id) => {
    const m = data.plan.milestoneAt.get(id);
    return m === undefined ? [] : [m];
  });
  const state = forecastAllProbabilistic(data, probabilistic, positions);
  const result: Record<string, ProbabilisticForecast> = {};
  for (const m of positions) {
    const forecast = state.forecasts[m];
    if (forecast !== undefined) result[data.plan.milestones[m]!.id] = forecast;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Events

/**
 * Creates an engine over the input, derived in full once; each event then recomputes only what
 * it reaches: the work item, the items it blocks, their milestones and everything downstream of
 * them through dependencies, the KPIs their benefits feed, the initiatives and objectives those
 * touch, and the signals whose chains run through any of it. The state after every event equals
 * a full recompute of the same input (property-tested).
 */
export function createEngine(input: EngineInput): Engine {
  const holder = { internal: build(input, true) };
  const tables = createTables(holder);
  const state = stateOf(holder, tables);
  return {
    state,
    apply: (event) => applyEvent(holder, tables, event),
    input: () => {
      const { data, options } = holder.internal;
      return {
        plan: data.plan.plan,
        workItems: currentItems(data.work),
        changes: Object.fromEntries(data.changes),
        asOf: data.asOf,
        ...(options === undefined ? {} : { forecasting: options }),
      };
    },
  };
}

function applyEvent(
  holder: { internal: Internal },
  tables: Tables,
  event: EngineEvent,
): StateChanges {
  const internal = holder.internal;
  const { data } = internal;
  const { plan, work } = data;
  const key = event.op === 'upsert' ? event.item.key : event.key;
  if (event.op === 'delete') data.changes.delete(key);
  else if (event.change !== null) data.changes.set(key, event.change);
  const touch =
    event.op === 'upsert'
      ? upsertWorkItem(work, plan, event.item)
      : deleteWorkItem(work, plan, key);

  let cyclic = plan.cyclic || work.cyclic;
  for (const slot of touch.structural) {
    if (!cyclic && closesCycle(work, slot)) cyclic = true;
  }
  if (cyclic) return rebuild(holder, tables, key);

  const changes: StateChanges = {
    workItems: [],
    milestones: [],
    kpis: [],
    initiatives: [],
    objectives: [],
    signals: { raised: [], changed: [], resolved: [] },
    capacity: false,
    full: false,
  };

  // Work items, the demands' runs they may move, then the milestones they deliver and
  // everything downstream.
  const items = reforecastWork(work, touch.items);
  const seeds = new Set(touch.relinked);
  if (followsEvent(internal.capacity, work, key, items))
    for (const m of relevelRuns(internal)) seeds.add(m);
  for (const slot of items) {
    const linked = milestonesOfItem(work, slot);
    for (let k = 0; k < linked.length; k += 1) seeds.add(linked[k]!);
  }
  const milestones = reforecastMilestones(plan, work, data.milestones, seeds);

  // KPIs fed by a milestone whose date moved: recomputed when a benefit now counts other days
  // of one of its periods; only read anew (their explanation names the date) when none does.
  const kpisRecomputed = new Set<number>();
  const kpisTouched = new Set<number>();
  const kpisChanged = new Set<number>();
  const kpiStatusChanged = new Set<number>();
  for (const [m, previous] of milestones.moved) {
    const rows = plan.benefitsOfMilestone;
    const now = data.milestones.forecast[m]!;
    for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) {
      const k = plan.kpiAt.get(plan.plan.benefits[rows.list[at]!]!.kpi);
      if (k === undefined) continue;
      kpisTouched.add(k);
      if (!kpisRecomputed.has(k) && accrualMoves(data.kpis[k]!, previous, now, data.asOfDay)) {
        kpisRecomputed.add(k);
      }
    }
  }
  for (const k of kpisRecomputed) {
    const before = data.kpis[k]!;
    const after = reforecastKpi(
      plan,
      k,
      before,
      milestones.moved.keys(),
      data.milestones.forecast,
      data.asOfDay,
      data.asOf,
    );
    data.kpis[k] = after;
    if (!sameKpi(before, after)) kpisChanged.add(k);
    if (!sameStatus(before.status, after.status)) kpiStatusChanged.add(k);
  }

  // Initiatives whose milestones or fed KPIs were recomputed.
  const initiativesRecomputed = new Set<number>();
  for (const m of milestones.recomputed) {
    const i = plan.initiativeOfMilestone[m]!;
    if (i >= 0) initiativesRecomputed.add(i);
  }
  for (const k of kpisRecomputed) {
    const rows = plan.initiativesOfKpi;
    for (let at = rows.start[k]!; at < rows.start[k + 1]!; at += 1) {
      initiativesRecomputed.add(rows.list[at]!);
    }
  }
  const initiativesChanged = new Set<number>();
  const model = data.initiatives;
  const kpiCode = (k: number): number => codeOfKpi(data.kpis[k]!);
  for (const i of initiativesRecomputed) {
    const worstBefore = model.worstMilestone[i]!;
    const kpiBefore = model.worstKpi[i]!;
    const deliveryBefore = deliveryCode(data, i);
    const valueBefore = valueCode(data, i);
    computeInitiative(plan, model, i, data.milestones.status, kpiCode);
    const worst = model.worstMilestone[i]!;
    const worstKpi = model.worstKpi[i]!;
    if (
      worst !== worstBefore ||
      worstKpi !== kpiBefore ||
      deliveryCode(data, i) !== deliveryBefore ||
      valueCode(data, i) !== valueBefore ||
      (worst >= 0 && milestones.changed.has(worst)) ||
      (worstKpi >= 0 && kpiStatusChanged.has(worstKpi))
    ) {
      initiativesChanged.add(i);
    }
  }

  // Objectives measured by a KPI or served by an initiative whose status moved, and their parents.
  const graph = data.objectiveGraph;
  const dirty = new Set<number>();
  const mark = (rows: { start: Int32Array; list: Int32Array }, at: number): void => {
    for (let r = rows.start[at]!; r < rows.start[at + 1]!; r += 1) dirty.add(rows.list[r]!);
  };
  for (const k of kpiStatusChanged) mark(plan.objectivesOfKpi, k);
  for (const i of initiativesChanged) mark(plan.objectivesOfInitiative, i);
  const objectivesRecomputed = new Set<number>();
  const objectivesChanged = new Set<number>();
  if (dirty.size > 0) {
    const inputs = objectiveInputs(data);
    for (const o of graph.order) {
      if (!graph.cyclic && !dirty.has(o)) continue;
      const before = data.objectives[o]!;
      const after = computeObjective(plan, graph, o, inputs, (child) =>
        graph.cyclic && !objectivesRecomputed.has(child)
          ? undefined
          : data.objectives[child]!.status,
      );
      data.objectives[o] = after;
      objectivesRecomputed.add(o);
      if (
        !sameStatus(before.status, after.status) ||
        before.cycleChildren.join() !== after.cycleChildren.join()
      ) {
        objectivesChanged.add(o);
        const parent = plan.parentObjective[o]!;
        if (parent >= 0) dirty.add(parent);
      }
    }
  }

  // Probabilistic forecasts of the milestones whose work or inputs moved, and downstream.
  const chanceChanged =
    data.probabilistic === null || internal.options?.probabilistic === undefined
      ? new Set<number>()
      : reforecastProbabilistic(
          data,
          data.probabilistic,
          internal.options.probabilistic,
          milestones.recomputed,
        );

  // Cause chains: forget the links of what changed, find every signal whose chain they reach.
  const { links } = internal;
  for (const slot of items) {
    links.items.delete(slot);
    internal.signals.signatureCache.itemContent.delete(slot);
  }
  for (const m of milestones.changed) links.milestones.delete(m);
  for (const o of objectivesChanged) links.objectives.delete(o);
  const chainDirty = chainDirtyMilestones(data, items, milestones.changed);
  for (const m of chanceChanged) chainDirty.add(m);
  for (const o of objectivesChanged) {
    const rows = graph.initiatives;
    for (let at = rows.start[o]!; at < rows.start[o + 1]!; at += 1) {
      const i = rows.list[at]!;
      const ms = plan.milestonesOfInitiative;
      for (let r = ms.start[i]!; r < ms.start[i + 1]!; r += 1) {
        const m = ms.list[r]!;
        if (internal.signals.milestoneSignature![m] !== undefined) chainDirty.add(m);
      }
    }
  }
  updateSignals(internal, chainDirty, milestones.moved, kpisRecomputed, objectivesChanged, changes);
  const freeMoved = new Set(milestones.unconstrainedMoved);
  for (const m of milestones.moved.keys()) freeMoved.add(m);
  updateCapacity(internal, changes, freeMoved);

  // What readers see next is made anew for everything recomputed.
  for (const slot of items) tables.workItems.forget(slot);
  for (const m of milestones.recomputed) tables.milestones.forget(m);
  for (const m of chanceChanged) tables.milestones.forget(m);
  for (const k of kpisTouched) tables.kpis.forget(k);
  for (const i of initiativesRecomputed) tables.initiatives.forget(i);
  for (const o of objectivesRecomputed) tables.objectives.forget(o);

  for (const slot of items) {
    const item = work.items[slot];
    changes.workItems.push(item === null || item === undefined ? key : item.key);
  }
  for (const m of milestones.changed) {
    if (plan.canonicalMilestone[m] === 1) changes.milestones.push(plan.milestones[m]!.id);
  }
  for (const m of chanceChanged) {
    const id = plan.milestones[m]!.id;
    if (plan.canonicalMilestone[m] === 1 && !changes.milestones.includes(id))
      changes.milestones.push(id);
  }
  for (const k of kpisChanged) changes.kpis.push(plan.plan.kpis[k]!.id);
  for (const i of initiativesChanged) changes.initiatives.push(plan.plan.initiatives[i]!.id);
  for (const o of objectivesChanged) changes.objectives.push(plan.plan.objectives[o]!.id);
  return changes;
}

/** True when a benefit landing on `now` instead of `before` counts other days of some period. */
function accrualMoves(core: KpiCore, before: number, now: number, asOfDay: number): boolean {
  for (const period of core.periods) {
    const start = dayOf(period.start);
    const end = dayOf(period.end);
    const floor = period.actual === null ? -Infinity : asOfDay;
    if (accrualDays(start, end, before, floor) !== accrualDays(start, end, now, floor)) return true;
  }
  return false;
}

/**
 * The milestones whose cause chain may read differently: those that changed, those whose chain
 * starts at a work item whose own chain (through its blockers) changed, and every milestone
 * downstream of them along the dependencies that drive each date.
 */
function chainDirtyMilestones(
  data: EngineData,
  items: ReadonlySet<number>,
  changed: ReadonlySet<number>,
): Set<number> {
  const { plan, work, milestones } = data;
  // Items whose "pushed by" path runs through a changed item.
  const onPath = new Set(items);
  const queue = [...items];
  for (let head = 0; head < queue.length; head += 1) {
    const slot = queue[head]!;
    if (work.items[slot] === null) continue;
    const blocks = blocksOf(work, slot);
    for (let k = 0; k < blocks.length; k += 1) {
      const other = blocks[k]!;
      if (work.pushedBy[other] === slot && !onPath.has(other)) {
        onPath.add(other);
        queue.push(other);
      }
    }
  }
  const dirty = new Set(changed);
  for (const slot of onPath) {
    const linked = milestonesOfItem(work, slot);
    for (let k = 0; k < linked.length; k += 1) {
      const m = linked[k]!;
      if (milestones.driverDep[m]! < 0 && milestones.basisSlot[m] === slot) dirty.add(m);
    }
  }
  const walk = [...dirty];
  for (let head = 0; head < walk.length; head += 1) {
    const m = walk[head]!;
    const rows = plan.outgoing;
    for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) {
      const successor = plan.depTo[rows.list[at]!]!;
      const driver = milestones.driverDep[successor]!;
      if (driver >= 0 && plan.depFrom[driver] === m && !dirty.has(successor)) {
        dirty.add(successor);
        walk.push(successor);
      }
    }
  }
  return dirty;
}

function updateSignals(
  internal: Internal,
  milestonesDirty: ReadonlySet<number>,
  moved: ReadonlyMap<number, number>,
  kpisRecomputed: ReadonlySet<number>,
  objectivesChanged: ReadonlySet<number>,
  changes: StateChanges,
): void {
  const { data, signals } = internal;
  const { plan } = data;
  const context = chainContext(data);
  const memo: RootMemo = new Map();
  const slip = slipTest(data, internal.options);
  const signatures = signals.milestoneSignature!;
  const kpis = new Set(kpisRecomputed);
  const planned = plan.plannedDay;
  for (const m of milestonesDirty) {
    // A KPI's chain runs through the milestones that slipped: only they can change it.
    const was = moved.get(m) ?? data.milestones.forecast[m]!;
    if (was > planned[m]! || data.milestones.forecast[m]! > planned[m]!) {
      const rows = plan.kpisOfMilestone;
      for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) kpis.add(rows.list[at]!);
    }
    if (plan.canonicalMilestone[m] !== 1) continue;
    const before = signatures[m];
    const after = milestoneSignature(context, signals.signatureCache, m, memo, slip);
    if (before === undefined && after === undefined) continue;
    signatures[m] = after;
    const id = `milestone.slipped:${plan.milestones[m]!.id}`;
    if (before === undefined) changes.signals.raised.push(id);
    else if (after === undefined) changes.signals.resolved.push(id);
    else if (!sameSignature(before, after)) changes.signals.changed.push(id);
    else continue;
    signals.milestoneStale[m] = 1;
    signals.stale = true;
    signals.list = null;
  }
  for (const o of objectivesChanged) {
    const rows = data.objectiveGraph.kpis;
    for (let at = rows.start[o]!; at < rows.start[o + 1]!; at += 1) kpis.add(rows.list[at]!);
  }
  for (const k of kpis) {
    const core = data.kpis[k]!;
    if (plan.kpiAt.get(core.kpi.id) !== k) continue;
    const before = signals.kpiSignature![k]!;
    const after = kpiSignatures(context, signals.signatureCache, core, memo);
    signals.kpiSignature![k] = after;
    let moved = false;
    for (const [id, signature] of after) {
      const was = before.get(id);
      if (was === undefined) changes.signals.raised.push(id);
      else if (!sameSignature(was, signature)) changes.signals.changed.push(id);
      else continue;
      moved = true;
    }
    for (const id of before.keys()) {
      if (after.has(id)) continue;
      changes.signals.resolved.push(id);
      moved = true;
    }
    if (!moved) continue;
    signals.kpiStale[k] = 1;
    signals.stale = true;
    signals.list = null;
  }
}

// ---------------------------------------------------------------------------------------------
// Full recompute inside an engine

/**
 * Recomputes everything from the current input (when work items block each other in a cycle,
 * or the plan's dependencies do) and says what differs from before.
 */
function rebuild(holder: { internal: Internal }, tables: Tables, key: string): StateChanges {
  const before = holder.internal;
  const { data, options } = before;
  const after = build(
    {
      plan: data.plan.plan,
      workItems: currentItems(data.work),
      changes: Object.fromEntries(data.changes),
      asOf: data.asOf,
      ...(options === undefined ? {} : { forecasting: options }),
    },
    true,
  );
  holder.internal = after;
  for (const table of Object.values(tables) as LazyTable<unknown>[]) table.forgetAll();
  const changes = diff(before, after);
  if (!changes.workItems.includes(key)) changes.workItems.push(key);
  return changes;
}

/** Every signal's signature, by signal id, in list order. */
function signaturesById(internal: Internal): Map<string, number[]> {
  const { plan } = internal.data;
  const byId = new Map<string, number[]>();
  internal.signals.milestoneSignature!.forEach((signature, m) => {
    if (signature !== undefined) byId.set(`milestone.slipped:${plan.milestones[m]!.id}`, signature);
  });
  for (const kpi of internal.signals.kpiSignature!)
    for (const [id, signature] of kpi) byId.set(id, signature);
  return byId;
}

function diff(before: Internal, after: Internal): StateChanges {
  const a = before.data;
  const b = after.data;
  const changes: StateChanges = {
    workItems: [],
    milestones: [],
    kpis: [],
    initiatives: [],
    objectives: [],
    signals: { raised: [], changed: [], resolved: [] },
    capacity: false,
    full: true,
  };
  const keys = new Set([...a.work.slotOf.keys(), ...b.work.slotOf.keys()]);
  for (const key of keys) {
    const x = a.work.slotOf.get(key);
    const y = b.work.slotOf.get(key);
    if (
      x === undefined ||
      y === undefined ||
      a.work.items[x] !== b.work.items[y] ||
      a.work.finish[x] !== b.work.finish[y] ||
      a.work.open[x] !== b.work.open[y] ||
      a.work.pushedBy[x]! < 0 !== b.work.pushedBy[y]! < 0
    ) {
      changes.workItems.push(key);
    }
  }
  const plan = b.plan;
  const same = (model: MilestoneModel, other: MilestoneModel, m: number): boolean =>
    model.forecast[m] === other.forecast[m] &&
    model.unconstrained[m] === other.unconstrained[m] &&
    model.slip[m] === other.slip[m] &&
    model.status[m] === other.status[m] &&
    model.driverDep[m] === other.driverDep[m] &&
    model.basisSlot[m] === other.basisSlot[m];
  for (let m = 0; m < plan.milestones.length; m += 1) {
    if (plan.canonicalMilestone[m] === 1 && !same(a.milestones, b.milestones, m)) {
      changes.milestones.push(plan.milestones[m]!.id);
    }
  }
  b.kpis.forEach((core, k) => {
    if (!sameKpi(a.kpis[k]!, core)) changes.kpis.push(core.kpi.id);
  });
  // The event already changed the items the old figures point at: compare numbers, not words.
  const movedMilestones = new Set(changes.milestones.map((id) => plan.milestoneAt.get(id)));
  plan.plan.initiatives.forEach((initiative, i) => {
    const worst = b.initiatives.worstMilestone[i]!;
    if (
      a.initiatives.worstMilestone[i] !== worst ||
      a.initiatives.worstKpi[i] !== b.initiatives.worstKpi[i] ||
      deliveryCode(a, i) !== deliveryCode(b, i) ||
      valueCode(a, i) !== valueCode(b, i) ||
      movedMilestones.has(worst) ||
      changes.kpis.includes(b.kpis[b.initiatives.worstKpi[i]!]?.kpi.id ?? '')
    ) {
      changes.initiatives.push(initiative.id);
    }
  });
  plan.plan.objectives.forEach((objective, o) => {
    if (!sameStatus(a.objectives[o]!.status, b.objectives[o]!.status)) {
      changes.objectives.push(objective.id);
    }
  });
  const old = signaturesById(before);
  for (const [id, signature] of signaturesById(after)) {
    const was = old.get(id);
    old.delete(id);
    if (was === undefined) changes.signals.raised.push(id);
    else if (!sameSignature(was, signature)) changes.signals.changed.push(id);
  }
  for (const gone of old.keys()) changes.signals.resolved.push(gone);
  diffCapacity(
    before.capacity.signatures ?? new Map(),
    before.capacity.active ? capacityModelOf(before) : null,
    after.capacity,
    changes,
  );
  return changes;
}
