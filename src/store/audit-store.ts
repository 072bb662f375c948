import type { Queryable } from './database.ts';

/** Where a write came from: the door it used and, over HTTP, the client's address and agent. */
export interface WriteOrigin {
  via: 'api' | 'web' | 'cli' | 'webhook' | 'server';
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

/** One thing a write changed, as the audit log keeps it. */
export interface AuditEntry {
  /** What was done, e.g. `plan.apply`, `plan.update`, `signal.ack`, `decision.decide`. */
  action: string;
  /** The item it concerns (`kpis/K-SAVINGS`, `decision/DEC-1`, `site/acme`), when one. */
  item?: string | null;
  before?: unknown;
  after?: unknown;
}

export interface StoredAuditEntry extends AuditEntry {
  seq: number;
  at: string;
  actor: string;
  origin: WriteOrigin;
  item: string | null;
  before: unknown;
  after: unknown;
}

/** Appends a write's entries in the caller's transaction: they commit with it, or not at all. */
export async function appendAudit(
  tx: Queryable,
  entries: readonly AuditEntry[],
  at: Date,
  actor: string,
  origin: WriteOrigin,
): Promise<void> {
  if (entries.length === 0) return;
  await tx.query(
    `INSERT INTO audit_log (at, actor, action, item, before, after, origin)
     SELECT $1, $2, x.action, x.item, x.before, x.after, $3::jsonb
     FROM ROWS FROM (jsonb_to_recordset($4::jsonb)
            AS (action text, item text, before jsonb, after jsonb))
          WITH ORDINALITY AS x(action, item, before, after, n)
     ORDER BY x.n`,
    [
      at,
      actor,
      JSON.stringify(origin),
      JSON.stringify(
        entries.map((e) => ({
          action: e.action,
          item: e.item ?? null,
          before: e.before ?? null,
          after: e.after ?? null,
        })),
      ),
    ],
  );
}

export interface AuditQuery {
  actor?: string;
  /** Entries about this item (`kpis/K-SAVINGS`), or every item under a prefix ending in `/`. */
  item?: string;
  from?: Date;
  to?: Date;
  /** Entries after this seq (paging forward). */
  after?: number;
  limit: number;
}

interface AuditRow {
  seq: string | number;
  at: Date | string;
  actor: string;
  action: string;
  item: string | null;
  before: unknown;
  after: unknown;
  origin: WriteOrigin;
}

/** Reads the log, oldest first, filtered by person, item and time. */
export async function listAudit(db: Queryable, query: AuditQuery): Promise<StoredAuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.actor !== undefined) where.push(`actor = ${param(query.actor)}`);
  if (query.item !== undefined)
    where.push(
      query.item.endsWith('/')
        ? `starts_with(item, ${param(query.item)})`
        : `item = ${param(query.item)}`,
    );
  if (query.from !== undefined) where.push(`at >= ${param(query.from)}`);
  if (query.to !== undefined) where.push(`at < ${param(query.to)}`);
  if (query.after !== undefined) where.push(`seq > ${param(query.after)}`);
  const rows = await db.query<AuditRow>(
    `SELECT seq, at, actor, action, item, before, after, origin FROM audit_log
     ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
     ORDER BY seq LIMIT ${param(query.limit)}`,
    params,
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    item: row.item,
    before: row.before,
    after: row.after,
    origin: row.origin,
  }));
}
