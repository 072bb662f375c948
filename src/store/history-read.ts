import type { Plan } from '../core/domain/plan.ts';
import type { Signal } from '../core/domain/state.ts';
import type { WorkItem, WorkItemChange } from '../core/domain/work-item.ts';
import {
  assemblePlan,
  type PlanEntity,
  type PlanEntityCollection,
} from '../core/plan/diff-plan.ts';
import type { Queryable } from './database.ts';
import type { StoredSignal } from './signal-store.ts';

/**
 * Reads the append-only history back: the plan, the work items and the signals as they stood at
 * an instant ("what did we know at time T"). Every write stamps one instant on everything it
 * stores (`plan_change.at`, `work_item_history.received_at`, `signal_history.at`), so the state
 * right after a write is what the history holds up to and including its instant.
 */

/** The instant of the first plan change (null before any plan was applied). */
export async function firstPlanWriteAt(db: Queryable): Promise<Date | null> {
  const [row] = await db.query<{ at: Date | null }>('SELECT min(at) AS at FROM plan_change');
  return row?.at ?? null;
}

/** The latest plan change made by an instant (0 when none was). */
export async function planSeqAt(db: Queryable, at: Date): Promise<number> {
  const [row] = await db.query<{ seq: string | number | null }>(
    'SELECT max(seq) AS seq FROM plan_change WHERE at <= $1',
    [at],
  );
  return Number(row?.seq ?? 0);
}

/** When the plan change with this sequence number was made (null when there is none). */
export async function planChangeAt(db: Queryable, seq: number): Promise<Date | null> {
  const [row] = await db.query<{ at: Date }>('SELECT at FROM plan_change WHERE seq = $1', [seq]);
  return row?.at ?? null;
}

/**
 * The plan as it stood after the plan change `seq` (each entity's latest change up to it; those
 * whose latest change removed them are gone); null when there was no plan yet.
 */
export async function loadPlanAtSeq(db: Queryable, seq: number): Promise<Plan | null> {
  if (seq <= 0) return null;
  const rows = await db.query<{ collection: PlanEntityCollection; id: string; data: unknown }>(
    `SELECT collection, id, data FROM (
       SELECT DISTINCT ON (collection, entity_id) collection, entity_id AS id, action, after AS data
       FROM plan_change WHERE seq <= $1
       ORDER BY collection, entity_id, seq DESC
     ) latest
     WHERE action <> 'removed' ORDER BY collection, id`,
    [seq],
  );
  return assemblePlan(rows satisfies PlanEntity[]);
}

/** The plan as it stood at an instant; null when no plan had been applied by then. */
export async function loadPlanKnownAt(db: Queryable, at: Date): Promise<Plan | null> {
  return loadPlanAtSeq(db, await planSeqAt(db, at));
}

/** The work as known at an instant: the items, and the latest change reported per key. */
export interface WorkKnownAt {
  /** Ordered as the live model orders them: by source, then key (code-unit order). */
  items: WorkItem[];
  changes: Record<string, WorkItemChange>;
}

/**
 * The work items as they were known at an instant: for each item the last applied delivery
 * received by then (a deletion removes it); the latest change is the last one any applied
 * delivery reported for the key, as the mirror keeps it. Items the mirror has not seen change
 * since the instant are read from the mirror as they stand (its row is that last delivery);
 * only those received since are looked up in the history, so a read a few writes back costs
 * little more than a read of now.
 */
export async function loadWorkKnownAt(db: Queryable, at: Date): Promise<WorkKnownAt> {
  const unchanged = await db.query<{
    source: string;
    key: string;
    data: WorkItem | null;
    change: WorkItemChange | null;
  }>(
    `SELECT source, key, data, last_change AS change FROM work_item
     WHERE received_at <= $1 AND NOT deleted`,
    [at],
  );
  const moved = await db.query<{ source: string; key: string; data: WorkItem | null }>(
    `SELECT DISTINCT ON (h.source, h.key) h.source, h.key, h.data
     FROM work_item_history h JOIN work_item w ON w.source = h.source AND w.key = h.key
     WHERE w.received_at > $1 AND h.outcome = 'applied' AND h.received_at <= $1
     ORDER BY h.source, h.key, h.seq DESC`,
    [at],
  );
  const movedChanges = await db.query<{ source: string; key: string; change: WorkItemChange }>(
    `SELECT DISTINCT ON (h.source, h.key) h.source, h.key, h.change
     FROM work_item_history h JOIN work_item w ON w.source = h.source AND w.key = h.key
     WHERE w.received_at > $1 AND h.outcome = 'applied' AND h.received_at <= $1
       AND h.change IS NOT NULL
     ORDER BY h.source, h.key, h.seq DESC`,
    [at],
  );
  const id = (r: { source: string; key: string }): string => `${r.source}\u0000${r.key}`;
  const movedChange = new Map(movedChanges.map((r) => [id(r), r.change]));
  const live = [
    ...unchanged.filter((r) => r.data !== null),
    ...moved
      .filter((r) => r.data !== null)
      .map((r) => ({ ...r, change: movedChange.get(id(r)) ?? null })),
  ].sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  const changes: Record<string, WorkItemChange> = {};
  for (const row of live) if (row.change !== null) changes[row.key] = row.change;
  return { items: live.map((r) => r.data!), changes };
}

/**
 * The signals that were open at an instant, as they stood then (their latest raise or change by
 * then), with when each was last raised; newest first, as `listSignals` orders them.
 */
export async function loadOpenSignalsKnownAt(db: Queryable, at: Date): Promise<StoredSignal[]> {
  const rows = await db.query<{
    signal_id: string;
    event: 'raised' | 'changed' | 'resolved';
    data: Signal;
    updated_at: Date;
    raised_at: Date | null;
  }>(
    `SELECT latest.signal_id, latest.event, latest.data, latest.at AS updated_at,
            (SELECT max(r.at) FROM signal_history r
             WHERE r.signal_id = latest.signal_id AND r.event = 'raised' AND r.at <= $1) AS raised_at
     FROM (
       SELECT DISTINCT ON (signal_id) signal_id, event, data, at FROM signal_history
       WHERE at <= $1 ORDER BY signal_id, seq DESC
     ) latest
     WHERE latest.event <> 'resolved'`,
    [at],
  );
  return rows
    .map((r) => ({
      ...r.data,
      status: 'open' as const,
      raisedAt: (r.raised_at ?? r.updated_at).toISOString(),
      updatedAt: r.updated_at.toISOString(),
      resolvedAt: null,
    }))
    .sort((a, b) =>
      a.raisedAt === b.raisedAt
        ? a.id < b.id
          ? -1
          : a.id > b.id
            ? 1
            : 0
        : a.raisedAt < b.raisedAt
          ? 1
          : -1,
    );
}

/** One plan change, as the replay of the history reads it. */
export interface PlanChangeRow {
  seq: number;
  at: Date;
  collection: PlanEntityCollection;
  id: string;
  action: 'created' | 'updated' | 'removed';
  after: unknown;
}

/** One applied work-item delivery, as the replay of the history reads it. */
export interface WorkDeliveryRow {
  seq: number;
  at: Date;
  source: string;
  key: string;
  data: WorkItem | null;
  change: WorkItemChange | null;
}

/** Every plan change made by an instant, oldest first. */
export async function listPlanChangesUntil(db: Queryable, until: Date): Promise<PlanChangeRow[]> {
  const rows = await db.query<{
    seq: string | number;
    at: Date;
    collection: PlanEntityCollection;
    entity_id: string;
    action: PlanChangeRow['action'];
    after: unknown;
  }>(
    `SELECT seq, at, collection, entity_id, action, after FROM plan_change
     WHERE at <= $1 ORDER BY seq`,
    [until],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    collection: r.collection,
    id: r.entity_id,
    action: r.action,
    after: r.after,
  }));
}

/** Every applied work-item delivery received by an instant, oldest first. */
export async function listWorkDeliveriesUntil(
  db: Queryable,
  until: Date,
): Promise<WorkDeliveryRow[]> {
  const rows = await db.query<{
    seq: string | number;
    received_at: Date;
    source: string;
    key: string;
    data: WorkItem | null;
    change: WorkItemChange | null;
  }>(
    `SELECT seq, received_at, source, key, data, change FROM work_item_history
     WHERE outcome = 'applied' AND received_at <= $1 ORDER BY seq`,
    [until],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.received_at,
    source: r.source,
    key: r.key,
    data: r.data,
    change: r.change,
  }));
}
