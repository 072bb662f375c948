import type { Problem } from '../core/errors.ts';
import type { Queryable } from './database.ts';

/** A source's saved column mapping, as stored (the JSON the connector reads). */
export interface SavedMapping {
  source: string;
  mapping: unknown;
  updatedAt: string;
  updatedBy: string;
}

/** The saved column mapping of a spreadsheet source; null when none was saved. */
export async function loadMapping(db: Queryable, source: string): Promise<SavedMapping | null> {
  const rows = await db.query<{ mapping: unknown; updated_at: Date; updated_by: string }>(
    'SELECT mapping, updated_at, updated_by FROM import_mapping WHERE source = $1',
    [source],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    source,
    mapping: row.mapping,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}

/** Saves (replaces) a source's column mapping. */
export async function saveMapping(
  tx: Queryable,
  source: string,
  mapping: unknown,
  at: Date,
  actor: string,
): Promise<void> {
  await tx.query(
    `INSERT INTO import_mapping (source, mapping, updated_at, updated_by) VALUES ($1, $2::jsonb, $3, $4)
     ON CONFLICT (source) DO UPDATE SET mapping = EXCLUDED.mapping, updated_at = EXCLUDED.updated_at,
       updated_by = EXCLUDED.updated_by`,
    [source, JSON.stringify(mapping), at, actor],
  );
}

/** One import, applied or refused. */
export interface ImportRun {
  id: number;
  source: string;
  file: string;
  format: 'csv' | 'xlsx';
  kind: string;
  mode: 'all_or_nothing' | 'skip_bad_rows';
  outcome: 'applied' | 'refused';
  startedAt: string;
  finishedAt: string;
  rowsRead: number;
  rowsApplied: number;
  rowsSkipped: number;
  /** Plan entities (or work items) changed. */
  changes: number;
  problemCount: number;
  /** The first problems met (at most the number kept). */
  problems: Problem[];
  mapping: unknown;
  actor: string;
}

/** Records an import; returns its id. */
export async function recordImportRun(tx: Queryable, run: Omit<ImportRun, 'id'>): Promise<number> {
  const rows = await tx.query<{ id: string | number }>(
    `INSERT INTO import_run (source, file, format, kind, mode, outcome, started_at, finished_at,
       rows_read, rows_applied, rows_skipped, changes, problem_count, problems, mapping, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16)
     RETURNING id`,
    [
      run.source,
      run.file,
      run.format,
      run.kind,
      run.mode,
      run.outcome,
      run.startedAt,
      run.finishedAt,
      run.rowsRead,
      run.rowsApplied,
      run.rowsSkipped,
      run.changes,
      run.problemCount,
      JSON.stringify(run.problems),
      JSON.stringify(run.mapping),
      run.actor,
    ],
  );
  return Number(rows[0]?.id);
}

interface ImportRunRow {
  id: string | number;
  source: string;
  file: string;
  format: 'csv' | 'xlsx';
  kind: string;
  mode: 'all_or_nothing' | 'skip_bad_rows';
  outcome: 'applied' | 'refused';
  started_at: Date;
  finished_at: Date;
  rows_read: number;
  rows_applied: number;
  rows_skipped: number;
  changes: number;
  problem_count: number;
  problems: Problem[];
  mapping: unknown;
  actor: string;
}

/** Imports, newest first; of one source when given. */
export async function listImportRuns(
  db: Queryable,
  options: { source?: string; limit?: number } = {},
): Promise<ImportRun[]> {
  const rows = await db.query<ImportRunRow>(
    `SELECT * FROM import_run WHERE ($1::text IS NULL OR source = $1) ORDER BY id DESC LIMIT $2`,
    [options.source ?? null, options.limit ?? 50],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    file: r.file,
    format: r.format,
    kind: r.kind,
    mode: r.mode,
    outcome: r.outcome,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at.toISOString(),
    rowsRead: r.rows_read,
    rowsApplied: r.rows_applied,
    rowsSkipped: r.rows_skipped,
    changes: r.changes,
    problemCount: r.problem_count,
    problems: r.problems,
    mapping: r.mapping,
    actor: r.actor,
  }));
}

/** The answer stored for an idempotency key. */
export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  response: unknown;
  createdAt: string;
}

export interface IdempotencyScope {
  /** Who sent the request: keys of different callers never meet. */
  actor: string;
  /** The operation, e.g. `push.kpi-actuals`. */
  scope: string;
  key: string;
}

/** The stored answer for a key; null when the key is new. */
export async function findIdempotentResponse(
  tx: Queryable,
  at: IdempotencyScope,
): Promise<StoredResponse | null> {
  const rows = await tx.query<{
    request_hash: string;
    status_code: number;
    response: string;
    created_at: Date;
  }>(
    'SELECT request_hash, status_code, response, created_at FROM idempotency_key WHERE actor = $1 AND scope = $2 AND key = $3',
    [at.actor, at.scope, at.key],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    requestHash: row.request_hash,
    statusCode: row.status_code,
    response: JSON.parse(row.response) as unknown,
    createdAt: row.created_at.toISOString(),
  };
}

/** Stores the answer for a key, in the transaction that made the request's effect. */
export async function storeIdempotentResponse(
  tx: Queryable,
  at: IdempotencyScope,
  stored: Omit<StoredResponse, 'createdAt'>,
  createdAt: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO idempotency_key (actor, scope, key, request_hash, status_code, response, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      at.actor,
      at.scope,
      at.key,
      stored.requestHash,
      stored.statusCode,
      JSON.stringify(stored.response),
      createdAt,
    ],
  );
}
