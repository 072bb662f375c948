import { compareIngestOrder, type WorkItemEvent } from '../core/domain/work-item.ts';
import type { Queryable } from '../store/database.ts';
import type { SignalSync } from '../store/signal-store.ts';
import {
  applyWorkItemEvent,
  claimDelivery,
  loadItemOrder,
  recordStaleEvent,
} from '../store/work-item-store.ts';
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
 * Applies work-item events inside the caller's write transaction: duplicates change nothing, an
 * older update arriving after a newer one does not roll the item back, and the signals (and live
 * events) are brought up to date before the transaction commits.
 */
export async function ingestInTransaction(
  ctx: AppContext,
  tx: Queryable,
  events: readonly WorkItemEvent[],
  receivedAt: Date,
): Promise<IngestCounts & { signals: SignalSync }> {
  const counts = { applied: 0, duplicates: 0, stale: 0 };
  let earliestChange: string | null = null;
  for (const event of events) {
    if (!(await claimDelivery(tx, event.dedupeKey, receivedAt))) {
      counts.duplicates += 1;
      continue;
    }
    const source = event.op === 'upsert' ? event.item.source : event.source;
    const key = event.op === 'upsert' ? event.item.key : event.key;
    const held = await loadItemOrder(tx, source, key);
    if (held !== null && compareIngestOrder(event.order, held) <= 0) {
      await recordStaleEvent(tx, event, receivedAt);
      counts.stale += 1;
      continue;
    }
    await applyWorkItemEvent(tx, event, receivedAt);
    counts.applied += 1;
    const changedAt = event.change?.at ?? event.order.updatedAt;
    if (earliestChange === null || Date.parse(changedAt) < Date.parse(earliestChange))
      earliestChange = changedAt;
  }
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
