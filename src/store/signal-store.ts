import type { Signal } from '../core/domain/state.ts';
import { canonicalJson } from '../core/plan/diff-plan.ts';
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
 * Makes the stored signals match the computed ones: new problems are raised, changed figures
 * recorded, problems that went away resolved. Every step lands in the signal history.
 */
export async function syncSignals(
  tx: Queryable,
  computed: readonly Signal[],
  at: Date,
): Promise<SignalSync> {
  const stored = new Map(
    (await tx.query<SignalRow>('SELECT id, status, data FROM signal')).map((r) => [r.id, r]),
  );
  const sync: SignalSync = { raised: [], changed: [], resolved: [], resolvedSignals: {} };
  const open = new Set<string>();
  for (const signal of computed) {
    open.add(signal.id);
    const row = stored.get(signal.id);
    const json = JSON.stringify(signal);
    if (row === undefined || row.status === 'resolved') {
      await tx.query(
        `INSERT INTO signal (id, kind, subject_kind, subject_id, status, data, raised_at, updated_at, resolved_at)
         VALUES ($1, $2, $3, $4, 'open', $5::jsonb, $6, $6, NULL)
         ON CONFLICT (id) DO UPDATE SET status = 'open', data = EXCLUDED.data,
           raised_at = EXCLUDED.raised_at, updated_at = EXCLUDED.updated_at, resolved_at = NULL`,
        [signal.id, signal.kind, signal.subject.kind, signal.subject.id, json, at],
      );
      await appendSignalHistory(tx, signal.id, at, 'raised', json);
      sync.raised.push(signal.id);
    } else if (canonicalJson(row.data) !== canonicalJson(signal)) {
      await tx.query('UPDATE signal SET data = $2::jsonb, updated_at = $3 WHERE id = $1', [
        signal.id,
        json,
        at,
      ]);
      await appendSignalHistory(tx, signal.id, at, 'changed', json);
      sync.changed.push(signal.id);
    }
  }
  for (const row of stored.values()) {
    if (row.status === 'open' && !open.has(row.id)) {
      await tx.query(
        `UPDATE signal SET status = 'resolved', resolved_at = $2, updated_at = $2 WHERE id = $1`,
        [row.id, at],
      );
      await appendSignalHistory(tx, row.id, at, 'resolved', JSON.stringify(row.data));
      sync.resolved.push(row.id);
      if (sync.resolvedSignals !== undefined) sync.resolvedSignals[row.id] = row.data;
    }
  }
  return sync;
}

async function appendSignalHistory(
  tx: Queryable,
  id: string,
  at: Date,
  event: 'raised' | 'changed' | 'resolved',
  json: string,
): Promise<void> {
  await tx.query(
    'INSERT INTO signal_history (signal_id, at, event, data) VALUES ($1, $2, $3, $4::jsonb)',
    [id, at, event, json],
  );
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
