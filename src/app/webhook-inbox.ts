import {
  countInbox,
  createDeliveryWriter,
  nextAttemptDue,
  type DeliveryWriter,
} from '../store/webhook-inbox-store.ts';
import type { AppContext } from './context.ts';

export type { DeliveryWriter } from '../store/webhook-inbox-store.ts';

/*
 * The webhook inbox as the server runs it: deliveries committed together as they arrive, when
 * the next retry is due, and how the inbox stands for the health check. Receiving and
 * processing a delivery is receive-webhook.ts.
 */

/**
 * A writer that commits the deliveries arriving together in one transaction (each answered
 * only once committed): one per server, handed to `receiveWebhook`.
 */
export function createWebhookDeliveryWriter(ctx: AppContext): DeliveryWriter {
  return createDeliveryWriter(ctx.db);
}

/** When the earliest delivery waiting out a backoff is due again; null when none waits. */
export function nextInboxAttemptDue(ctx: AppContext): Promise<Date | null> {
  return nextAttemptDue(ctx.db);
}

/** How the inbox stands across its sources. */
export interface InboxHealth {
  /** Waiting to be processed (including those waiting out a backoff). */
  pending: number;
  /** Pending deliveries that failed at least once and wait to be tried again. */
  retrying: number;
  /** Pending deliveries received more than `stuckAfterMs` ago. */
  stuck: number;
  /** Set aside until someone retries them. */
  deadLettered: number;
}

/** The inbox's deliveries counted over every source, at the clock's now. */
export async function webhookInboxHealth(
  ctx: AppContext,
  stuckAfterMs: number,
): Promise<InboxHealth> {
  const inbox = await countInbox(ctx.db, new Date(ctx.clock.now().getTime() - stuckAfterMs));
  const sum = (f: (c: (typeof inbox)[number]) => number): number =>
    inbox.reduce((n, c) => n + f(c), 0);
  return {
    pending: sum((c) => c.pending),
    retrying: sum((c) => c.retrying),
    stuck: sum((c) => c.stuck),
    deadLettered: sum((c) => c.deadLettered),
  };
}
