/**
 * The engine's inner shapes: its input, its events, what an event changed, and what it keeps.
 */
import type { IsoDate, Plan } from '../domain/plan.ts';
import type { CapacityState, Signal } from '../domain/state.ts';
import type { WorkItem, WorkItemChange } from '../domain/work-item.ts';
import type { CapacityModel, LevelledRuns } from './capacity-model.ts';
import type { KeyedSignal } from './capacity-signals.ts';
import type { LinkCache, SignatureCache } from './cause-chain.ts';
import type { EngineData } from './engine-data.ts';
import type { ProbabilisticInput } from './probabilistic-forecast.ts';

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
export interface CapacityHolder {
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
  /**
   * The work item keys demands follow, with the demands (positions) that follow each: an event
   * about one of them may move the bottleneck, and only those demands' runs are read again.
   */
  readonly followers: ReadonlyMap<string, readonly number[]>;
}

export interface Internal {
  data: EngineData;
  options: ForecastingOptions | undefined;
  links: LinkCache;
  signals: SignalStore;
  capacity: CapacityHolder;
}
