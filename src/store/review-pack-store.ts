import type { ReviewPackContent } from '../core/governance/review-pack.ts';
import type { Queryable } from './database.ts';

/**
 * Published review packs, immutable (migration 019 refuses UPDATE, DELETE and TRUNCATE): the
 * content as JSON and the Markdown, stored once and read back exactly as they were.
 */

export interface StoredReviewPack {
  /** `RP-<review>-<date>` for a scheduled pack, `RP-<review>-<date>-<n>` for one on demand. */
  id: string;
  review: string;
  /** The meeting's local date. */
  occurrence: string;
  onDemand: boolean;
  publishedAt: string;
  publishedBy: string;
  content: ReviewPackContent;
  markdown: string;
}

/** A pack without its content, for lists. */
export type ReviewPackSummary = Omit<StoredReviewPack, 'content' | 'markdown'>;

interface Row {
  id: string;
  review_id: string;
  occurrence: string | Date;
  on_demand: boolean;
  published_at: string | Date;
  published_by: string;
  content?: ReviewPackContent | string;
  markdown?: string;
}

function dateText(value: string | Date): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10);
}

function toPack(row: Row): StoredReviewPack {
  const content: unknown = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
  return {
    id: row.id,
    review: row.review_id,
    occurrence: dateText(row.occurrence),
    onDemand: row.on_demand,
    publishedAt: new Date(row.published_at).toISOString(),
    publishedBy: row.published_by,
    content: content as ReviewPackContent,
    markdown: row.markdown ?? '',
  };
}

const SUMMARY = `id, review_id, to_char(occurrence, 'YYYY-MM-DD') AS occurrence, on_demand,
  published_at, published_by`;

/** Stores a pack; false when the scheduled pack of that meeting exists already (nothing stored). */
export async function insertReviewPack(tx: Queryable, pack: StoredReviewPack): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO review_pack
       (id, review_id, occurrence, on_demand, published_at, published_by, content, markdown)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [
      pack.id,
      pack.review,
      pack.occurrence,
      pack.onDemand,
      pack.publishedAt,
      pack.publishedBy,
      JSON.stringify(pack.content),
      pack.markdown,
    ],
  );
  return rows.length === 1;
}

/** The packs of a review, newest first. */
export async function listReviewPacks(
  db: Queryable,
  review: string,
  limit = 100,
): Promise<ReviewPackSummary[]> {
  const rows = await db.query<Row>(
    `SELECT ${SUMMARY} FROM review_pack WHERE review_id = $1 ORDER BY seq DESC LIMIT $2`,
    [review, limit],
  );
  return rows.map((r) => {
    const { content: _c, markdown: _m, ...summary } = toPack(r);
    return summary;
  });
}

/** The newest pack of a review (with its content), or null. */
export async function latestReviewPack(
  db: Queryable,
  review: string,
): Promise<StoredReviewPack | null> {
  const rows = await db.query<Row>(
    `SELECT ${SUMMARY}, content, markdown FROM review_pack WHERE review_id = $1
     ORDER BY seq DESC LIMIT 1`,
    [review],
  );
  return rows[0] === undefined ? null : toPack(rows[0]);
}

/** One pack by id, or null. */
export async function loadReviewPack(db: Queryable, id: string): Promise<StoredReviewPack | null> {
  const rows = await db.query<Row>(
    `SELECT ${SUMMARY}, content, markdown FROM review_pack WHERE id = $1`,
    [id],
  );
  return rows[0] === undefined ? null : toPack(rows[0]);
}

/** Whether the scheduled pack of a meeting is published. */
export async function hasScheduledPack(
  db: Queryable,
  review: string,
  occurrence: string,
): Promise<boolean> {
  const rows = await db.query<{ n: number }>(
    `SELECT 1 AS n FROM review_pack WHERE review_id = $1 AND occurrence = $2 AND NOT on_demand`,
    [review, occurrence],
  );
  return rows.length > 0;
}

/** How many packs of a review were made on demand for a date (to number the next one). */
export async function countOnDemandPacks(
  db: Queryable,
  review: string,
  occurrence: string,
): Promise<number> {
  const rows = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM review_pack WHERE review_id = $1 AND occurrence = $2 AND on_demand`,
    [review, occurrence],
  );
  return Number(rows[0]?.n ?? 0);
}

/** The signal history after an instant (all of it when null), oldest first, for a pack. */
export async function signalHistorySince(
  db: Queryable,
  since: string | null,
  limit = 10_000,
): Promise<
  { signalId: string; at: string; event: 'raised' | 'changed' | 'resolved'; data: unknown }[]
> {
  const rows = await db.query<{
    signal_id: string;
    at: Date | string;
    event: string;
    data: unknown;
  }>(
    `SELECT signal_id, at, event, data FROM signal_history
     ${since === null ? '' : 'WHERE at > $2'} ORDER BY seq DESC LIMIT $1`,
    since === null ? [limit] : [limit, since],
  );
  return rows.reverse().map((r) => ({
    signalId: r.signal_id,
    at: new Date(r.at).toISOString(),
    event: r.event as 'raised' | 'changed' | 'resolved',
    data: typeof r.data === 'string' ? (JSON.parse(r.data) as unknown) : r.data,
  }));
}
