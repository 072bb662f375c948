import type {
  IngestOrder,
  WorkItem,
  WorkItemChange,
  WorkItemEvent,
} from '../core/domain/work-item.ts';
import type { Queryable } from './database.ts';

/** Marks a delivery as taken; false when it was taken before (a duplicate). */
export async function claimDelivery(tx: Queryable, dedupeKey: string, at: Date): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO ingested_delivery (dedupe_key, received_at) VALUES ($1, $2)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key`,
    [dedupeKey, at],
  );
  return rows.length === 1;
}

/** Where the stored mirror of an item stands in its source's history; null when unseen. */
export async function loadItemOrder(
  tx: Queryable,
  source: string,
  key: string,
): Promise<(IngestOrder & { deleted: boolean }) | null> {
  const rows = await tx.query<{
    updated: Date;
    changelog_id: string | number | null;
    deleted: boolean;
  }>(
    'SELECT source_updated_at AS updated, changelog_id, deleted FROM work_item WHERE source = $1 AND key = $2',
    [source, key],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    updatedAt: row.updated.toISOString(),
    changelogId: row.changelog_id === null ? null : Number(row.changelog_id),
    deleted: row.deleted,
  };
}

function sourceOf(event: WorkItemEvent): string {
  return event.op === 'upsert' ? event.item.source : event.source;
}

function keyOf(event: WorkItemEvent): string {
  return event.op === 'upsert' ? event.item.key : event.key;
}

/** Makes the event the item's current state and appends it to the item's history. */
export async function applyWorkItemEvent(
  tx: Queryable,
  event: WorkItemEvent,
  receivedAt: Date,
): Promise<void> {
  const data = event.op === 'upsert' ? JSON.stringify(event.item) : null;
  const sourceId = event.op === 'upsert' ? (event.item.sourceId ?? null) : event.sourceId;
  // A snapshot says nothing about what moved: keep the last change we were told of.
  await tx.query(
    `INSERT INTO work_item (source, key, source_id, data, deleted, source_updated_at, changelog_id, last_change, received_at, version)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::jsonb, $9, nextval('write_version_seq'))
     ON CONFLICT (source, key) DO UPDATE SET
       source_id = EXCLUDED.source_id, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
       source_updated_at = EXCLUDED.source_updated_at, changelog_id = EXCLUDED.changelog_id,
       last_change = COALESCE(EXCLUDED.last_change, work_item.last_change),
       received_at = EXCLUDED.received_at, version = EXCLUDED.version`,
    [
      sourceOf(event),
      keyOf(event),
      sourceId,
      data,
      event.op === 'delete',
      event.order.updatedAt,
      event.order.changelogId,
      event.change === null ? null : JSON.stringify(event.change),
      receivedAt,
    ],
  );
  await appendHistory(tx, event, receivedAt, 'applied');
}

/** Records an event that arrived after a newer one and so changed nothing. */
export async function recordStaleEvent(
  tx: Queryable,
  event: WorkItemEvent,
  receivedAt: Date,
): Promise<void> {
  await appendHistory(tx, event, receivedAt, 'stale');
}

async function appendHistory(
  tx: Queryable,
  event: WorkItemEvent,
  receivedAt: Date,
  outcome: 'applied' | 'stale',
): Promise<void> {
  await tx.query(
    `INSERT INTO work_item_history (source, key, received_at, source_updated_at, changelog_id, outcome, op, data, change, delivery)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)`,
    [
      sourceOf(event),
      keyOf(event),
      receivedAt,
      event.order.updatedAt,
      event.order.changelogId,
      outcome,
      event.op,
      event.op === 'upsert' ? JSON.stringify(event.item) : null,
      event.change === null ? null : JSON.stringify(event.change),
      event.dedupeKey,
    ],
  );
}

/** Every work item that exists at its source now. */
export async function loadWorkItems(db: Queryable): Promise<WorkItem[]> {
  const rows = await db.query<{ data: WorkItem }>(
    'SELECT data FROM work_item WHERE NOT deleted ORDER BY source, key',
  );
  return rows.map((r) => r.data);
}

/** The latest change each source reported, by work item key. */
export async function loadLatestChanges(db: Queryable): Promise<Record<string, WorkItemChange>> {
  const rows = await db.query<{ key: string; last_change: WorkItemChange }>(
    'SELECT key, last_change FROM work_item WHERE NOT deleted AND last_change IS NOT NULL',
  );
  return Object.fromEntries(rows.map((r) => [r.key, r.last_change]));
}

/** The items as they were known at an instant: the last applied event received by then. */
export async function loadWorkItemsKnownAt(db: Queryable, at: Date): Promise<WorkItem[]> {
  const rows = await db.query<{ data: WorkItem | null }>(
    `SELECT DISTINCT ON (source, key) data FROM work_item_history
     WHERE outcome = 'applied' AND received_at <= $1
     ORDER BY source, key, seq DESC`,
    [at],
  );
  return rows.flatMap((r) => (r.data === null ? [] : [r.data]));
}

export interface WorkItemHistoryEntry {
  receivedAt: string;
  sourceUpdatedAt: string;
  outcome: 'applied' | 'stale';
  op: 'upsert' | 'delete';
  change: WorkItemChange | null;
}

/** Every delivery about one item, oldest first. */
export async function loadWorkItemHistory(
  db: Queryable,
  key: string,
): Promise<WorkItemHistoryEntry[]> {
  const rows = await db.query<{
    received_at: Date;
    source_updated_at: Date;
    outcome: 'applied' | 'stale';
    op: 'upsert' | 'delete';
    change: WorkItemChange | null;
  }>(
    `SELECT received_at, source_updated_at, outcome, op, change FROM work_item_history
     WHERE key = $1 ORDER BY seq`,
    [key],
  );
  return rows.map((r) => ({
    receivedAt: r.received_at.toISOString(),
    sourceUpdatedAt: r.source_updated_at.toISOString(),
    outcome: r.outcome,
    op: r.op,
    change: r.change,
  }));
}

export interface WorkItemRow {
  source: string;
  key: string;
  item: WorkItem | null;
  lastChange: WorkItemChange | null;
  version: number;
  sourceUpdatedAt: string;
  receivedAt: string;
}

/**
 * Work items written after a version (deleted ones too, with `item` null), oldest first; at most
 * `limit` of them when given, so that a reader can catch up in bounded steps.
 */
export async function loadWorkItemsSince(
  db: Queryable,
  version: number,
  limit?: number,
): Promise<WorkItemRow[]> {
  const rows = await db.query<ItemSinceRow>(
    `SELECT source, key, data, deleted, last_change, version, source_updated_at, received_at
     FROM work_item WHERE version > $1 ORDER BY version LIMIT $2`,
    [version, limit ?? null],
  );
  return rows.map(toItemSince);
}

/**
 * The plan's version (its latest change, 0 before any) and the first `limit` work items written
 * after a version, in one statement: a live model's look at what changed.
 */
export async function loadPlanVersionAndWorkItemsSince(
  db: Queryable,
  version: number,
  limit: number,
): Promise<{ planVersion: number; rows: WorkItemRow[] }> {
  const rows = await db.query<
    { plan_version: string | number | null } & { [K in keyof ItemSinceRow]: ItemSinceRow[K] | null }
  >(
    `SELECT p.plan_version, w.source, w.key, w.data, w.deleted, w.last_change, w.version,
            w.source_updated_at, w.received_at
     FROM (SELECT max(seq) AS plan_version FROM plan_change) p
     LEFT JOIN LATERAL (
       SELECT source, key, data, deleted, last_change, version, source_updated_at, received_at
       FROM work_item WHERE version > $1 ORDER BY version LIMIT $2
     ) w ON true
     ORDER BY w.version`,
    [version, limit],
  );
  return {
    planVersion: Number(rows[0]?.plan_version ?? 0),
    rows: rows.flatMap((r) =>
      r.source === null ||
      r.key === null ||
      r.deleted === null ||
      r.version === null ||
      r.source_updated_at === null ||
      r.received_at === null
        ? []
        : [
            toItemSince({
              ...r,
              source: r.source,
              key: r.key,
              deleted: r.deleted,
              version: r.version,
              source_updated_at: r.source_updated_at,
              received_at: r.received_at,
            }),
          ],
    ),
  };
}

interface ItemSinceRow {
  source: string;
  key: string;
  data: WorkItem | null;
  deleted: boolean;
  last_change: WorkItemChange | null;
  version: string | number;
  source_updated_at: Date;
  received_at: Date;
}

function toItemSince(r: ItemSinceRow): WorkItemRow {
  return {
    source: r.source,
    key: r.key,
    item: r.deleted ? null : r.data,
    lastChange: r.last_change,
    version: Number(r.version),
    sourceUpdatedAt: r.source_updated_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
  };
}

/** Claims many deliveries at once; returns the dedupe keys that were new (not duplicates). */
export async function claimDeliveries(
  tx: Queryable,
  dedupeKeys: readonly string[],
  at: Date,
): Promise<Set<string>> {
  if (dedupeKeys.length === 0) return new Set();
  const rows = await tx.query<{ dedupe_key: string }>(
    `INSERT INTO ingested_delivery (dedupe_key, received_at)
     SELECT k, $2 FROM unnest($1::text[]) AS k
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key`,
    [dedupeKeys, at],
  );
  return new Set(rows.map((r) => r.dedupe_key));
}

/** Where each held item stands, for many items at once, by `source\u0000key`. */
export async function loadItemOrders(
  tx: Queryable,
  items: readonly { source: string; key: string }[],
): Promise<Map<string, IngestOrder>> {
  const held = new Map<string, IngestOrder>();
  if (items.length === 0) return held;
  const rows = await tx.query<{
    source: string;
    key: string;
    updated: Date;
    changelog_id: string | number | null;
  }>(
    `SELECT w.source, w.key, w.source_updated_at AS updated, w.changelog_id
     FROM work_item w JOIN unnest($1::text[], $2::text[]) AS i(source, key)
       ON w.source = i.source AND w.key = i.key`,
    [items.map((i) => i.source), items.map((i) => i.key)],
  );
  for (const r of rows) {
    held.set(`${r.source}\u0000${r.key}`, {
      updatedAt: r.updated.toISOString(),
      changelogId: r.changelog_id === null ? null : Number(r.changelog_id),
    });
  }
  return held;
}

/**
 * Writes a batch at once: each item's newest applied event becomes its mirror (one new version
 * per item), and every event — applied or stale — is appended to the history, in order.
 */
export async function writeWorkItemBatch(
  tx: Queryable,
  events: readonly { event: WorkItemEvent; outcome: 'applied' | 'stale' }[],
  receivedAt: Date,
): Promise<void> {
  if (events.length === 0) return;
  const latest = new Map<string, { event: WorkItemEvent; change: WorkItemChange | null }>();
  for (const { event, outcome } of events) {
    if (outcome !== 'applied') continue;
    const id = `${sourceOf(event)}\u0000${keyOf(event)}`;
    // A snapshot (no change) keeps the last change the batch or the store knew of.
    const change = event.change ?? latest.get(id)?.change ?? null;
    latest.set(id, { event, change });
  }
  const mirror = [...latest.values()].map(({ event, change }) => ({
    source: sourceOf(event),
    key: keyOf(event),
    source_id: event.op === 'upsert' ? (event.item.sourceId ?? null) : event.sourceId,
    data: event.op === 'upsert' ? event.item : null,
    deleted: event.op === 'delete',
    source_updated_at: event.order.updatedAt,
    changelog_id: event.order.changelogId,
    last_change: change,
  }));
  const history = events.map(({ event, outcome }, ordinal) => ({
    ordinal,
    source: sourceOf(event),
    key: keyOf(event),
    source_updated_at: event.order.updatedAt,
    changelog_id: event.order.changelogId,
    outcome,
    op: event.op,
    data: event.op === 'upsert' ? event.item : null,
    change: event.change,
    delivery: event.dedupeKey,
  }));
  // The items and their history in one statement (the history has no reference to the items).
  const mirrored =
    mirror.length === 0
      ? ''
      : `WITH mirrored AS (
           INSERT INTO work_item (source, key, source_id, data, deleted, source_updated_at, changelog_id, last_change, received_at, version)
           SELECT x.source, x.key, x.source_id, x.data, x.deleted, x.source_updated_at, x.changelog_id, x.last_change, $2, nextval('write_version_seq')
           FROM jsonb_to_recordset($3::jsonb) AS x(source text, key text, source_id text, data jsonb, deleted boolean,
             source_updated_at timestamptz, changelog_id bigint, last_change jsonb)
           ON CONFLICT (source, key) DO UPDATE SET
             source_id = EXCLUDED.source_id, data = EXCLUDED.data, deleted = EXCLUDED.deleted,
             source_updated_at = EXCLUDED.source_updated_at, changelog_id = EXCLUDED.changelog_id,
             last_change = COALESCE(EXCLUDED.last_change, work_item.last_change),
             received_at = EXCLUDED.received_at, version = EXCLUDED.version
           RETURNING 1
         ) `;
  await tx.query(
    `${mirrored}INSERT INTO work_item_history (source, key, received_at, source_updated_at, changelog_id, outcome, op, data, change, delivery)
     SELECT x.source, x.key, $2, x.source_updated_at, x.changelog_id, x.outcome, x.op, x.data, x.change, x.delivery
     FROM jsonb_to_recordset($1::jsonb) AS x(ordinal int, source text, key text, source_updated_at timestamptz,
       changelog_id bigint, outcome text, op text, data jsonb, change jsonb, delivery text)
     ORDER BY x.ordinal`,
    mirror.length === 0
      ? [JSON.stringify(history), receivedAt]
      : [JSON.stringify(history), receivedAt, JSON.stringify(mirror)],
  );
}
