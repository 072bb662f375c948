import type { Queryable } from './database.ts';

/** Records that a person acknowledged a signal; every acknowledgement is kept. */
export async function recordSignalAck(
  db: Queryable,
  signalId: string,
  personId: string,
  at: Date,
): Promise<void> {
  await db.query('INSERT INTO signal_ack (signal_id, person_id, at) VALUES ($1, $2, $3)', [
    signalId,
    personId,
    at,
  ]);
}

/** When a person last acknowledged each signal, by signal id. */
export async function loadLatestAcks(db: Queryable, personId: string): Promise<Map<string, Date>> {
  const rows = await db.query<{ signal_id: string; at: Date }>(
    'SELECT signal_id, max(at) AS at FROM signal_ack WHERE person_id = $1 GROUP BY signal_id',
    [personId],
  );
  return new Map(rows.map((r) => [r.signal_id, new Date(r.at)]));
}
