import type { Signal } from '../core/domain/state.ts';
import type { Database, Queryable } from './database.ts';

/** Where a person's notifications go. */
export type NotificationChannel = 'email' | 'chat';
/** Each signal at once, or collected into a digest. */
export type NotificationMode = 'immediate' | 'digest';

/** How one person wants to be told about signals. */
export interface NotificationPreference {
  personId: string;
  channel: NotificationChannel | 'none';
  mode: NotificationMode;
  /** A Slack-compatible incoming webhook; required for the chat channel. */
  chatWebhookUrl: string | null;
  /** Null while the person has never set preferences (the defaults apply). */
  updatedAt: string | null;
}

/** What a person who never set preferences gets: each signal by e-mail, at once. */
export const DEFAULT_NOTIFICATION_PREFERENCE = {
  channel: 'email',
  mode: 'immediate',
  chatWebhookUrl: null,
} as const satisfies Omit<NotificationPreference, 'personId' | 'updatedAt'>;

/**
 * `pending`: claimed, not sent yet (an immediate send under way or failed and due for a retry,
 * or an item waiting for the digest); `sent`: final; `failed`: given up; `skipped`: nothing to
 * send (preference `none`, no address, the signal resolved first).
 */
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** One signal to one person, for one raising of the signal. */
export interface NotificationDelivery {
  id: number;
  signalId: string;
  personId: string;
  /** 1 the first time the signal was raised, 2 after it resolved and was raised again, … */
  signalVersion: number;
  channel: NotificationChannel | 'none';
  mode: NotificationMode;
  status: DeliveryStatus;
  /** Why it was skipped, or the last send error. */
  reason: string | null;
  attempts: number;
  /** The signal as it stood when the delivery was claimed. */
  signal: Signal;
  createdAt: string;
  sentAt: string | null;
  digestId: number | null;
}

/** What is claimed before anything is sent. */
export interface DeliveryClaim {
  signalId: string;
  personId: string;
  signalVersion: number;
  channel: NotificationChannel | 'none';
  mode: NotificationMode;
  status: 'pending' | 'skipped';
  reason?: string | null;
  signal: Signal;
}

interface PreferenceRow {
  person_id: string;
  channel: NotificationPreference['channel'];
  mode: NotificationMode;
  chat_webhook_url: string | null;
  updated_at: Date;
}

interface DeliveryRow {
  id: string | number | bigint;
  signal_id: string;
  person_id: string;
  signal_version: number;
  channel: NotificationDelivery['channel'];
  mode: NotificationMode;
  status: DeliveryStatus;
  reason: string | null;
  attempts: number;
  signal: Signal;
  created_at: Date;
  sent_at: Date | null;
  digest_id: string | number | bigint | null;
}

const DELIVERY_COLUMNS = `id, signal_id, person_id, signal_version, channel, mode, status, reason,
  attempts, signal, created_at, sent_at, digest_id`;

function toPreference(row: PreferenceRow): NotificationPreference {
  return {
    personId: row.person_id,
    channel: row.channel,
    mode: row.mode,
    chatWebhookUrl: row.chat_webhook_url,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toDelivery(row: DeliveryRow): NotificationDelivery {
  return {
    id: Number(row.id),
    signalId: row.signal_id,
    personId: row.person_id,
    signalVersion: Number(row.signal_version),
    channel: row.channel,
    mode: row.mode,
    status: row.status,
    reason: row.reason,
    attempts: Number(row.attempts),
    signal: row.signal,
    createdAt: new Date(row.created_at).toISOString(),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at).toISOString(),
    digestId: row.digest_id === null ? null : Number(row.digest_id),
  };
}

/** A person's preferences, or the defaults when they never set any. */
export async function readNotificationPreference(
  db: Queryable,
  personId: string,
): Promise<NotificationPreference> {
  return (await loadNotificationPreferences(db, [personId])).get(personId) ?? defaults(personId);
}

function defaults(personId: string): NotificationPreference {
  return { personId, ...DEFAULT_NOTIFICATION_PREFERENCE, updatedAt: null };
}

/** The preferences of these people, by person id; people with none get the defaults. */
export async function loadNotificationPreferences(
  db: Queryable,
  personIds: readonly string[],
): Promise<Map<string, NotificationPreference>> {
  const rows = await db.query<PreferenceRow>(
    `SELECT person_id, channel, mode, chat_webhook_url, updated_at FROM notification_preference
     WHERE person_id = ANY($1::text[])`,
    [[...personIds]],
  );
  const stored = new Map(rows.map((r) => [r.person_id, toPreference(r)]));
  return new Map(personIds.map((id) => [id, stored.get(id) ?? defaults(id)]));
}

/** Sets a person's preferences (replacing what was there) and returns them as stored. */
export async function writeNotificationPreference(
  db: Queryable,
  preference: Omit<NotificationPreference, 'updatedAt'>,
  at: Date,
): Promise<NotificationPreference> {
  const rows = await db.query<PreferenceRow>(
    `INSERT INTO notification_preference (person_id, channel, mode, chat_webhook_url, updated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (person_id) DO UPDATE SET channel = EXCLUDED.channel, mode = EXCLUDED.mode,
       chat_webhook_url = EXCLUDED.chat_webhook_url, updated_at = EXCLUDED.updated_at
     RETURNING person_id, channel, mode, chat_webhook_url, updated_at`,
    [preference.personId, preference.channel, preference.mode, preference.chatWebhookUrl, at],
  );
  const row = rows[0];
  if (row === undefined) throw new Error('writing a notification preference returned no row');
  return toPreference(row);
}

/**
 * Claims the delivery of a signal to a person for one raising of the signal. Returns the new
 * row, or null when that (signal, person, version) was claimed before — by this process or any
 * other: the unique key decides, so concurrent callers cannot both win. An immediate claim
 * starts its first attempt under a lease until `leaseUntil`.
 */
export async function claimDelivery(
  db: Queryable,
  claim: DeliveryClaim,
  at: Date,
  leaseUntil: Date | null,
): Promise<NotificationDelivery | null> {
  const sending = claim.status === 'pending' && claim.mode === 'immediate';
  const rows = await db.query<DeliveryRow>(
    `INSERT INTO notification_delivery (signal_id, person_id, signal_version, channel, mode,
       status, reason, attempts, lease_until, signal, created_at, attempted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)
     ON CONFLICT (signal_id, person_id, signal_version) DO NOTHING
     RETURNING ${DELIVERY_COLUMNS}`,
    [
      claim.signalId,
      claim.personId,
      claim.signalVersion,
      claim.channel,
      claim.mode,
      claim.status,
      claim.reason ?? null,
      sending ? 1 : 0,
      sending ? leaseUntil : null,
      JSON.stringify(claim.signal),
      at,
      sending ? at : null,
    ],
  );
  const row = rows[0];
  return row === undefined ? null : toDelivery(row);
}

/** The delivery of a signal's raising to a person, if it was claimed. */
export async function findDelivery(
  db: Queryable,
  signalId: string,
  personId: string,
  signalVersion: number,
): Promise<NotificationDelivery | null> {
  const rows = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM notification_delivery
     WHERE signal_id = $1 AND person_id = $2 AND signal_version = $3`,
    [signalId, personId, signalVersion],
  );
  const row = rows[0];
  return row === undefined ? null : toDelivery(row);
}

/**
 * Takes a pending immediate delivery for another attempt, unless another process holds it (its
 * lease has not run out) or it is no longer pending. Null when not taken.
 */
export async function leaseDeliveryForRetry(
  db: Queryable,
  id: number,
  at: Date,
  leaseUntil: Date,
): Promise<NotificationDelivery | null> {
  const rows = await db.query<DeliveryRow>(
    `UPDATE notification_delivery
     SET attempts = attempts + 1, lease_until = $3, attempted_at = $2
     WHERE id = $1 AND status = 'pending' AND mode = 'immediate' AND (lease_until IS NULL OR lease_until <= $2)
     RETURNING ${DELIVERY_COLUMNS}`,
    [id, at, leaseUntil],
  );
  const row = rows[0];
  return row === undefined ? null : toDelivery(row);
}

/** Pending immediate deliveries that no process is sending now: the ones to retry, oldest first. */
export async function listRetryableDeliveries(
  db: Queryable,
  at: Date,
): Promise<NotificationDelivery[]> {
  const rows = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM notification_delivery
     WHERE status = 'pending' AND mode = 'immediate' AND (lease_until IS NULL OR lease_until <= $1)
     ORDER BY id`,
    [at],
  );
  return rows.map(toDelivery);
}

/** Marks deliveries sent: final, they are never sent again. */
export async function markDeliveriesSent(
  db: Queryable,
  ids: readonly number[],
  at: Date,
  digestId: number | null = null,
): Promise<void> {
  await db.query(
    `UPDATE notification_delivery
     SET status = 'sent', sent_at = $2, lease_until = NULL, reason = NULL, digest_id = $3
     WHERE id = ANY($1::bigint[])`,
    [[...ids], at, digestId],
  );
}

/**
 * Records a failed attempt. The deliveries stay pending for a retry, unless the failure is
 * permanent or they have had `maxAttempts` attempts: then they are given up (`failed`).
 */
export async function markDeliveriesFailed(
  db: Queryable,
  ids: readonly number[],
  error: string,
  options: { permanent: boolean; maxAttempts: number },
): Promise<void> {
  await db.query(
    `UPDATE notification_delivery
     SET reason = $2, lease_until = NULL,
       status = CASE WHEN $3::boolean OR attempts >= $4 THEN 'failed' ELSE 'pending' END
     WHERE id = ANY($1::bigint[])`,
    [[...ids], error, options.permanent, options.maxAttempts],
  );
}

/** Marks deliveries skipped, saying why: nothing will be sent for them. */
export async function markDeliveriesSkipped(
  db: Queryable,
  ids: readonly number[],
  reason: string,
): Promise<void> {
  await db.query(
    `UPDATE notification_delivery SET status = 'skipped', reason = $2, lease_until = NULL
     WHERE id = ANY($1::bigint[])`,
    [[...ids], reason],
  );
}

/** People with items in the digest queue that no process is sending now. */
export async function listDigestRecipients(db: Queryable, at: Date): Promise<string[]> {
  const rows = await db.query<{ person_id: string }>(
    `SELECT DISTINCT person_id FROM notification_delivery
     WHERE status = 'pending' AND mode = 'digest' AND (lease_until IS NULL OR lease_until <= $1)
     ORDER BY person_id`,
    [at],
  );
  return rows.map((r) => r.person_id);
}

/**
 * Takes a person's queued digest items for one digest (one attempt, under a lease), oldest
 * first; another process flushing at the same time gets none of them.
 */
export async function leaseDigestItems(
  db: Queryable,
  personId: string,
  at: Date,
  leaseUntil: Date,
): Promise<NotificationDelivery[]> {
  const rows = await db.query<DeliveryRow>(
    `UPDATE notification_delivery
     SET attempts = attempts + 1, lease_until = $3, attempted_at = $2
     WHERE person_id = $1 AND status = 'pending' AND mode = 'digest' AND (lease_until IS NULL OR lease_until <= $2)
     RETURNING ${DELIVERY_COLUMNS}`,
    [personId, at, leaseUntil],
  );
  return rows.map(toDelivery).sort((a, b) => a.id - b.id);
}

/** Records a sent digest and marks its items sent with it, in one transaction. */
export async function recordDigestSent(
  db: Pick<Database, 'transaction'>,
  personId: string,
  channel: NotificationChannel,
  itemIds: readonly number[],
  at: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string | number | bigint }>(
      `INSERT INTO notification_digest (person_id, channel, sent_at, items) VALUES ($1, $2, $3, $4)
       RETURNING id`,
      [personId, channel, at, itemIds.length],
    );
    const id = Number(rows[0]?.id);
    await markDeliveriesSent(tx, itemIds, at, id);
    return id;
  });
}

/** Deliveries, oldest first, optionally of one signal or one person. */
export async function listDeliveries(
  db: Queryable,
  filter: { signalId?: string; personId?: string } = {},
): Promise<NotificationDelivery[]> {
  const rows = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM notification_delivery
     WHERE ($1::text IS NULL OR signal_id = $1) AND ($2::text IS NULL OR person_id = $2)
     ORDER BY id`,
    [filter.signalId ?? null, filter.personId ?? null],
  );
  return rows.map(toDelivery);
}

/** A stored signal as notifications see it: which raising it is in, and whether it is open. */
export interface SignalRaising {
  /** How many times the signal was raised: 1, or more after it resolved and came back. */
  version: number;
  status: 'open' | 'resolved';
  /** The signal as stored now. */
  signal: Signal;
}

/** The current raising of each stored signal among `ids`; signals not stored are absent. */
export async function loadSignalRaisings(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, SignalRaising>> {
  const rows = await db.query<{
    id: string;
    status: 'open' | 'resolved';
    data: Signal;
    raisings: string | number | bigint;
  }>(
    `SELECT s.id, s.status, s.data,
       (SELECT count(*) FROM signal_history h WHERE h.signal_id = s.id AND h.event = 'raised')
         AS raisings
     FROM signal s WHERE s.id = ANY($1::text[])`,
    [[...ids]],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      { version: Math.max(1, Number(r.raisings)), status: r.status, signal: r.data },
    ]),
  );
}
