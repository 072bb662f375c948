import type { IsoDate, Plan } from '../core/domain/plan.ts';
import type { Signal } from '../core/domain/state.ts';
import { type StaleSourceFact, raiseStalenessSignals } from '../core/staleness.ts';
import type { WorkItem, WorkItemChange } from '../core/domain/work-item.ts';
import {
  type Engine,
  type EngineEvent,
  type StateChanges as EngineChanges,
  createEngine,
} from '../core/engine/engine.ts';
import type { Queryable } from '../store/database.ts';
import { loadPlan } from '../store/plan-store.ts';
import {
  loadPlanVersionAndWorkItemsSince,
  loadWorkItemsSince,
  type WorkItemRow,
} from '../store/work-item-store.ts';
import { createSignalCache, type SignalCache } from '../store/signal-store.ts';
import {
  type AutoOpenLedger,
  createAutoOpenLedger,
  IN_WRITE_PRICING_MS,
  OPENER_QUIET_MS,
} from './auto-open-decisions.ts';
import type { Snapshot } from './derive.ts';
import type { StateChanges } from './live-events.ts';

/**
 * The plan, the work and the derived state held in memory, so that an event does not reload the
 * world: each refresh reads only the plan's version and the work items written since the last
 * one (every write stamps a version). A new plan or a new day derives the state in full; work
 * items that changed go through the incremental engine, which recomputes only what they reach
 * (its state equals a full recompute: property-tested in the core). Several app instances each
 * keep their own model; the versions keep them honest.
 */
export interface LiveModel {
  /** Brings the model up to the database's state (inside a transaction, its own writes too). */
  refresh(db: Queryable, asOf: IsoDate): Promise<ModelRefresh>;
  /** Forgets everything: the next refresh reloads (after a rolled-back write). */
  invalidate(): void;
  /** The latest snapshot, without asking the database (null before the first refresh). */
  current(): Snapshot | null;
  /**
   * The parent (epic) of the work item with this key, as the model holds it now; null for none or
   * an item it does not hold. A lookup, so that who sees a child of a linked epic is known
   * without indexing every item again on every write.
   */
  readonly parentOf: (key: string) => string | null;
  /** What this process knows the stored signals to be (saves reading them back). */
  readonly signalCache: SignalCache;
  /** Whether the last look for decisions to open by themselves left any due. */
  readonly autoOpenLedger: AutoOpenLedger;
  /**
   * True when pricing one option of a decision (a scenario over the whole portfolio: about a full
   * derive, as the last one took) is expected to cost more than the write may spend on it: a
   * server's writes then leave the decisions that open by themselves to the opener after the
   * commit (auto-open-decisions.ts).
   */
  pricingOutsideWrites(): boolean;
  /** How long the opener of those decisions waits with no write running (ms). */
  readonly openerQuietMs: number;
  /**
   * The staleness signals for these stale sources over the latest snapshot, remembered until the
   * plan, the facts or the sources the work comes from change (a moved due date does not).
   */
  stalenessSignals(stale: readonly StaleSourceFact[]): Signal[];
}

export interface ModelRefresh {
  snapshot: Snapshot | null;
  /**
   * What the engine says moved in an incremental refresh; null when the state was derived in
   * full (`full`) or nothing changed.
   */
  moved: StateChanges | null;
  /**
   * True when this refresh derived the state in full (a new plan, a new day, the first look, or
   * a run of events cheaper to take at once): any figure may have moved, and nothing says which.
   */
  full: boolean;
  /** Work item keys that changed in this refresh. */
  changedKeys: string[];
  planChanged: boolean;
}

/** Rows read per query when catching up: a big write by another process is read in steps. */
const CATCH_UP_ROWS = 2_000;
/** The longest stretch of engine work between two turns of the event loop, in milliseconds. */
const SLICE_MS = 20;
/**
 * A full recompute blocks the event loop for as long as it takes: it replaces incremental steps
 * only when it is expected to take at most this long (milliseconds).
 */
const FULL_RECOMPUTE_BUDGET_MS = 200;
/**
 * The least a full recompute is assumed to cost per item and milestone (ms): one measured on a
 * plan without work (at start) says little about the same plan with 20,000 items.
 */
const FULL_MS_PER_ENTITY_FLOOR = 0.05;

/** What one refresh saw the engine do while it waited: incremental changes, a full recompute. */
interface Watch {
  sets: ChangeSets;
  incremental: boolean;
  full: boolean;
}

/** A refresh on one connection, and the one that will follow it for callers who came later. */
interface Flight {
  running: Promise<ModelRefresh>;
  queued: Promise<ModelRefresh> | null;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface LiveModelOptions {
  /**
   * The longest full recompute (ms) that may replace a run of incremental steps when it is
   * expected to be cheaper; 0 keeps every change incremental (tests that read what moved).
   */
  fullRecomputeBudgetMs?: number;
  /**
   * The most pricing one option of a decision opened by itself may be expected to cost (ms) for
   * a write to open it; 0 leaves every one to the opener after the commit (tests of the opener).
   */
  inWritePricingMs?: number;
  /** How long the opener of those decisions waits with no write running (ms). */
  openerQuietMs?: number;
}

/** A model that starts empty and loads on its first refresh. */
export function createLiveModel(options: LiveModelOptions = {}): LiveModel {
  const fullBudgetMs = options.fullRecomputeBudgetMs ?? FULL_RECOMPUTE_BUDGET_MS;
  const pricingBudgetMs = options.inWritePricingMs ?? IN_WRITE_PRICING_MS;
  let planVersion = -1;
  let workVersion = 0;
  let plan: Plan | null = null;
  const items = new Map<string, WorkItem>();
  const itemVersions = new Map<string, number>();
  const changes = new Map<string, WorkItemChange>();
  /** How many sources hold each key: the engine follows keys, so a shared key derives in full. */
  const keyHolders = new Map<string, number>();
  /** Each held item's parent key, by key (items without a parent are not in it). */
  const parents = new Map<string, string>();
  let engine: Engine | null = null;
  let snapshot: Snapshot | null = null;
  let snapshotAsOf: IsoDate | null = null;
  const signalCache = createSignalCache();
  const autoOpenLedger = createAutoOpenLedger();
  /** Bumped when an item appears, goes, or changes source or parent: what staleness reads. */
  let layoutVersion = 0;
  let staleness: { key: string; signals: Signal[] } | null = null;
  /** Bumped by a reset: a refresh that started before it starts again. */
  let generation = 0;
  /** Events recorded but not yet given to the engine, and whether only a full derive will do. */
  let pending: EngineEvent[] = [];
  let fullNeeded = false;
  /** The day the latest refresh asked for. */
  let targetAsOf: IsoDate | null = null;
  let draining: Promise<void> | null = null;
  const watches = new Set<Watch>();
  /** What the engine's work has cost lately: per event, and per item or milestone in full. */
  let eventMs = 0.2;
  let fullMsPerEntity = 0.05;
  const flights = new Map<Queryable, Flight>();

  const reset = (): void => {
    generation += 1;
    planVersion = -1;
    workVersion = 0;
    plan = null;
    items.clear();
    itemVersions.clear();
    changes.clear();
    keyHolders.clear();
    parents.clear();
    staleness = null;
    engine = null;
    snapshot = null;
    snapshotAsOf = null;
    pending = [];
    fullNeeded = false;
    signalCache.token = -1;
    signalCache.byId.clear();
    autoOpenLedger.epoch += 1;
    autoOpenLedger.settledAt = null;
  };

  const sortedItems = (): WorkItem[] =>
    [...items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);

  /** A snapshot whose work-item list is made when first read (the state does not need it). */
  const snapshotOf = (current: Plan, state: Snapshot['state']): Snapshot => {
    let workItems: WorkItem[] | null = null;
    let latest: Record<string, WorkItemChange> | null = null;
    return {
      plan: current,
      state,
      get workItems(): WorkItem[] {
        workItems ??= sortedItems();
        return workItems;
      },
      get changes(): Record<string, WorkItemChange> {
        latest ??= Object.fromEntries(changes);
        return latest;
      },
    };
  };

  /** Takes rows read from the store into the model (synchronously); returns their keys. */
  const record = (rows: readonly WorkItemRow[]): string[] => {
    const changedKeys: string[] = [];
    for (const row of rows) {
      const id = `${row.source}\u0000${row.key}`;
      if ((itemVersions.get(id) ?? 0) >= row.version) continue;
      itemVersions.set(id, row.version);
      const before = items.get(id);
      const held = before !== undefined;
      if (!held || row.item === null || before.parentKey !== row.item.parentKey) layoutVersion += 1;
      if (row.item === null) {
        if (held) {
          items.delete(id);
          keyHolders.set(row.key, (keyHolders.get(row.key) ?? 1) - 1);
          parents.delete(row.key);
        }
        changes.delete(row.key);
        pending.push({ op: 'delete', key: row.key, change: null });
      } else {
        if (!held) keyHolders.set(row.key, (keyHolders.get(row.key) ?? 0) + 1);
        items.set(id, row.item);
        if (row.item.parentKey === null) parents.delete(row.key);
        else parents.set(row.key, row.item.parentKey);
        if (row.lastChange !== null) changes.set(row.key, row.lastChange);
        pending.push({ op: 'upsert', item: row.item, change: row.lastChange });
      }
      if (
        (keyHolders.get(row.key) ?? 0) > 1 ||
        (row.item === null && keyHolders.get(row.key) === 1)
      )
        fullNeeded = true;
      changedKeys.push(row.key);
      workVersion = Math.max(workVersion, row.version);
    }
    return changedKeys;
  };

  /** Derives the state in full from what the model holds (blocks for as long as it takes). */
  const deriveInFull = (current: Plan, asOf: IsoDate): void => {
    const started = performance.now();
    engine = createEngine({
      plan: current,
      workItems: sortedItems(),
      changes: Object.fromEntries(changes),
      asOf,
    });
    fullMsPerEntity = Math.max(
      FULL_MS_PER_ENTITY_FLOOR,
      (performance.now() - started) / modelSize(current),
    );
    snapshot = snapshotOf(current, engine.state);
    snapshotAsOf = asOf;
    pending = [];
    fullNeeded = false;
    autoOpenLedger.epoch += 1;
    for (const watch of watches) watch.full = true;
  };

  const modelSize = (current: Plan): number =>
    Math.max(1, items.size + current.milestones.length + current.initiatives.length);

  /**
   * Gives the engine every pending event. Incremental steps run in slices of about SLICE_MS with
   * a turn of the event loop between them, so that the server keeps answering; a full recompute
   * replaces them when it is expected to be cheaper and short enough to block for.
   */
  const drainNow = async (): Promise<void> => {
    const gen = generation;
    for (;;) {
      if (gen !== generation) return;
      const asOf = targetAsOf;
      if (asOf === null) return;
      if (plan === null) {
        engine = null;
        snapshot = null;
        pending = [];
        fullNeeded = false;
        return;
      }
      const current = plan;
      if (fullNeeded || engine === null || snapshotAsOf !== asOf) {
        deriveInFull(current, asOf);
        continue;
      }
      if (pending.length === 0) return;
      const fullMs = fullMsPerEntity * modelSize(current);
      if (fullMs <= fullBudgetMs && fullMs < pending.length * eventMs) {
        deriveInFull(current, asOf);
        continue;
      }
      const live = engine;
      const started = performance.now();
      let applied = 0;
      while (applied < pending.length && performance.now() - started < SLICE_MS) {
        const moved = live.apply(pending[applied]!);
        applied += 1;
        if (
          moved.full ||
          moved.signals.raised.length +
            moved.signals.changed.length +
            moved.signals.resolved.length >
            0
        )
          autoOpenLedger.epoch += 1;
        for (const watch of watches) {
          mergeChanges(watch.sets, moved);
          watch.incremental = true;
        }
      }
      pending = pending.slice(applied);
      eventMs = 0.8 * eventMs + (0.2 * (performance.now() - started)) / applied;
      snapshot = snapshotOf(current, live.state);
      if (pending.length > 0) await yieldToEventLoop();
    }
  };

  /** Runs the drain once however many refreshes wait for it; resolves when nothing is pending. */
  const drain = async (): Promise<void> => {
    while (draining !== null) await draining;
    if (pending.length === 0 && !fullNeeded && snapshotAsOf === targetAsOf && engine !== null)
      return;
    draining = drainNow().finally(() => {
      draining = null;
    });
    await draining;
  };

  // Refreshes may overlap (a request reading while a write refreshes inside its transaction, or
  // another instance's big write being caught up with): every read only moves the model forward,
  // by version, and what it reads is recorded synchronously; the engine then takes the pending
  // events in one shared drain, so that many refreshes cost one catch-up.
  const refreshNow = async (db: Queryable, asOf: IsoDate): Promise<ModelRefresh> => {
    const gen = generation;
    const watch: Watch = {
      sets: emptyChanges(asOf),
      incremental: false,
      full: false,
    };
    watches.add(watch);
    try {
      // The plan's version and the first work items written since, in one statement.
      let cursor = workVersion;
      const first = await loadPlanVersionAndWorkItemsSince(db, cursor, CATCH_UP_ROWS);
      const version = first.planVersion;
      const loadedPlan = version > planVersion ? await loadPlan(db) : undefined;
      if (gen !== generation) return await refreshNow(db, asOf);
      const planChanged = loadedPlan !== undefined && version > planVersion;
      if (planChanged) {
        plan = loadedPlan;
        planVersion = version;
        fullNeeded = true;
      }
      const changedKeys: string[] = [];
      let page: WorkItemRow[] | null = first.rows;
      for (;;) {
        const rows = page ?? (await loadWorkItemsSince(db, cursor, CATCH_UP_ROWS));
        page = null;
        if (gen !== generation) return await refreshNow(db, asOf);
        changedKeys.push(...record(rows));
        cursor = Math.max(cursor, rows.at(-1)?.version ?? cursor, workVersion);
        if (rows.length < CATCH_UP_ROWS) break;
      }
      targetAsOf = asOf;
      await drain();
      if (gen !== generation) return await refreshNow(db, asOf);
      const moved = watch.full || !watch.incremental ? null : sortedChanges(watch.sets);
      return {
        snapshot,
        moved,
        full: watch.full,
        changedKeys,
        planChanged,
      };
    } finally {
      watches.delete(watch);
    }
  };

  /** One refresh per connection at a time; callers who come while it runs share the next one. */
  const refresh = (db: Queryable, asOf: IsoDate): Promise<ModelRefresh> => {
    const flight = flights.get(db);
    if (flight !== undefined) {
      flight.queued ??= flight.running.then(
        () => fly(db, asOf),
        () => fly(db, asOf),
      );
      return flight.queued;
    }
    return fly(db, asOf);
  };

  const fly = (db: Queryable, asOf: IsoDate): Promise<ModelRefresh> => {
    const flight: Flight = { running: refreshNow(db, asOf), queued: null };
    flights.set(db, flight);
    const land = (): void => {
      if (flights.get(db) === flight) flights.delete(db);
    };
    flight.running.then(land, land);
    return flight.running;
  };

  const stalenessSignals = (stale: readonly StaleSourceFact[]): Signal[] => {
    if (plan === null || stale.length === 0) return [];
    const key = `${planVersion}|${layoutVersion}|${JSON.stringify(stale)}`;
    if (staleness?.key !== key) {
      staleness = { key, signals: raiseStalenessSignals(plan, items.values(), stale) };
    }
    return staleness.signals;
  };

  return {
    refresh,
    current: () => snapshot,
    parentOf: (key) => parents.get(key) ?? null,
    signalCache,
    autoOpenLedger,
    pricingOutsideWrites: () =>
      plan !== null && fullMsPerEntity * modelSize(plan) > pricingBudgetMs,
    openerQuietMs: options.openerQuietMs ?? OPENER_QUIET_MS,
    invalidate: reset,
    stalenessSignals,
  };
}

interface ChangeSets {
  asOf: IsoDate;
  milestones: Set<string>;
  kpis: Set<string>;
  initiatives: Set<string>;
  objectives: Set<string>;
  workItems: Set<string>;
  capacity: boolean;
}

function emptyChanges(asOf: IsoDate): ChangeSets {
  return {
    asOf,
    milestones: new Set(),
    kpis: new Set(),
    initiatives: new Set(),
    objectives: new Set(),
    workItems: new Set(),
    capacity: false,
  };
}

function mergeChanges(into: ChangeSets, from: EngineChanges): void {
  for (const id of from.milestones) into.milestones.add(id);
  for (const id of from.kpis) into.kpis.add(id);
  for (const id of from.initiatives) into.initiatives.add(id);
  for (const id of from.objectives) into.objectives.add(id);
  for (const id of from.workItems) into.workItems.add(id);
  if (from.capacity) into.capacity = true;
}

function sortedChanges(sets: ChangeSets): StateChanges {
  const sorted = (ids: Set<string>): string[] => [...ids].sort();
  return {
    asOf: sets.asOf,
    milestones: sorted(sets.milestones),
    kpis: sorted(sets.kpis),
    initiatives: sorted(sets.initiatives),
    objectives: sorted(sets.objectives),
    workItems: sorted(sets.workItems),
    ...(sets.capacity ? { capacity: true as const } : {}),
  };
}
