import { compareIngestOrder, type WorkItemEvent } from '../core/domain/work-item.ts';
import type { Queryable } from '../store/database.ts';
import type { SignalSync } from '../store/signal-store.ts';
import { claimDeliveries, loadItemOrders, writeWorkItemBatch } from '../store/work-item-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, sourceActor, write, type WriteScope } from './write.ts';

export interface IngestCounts {
  /** Events that changed a work item. */
  applied: number;
  /** Deliveries seen before: nothing done. */
  duplicates: number;
  /** Events older than what we hold: recorded in history, nothing changed. */
  stale: number;
}

export interface IngestResult extends IngestCounts {
  signals: SignalSync;
  /** From the start of the ingest to the signals being stored (committed). */
  durationMs: number;
}

/**
 * Writes work-item events inside the caller's write transaction, without deriving anything:
 * duplicates change nothing, and an older update arriving after a newer one does not roll the
 * item back (it is kept in the history only). A batch costs a handful of statements, however
 * many events it holds.
 */
export async function writeWorkItemEvents(
  tx: Queryable,
  events: readonly WorkItemEvent[],
  receivedAt: Date,
): Promise<IngestCounts & { earliestChange: string | null; appliedKeys: Map<string, string[]> }> {
  const counts = { applied: 0, duplicates: 0, stale: 0 };
  const claimed = await claimDeliveries(
    tx,
    [...new Set(events.map((e) => e.dedupeKey))],
    receivedAt,
  );
  const fresh: WorkItemEvent[] = [];
  for (const event of events) {
    // The first of several identical deliveries in one batch is the one that counts.
    if (claimed.delete(event.dedupeKey)) fresh.push(event);
    else counts.duplicates += 1;
  }
  const idOf = (e: WorkItemEvent): { source: string; key: string } =>
    e.op === 'upsert'
      ? { source: e.item.source, key: e.item.key }
      : { source: e.source, key: e.key };
  const held = await loadItemOrders(tx, fresh.map(idOf));
  const outcomes: { event: WorkItemEvent; outcome: 'applied' | 'stale' }[] = [];
  let earliestChange: string | null = null;
  const appliedKeys = new Map<string, string[]>();
  for (const event of fresh) {
    const { source, key } = idOf(event);
    const id = `${source}\u0000${key}`;
    const current = held.get(id);
    if (current !== undefined && compareIngestOrder(event.order, current) <= 0) {
      outcomes.push({ event, outcome: 'stale' });
      counts.stale += 1;
      continue;
    }
    held.set(id, event.order);
    outcomes.push({ event, outcome: 'applied' });
    counts.applied += 1;
    const keys = appliedKeys.get(source);
    if (keys === undefined) appliedKeys.set(source, [key]);
    else keys.push(key);
    const changedAt = event.change?.at ?? event.order.updatedAt;
    if (earliestChange === null || Date.parse(changedAt) < Date.parse(earliestChange))
      earliestChange = changedAt;
  }
  await writeWorkItemBatch(tx, outcomes, receivedAt);
  return { ...counts, earliestChange, appliedKeys };
}

/**
 * Applies work-item events inside a write (see `writeWorkItemEvents`) and, when any changed an
 * item, asks the write to bring the derived state up to date before it commits; the items
 * changed go to the audit log under their source.
 */
export async function ingestInWrite(
  scope: WriteScope,
  events: readonly WorkItemEvent[],
  receivedAt: Date,
): Promise<IngestCounts> {
  const { earliestChange, appliedKeys, ...counts } = await writeWorkItemEvents(
    scope.tx,
    events,
    receivedAt,
  );
  if (counts.applied === 0) return counts;
  for (const [source, keys] of appliedKeys)
    scope.audit({ action: 'work.ingest', item: `source/${source}`, after: { ...counts, keys } });
  scope.derive({ sourceChangedAt: earliestChange, receivedAt: receivedAt.toISOString() });
  return counts;
}

/** Takes work-item events from a source in one write of its own (actor: the source). */
export async function ingestWorkItemEvents(
  ctx: AppContext,
  events: readonly WorkItemEvent[],
  actor: ActorLike = sourceActor(events[0] === undefined ? 'none' : sourceOf(events[0]), {
    via: 'cli',
  }),
): Promise<IngestResult> {
  const written = await write(ctx, actor, (scope) => ingestInWrite(scope, events, scope.at));
  return { ...written.value, signals: written.signals, durationMs: written.durationMs };
}

function sourceOf(event: WorkItemEvent): string {
  return event.op === 'upsert' ? event.item.source : event.source;
}
