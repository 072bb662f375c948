import { compareIngestOrder, type WorkItemEvent } from '../core/domain/work-item.ts';
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

export interface IngestResult {
  /** Events that changed a work item. */
  applied: number;
  /** Deliveries seen before: nothing done. */
  duplicates: number;
  /** Events older than what we hold: recorded in history, nothing changed. */
  stale: number;
  signals: SignalSync;
  /** From the start of the ingest to the signals being stored (committed). */
  durationMs: number;
}

/**
 * Takes work-item events from a source in one transaction: duplicates change nothing, an older
 * update arriving after a newer one does not roll the item back, and the signals are brought
 * up to date before the transaction commits.
 */
export async function ingestWorkItemEvents(
  ctx: AppContext,
  events: readonly WorkItemEvent[],
): Promise<IngestResult> {
  const started = performance.now();
  const counts = { applied: 0, duplicates: 0, stale: 0 };
  const signals = await ctx.db.transaction(async (tx) => {
    await lockForWrite(ctx.db, tx);
    const at = ctx.clock.now();
    for (const event of events) {
      if (!(await claimDelivery(tx, event.dedupeKey, at))) {
        counts.duplicates += 1;
        continue;
      }
      const source = event.op === 'upsert' ? event.item.source : event.source;
      const key = event.op === 'upsert' ? event.item.key : event.key;
      const held = await loadItemOrder(tx, source, key);
      if (held !== null && compareIngestOrder(event.order, held) <= 0) {
        await recordStaleEvent(tx, event, at);
        counts.stale += 1;
        continue;
      }
      await applyWorkItemEvent(tx, event, at);
      counts.applied += 1;
    }
    if (counts.applied === 0) return { raised: [], changed: [], resolved: [] };
    return (await recomputeSignals(tx, ctx.clock.asOf(), at)).signals;
  });
  return { ...counts, signals, durationMs: performance.now() - started };
}
