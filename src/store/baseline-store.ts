import type { Queryable } from './database.ts';

/** What a baseline is: the plan as approved, as re-planned by a decision, or saved by hand. */
export type BaselineKind = 'approved' | 'replan' | 'manual';

/** A named baseline: a point of the plan history (its latest plan change then). */
export interface StoredBaseline {
  /** `B1`, `B2` … in the order they were saved. */
  id: string;
  name: string;
  kind: BaselineKind;
  /** The plan change the baseline's plan ends with. */
  planSeq: number;
  savedAt: string;
  savedBy: string;
  /** The re-plan decision that made it, when one did. */
  decision: string | null;
  note: string | null;
}

interface BaselineRow {
  seq: string | number;
  name: string;
  kind: BaselineKind;
  plan_seq: string | number;
  saved_at: Date;
  saved_by: string;
  decision: string | null;
  note: string | null;
}

function fromRow(r: BaselineRow): StoredBaseline {
  return {
    id: `B${Number(r.seq)}`,
    name: r.name,
    kind: r.kind,
    planSeq: Number(r.plan_seq),
    savedAt: r.saved_at.toISOString(),
    savedBy: r.saved_by,
    decision: r.decision,
    note: r.note,
  };
}

const COLUMNS = 'seq, name, kind, plan_seq, saved_at, saved_by, decision, note';

/** Saves a baseline; null when one of that name exists already (nothing is stored). */
export async function insertBaseline(
  tx: Queryable,
  baseline: Omit<StoredBaseline, 'id' | 'savedAt'> & { savedAt: Date },
): Promise<StoredBaseline | null> {
  const rows = await tx.query<BaselineRow>(
    `INSERT INTO baseline (name, kind, plan_seq, saved_at, saved_by, decision, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
    [
      baseline.name,
      baseline.kind,
      baseline.planSeq,
      baseline.savedAt,
      baseline.savedBy,
      baseline.decision,
      baseline.note,
    ],
  );
  return rows[0] === undefined ? null : fromRow(rows[0]);
}

/** Every saved baseline, oldest first. */
export async function listBaselines(db: Queryable): Promise<StoredBaseline[]> {
  const rows = await db.query<BaselineRow>(`SELECT ${COLUMNS} FROM baseline ORDER BY seq`);
  return rows.map(fromRow);
}

/** A baseline by its id (`B3`) or its exact name; null when there is none. */
export async function loadBaseline(
  db: Queryable,
  idOrName: string,
): Promise<StoredBaseline | null> {
  const id = /^B([1-9]\d{0,15})$/.exec(idOrName);
  const rows = await db.query<BaselineRow>(
    `SELECT ${COLUMNS} FROM baseline WHERE ${id === null ? 'name = $1' : 'seq = $1::bigint'}`,
    [id === null ? idOrName : id[1]],
  );
  return rows[0] === undefined ? null : fromRow(rows[0]);
}
