import {
  latestEventSeq,
  listenForEvents,
  loadEventsAfter,
  type StoredLiveEvent,
} from '../store/event-log-store.ts';
import type { AppContext } from './context.ts';

export type { StoredLiveEvent } from '../store/event-log-store.ts';

/*
 * The live event log read back, for the streams that send it to browsers: where it stands, the
 * events after a point, and a wake-up when another instance commits some.
 */

/** The newest event's sequence number (0 when there is none). */
export function eventLogHead(ctx: AppContext): Promise<number> {
  return latestEventSeq(ctx.db);
}

/** The events after a sequence number, in order, at most `limit`. */
export function readEventsAfter(
  ctx: AppContext,
  seq: number,
  limit = 1000,
): Promise<StoredLiveEvent[]> {
  return loadEventsAfter(ctx.db, seq, limit);
}

/**
 * On the PostgreSQL server (`databaseUrl` given), calls `onEvents` whenever another instance
 * commits events, and returns how to stop; null on the embedded database, where this process
 * is the only writer.
 */
export async function listenForOtherInstances(
  ctx: AppContext,
  databaseUrl: string | undefined,
  onEvents: () => void,
): Promise<(() => Promise<void>) | null> {
  if (databaseUrl === undefined || ctx.db.kind !== 'postgres') return null;
  return listenForEvents(databaseUrl, onEvents);
}
