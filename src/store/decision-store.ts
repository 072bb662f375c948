import type {
  Decider,
  Decision,
  DecisionOption,
  DecisionOutcome,
  DecisionStatus,
  OptionEffect,
} from '../core/decisions/decision.ts';
import type { DecisionKind } from '../core/domain/plan.ts';
import type { ScenarioResult } from '../core/scenario/price-scenario.ts';
import type { Scenario, ScenarioChange } from '../core/scenario/scenario.ts';
import type { Queryable } from './database.ts';

/** Decisions, their options (as priced when added) and their append-only history; scenarios. */

interface DecisionRow {
  id: string;
  signal_id: string | null;
  incident_id: string | null;
  title: string;
  kinds: DecisionKind[];
  decider: Decider;
  due_date: string | null;
  opened_by: string;
  opened_at: Date;
  status: DecisionStatus;
  outcome: DecisionOutcome | null;
}

interface OptionRow {
  decision_id: string;
  number: number;
  title: string;
  proposed_by: string;
  changes: ScenarioChange[];
  result: ScenarioResult;
  effect: OptionEffect;
  last_day: string | null;
}

/** The next decision id: `DEC-1`, `DEC-2` … */
export async function nextDecisionId(tx: Queryable): Promise<string> {
  const [row] = await tx.query<{ n: string | number }>('SELECT count(*) + 1 AS n FROM decision');
  return `DEC-${Number(row?.n ?? 1)}`;
}

/** Inserts a new decision (without options). */
export async function insertDecision(tx: Queryable, d: Omit<Decision, 'options'>): Promise<void> {
  await tx.query(
    `INSERT INTO decision (id, signal_id, title, kinds, decider, due_date, opened_by, opened_at, status, outcome, incident_id)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8, $9, $10::jsonb, $11)`,
    [
      d.id,
      d.signal,
      d.title,
      JSON.stringify(d.kinds),
      JSON.stringify(d.decider),
      d.dueDate,
      d.openedBy,
      d.openedAt,
      d.status,
      d.outcome === null ? null : JSON.stringify(d.outcome),
      d.incident ?? null,
    ],
  );
}

/** Sets what changes while a decision is open (kinds, decider, due date) or its outcome. */
export async function updateDecision(
  tx: Queryable,
  d: Pick<Decision, 'id' | 'kinds' | 'decider' | 'dueDate' | 'status' | 'outcome'>,
): Promise<void> {
  await tx.query(
    `UPDATE decision SET kinds = $2::jsonb, decider = $3::jsonb, due_date = $4, status = $5,
       outcome = $6::jsonb WHERE id = $1`,
    [
      d.id,
      JSON.stringify(d.kinds),
      JSON.stringify(d.decider),
      d.dueDate,
      d.status,
      d.outcome === null ? null : JSON.stringify(d.outcome),
    ],
  );
}

/** Adds an option, as priced now. */
export async function insertDecisionOption(
  tx: Queryable,
  decisionId: string,
  o: DecisionOption,
): Promise<void> {
  await tx.query(
    `INSERT INTO decision_option (decision_id, number, title, proposed_by, changes, result, effect, last_day)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8)`,
    [
      decisionId,
      o.number,
      o.title,
      o.proposedBy,
      JSON.stringify(o.changes),
      JSON.stringify(o.result),
      JSON.stringify(o.effect),
      o.lastDay,
    ],
  );
}

/** Appends a step to a decision's history. */
export async function appendDecisionEvent(
  tx: Queryable,
  decisionId: string,
  at: Date,
  actor: string,
  action: 'opened' | 'option_added' | 'decided' | 'reminded' | 'escalated' | 'overdue',
  detail: Record<string, unknown>,
): Promise<void> {
  await tx.query(
    `INSERT INTO decision_event (decision_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5::jsonb)`,
    [decisionId, at, actor, action, JSON.stringify(detail)],
  );
}

function decisionOf(row: DecisionRow, options: DecisionOption[]): Decision {
  return {
    id: row.id,
    status: row.status,
    signal: row.signal_id,
    incident: row.incident_id,
    title: row.title,
    kinds: row.kinds,
    options,
    decider: row.decider,
    dueDate: row.due_date,
    openedBy: row.opened_by,
    openedAt: row.opened_at.toISOString(),
    outcome: row.outcome,
  };
}

function optionOf(row: OptionRow): DecisionOption {
  return {
    number: row.number,
    title: row.title,
    proposedBy: row.proposed_by,
    changes: row.changes,
    result: row.result,
    effect: row.effect,
    lastDay: row.last_day,
  };
}

/** Decisions, newest first, with their options; only open or decided ones when asked. */
export async function listDecisions(db: Queryable, status?: DecisionStatus): Promise<Decision[]> {
  const rows = await db.query<DecisionRow>(
    `SELECT * FROM decision ${status === undefined ? '' : 'WHERE status = $1'} ORDER BY seq DESC`,
    status === undefined ? [] : [status],
  );
  const options = await db.query<OptionRow>(
    'SELECT * FROM decision_option ORDER BY decision_id, number',
  );
  const byDecision = new Map<string, DecisionOption[]>();
  for (const o of options) {
    const list = byDecision.get(o.decision_id) ?? [];
    list.push(optionOf(o));
    byDecision.set(o.decision_id, list);
  }
  return rows.map((row) => decisionOf(row, byDecision.get(row.id) ?? []));
}

/** One decision with its options; null when there is none. `forUpdate` locks its row. */
export async function loadDecision(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<Decision | null> {
  const [row] = await db.query<DecisionRow>(
    `SELECT * FROM decision WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  if (row === undefined) return null;
  const options = await db.query<OptionRow>(
    'SELECT * FROM decision_option WHERE decision_id = $1 ORDER BY number',
    [id],
  );
  return decisionOf(row, options.map(optionOf));
}

/** The open decision opened from a signal, if any. */
export async function openDecisionOfSignal(
  db: Queryable,
  signalId: string,
): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `SELECT id FROM decision WHERE signal_id = $1 AND status = 'open' ORDER BY seq LIMIT 1`,
    [signalId],
  );
  return row?.id ?? null;
}

/** The decisions opened for an incident, oldest first: id, status and when it was opened. */
export async function decisionsOfIncident(
  db: Queryable,
  incidentId: string,
): Promise<{ id: string; status: DecisionStatus; openedAt: string }[]> {
  const rows = await db.query<{ id: string; status: DecisionStatus; opened_at: Date }>(
    'SELECT id, status, opened_at FROM decision WHERE incident_id = $1 ORDER BY seq',
    [incidentId],
  );
  return rows.map((r) => ({ id: r.id, status: r.status, openedAt: r.opened_at.toISOString() }));
}

/** The decisions of each of these incidents, oldest first, in one read (incidents without any are left out). */
export async function decisionsOfIncidents(
  db: Queryable,
  incidentIds: readonly string[],
): Promise<Map<string, { id: string; status: DecisionStatus; openedAt: string }[]>> {
  const found = new Map<string, { id: string; status: DecisionStatus; openedAt: string }[]>();
  if (incidentIds.length === 0) return found;
  const rows = await db.query<{
    incident_id: string;
    id: string;
    status: DecisionStatus;
    opened_at: Date;
  }>(
    `SELECT incident_id, id, status, opened_at FROM decision
     WHERE incident_id IN (SELECT jsonb_array_elements_text($1::jsonb)) ORDER BY seq`,
    [JSON.stringify(incidentIds)],
  );
  for (const r of rows) {
    const list = found.get(r.incident_id) ?? [];
    list.push({ id: r.id, status: r.status, openedAt: r.opened_at.toISOString() });
    found.set(r.incident_id, list);
  }
  return found;
}

export interface DecisionEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

/** A decision's history, oldest first. */
export async function listDecisionEvents(db: Queryable, id: string): Promise<DecisionEvent[]> {
  const rows = await db.query<{
    seq: string | number;
    at: Date;
    actor: string;
    action: string;
    detail: Record<string, unknown>;
  }>(
    'SELECT seq, at, actor, action, detail FROM decision_event WHERE decision_id = $1 ORDER BY seq',
    [id],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    detail: r.detail,
  }));
}

/** Stores a scenario; false when one with the id exists already. */
export async function insertScenario(tx: Queryable, s: Scenario): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO scenario (id, name, author, created_at, changes) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [s.id, s.name, s.author, s.createdAt, JSON.stringify(s.changes)],
  );
  return rows.length > 0;
}

interface ScenarioRow {
  id: string;
  name: string;
  author: string;
  created_at: Date;
  changes: ScenarioChange[];
}

function scenarioOf(r: ScenarioRow): Scenario {
  return {
    id: r.id,
    name: r.name,
    author: r.author,
    createdAt: r.created_at.toISOString(),
    changes: r.changes,
  };
}

/** Every stored scenario, newest first. */
export async function listScenarios(db: Queryable): Promise<Scenario[]> {
  const rows = await db.query<ScenarioRow>('SELECT * FROM scenario ORDER BY seq DESC');
  return rows.map(scenarioOf);
}

/** One stored scenario; null when there is none. */
export async function loadScenario(db: Queryable, id: string): Promise<Scenario | null> {
  const [row] = await db.query<ScenarioRow>('SELECT * FROM scenario WHERE id = $1', [id]);
  return row === undefined ? null : scenarioOf(row);
}
