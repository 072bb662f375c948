import type { Queryable } from './database.ts';
import type { DecisionEvent } from './decision-store.ts';
import type { NotificationChannel } from './notification-store.ts';

/**
 * Notices of decision steps (migration 012): which steps of a decision's history have been
 * turned into notices, and one row per step and person, claimed before anything is sent.
 */

/** A step of some decision's history, with the decision it belongs to. */
export interface UntoldDecisionEvent extends DecisionEvent {
  decisionId: string;
}

/** What a notice carries: the message as rendered when the step was told. */
export interface StoredMessage {
  subject: string;
  text: string;
  html: string;
  chat: { text: string; blocks: unknown[] };
}

export type NoticeStatus = 'pending' | 'sent' | 'failed' | 'skipped';

export interface DecisionNotice {
  id: number;
  eventSeq: number;
  decisionId: string;
  action: string;
  personId: string;
  channel: NotificationChannel | 'none';
  status: NoticeStatus;
  reason: string | null;
  attempts: number;
  message: StoredMessage;
  sentAt: string | null;
}

interface NoticeRow {
  id: string | number;
  event_seq: string | number;
  decision_id: string;
  action: string;
  person_id: string;
  channel: NotificationChannel | 'none';
  status: NoticeStatus;
  reason: string | null;
  attempts: number;
  message: StoredMessage;
  sent_at: Date | null;
}

const COLUMNS =
  'id, event_seq, decision_id, action, person_id, channel, status, reason, attempts, message, sent_at';

function toNotice(r: NoticeRow): DecisionNotice {
  return {
    id: Number(r.id),
    eventSeq: Number(r.event_seq),
    decisionId: r.decision_id,
    action: r.action,
    personId: r.person_id,
    channel: r.channel,
    status: r.status,
    reason: r.reason,
    attempts: r.attempts,
    message: r.message,
    sentAt: r.sent_at?.toISOString() ?? null,
  };
}

/** Steps of the given actions that no process has turned into notices yet, oldest first. */
export async function listUntoldDecisionEvents(
  db: Queryable,
  actions: readonly string[],
  limit = 200,
): Promise<UntoldDecisionEvent[]> {
  const rows = await db.query<{
    seq: string | number;
    decision_id: string;
    at: Date;
    actor: string;
    action: string;
    detail: Record<string, unknown>;
  }>(
    `SELECT e.seq, e.decision_id, e.at, e.actor, e.action, e.detail FROM decision_event e
     WHERE e.action = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM decision_event_told t WHERE t.event_seq = e.seq)
     ORDER BY e.seq LIMIT $2`,
    [[...actions], limit],
  );
  return rows.map((r) => ({
    seq: Number(r.seq),
    decisionId: r.decision_id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    detail: r.detail,
  }));
}

/**
 * Claims telling a step: true for the one caller that inserts its row. Call inside the
 * transaction that inserts its notices; a second caller waits for that commit and gets false.
 */
export async function claimDecisionEvent(
  tx: Queryable,
  eventSeq: number,
  recipients: number,
  at: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO decision_event_told (event_seq, told_at, recipients) VALUES ($1, $2, $3)
     ON CONFLICT (event_seq) DO NOTHING RETURNING event_seq`,
    [eventSeq, at, recipients],
  );
  return rows.length > 0;
}

export interface NoticeClaim {
  eventSeq: number;
  decisionId: string;
  action: string;
  personId: string;
  channel: NotificationChannel | 'none';
  status: 'pending' | 'skipped';
  reason: string | null;
  message: StoredMessage;
}

/** Inserts a step's notices (one per person; a person already holding one is left alone). */
export async function insertDecisionNotices(
  tx: Queryable,
  claims: readonly NoticeClaim[],
  at: Date,
): Promise<void> {
  for (const c of claims)
    await tx.query(
      `INSERT INTO decision_notice (event_seq, decision_id, action, person_id, channel, status,
         reason, message, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
       ON CONFLICT (event_seq, person_id) DO NOTHING`,
      [
        c.eventSeq,
        c.decisionId,
        c.action,
        c.personId,
        c.channel,
        c.status,
        c.reason,
        JSON.stringify(c.message),
        at,
      ],
    );
}

/** Pending notices that no process is sending now, oldest first. */
export async function listSendableNotices(db: Queryable, at: Date): Promise<DecisionNotice[]> {
  const rows = await db.query<NoticeRow>(
    `SELECT ${COLUMNS} FROM decision_notice
     WHERE status = 'pending' AND (lease_until IS NULL OR lease_until <= $1) ORDER BY id`,
    [at],
  );
  return rows.map(toNotice);
}

/** Takes a pending notice to send it; null when another process holds or finished it. */
export async function leaseNotice(
  db: Queryable,
  id: number,
  at: Date,
  leaseUntil: Date,
): Promise<DecisionNotice | null> {
  const rows = await db.query<NoticeRow>(
    `UPDATE decision_notice SET attempts = attempts + 1, lease_until = $3, attempted_at = $2
     WHERE id = $1 AND status = 'pending' AND (lease_until IS NULL OR lease_until <= $2)
     RETURNING ${COLUMNS}`,
    [id, at, leaseUntil],
  );
  const row = rows[0];
  return row === undefined ? null : toNotice(row);
}

/** Records what a send did: sent (final), skipped, or failed (pending again until the limit). */
export async function markNotice(
  db: Queryable,
  id: number,
  result:
    | { status: 'sent'; channel: NotificationChannel; at: Date }
    | { status: 'skipped'; reason: string }
    | { status: 'failed'; error: string; permanent: boolean; maxAttempts: number },
): Promise<void> {
  if (result.status === 'sent') {
    await db.query(
      `UPDATE decision_notice SET status = 'sent', channel = $2, sent_at = $3, reason = NULL,
         lease_until = NULL WHERE id = $1`,
      [id, result.channel, result.at],
    );
  } else if (result.status === 'skipped') {
    await db.query(
      `UPDATE decision_notice SET status = 'skipped', reason = $2, lease_until = NULL WHERE id = $1`,
      [id, result.reason],
    );
  } else {
    await db.query(
      `UPDATE decision_notice SET reason = $2, lease_until = NULL,
         status = CASE WHEN $3::boolean OR attempts >= $4 THEN 'failed' ELSE 'pending' END
       WHERE id = $1`,
      [id, result.error, result.permanent, result.maxAttempts],
    );
  }
}

/** A decision's notices (or every one), oldest first. */
export async function listDecisionNotices(
  db: Queryable,
  decisionId?: string,
): Promise<DecisionNotice[]> {
  const rows = await db.query<NoticeRow>(
    `SELECT ${COLUMNS} FROM decision_notice ${decisionId === undefined ? '' : 'WHERE decision_id = $1'} ORDER BY id`,
    decisionId === undefined ? [] : [decisionId],
  );
  return rows.map(toNotice);
}

/** The affected owners of a stored signal, open or resolved (empty when there is none). */
export async function signalAffectedOwners(db: Queryable, signalId: string): Promise<string[]> {
  const rows = await db.query<{ data: { affectedOwners?: string[] } }>(
    'SELECT data FROM signal WHERE id = $1',
    [signalId],
  );
  return rows[0]?.data.affectedOwners ?? [];
}

/** Open decisions due on or before `day` (YYYY-MM-DD): the ones the clock may have to act on. */
export async function listOpenDecisionsDueBy(db: Queryable, day: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM decision WHERE status = 'open' AND due_date IS NOT NULL AND due_date <= $1
     ORDER BY seq`,
    [day],
  );
  return rows.map((r) => r.id);
}
