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
import { loadPlan, loadPlanVersion } from '../store/plan-store.ts';
import { loadWorkItemsSince } from '../store/work-item-store.ts';
import { createSignalCache, type SignalCache } from '../store/signal-store.ts';
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
  /** What this process knows the stored signals to be (saves reading them back). */
  readonly signalCache: SignalCache;
  /**
   * The staleness signals for these stale sources over the latest snapshot, remembered until the
   * plan, the facts or the sources the work comes from change (a moved due date does not).
   */
  stalenessSignals(stale: readonly StaleSourceFact[]): Signal[];
}

export interface ModelRefresh {
  snapshot: Snapshot | null;
  /**
   * The snapshot before this refresh, when there was one. After an incremental refresh it shares
   * its state with `snapshot` (the engine updates in place): read `moved` for what changed.
   */
  previous: Snapshot | null;
  /**
   * What the engine says moved in an incremental refresh; null when the state was derived in
   * full (compare `previous` with `snapshot`) or nothing changed.
   */
  moved: StateChanges | null;
  /** Work item keys that changed in this refresh. */
  changedKeys: string[];
  planChanged: boolean;
}

/** A model that starts empty and loads on its first refresh. */
export function createLiveModel(): LiveModel {
  let planVersion = -1;
  let workVersion = 0;
  let plan: Plan | null = null;
  const items = new Map<string, WorkItem>();
  const itemVersions = new Map<string, number>();
  const changes = new Map<string, WorkItemChange>();
  /** How many sources hold each key: the engine follows keys, so a shared key derives in full. */
  const keyHolders = new Map<string, number>();
  let engine: Engine | null = null;
  let snapshot: Snapshot | null = null;
  let snapshotAsOf: IsoDate | null = null;
  const signalCache = createSignalCache();
  /** Bumped when an item appears, goes, or changes source or parent: what staleness reads. */
  let layoutVersion = 0;
  let staleness: { key: string; signals: Signal[] } | null = null;

  const reset = (): void => {
    planVersion = -1;
    workVersion = 0;
    plan = null;
    items.clear();
    itemVersions.clear();
    changes.clear();
    keyHolders.clear();
    staleness = null;
    engine = null;
    snapshot = null;
    snapshotAsOf = null;
    signalCache.token = -1;
    signalCache.byId.clear();
  };

  const sortedItems = (): WorkItem[] =>
    [...items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);

  /** A snapshot whose work-item list is made when first read (the state does not need it). */
  const snapshotOf = (current: Plan, state: Snapshot['state']): Snapshot => {
    let workItems: WorkItem[] | null = null;
    return {
      plan: current,
      state,
      get workItems(): WorkItem[] {
        workItems ??= sortedItems();
        return workItems;
      },
    };
  };

  // Refreshes may overlap (a request reading while a write refreshes inside its transaction);
  // every step below only moves the model forward, by version, so their order does not matter.
  // The read happens before any change to the model, and the change itself is synchronous.
  const refreshNow = async (db: Queryable, asOf: IsoDate): Promise<ModelRefresh> => {
    const version = await loadPlanVersion(db);
    const loadedPlan = version > planVersion ? await loadPlan(db) : undefined;
    const rows = await loadWorkItemsSince(db, workVersion);
    const previous = snapshot;
    const planChanged = loadedPlan !== undefined && version > planVersion;
    if (planChanged) {
      plan = loadedPlan;
      planVersion = version;
    }
    const changedKeys: string[] = [];
    const events: EngineEvent[] = [];
    let sharedKey = false;
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
        }
        changes.delete(row.key);
        events.push({ op: 'delete', key: row.key, change: null });
      } else {
        if (!held) keyHolders.set(row.key, (keyHolders.get(row.key) ?? 0) + 1);
        items.set(id, row.item);
        if (row.lastChange !== null) changes.set(row.key, row.lastChange);
        events.push({ op: 'upsert', item: row.item, change: row.lastChange });
      }
      if (
        (keyHolders.get(row.key) ?? 0) > 1 ||
        (row.item === null && keyHolders.get(row.key) === 1)
      )
        sharedKey = true;
      changedKeys.push(row.key);
      workVersion = Math.max(workVersion, row.version);
    }
    let moved: StateChanges | null = null;
    if (plan === null) {
      engine = null;
      snapshot = null;
    } else if (planChanged || engine === null || snapshotAsOf !== asOf || sharedKey) {
      engine = createEngine({
        plan,
        workItems: sortedItems(),
        changes: Object.fromEntries(changes),
        asOf,
      });
      snapshot = snapshotOf(plan, engine.state);
      snapshotAsOf = asOf;
    } else if (events.length > 0) {
      const merged = emptyChanges(asOf);
      for (const event of events) mergeChanges(merged, engine.apply(event));
      moved = sortedChanges(merged);
      snapshot = snapshotOf(plan, engine.state);
    }
    return { snapshot, previous, moved, changedKeys, planChanged };
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
    refresh: refreshNow,
    current: () => snapshot,
    signalCache,
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
