import { createHmac, timingSafeEqual } from 'node:crypto';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import { DomainError, type Problem } from '../core/errors.ts';
import type { WorkItemEvent } from '../core/domain/work-item.ts';
import {
  type DeliveryWriter,
  claimPending,
  markDeliveries,
  persistDelivery,
} from '../store/webhook-inbox-store.ts';
import { lockForWrite } from '../store/write-lock.ts';
import type { AppContext } from './context.ts';
import { ingestInTransaction, type IngestCounts } from './ingest-work.ts';

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

/** True when the signature is `sha256=<hex HMAC-SHA256 of the body with the secret>`. */
export function verifySignature(
  body: Buffer,
  secret: string,
  signature: string | undefined,
): boolean {
  const match = signature === undefined ? null : /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
  if (match?.[1] === undefined) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  // Constant time: how much of a forged signature matches must not show in the timing.
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

/**
 * Accepts a Jira webhook delivery: verifies its signature when the site has a secret, checks it
 * is a payload we understand, and persists it before answering. Processing comes after
 * (`processInbox`), so the sender gets its answer fast and nothing is lost on a crash. A
 * server passes its `DeliveryWriter`, which commits deliveries arriving together at once.
 */
export async function receiveWebhook(
  ctx: AppContext,
  delivery: WebhookDelivery,
  secret: string | null,
  writer?: DeliveryWriter,
): Promise<{ duplicate: boolean; seq: number }> {
  if (secret !== null && !verifySignature(delivery.body, secret, delivery.signature)) {
    throw new DomainError({
      code: 'webhook.bad_signature',
      message:
        delivery.signature === undefined
          ? `site '${delivery.source}' requires signed deliveries: X-Hub-Signature is missing`
          : `X-Hub-Signature does not match the body signed with site '${delivery.source}''s secret`,
      path: 'headers.x-hub-signature',
    });
  }
  const text = delivery.body.toString('utf8');
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
  const at = ctx.clock.now();
  return writer === undefined
    ? persistDelivery(ctx.db, delivery.source, delivery.deliveryId, text, at)
    : writer.persist(delivery.source, delivery.deliveryId, text, at);
}

export interface InboxRun extends IngestCounts {
  processed: number;
  failed: number;
}

/**
 * Processes pending deliveries in arrival order, as many as `limit`, in one transaction: each
 * is normalised and ingested (duplicates and older updates change nothing), signals and live
 * events are written, and the deliveries are marked done — all or nothing.
 */
export async function processInbox(ctx: AppContext, limit = 200): Promise<InboxRun> {
  try {
    return await ctx.db.transaction(async (tx) => {
      await lockForWrite(ctx.db, tx);
      const rows = await claimPending(tx, limit);
      const events: WorkItemEvent[] = [];
      const done: number[] = [];
      const failed: { seq: number; problems: readonly Problem[] }[] = [];
      let earliest: Date | null = null;
      for (const row of rows) {
        try {
          events.push(
            ...normalizeJiraPayload(JSON.parse(row.body), { source: row.source }).entries,
          );
          done.push(row.seq);
          if (earliest === null || row.receivedAt < earliest) earliest = row.receivedAt;
        } catch (error) {
          // Checked on receipt; a delivery that fails now (e.g. after an upgrade) is kept aside.
          const problems =
            error instanceof DomainError
              ? error.problems
              : [{ code: 'jira.bad_payload' as const, message: String(error) }];
          failed.push({ seq: row.seq, problems });
        }
      }
      const counts =
        events.length === 0
          ? { applied: 0, duplicates: 0, stale: 0 }
          : await ingestInTransaction(ctx, tx, events, earliest ?? ctx.clock.now());
      const now = ctx.clock.now();
      await markDeliveries(tx, done, 'processed', now);
      for (const f of failed) await markDeliveries(tx, [f.seq], 'failed', now, f.problems);
      return {
        applied: counts.applied,
        duplicates: counts.duplicates,
        stale: counts.stale,
        processed: done.length,
        failed: failed.length,
      };
    });
  } catch (error) {
    ctx.model?.invalidate();
    throw error;
  }
}
