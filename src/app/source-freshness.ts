import type { Queryable } from '../store/database.ts';
import { countInbox } from '../store/webhook-inbox-store.ts';
import { loadWorkItems } from '../store/work-item-store.ts';

/** How a source's webhook deliveries stand: waiting, failing, set aside. */
export interface SourceDeliveries {
  /** Received and waiting to be applied (including those waiting to be tried again). */
  pending: number;
  /** Pending deliveries that failed at least once and wait out a backoff. */
  retrying: number;
  /** Set aside because they cannot be applied: listed at `GET /api/v1/webhooks/dead-letters`. */
  deadLettered: number;
  /** When the oldest pending delivery was received (ISO 8601); null when none is pending. */
  oldestPendingAt: string | null;
}

/** How fresh one source's mirror is. */
export interface SourceFreshness {
  source: string;
  workItems: number;
  /** The latest last-updated instant the source reported for any of its items (ISO 8601). */
  latestUpdateAt: string | null;
  deliveries: SourceDeliveries;
}

const NO_DELIVERIES: SourceDeliveries = {
  pending: 0,
  retrying: 0,
  deadLettered: 0,
  oldestPendingAt: null,
};

/**
 * Each source with its item count, the newest update it reported and how its webhook
 * deliveries stand (a source known only from deliveries is listed too), by source name.
 */
export async function sourceFreshness(db: Queryable): Promise<SourceFreshness[]> {
  const bySource = new Map<string, SourceFreshness>();
  const entryOf = (source: string): SourceFreshness => {
    const entry = bySource.get(source) ?? {
      source,
      workItems: 0,
      latestUpdateAt: null,
      deliveries: NO_DELIVERIES,
    };
    bySource.set(source, entry);
    return entry;
  };
  for (const item of await loadWorkItems(db)) {
    const entry = entryOf(item.source);
    entry.workItems += 1;
    if (
      entry.latestUpdateAt === null ||
      Date.parse(item.updatedAt) > Date.parse(entry.latestUpdateAt)
    ) {
      entry.latestUpdateAt = item.updatedAt;
    }
  }
  for (const counts of await countInbox(db)) {
    entryOf(counts.source).deliveries = {
      pending: counts.pending,
      retrying: counts.retrying,
      deadLettered: counts.deadLettered,
      oldestPendingAt: counts.oldestPendingAt?.toISOString() ?? null,
    };
  }
  return [...bySource.values()].sort((a, b) => a.source.localeCompare(b.source));
}
