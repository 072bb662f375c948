import { compareIngestOrder, type WorkItemEvent } from '../core/domain/work-item.ts';
import type { Queryable } from '../store/database.ts';
import {
  applyWorkItemEvent,
  claimDelivery,
  loadItemOrder,
  recordStaleEvent,
} from '../store/work-item-store.ts';

export interface WorkChunkCounts {
  applied: number;
  duplicates: number;
  stale: number;
}

/**
 * Writes one chunk of work-item events inside the caller's write transaction, with the rules
 * of `ingest-work.ts` (a duplicate delivery changes nothing, an older update does not roll an
 * item back) but without recomputing signals: a long import recomputes once, at its end.
 */
export async function ingestWorkChunk(
  tx: Queryable,
  events: readonly WorkItemEvent[],
  receivedAt: Date,
  counts: WorkChunkCounts,
): Promise<void> {
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
  }
}
