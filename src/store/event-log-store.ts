import pg from 'pg';
import type { Queryable } from './database.ts';

/** What live clients are told: a signal moved, derived figures changed, a decision took a step. */
export interface LiveEvent {
  kind: 'signal' | 'state' | 'decision';
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
  if (events.length === 0) return [];
  // One statement however many events: a webhook batch raises several at once.
  const rows = await tx.query<{ seq: string | number }>(
    `INSERT INTO event_log (at, kind, data, owners, units, source_changed_at, received_at)
     SELECT $1, x.kind, x.data,
            ARRAY(SELECT jsonb_array_elements_text(x.owners)),
            ARRAY(SELECT jsonb_array_elements_text(x.units)),
            x.source_changed_at, x.received_at
     FROM ROWS FROM (jsonb_to_recordset($2::jsonb) AS (kind text, data jsonb, owners jsonb,
            units jsonb, source_changed_at timestamptz, received_at timestamptz))
          WITH ORDINALITY AS x(kind, data, owners, units, source_changed_at, received_at, n)
     ORDER BY x.n
     RETURNING seq`,
    [
      at,
      JSON.stringify(
        events.map((event) => ({
          kind: event.kind,
          data: event.data,
          owners: event.owners,
          units: event.units,
          source_changed_at: event.sourceChangedAt ?? null,
          received_at: event.receivedAt ?? null,
        })),
      ),
    ],
  );
  const seqs = rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
  const last = seqs.at(-1);
  // NOTIFY inside the transaction is delivered on commit, and not at all on rollback.
  if (notify && last !== undefined)
    await tx.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, String(last)]);
  return seqs;
}

interface EventRow {
  seq: string | number;
  at: Date;
  kind: LiveEvent['kind'];
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

/**
 * Listens, on a PostgreSQL connection of its own, for the events other instances commit (their
 * NOTIFY on EVENT_CHANNEL); `onNotify` is called at each. Returns how to stop listening.
 */
export async function listenForEvents(
  connectionString: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  const listener = new pg.Client({ connectionString });
  await listener.connect();
  listener.on('notification', onNotify);
  await listener.query(`LISTEN ${EVENT_CHANNEL}`);
  return () => listener.end();
}

/** The newest event's sequence number (0 when there is none). */
export async function latestEventSeq(db: Queryable): Promise<number> {
  const rows = await db.query<{ seq: string | number | null }>(
    'SELECT max(seq) AS seq FROM event_log',
  );
  return Number(rows[0]?.seq ?? 0);
}
