import type { Database, Queryable } from './database.ts';

export interface InboxRow {
  seq: number;
  source: string;
  body: string;
  receivedAt: Date;
}

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

/** The oldest pending deliveries, locked for this transaction (others skip them). */
export async function claimPending(tx: Queryable, limit: number): Promise<InboxRow[]> {
  const rows = await tx.query<{
    seq: string | number;
    source: string;
    body: string;
    received_at: Date;
  }>(
    `SELECT seq, source, body, received_at FROM webhook_inbox WHERE status = 'pending'
     ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    source: r.source,
    body: r.body,
    receivedAt: r.received_at,
  }));
}

/** Marks deliveries done (or failed, with the reason). */
export async function markDeliveries(
  tx: Queryable,
  seqs: readonly number[],
  status: 'processed' | 'failed',
  at: Date,
  error: unknown = null,
): Promise<void> {
  if (seqs.length === 0) return;
  await tx.query(
    `UPDATE webhook_inbox SET status = $2, processed_at = $3, error = $4::jsonb WHERE seq = ANY($1::bigint[])`,
    [seqs, status, at, error === null ? null : JSON.stringify(error)],
  );
}

/** How many deliveries wait to be processed. */
export async function countPending(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    "SELECT count(*) AS n FROM webhook_inbox WHERE status = 'pending'",
  );
  return Number(rows[0]?.n ?? 0);
}
