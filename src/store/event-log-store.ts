import type { Queryable } from './database.ts';

/** What live clients are told: a signal moved, or derived figures changed. */
export interface LiveEvent {
  kind: 'signal' | 'state';
  data: unknown;
  /** People the event concerns; empty means nobody in particular. */
  owners: readonly string[];
  /** Units whose work the event touches. */
  units: readonly string[];
  sourceChangedAt?: string | null;
  receivedAt?: string | null;
}

export interface StoredLiveEvent extends LiveEvent {
  seq: number;
  at: string;
}

/** The channel PostgreSQL NOTIFY uses to wake other app instances after a commit. */
export const EVENT_CHANNEL = 'throughline_events';

/** Appends events in the caller's transaction; other instances are woken when it commits. */
export async function appendEvents(
  tx: Queryable,
  events: readonly LiveEvent[],
  at: Date,
  notify: boolean,
): Promise<number[]> {
  const seqs: number[] = [];
  for (const event of events) {
    const rows = await tx.query<{ seq: string | number }>(
      `INSERT INTO event_log (at, kind, data, owners, units, source_changed_at, received_at)
       VALUES ($1, $2, $3::jsonb, $4::text[], $5::text[], $6, $7) RETURNING seq`,
      [
        at,
        event.kind,
        JSON.stringify(event.data),
        event.owners,
        event.units,
        event.sourceChangedAt ?? null,
        event.receivedAt ?? null,
      ],
    );
    seqs.push(Number(rows[0]?.seq));
  }
  const last = seqs.at(-1);
  // NOTIFY inside the transaction is delivered on commit, and not at all on rollback.
  if (notify && last !== undefined)
    await tx.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, String(last)]);
  return seqs;
}

interface EventRow {
  seq: string | number;
  at: Date;
  kind: 'signal' | 'state';
  data: unknown;
  owners: string[];
  units: string[];
  source_changed_at: Date | null;
  received_at: Date | null;
}

/** Events after a sequence number, in order. */
export async function loadEventsAfter(
  db: Queryable,
  seq: number,
  limit = 1000,
): Promise<StoredLiveEvent[]> {
  const rows = await db.query<EventRow>(
    `SELECT seq, at, kind, data, owners, units, source_changed_at, received_at FROM event_log
     WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [seq, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at.toISOString(),
    kind: r.kind,
    data: r.data,
    owners: r.owners,
    units: r.units,
    sourceChangedAt: r.source_changed_at?.toISOString() ?? null,
    receivedAt: r.received_at?.toISOString() ?? null,
  }));
}

/** The newest event's sequence number (0 when there is none). */
export async function latestEventSeq(db: Queryable): Promise<number> {
  const rows = await db.query<{ seq: string | number | null }>(
    'SELECT max(seq) AS seq FROM event_log',
  );
  return Number(rows[0]?.seq ?? 0);
}
