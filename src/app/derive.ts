import type { IsoDate, Plan } from '../core/domain/plan.ts';
import type { DerivedState } from '../core/domain/state.ts';
import type { WorkItem } from '../core/domain/work-item.ts';
import { computeState } from '../core/engine/compute-state.ts';
import type { Queryable } from '../store/database.ts';
import { loadPlan } from '../store/plan-store.ts';
import { type SignalSync, syncSignals } from '../store/signal-store.ts';
import { loadLatestChanges, loadWorkItems } from '../store/work-item-store.ts';

/** The plan, the work and what the engine derives from them as of a day. */
export interface Snapshot {
  plan: Plan;
  workItems: WorkItem[];
  state: DerivedState;
}

/** Loads the plan and the work and derives the state; null before any plan was applied. */
export async function deriveSnapshot(db: Queryable, asOf: IsoDate): Promise<Snapshot | null> {
  const plan = await loadPlan(db);
  if (plan === null) return null;
  const workItems = await loadWorkItems(db);
  const changes = await loadLatestChanges(db);
  return { plan, workItems, state: computeState({ plan, workItems, changes, asOf }) };
}

const NO_SIGNAL_CHANGE: SignalSync = { raised: [], changed: [], resolved: [] };

/** Derives the state inside a write and makes the stored signals match it. */
export async function recomputeSignals(
  tx: Queryable,
  asOf: IsoDate,
  at: Date,
): Promise<{ snapshot: Snapshot | null; signals: SignalSync }> {
  const snapshot = await deriveSnapshot(tx, asOf);
  if (snapshot === null) return { snapshot, signals: NO_SIGNAL_CHANGE };
  return { snapshot, signals: await syncSignals(tx, snapshot.state.signals, at) };
}
