import type { Database, Queryable } from './database.ts';

/**
 * Serialises writers across app instances (server mode): every apply and ingest holds this
 * lock for its transaction, so "is this update older than what we have?" is answered against
 * a state nobody else is changing. PGlite is one connection and needs no lock.
 */
export async function lockForWrite(db: Database, tx: Queryable): Promise<void> {
  if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(4400002)');
}
