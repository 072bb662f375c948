import type { Stage } from '../core/domain/plan.ts';
import type { Decider } from '../core/decisions/decision.ts';
import type { GateCriterion } from '../core/governance/stage-gates.ts';
import type { Queryable } from './database.ts';

/** A go / no-go at an initiative's gate, as recorded (docs/GOVERNANCE.md "Stage gates"). */
export interface GateDecision {
  /** `G-1`, `G-2` … */
  id: string;
  initiative: string;
  /** The stage it stood at, and the stage the gate leads to. */
  from: Stage;
  to: Stage;
  go: boolean;
  note: string;
  decidedBy: string;
  decidedAt: string;
  /** The day the stage history records. */
  decidedOn: string;
  owner: Decider;
  /** The criteria as they were checked when deciding. */
  criteria: GateCriterion[];
}

interface Row {
  id: string;
  initiative_id: string;
  from_stage: string;
  to_stage: string;
  go: boolean;
  note: string;
  decided_by: string;
  decided_at: Date | string;
  decided_on: string;
  owner: Decider | string;
  criteria: GateCriterion[] | string;
}

const json = <T>(value: T | string): T =>
  typeof value === 'string' ? (JSON.parse(value) as T) : value;

const toDecision = (row: Row): GateDecision => ({
  id: row.id,
  initiative: row.initiative_id,
  from: row.from_stage as Stage,
  to: row.to_stage as Stage,
  go: row.go,
  note: row.note,
  decidedBy: row.decided_by,
  decidedAt: new Date(row.decided_at).toISOString(),
  decidedOn: row.decided_on,
  owner: json(row.owner),
  criteria: json(row.criteria),
});

/** The next gate decision id: `G-1`, `G-2` … (in the writers' lock, so never twice). */
export async function nextGateDecisionId(tx: Queryable): Promise<string> {
  const [row] = await tx.query<{ n: string | number }>(
    'SELECT count(*) + 1 AS n FROM gate_decision',
  );
  return `G-${Number(row?.n ?? 1)}`;
}

/** Records a gate decision in the caller's transaction (the table refuses edits). */
export async function insertGateDecision(tx: Queryable, d: GateDecision): Promise<void> {
  await tx.query(
    `INSERT INTO gate_decision (id, initiative_id, from_stage, to_stage, go, note, decided_by,
       decided_at, decided_on, owner, criteria)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb)`,
    [
      d.id,
      d.initiative,
      d.from,
      d.to,
      d.go,
      d.note,
      d.decidedBy,
      new Date(d.decidedAt),
      d.decidedOn,
      JSON.stringify(d.owner),
      JSON.stringify(d.criteria),
    ],
  );
}

/** The gate decisions of an initiative (of every one when none is given), oldest first. */
export async function listGateDecisions(
  db: Queryable,
  initiative?: string,
): Promise<GateDecision[]> {
  const rows = await db.query<Row>(
    `SELECT id, initiative_id, from_stage, to_stage, go, note, decided_by, decided_at, decided_on,
       owner, criteria FROM gate_decision
     ${initiative === undefined ? '' : 'WHERE initiative_id = $1'} ORDER BY seq`,
    initiative === undefined ? [] : [initiative],
  );
  return rows.map(toDecision);
}
