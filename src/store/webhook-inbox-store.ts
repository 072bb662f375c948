import type { Database, Queryable } from './database.ts';

/** Persists a delivery before anything else; false when the same delivery id came before. */
export async function persistDelivery(
  db: Queryable,
  source: string,
  deliveryId: string | null,
  body: string,
  at: Date,
): Promise<{ seq: number; duplicate: boolean }> {
  const rows = await db.query<{ seq: string | number }>(
    `INSERT INTO webhook_inbox (source, delivery_id, received_at, body) VALUES ($1, $2, $3, $4)
     ON CONFLICT (source, delivery_id) DO NOTHING RETURNING seq`,
    [source, deliveryId, at, body],
  );
  const seq = rows[0]?.seq;
  return seq === undefined ? { seq: 0, duplicate: true } : { seq: Number(seq), duplicate: false };
}

/** Persists deliveries as they come, several to a transaction under load (a group commit). */
export interface DeliveryWriter {
  /** Resolves once the delivery is committed; as `persistDelivery`. */
  persist(
    source: string,
    deliveryId: string | null,
    body: string,
    at: Date,
  ): Promise<{ seq: number; duplicate: boolean }>;
}

interface QueuedDelivery {
  source: string;
  deliveryId: string | null;
  body: string;
  at: Date;
  resolve: (result: { seq: number; duplicate: boolean }) => void;
  reject: (error: unknown) => void;
}

/**
 * A writer that commits the deliveries waiting at a moment in one transaction: each is still
 * answered only after it is committed, but a burst costs one commit (one write of the log to
 * disk) instead of one each. A quiet writer commits a lone delivery at once.
 */
export function createDeliveryWriter(db: Database): DeliveryWriter {
  let queue: QueuedDelivery[] = [];
  let flushing = false;
  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const results = await db.transaction(async (tx) => {
          const out: { seq: number; duplicate: boolean }[] = [];
          for (const d of batch) {
            out.push(await persistDelivery(tx, d.source, d.deliveryId, d.body, d.at));
          }
          return out;
        });
        batch.forEach((d, i) => d.resolve(results[i]!));
      } catch (error) {
        for (const d of batch) d.reject(error);
      }
    }
    flushing = false;
  };
  return {
    persist(source, deliveryId, body, at) {
      return new Promise((resolve, reject) => {
        queue.push({ source, deliveryId, body, at, resolve, reject });
        // Deliveries already on their way join this one: the commit waits for the next turn.
        if (!flushing) {
          flushing = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
}

/** One persisted delivery waiting to be processed. */
export interface InboxRow {
  seq: number;
  source: string;
  deliveryId: string | null;
  body: string;
  receivedAt: Date;
  /** How often processing it has failed so far. */
  attempts: number;
}

const ROW_COLUMNS = 'seq, source, delivery_id, body, received_at, attempts';

interface RawInboxRow {
  seq: string | number;
  source: string;
  delivery_id: string | null;
  body: string;
  received_at: Date;
  attempts: number;
}

function toInboxRow(r: RawInboxRow): InboxRow {
  return {
    seq: Number(r.seq),
    source: r.source,
    deliveryId: r.delivery_id,
    body: r.body,
    receivedAt: r.received_at,
    attempts: Number(r.attempts),
  };
}

/**
 * The oldest pending deliveries that are due (not waiting out a backoff at `now`), locked for
 * this transaction (others skip them).
 */
export async function claimPending(tx: Queryable, limit: number, now: Date): Promise<InboxRow[]> {
  const rows = await tx.query<RawInboxRow>(
    `SELECT ${ROW_COLUMNS} FROM webhook_inbox
     WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
     ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit, now],
  );
  return rows.map(toInboxRow);
}

/** One pending delivery by its number, locked for this transaction; null when not pending. */
export async function claimDelivery(tx: Queryable, seq: number): Promise<InboxRow | null> {
  const rows = await tx.query<RawInboxRow>(
    `SELECT ${ROW_COLUMNS} FROM webhook_inbox WHERE seq = $1 AND status = 'pending'
     FOR UPDATE SKIP LOCKED`,
    [seq],
  );
  const row = rows[0];
  return row === undefined ? null : toInboxRow(row);
}

/** Marks deliveries applied. */
export async function markProcessed(
  tx: Queryable,
  seqs: readonly number[],
  at: Date,
): Promise<void> {
  if (seqs.length === 0) return;
  await tx.query(
    `UPDATE webhook_inbox SET status = 'processed', processed_at = $2, error = NULL,
       next_attempt_at = NULL WHERE seq = ANY($1::bigint[])`,
    [seqs, at],
  );
}

/** Sets a delivery aside (dead-letter) with the problems that stopped it. */
export async function markDeadLetter(
  tx: Queryable,
  seq: number,
  at: Date,
  attempts: number,
  problems: unknown,
): Promise<void> {
  await tx.query(
    `UPDATE webhook_inbox SET status = 'dead_letter', processed_at = $2, attempts = $3,
       error = $4::jsonb, next_attempt_at = NULL WHERE seq = $1`,
    [seq, at, attempts, JSON.stringify(problems)],
  );
}

/** Records a failed attempt of a delivery that stays pending, to be tried again at `nextAt`. */
export async function markRetryLater(
  tx: Queryable,
  seq: number,
  attempts: number,
  nextAt: Date,
  problems: unknown,
): Promise<void> {
  await tx.query(
    `UPDATE webhook_inbox SET attempts = $2, next_attempt_at = $3, error = $4::jsonb
     WHERE seq = $1 AND status = 'pending'`,
    [seq, attempts, nextAt, JSON.stringify(problems)],
  );
}

/** When the earliest delivery waiting out a backoff is due; null when none waits. */
export async function nextAttemptDue(db: Queryable): Promise<Date | null> {
  const rows = await db.query<{ at: Date | null }>(
    `SELECT min(next_attempt_at) AS at FROM webhook_inbox
     WHERE status = 'pending' AND next_attempt_at IS NOT NULL`,
  );
  const at = rows[0]?.at ?? null;
  return at === null ? null : new Date(at);
}

/** How the deliveries of one source stand. */
export interface InboxCounts {
  source: string;
  /** Waiting to be processed (including those waiting out a backoff). */
  pending: number;
  /** Pending deliveries that failed at least once and wait to be tried again. */
  retrying: number;
  /** Set aside: they will not be tried again unless someone retries them. */
  deadLettered: number;
  /** When the oldest pending delivery was received; null when none is pending. */
  oldestPendingAt: Date | null;
  /** Pending deliveries received before `stuckBefore`: waiting far longer than processing takes. */
  stuck: number;
}

/** Pending, retrying and dead-lettered deliveries per source (sources with none are left out). */
export async function countInbox(
  db: Queryable,
  stuckBefore: Date = new Date(0),
): Promise<InboxCounts[]> {
  const rows = await db.query<{
    source: string;
    pending: string | number;
    retrying: string | number;
    dead: string | number;
    oldest: Date | null;
    stuck: string | number;
  }>(
    `SELECT source,
       count(*) FILTER (WHERE status = 'pending') AS pending,
       count(*) FILTER (WHERE status = 'pending' AND attempts > 0) AS retrying,
       count(*) FILTER (WHERE status = 'dead_letter') AS dead,
       min(received_at) FILTER (WHERE status = 'pending') AS oldest,
       count(*) FILTER (WHERE status = 'pending' AND received_at < $1) AS stuck
     FROM webhook_inbox WHERE status IN ('pending', 'dead_letter')
     GROUP BY source ORDER BY source`,
    [stuckBefore],
  );
  return rows.map((r) => ({
    source: r.source,
    pending: Number(r.pending),
    retrying: Number(r.retrying),
    deadLettered: Number(r.dead),
    oldestPendingAt: r.oldest === null ? null : new Date(r.oldest),
    stuck: Number(r.stuck),
  }));
}

/** A dead-lettered delivery, as listed: what it was and why it was set aside. */
export interface DeadLetter {
  seq: number;
  source: string;
  deliveryId: string | null;
  receivedAt: Date;
  deadLetteredAt: Date;
  attempts: number;
  /** The problems that stopped it (`{code, message, path?}`). */
  problems: unknown;
}

/** Dead-lettered deliveries, oldest first; of one source when given. */
export async function listDeadLetters(
  db: Queryable,
  source: string | null,
  limit: number,
): Promise<DeadLetter[]> {
  const rows = await db.query<{
    seq: string | number;
    source: string;
    delivery_id: string | null;
    received_at: Date;
    processed_at: Date;
    attempts: number;
    error: unknown;
  }>(
    `SELECT seq, source, delivery_id, received_at, processed_at, attempts, error
     FROM webhook_inbox WHERE status = 'dead_letter' AND ($1::text IS NULL OR source = $1)
     ORDER BY seq LIMIT $2`,
    [source, limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    source: r.source,
    deliveryId: r.delivery_id,
    receivedAt: new Date(r.received_at),
    deadLetteredAt: new Date(r.processed_at),
    attempts: Number(r.attempts),
    problems: typeof r.error === 'string' ? (JSON.parse(r.error) as unknown) : r.error,
  }));
}

/**
 * Puts a dead-lettered delivery back in line, with its attempts reset; false when there is no
 * dead-lettered delivery with that number.
 */
export async function requeueDeadLetter(db: Queryable, seq: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE webhook_inbox SET status = 'pending', attempts = 0, next_attempt_at = NULL,
       processed_at = NULL WHERE seq = $1 AND status = 'dead_letter' RETURNING seq`,
    [seq],
  );
  return rows.length > 0;
}
