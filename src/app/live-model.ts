import type { IsoDate, Plan } from '../core/domain/plan.ts';
import type { WorkItem, WorkItemChange } from '../core/domain/work-item.ts';
import { computeState } from '../core/engine/compute-state.ts';
import type { Queryable } from '../store/database.ts';
import { loadPlan, loadPlanVersion } from '../store/plan-store.ts';
import { loadWorkItemsSince } from '../store/work-item-store.ts';
import { createSignalCache, type SignalCache } from '../store/signal-store.ts';
import type { Snapshot } from './derive.ts';

/**
 * The plan, the work and the derived state held in memory, so that an event does not reload the
 * world: each refresh reads only the plan's version and the work items written since the last
 * one (every write stamps a version), then derives again only when something changed. Several
 * app instances each keep their own model; the versions keep them honest.
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
}

export interface ModelRefresh {
  snapshot: Snapshot | null;
  /** The snapshot before this refresh, when there was one. */
  previous: Snapshot | null;
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
  let snapshot: Snapshot | null = null;
  let snapshotAsOf: IsoDate | null = null;
  const signalCache = createSignalCache();

  const reset = (): void => {
    planVersion = -1;
    workVersion = 0;
    plan = null;
    items.clear();
    itemVersions.clear();
    changes.clear();
    snapshot = null;
    snapshotAsOf = null;
    signalCache.token = -1;
    signalCache.byId.clear();
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
    for (const row of rows) {
      const id = `${row.source}\u0000${row.key}`;
      if ((itemVersions.get(id) ?? 0) >= row.version) continue;
      itemVersions.set(id, row.version);
      if (row.item === null) {
        items.delete(id);
        changes.delete(row.key);
      } else {
        items.set(id, row.item);
        if (row.lastChange !== null) changes.set(row.key, row.lastChange);
      }
      changedKeys.push(row.key);
      workVersion = Math.max(workVersion, row.version);
    }
    if (plan === null) {
      snapshot = null;
    } else if (
      planChanged ||
      changedKeys.length > 0 ||
      snapshotAsOf !== asOf ||
      snapshot === null
    ) {
      const workItems = [...items.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, item]) => item);
      snapshot = {
        plan,
        workItems,
        state: computeState({ plan, workItems, changes: Object.fromEntries(changes), asOf }),
      };
      snapshotAsOf = asOf;
    }
    return { snapshot, previous, changedKeys, planChanged };
  };

  return {
    refresh: refreshNow,
    current: () => snapshot,
    signalCache,
    invalidate: reset,
  };
}
