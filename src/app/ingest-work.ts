import { compareIngestOrder, type WorkItemEvent } from '../core/domain/work-item.ts';
import type { Queryable } from '../store/database.ts';
import type { SignalSync } from '../store/signal-store.ts';
import { claimDeliveries, loadItemOrders, writeWorkItemBatch } from '../store/work-item-store.ts';
import { lockForWrite } from '../store/write-lock.ts';
import type { AppContext } from './context.ts';
import { recomputeSignals } from './derive.ts';

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

const NO_SIGNAL_CHANGE: SignalSync = { raised: [], changed: [], resolved: [] };

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
): Promise<IngestCounts & { earliestChange: string | null }> {
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
    const changedAt = event.change?.at ?? event.order.updatedAt;
    if (earliestChange === null || Date.parse(changedAt) < Date.parse(earliestChange))
      earliestChange = changedAt;
  }
  await writeWorkItemBatch(tx, outcomes, receivedAt);
  return { ...counts, earliestChange };
}

/**
 * Applies work-item events inside the caller's write transaction (see `writeWorkItemEvents`),
 * then brings the signals (and live events) up to date before the transaction commits.
 */
export async function ingestInTransaction(
  ctx: AppContext,
  tx: Queryable,
  events: readonly WorkItemEvent[],
  receivedAt: Date,
): Promise<IngestCounts & { signals: SignalSync }> {
  const { earliestChange, ...counts } = await writeWorkItemEvents(tx, events, receivedAt);
  if (counts.applied === 0) return { ...counts, signals: NO_SIGNAL_CHANGE };
  const { signals } = await recomputeSignals(tx, ctx.clock.asOf(), ctx.clock.now(), {
    model: ctx.model,
    notify: ctx.db.kind === 'postgres',
    sourceChangedAt: earliestChange,
    receivedAt: receivedAt.toISOString(),
  });
  return { ...counts, signals };
}

/** Takes work-item events from a source in one transaction of its own. */
export async function ingestWorkItemEvents(
  ctx: AppContext,
  events: readonly WorkItemEvent[],
): Promise<IngestResult> {
  const started = performance.now();
  try {
    const result = await ctx.db.transaction(async (tx) => {
      await lockForWrite(ctx.db, tx);
      return ingestInTransaction(ctx, tx, events, ctx.clock.now());
    });
    return { ...result, durationMs: performance.now() - started };
  } catch (error) {
    ctx.model?.invalidate();
    throw error;
  }
}
