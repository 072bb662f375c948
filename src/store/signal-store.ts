import type { Signal } from '../core/domain/state.ts';
import type { Queryable } from './database.ts';

export interface StoredSignal extends Signal {
  status: 'open' | 'resolved';
  raisedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export interface SignalSync {
  raised: string[];
  changed: string[];
  resolved: string[];
  /** The last known form of each resolved signal, by id. */
  resolvedSignals?: Record<string, Signal>;
}

interface SignalRow {
  id: string;
  status: 'open' | 'resolved';
  data: Signal;
  raised_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
}

/**
 * What this process last knew the signal table to hold, so that a sync need not read every
 * signal back. Valid only while the signal history has not grown behind its back (`token`).
 */
export interface SignalCache {
  token: number;
  byId: Map<string, { status: 'open' | 'resolved'; signal: Signal }>;
}

/** An empty cache: the first sync fills it. */
export function createSignalCache(): SignalCache {
  return { token: -1, byId: new Map() };
}

/** The signals' version: the latest entry of their history (0 before any); it moves with every change. */
export async function signalVersion(tx: Queryable): Promise<number> {
  return historyToken(tx);
}

async function historyToken(tx: Queryable): Promise<number> {
  const rows = await tx.query<{ seq: string | number | null }>(
    'SELECT max(seq) AS seq FROM signal_history',
  );
  return Number(rows[0]?.seq ?? 0);
}

/**
 * Makes the stored signals match the computed ones: new problems are raised, changed figures
 * recorded, problems that went away resolved. Every step lands in the signal history.
 */
export async function syncSignals(
  tx: Queryable,
  computed: readonly Signal[],
  at: Date,
  cache: SignalCache = createSignalCache(),
): Promise<SignalSync> {
  const token = await historyToken(tx);
  if (token !== cache.token) {
    cache.byId.clear();
    for (const row of await tx.query<SignalRow>('SELECT id, status, data FROM signal')) {
      cache.byId.set(row.id, { status: row.status, signal: row.data });
    }
  }
  const sync: SignalSync = { raised: [], changed: [], resolved: [], resolvedSignals: {} };
  const writes: { id: string; event: 'raised' | 'changed' | 'resolved'; signal: Signal }[] = [];
  const open = new Set<string>();
  for (const signal of computed) {
    open.add(signal.id);
    const held = cache.byId.get(signal.id);
    // The engine hands back the same object for a signal it did not touch: nothing to compare.
    if (held !== undefined && held.status === 'open' && held.signal === signal) continue;
    if (held === undefined || held.status === 'resolved') {
      writes.push({ id: signal.id, event: 'raised', signal });
      sync.raised.push(signal.id);
    } else if (!sameJson(held.signal, signal)) {
      writes.push({ id: signal.id, event: 'changed', signal });
      sync.changed.push(signal.id);
    } else {
      continue;
    }
    cache.byId.set(signal.id, { status: 'open', signal });
  }
  for (const [id, held] of cache.byId) {
    if (held.status === 'open' && !open.has(id)) {
      writes.push({ id, event: 'resolved', signal: held.signal });
      sync.resolved.push(id);
      if (sync.resolvedSignals !== undefined) sync.resolvedSignals[id] = held.signal;
      cache.byId.set(id, { ...held, status: 'resolved' });
    }
  }
  if (writes.length > 0) {
    const rows = JSON.stringify(
      writes.map((w, ordinal) => ({
        ordinal,
        id: w.id,
        event: w.event,
        kind: w.signal.kind,
        subject_kind: w.signal.subject.kind,
        subject_id: w.signal.subject.id,
        data: w.signal,
      })),
    );
    // One statement for the current rows and their history, however many signals moved; it
    // answers with the history's new latest entry, the cache's token (the writers' lock keeps
    // any other write's entries out from between).
    const written = await tx.query<{ seq: string | number | null }>(
      `WITH current AS (
         INSERT INTO signal (id, kind, subject_kind, subject_id, status, data, raised_at, updated_at, resolved_at)
         SELECT x.id, x.kind, x.subject_kind, x.subject_id,
                CASE WHEN x.event = 'resolved' THEN 'resolved' ELSE 'open' END, x.data, $2, $2,
                CASE WHEN x.event = 'resolved' THEN $2::timestamptz END
         FROM jsonb_to_recordset($1::jsonb) AS x(ordinal int, id text, event text, kind text,
           subject_kind text, subject_id text, data jsonb)
         ON CONFLICT (id) DO UPDATE SET
           status = EXCLUDED.status, data = EXCLUDED.data, updated_at = EXCLUDED.updated_at,
           raised_at = CASE WHEN signal.status = 'resolved' AND EXCLUDED.status = 'open' THEN EXCLUDED.raised_at ELSE signal.raised_at END,
           resolved_at = EXCLUDED.resolved_at
         RETURNING 1
       ), history AS (
         INSERT INTO signal_history (signal_id, at, event, data)
         SELECT x.id, $2, x.event, x.data
         FROM jsonb_to_recordset($1::jsonb) AS x(ordinal int, id text, event text, data jsonb)
         ORDER BY x.ordinal
         RETURNING seq
       )
       SELECT max(seq) AS seq FROM history`,
      [rows, at],
    );
    cache.token = Number(written[0]?.seq ?? token);
  } else {
    cache.token = token;
  }
  return sync;
}

/** Stored signals, newest first; open ones only unless `all`. */
export async function listSignals(db: Queryable, all = false): Promise<StoredSignal[]> {
  const rows = await db.query<SignalRow>(
    `SELECT id, status, data, raised_at, updated_at, resolved_at FROM signal
     ${all ? '' : "WHERE status = 'open'"} ORDER BY raised_at DESC, id`,
  );
  return rows.map((r) => ({
    ...r.data,
    status: r.status,
    raisedAt: r.raised_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    resolvedAt: r.resolved_at === null ? null : r.resolved_at.toISOString(),
  }));
}

export interface SignalHistoryEntry {
  signalId: string;
  at: string;
  event: 'raised' | 'changed' | 'resolved';
  signal: Signal;
}

/** The signal history, oldest first: what we told whom, and when. */
export async function listSignalHistory(
  db: Queryable,
  signalId?: string,
): Promise<SignalHistoryEntry[]> {
  const rows = await db.query<{
    signal_id: string;
    at: Date;
    event: SignalHistoryEntry['event'];
    data: Signal;
  }>(
    `SELECT signal_id, at, event, data FROM signal_history
     ${signalId === undefined ? '' : 'WHERE signal_id = $1'} ORDER BY seq`,
    signalId === undefined ? [] : [signalId],
  );
  return rows.map((r) => ({
    signalId: r.signal_id,
    at: r.at.toISOString(),
    event: r.event,
    signal: r.data,
  }));
}

/**
 * True when both values write the same JSON up to the order of object keys (what comparing
 * their canonical JSON texts says), without building either text: a stored signal (read back
 * from jsonb, its keys reordered) against a computed one.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  const x = jsonValue(a);
  const y = jsonValue(b);
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i += 1) {
      if (!sameJson(inArray(x[i]), inArray(y[i]))) return false;
    }
    return true;
  }
  const left = x as Record<string, unknown>;
  const right = y as Record<string, unknown>;
  let keys = 0;
  for (const key of Object.keys(left)) {
    const value = jsonValue(left[key]);
    if (!written(value)) continue;
    keys += 1;
    if (!Object.hasOwn(right, key) || !sameJson(value, right[key])) return false;
  }
  for (const key of Object.keys(right)) if (written(jsonValue(right[key]))) keys -= 1;
  return keys === 0;
}

/** What JSON.stringify writes for a value before looking inside it. */
function jsonValue(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (value !== null && typeof value === 'object') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return jsonValue((toJSON as () => unknown).call(value));
  }
  return value;
}

/** Whether an object's key with this value is written at all. */
function written(value: unknown): boolean {
  return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol';
}

/** An array writes null where an object would leave the key out. */
function inArray(value: unknown): unknown {
  const json = jsonValue(value);
  return written(json) ? json : null;
}
