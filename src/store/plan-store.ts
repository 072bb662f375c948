import type { Plan } from '../core/domain/plan.ts';
import {
  assemblePlan,
  type PlanEntity,
  type PlanEntityChange,
  type PlanEntityCollection,
} from '../core/plan/diff-plan.ts';
import type { Queryable } from './database.ts';

interface PlanEntityRow {
  collection: PlanEntityCollection;
  id: string;
  data: unknown;
}

/** The stored plan, or null before the first apply. */
export async function loadPlan(db: Queryable): Promise<Plan | null> {
  const rows = await db.query<PlanEntityRow>(
    'SELECT collection, id, data FROM plan_entity ORDER BY collection, id',
  );
  return assemblePlan(rows satisfies PlanEntity[]);
}

/** Writes plan changes and records each in the append-only plan history. */
export async function writePlanChanges(
  tx: Queryable,
  changes: readonly PlanEntityChange[],
  at: Date,
  actor: string,
): Promise<void> {
  for (const change of changes) {
    if (change.action === 'removed') {
      await tx.query('DELETE FROM plan_entity WHERE collection = $1 AND id = $2', [
        change.collection,
        change.id,
      ]);
    } else {
      await tx.query(
        `INSERT INTO plan_entity (collection, id, data, updated_at) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (collection, id) DO UPDATE SET data = EXCLUDED.data, updated_at = EXCLUDED.updated_at`,
        [change.collection, change.id, JSON.stringify(change.after), at],
      );
    }
    await tx.query(
      `INSERT INTO plan_change (at, collection, entity_id, action, before, after, actor)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)`,
      [
        at,
        change.collection,
        change.id,
        change.action,
        change.before === null ? null : JSON.stringify(change.before),
        change.after === null ? null : JSON.stringify(change.after),
        actor,
      ],
    );
  }
}

export interface PlanHistoryEntry {
  seq: number;
  at: string;
  collection: string;
  entityId: string;
  action: string;
  actor: string | null;
}

/** The plan's change history, newest first. */
export async function listPlanHistory(db: Queryable, limit = 100): Promise<PlanHistoryEntry[]> {
  const rows = await db.query<PlanChangeRow>(
    'SELECT seq, at, collection, entity_id, action, actor FROM plan_change ORDER BY seq DESC LIMIT $1',
    [limit],
  );
  return rows.map(historyEntry);
}

/** A row of `plan_change` as read (without what the entity was before and after). */
interface PlanChangeRow {
  seq: string | number;
  at: Date;
  collection: string;
  entity_id: string;
  action: string;
  actor: string | null;
}

function historyEntry(r: PlanChangeRow): PlanHistoryEntry {
  return {
    seq: Number(r.seq),
    at: r.at.toISOString(),
    collection: r.collection,
    entityId: r.entity_id,
    action: r.action,
    actor: r.actor,
  };
}

/** The plan's version: the sequence number of its latest change (0 before any). */
export async function loadPlanVersion(db: Queryable): Promise<number> {
  const rows = await db.query<{ version: string | number | null }>(
    'SELECT max(seq) AS version FROM plan_change',
  );
  return Number(rows[0]?.version ?? 0);
}

export interface PlanChangeRecord extends PlanHistoryEntry {
  before: unknown;
  after: unknown;
}

/**
 * The plan's changes with what each entity was before and after, newest first: those of one
 * entity when `item` is given, those older than `beforeSeq` when paging back.
 */
export async function listPlanChanges(
  db: Queryable,
  query: { item?: { collection: string; id: string }; beforeSeq?: number; limit: number },
): Promise<PlanChangeRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (query.item !== undefined) {
    params.push(query.item.collection, query.item.id);
    where.push(`collection = $${params.length - 1} AND entity_id = $${params.length}`);
  }
  if (query.beforeSeq !== undefined) {
    params.push(query.beforeSeq);
    where.push(`seq < $${params.length}`);
  }
  params.push(query.limit);
  const rows = await db.query<PlanChangeRow & { before: unknown; after: unknown }>(
    `SELECT seq, at, collection, entity_id, action, actor, before, after FROM plan_change
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ ...historyEntry(r), before: r.before, after: r.after }));
}
