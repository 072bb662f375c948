import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import { tryParseJiraTimestamp } from '../connectors/jira/jira-timestamp.ts';
import { DomainError, ERROR_CATALOGUE, type Problem } from '../core/errors.ts';
import type { WorkItemEvent } from '../core/domain/work-item.ts';
import {
  type DeliveryWriter,
  type InboxRow,
  claimDelivery,
  claimPending,
  markDeadLetter,
  markProcessed,
  markRetryLater,
  persistDelivery,
} from '../store/webhook-inbox-store.ts';
import type { AppContext } from './context.ts';
import { ingestInWrite, type IngestCounts } from './ingest-work.ts';
import { type Actor, write } from './write.ts';

export interface WebhookDelivery {
  /** The Jira site id (the path's `{site}`). */
  source: string;
  /** `X-Atlassian-Webhook-Identifier`: the same for every retry of one delivery. */
  deliveryId: string | null;
  /** The raw body exactly as received: the signature is over these bytes. */
  body: Buffer;
  /** `X-Hub-Signature`, e.g. `sha256=…`. */
  signature: string | undefined;
}

/**
 * How far a delivery's own `timestamp` (when Jira fired it) may lie from our clock. Jira retries
 * a delivery it could not hand over for up to about 30 minutes with the same body, so the past
 * side must be at least that long or Jira's own retries would be refused.
 */
export interface WebhookWindow {
  /** Deliveries fired longer ago than this are refused (a replay, or far too late). */
  maxAgeMs: number;
  /** Deliveries stamped further ahead of our clock than this are refused (clock skew). */
  maxAheadMs: number;
}

/** The window a server applies unless configured otherwise. */
export const DEFAULT_WEBHOOK_WINDOW: WebhookWindow = {
  maxAgeMs: 30 * 60_000,
  maxAheadMs: 5 * 60_000,
};

/**
 * The window from the environment: `THROUGHLINE_WEBHOOK_MAX_AGE_SECONDS` (default 1800) and
 * `THROUGHLINE_WEBHOOK_MAX_AHEAD_SECONDS` (default 300); a max age of `off` accepts any
 * timestamp. Fails fast with `config.invalid` naming the setting.
 */
export function readWebhookWindow(env: NodeJS.ProcessEnv): WebhookWindow | null {
  const seconds = (name: string, fallback: number): number | null => {
    const text = env[name];
    if (text === undefined || text === '') return fallback;
    if (text === 'off' && name === 'THROUGHLINE_WEBHOOK_MAX_AGE_SECONDS') return null;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) {
      throw new DomainError({
        code: 'config.invalid',
        message: `${name} '${text}' is not a whole number of seconds above 0${name.includes('AGE') ? " (or 'off')" : ''}`,
        path: name,
      });
    }
    return value;
  };
  const maxAge = seconds(
    'THROUGHLINE_WEBHOOK_MAX_AGE_SECONDS',
    DEFAULT_WEBHOOK_WINDOW.maxAgeMs / 1000,
  );
  const maxAhead = seconds(
    'THROUGHLINE_WEBHOOK_MAX_AHEAD_SECONDS',
    DEFAULT_WEBHOOK_WINDOW.maxAheadMs / 1000,
  );
  if (maxAge === null) return null;
  return { maxAgeMs: maxAge * 1000, maxAheadMs: (maxAhead ?? 0) * 1000 };
}

/** The secret a site's deliveries are signed with: null when it has none, undefined when no such site. */
export type WebhookSecretLookup = (site: string) => Promise<string | null | undefined>;

export interface ReceiveOptions {
  /** Commits deliveries arriving together at once (a server passes one). */
  writer?: DeliveryWriter | undefined;
  /** The freshness window; null accepts any timestamp. */
  window?: WebhookWindow | null | undefined;
  /** Told about a fault of ours (configuration, database) before it is answered as 503. */
  onFault?: ((error: unknown) => void) | undefined;
}

/** True when the signature is `sha256=<hex HMAC-SHA256 of the body with the secret>`. */
export function verifySignature(
  body: Buffer,
  secret: string,
  signature: string | undefined,
): boolean {
  const match = signature === undefined ? null : /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  const expected = createHmac('sha256', secret).update(body).digest();
  if (match?.[1] === undefined) return false;
  // Constant time: how much of a forged signature matches must not show in the timing.
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

/** Stands in for the secret of a site that does not exist, so that it costs the same HMAC. */
const NO_SITE_SECRET = 'no such site: this secret verifies nothing';

/**
 * One answer for every delivery whose signature we cannot accept — missing, wrong, or for a site
 * that does not exist — so that the answer does not tell which site ids exist.
 */
function badSignature(): DomainError {
  return new DomainError({
    code: 'webhook.bad_signature',
    message:
      "X-Hub-Signature is missing or does not match: the delivery is not signed with this site's webhook secret",
    path: 'headers.x-hub-signature',
  });
}

/** Our own fault, answered 503 so that Jira retries (it does not retry a 4xx). */
function unavailable(): DomainError {
  return new DomainError({
    code: 'webhook.unavailable',
    message:
      'the receiver cannot take deliveries right now (its configuration or database is unavailable); the fault is logged on our side and the delivery should be sent again',
  });
}

async function ours<T>(work: () => Promise<T>, onFault: ReceiveOptions['onFault']): Promise<T> {
  try {
    return await work();
  } catch (error) {
    onFault?.(error);
    throw unavailable();
  }
}

/**
 * The site's secret. A refusal of the sender (a site whose deliveries are not taken here) stays
 * a 401, an unknown site becomes one; anything else is our own fault (503).
 */
async function lookUpSecret(
  secretOf: WebhookSecretLookup,
  site: string,
  onFault: ReceiveOptions['onFault'],
): Promise<string | null | undefined> {
  try {
    return await secretOf(site);
  } catch (error) {
    if (error instanceof DomainError) {
      const category: string = ERROR_CATALOGUE[error.code].category;
      if (category === 'unauthenticated') throw error;
      if (category === 'not_found') throw badSignature();
    }
    onFault?.(error);
    throw unavailable();
  }
}

/**
 * Accepts a Jira webhook delivery: verifies its signature over the raw bytes (any content
 * type), checks it is UTF-8 JSON we understand and can store, that it was fired within the
 * freshness window, and persists it before answering. Processing comes after (`processInbox`),
 * so the sender gets its answer fast and nothing is lost on a crash. The sender's mistakes are
 * domain errors (4xx); our own faults (secrets, database) are `webhook.unavailable` (503).
 */
export async function receiveWebhook(
  ctx: AppContext,
  delivery: WebhookDelivery,
  secretOf: WebhookSecretLookup,
  options: ReceiveOptions = {},
): Promise<{ duplicate: boolean; seq: number }> {
  const secret = await lookUpSecret(secretOf, delivery.source, options.onFault);
  // An unknown site costs the same HMAC and gets the same answer as a wrong signature.
  const signedWith = secret === undefined ? NO_SITE_SECRET : secret;
  const signed =
    signedWith === null || verifySignature(delivery.body, signedWith, delivery.signature);
  if (secret === undefined || !signed) throw badSignature();
  const text = decodeUtf8(delivery.body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError({
      code: 'request.bad_json',
      message: `the delivery is not JSON: ${reason}`,
      path: 'body',
    });
  }
  const batch = normalizeJiraPayload(json, { source: delivery.source, file: 'webhook body' });
  if (batch.kind !== 'webhook') {
    throw new DomainError({
      code: 'jira.bad_payload',
      message: 'a webhook delivery must be a jira:issue_* event, not a search page',
      path: '$.webhookEvent',
    });
  }
  const window = options.window === undefined ? DEFAULT_WEBHOOK_WINDOW : options.window;
  const at = ctx.clock.now();
  if (window !== null) checkWindow((json as { timestamp?: unknown }).timestamp, at, window);
  const { writer } = options;
  const stored = await ours(
    () =>
      writer === undefined
        ? persistDelivery(ctx.db, delivery.source, delivery.deliveryId, text, at)
        : writer.persist(delivery.source, delivery.deliveryId, text, at),
    options.onFault,
  );
  if (!stored.duplicate) remember(ctx.db, stored.seq, delivery.source, text, batch.entries);
  return stored;
}

/**
 * The deliveries this process received and has not applied yet, normalised on receipt, by
 * database and inbox seq: the inbox worker takes their entries from here instead of parsing
 * and checking the stored body a second time. Only a delivery whose stored source and body are
 * the very ones received is taken; any other (received by another instance, before a restart,
 * or pushed out of this bounded memory) is normalised from the inbox as before.
 */
const receivedEntries = new WeakMap<
  object,
  Map<number, { source: string; body: string; events: readonly WorkItemEvent[] }>
>();
/** How many received deliveries are kept normalised at most (the oldest go first). */
const RECEIVED_KEPT = 5_000;

function remember(
  db: object,
  seq: number,
  source: string,
  body: string,
  events: readonly WorkItemEvent[],
): void {
  let bySeq = receivedEntries.get(db);
  if (bySeq === undefined) {
    bySeq = new Map();
    receivedEntries.set(db, bySeq);
  }
  bySeq.set(seq, { source, body, events });
  if (bySeq.size > RECEIVED_KEPT) {
    const oldest = bySeq.keys().next();
    if (oldest.done !== true) bySeq.delete(oldest.value);
  }
}

/** The entries normalised on receipt for this stored delivery, taken once; null if unknown. */
function takeReceived(db: object, row: InboxRow): readonly WorkItemEvent[] | null {
  const bySeq = receivedEntries.get(db);
  const held = bySeq?.get(row.seq);
  if (held === undefined) return null;
  bySeq?.delete(row.seq);
  return held.source === row.source && held.body === row.body ? held.events : null;
}

/** The body as text; invalid UTF-8 is refused, naming the byte where it starts. */
function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new DomainError({
      code: 'request.bad_encoding',
      message: `the delivery is not valid UTF-8: the bytes at offset ${firstInvalidUtf8Byte(body)} are not a UTF-8 character`,
      path: 'body',
    });
  }
}

/** Where a lossy decoding first put U+FFFD for bytes that do not encode it. */
function firstInvalidUtf8Byte(body: Buffer): number {
  const lossy = body.toString('utf8');
  let from = 0;
  for (;;) {
    const i = lossy.indexOf('\uFFFD', from);
    if (i < 0) return 0;
    const offset = Buffer.byteLength(lossy.slice(0, i), 'utf8');
    const genuine = body[offset] === 0xef && body[offset + 1] === 0xbf && body[offset + 2] === 0xbd;
    if (!genuine) return offset;
    from = i + 1;
  }
}

function checkWindow(timestamp: unknown, now: Date, window: WebhookWindow): void {
  const millis =
    typeof timestamp === 'number'
      ? timestamp
      : typeof timestamp === 'string' && /^\d+$/.test(timestamp)
        ? Number(timestamp)
        : typeof timestamp === 'string'
          ? Date.parse(tryParseJiraTimestamp(timestamp) ?? '')
          : Number.NaN;
  const fail = (why: string): never => {
    throw new DomainError({
      code: 'webhook.outside_window',
      message: `$.timestamp ${why}`,
      path: '$.timestamp',
    });
  };
  if (!Number.isFinite(millis)) {
    fail('names no instant: a live delivery carries the epoch milliseconds Jira fired it at');
  }
  const age = now.getTime() - millis;
  const fired = new Date(millis).toISOString();
  if (age > window.maxAgeMs) {
    fail(
      `is ${fired}, ${describeMs(age)} before the receiver's clock (${now.toISOString()}): deliveries fired more than ${describeMs(window.maxAgeMs)} ago are refused as replays`,
    );
  }
  if (-age > window.maxAheadMs) {
    fail(
      `is ${fired}, ${describeMs(-age)} after the receiver's clock (${now.toISOString()}): deliveries stamped more than ${describeMs(window.maxAheadMs)} ahead are refused`,
    );
  }
}

function describeMs(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 2 * 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 2 * 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/** How a delivery that failed to apply is tried again before it is set aside. */
export interface InboxRetryPolicy {
  /** Tries in all before a delivery that keeps failing is dead-lettered. */
  maxAttempts: number;
  /** The wait after the first failure; it doubles with each further one (capped at 5 min). */
  backoffMs: number;
}

/** The policy a server uses unless told otherwise. */
export const DEFAULT_INBOX_RETRY: InboxRetryPolicy = { maxAttempts: 5, backoffMs: 2_000 };

/** A delivery that failed to apply: set aside at once, or to be tried again later. */
export interface InboxFailure {
  seq: number;
  source: string;
  deliveryId: string | null;
  attempts: number;
  problems: readonly Problem[];
  /** True when it was dead-lettered; false when it will be tried again at `retryAt`. */
  deadLettered: boolean;
  retryAt: Date | null;
}

/** Deliveries are applied by the server's inbox worker; the audit entries name their source. */
const WEBHOOK_ACTOR: Actor = { id: 'webhook', origin: { via: 'webhook' } };

export interface InboxRun extends IngestCounts {
  /** Deliveries taken from the inbox in this run. */
  claimed: number;
  /** Deliveries applied (or found to change nothing) and marked done. */
  processed: number;
  /** Deliveries that failed: dead-lettered, or waiting to be tried again. */
  failures: InboxFailure[];
}

/**
 * Processes the due pending deliveries in arrival order, as many as `limit`. Normally in one
 * transaction: each is normalised and ingested (duplicates and older updates change nothing),
 * signals and live events are written, and the deliveries are marked done — all or nothing. A
 * delivery that cannot be normalised is dead-lettered at once. When the batch fails as a whole,
 * its deliveries are taken one at a time, so that the one that cannot be applied is set aside
 * (at once for bad input, after `maxAttempts` for a fault that may pass) and never blocks the
 * deliveries behind it.
 */
export async function processInbox(
  ctx: AppContext,
  limit = 200,
  policy: InboxRetryPolicy = DEFAULT_INBOX_RETRY,
): Promise<InboxRun> {
  const claimed: InboxRow[] = [];
  try {
    const written = await write(ctx, WEBHOOK_ACTOR, async (scope) => {
      const { tx, at: now } = scope;
      claimed.push(...(await claimPending(tx, limit, now)));
      const events: WorkItemEvent[] = [];
      const done: number[] = [];
      const failures: InboxFailure[] = [];
      let earliest: Date | null = null;
      for (const row of claimed) {
        const normalised = normaliseRow(ctx.db, row);
        if ('problems' in normalised) {
          await markDeadLetter(tx, row.seq, now, row.attempts + 1, normalised.problems);
          failures.push(failureOf(row, normalised.problems, null));
          continue;
        }
        events.push(...normalised.events);
        done.push(row.seq);
        if (earliest === null || row.receivedAt < earliest) earliest = row.receivedAt;
      }
      const counts =
        events.length === 0
          ? { applied: 0, duplicates: 0, stale: 0 }
          : await ingestInWrite(scope, events, earliest ?? now);
      await markProcessed(tx, done, now);
      return { ...counts, claimed: claimed.length, processed: done.length, failures };
    });
    return written.value;
  } catch (error) {
    // Nothing claimed: the database itself failed (down, locked); the caller backs off.
    if (claimed.length === 0) throw error;
  }
  // The batch failed as a whole: find the delivery (or deliveries) that cannot be applied.
  const run: InboxRun = {
    applied: 0,
    duplicates: 0,
    stale: 0,
    claimed: claimed.length,
    processed: 0,
    failures: [],
  };
  for (const row of claimed) {
    const one = await processOne(ctx, row.seq, policy);
    run.applied += one.applied;
    run.duplicates += one.duplicates;
    run.stale += one.stale;
    run.processed += one.processed;
    run.failures.push(...one.failures);
  }
  return run;
}

type Normalised = { events: WorkItemEvent[] } | { problems: readonly Problem[] };

function normaliseRow(db: object, row: InboxRow): Normalised {
  const received = takeReceived(db, row);
  if (received !== null) return { events: [...received] };
  try {
    return {
      events: normalizeJiraPayload(JSON.parse(row.body), { source: row.source }).entries,
    };
  } catch (error) {
    // Checked on receipt; a delivery that fails now (e.g. received by an older version) is set aside.
    return { problems: problemsOf(error) };
  }
}

function failureOf(
  row: InboxRow,
  problems: readonly Problem[],
  retryAt: Date | null,
): InboxFailure {
  return {
    seq: row.seq,
    source: row.source,
    deliveryId: row.deliveryId,
    attempts: row.attempts + 1,
    problems,
    deadLettered: retryAt === null,
    retryAt,
  };
}

/** One delivery in a transaction of its own; a failure is recorded in another. */
async function processOne(ctx: AppContext, seq: number, policy: InboxRetryPolicy) {
  const empty = { applied: 0, duplicates: 0, stale: 0, processed: 0, failures: [] };
  let failure: unknown;
  try {
    const written = await write(ctx, WEBHOOK_ACTOR, async (scope) => {
      const { tx, at: now } = scope;
      const row = await claimDelivery(tx, seq);
      if (row === null) return empty;
      const normalised = normaliseRow(ctx.db, row);
      if ('problems' in normalised) {
        await markDeadLetter(tx, row.seq, now, row.attempts + 1, normalised.problems);
        return { ...empty, failures: [failureOf(row, normalised.problems, null)] };
      }
      const counts = await ingestInWrite(scope, normalised.events, row.receivedAt);
      await markProcessed(tx, [row.seq], now);
      return { ...counts, processed: 1, failures: [] };
    });
    return written.value;
  } catch (error) {
    failure = error;
  }
  // The failure is recorded in a write of its own: the delivery's was rolled back.
  const recorded = await write(ctx, WEBHOOK_ACTOR, async ({ tx, at: now, audit }) => {
    const row = await claimDelivery(tx, seq);
    if (row === null) return empty;
    const problems = problemsOf(failure);
    const attempts = row.attempts + 1;
    if (isPermanent(failure) || attempts >= policy.maxAttempts) {
      audit({
        action: 'webhook.dead_letter',
        item: `source/${row.source}`,
        after: { deliveryId: row.deliveryId, problems },
      });
      await markDeadLetter(tx, row.seq, now, attempts, problems);
      return { ...empty, failures: [failureOf(row, problems, null)] };
    }
    const wait = Math.min(policy.backoffMs * 2 ** (attempts - 1), 5 * 60_000);
    const retryAt = new Date(now.getTime() + wait);
    await markRetryLater(tx, row.seq, attempts, retryAt, problems);
    return { ...empty, failures: [failureOf(row, problems, retryAt)] };
  });
  return recorded.value;
}

/** The SQLSTATE of a database error, when it has one. */
function sqlStateOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * True when trying again cannot help: bad input (a domain error of the sender's kind), or the
 * database refusing the data itself (data exceptions, constraint violations, limits exceeded).
 */
function isPermanent(error: unknown): boolean {
  if (error instanceof DomainError) {
    const category: string = ERROR_CATALOGUE[error.code].category;
    return category !== 'unavailable' && category !== 'service_unavailable';
  }
  const state = sqlStateOf(error);
  return state !== null && ['22', '23', '42', '54', '0A'].includes(state.slice(0, 2));
}

function problemsOf(error: unknown): readonly Problem[] {
  if (error instanceof DomainError) return error.problems;
  const message = error instanceof Error ? error.message : String(error);
  const state = sqlStateOf(error);
  return [
    {
      code: 'webhook.not_applied',
      message:
        state === null
          ? `the delivery could not be applied: ${message}`
          : `the database refused the delivery: ${message} (SQLSTATE ${state})`,
    },
  ];
}
