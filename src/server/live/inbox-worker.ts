import type { AppContext } from '../../app/context.ts';
import {
  DEFAULT_INBOX_RETRY,
  processInbox,
  type InboxFailure,
  type InboxRetryPolicy,
} from '../../app/receive-webhook.ts';
import { nextInboxAttemptDue } from '../../app/webhook-inbox.ts';
import type { EventHub } from './event-hub.ts';

/** Under load, how long the next batch waits for deliveries that are still being received. */
const COALESCE_MS = 5;
/** How many deliveries one run takes at most. */
const BATCH = 500;
/** After a run failed as a whole (the database is down), the first wait and the longest one. */
const FAULT_BACKOFF_MS = 1_000;
const FAULT_BACKOFF_MAX_MS = 60_000;
/**
 * How long the earliest backoff read after a run stays good enough: only a failed delivery adds
 * one (here, or in another instance that may have died since), so a busy worker reads it after
 * a run with failures, when the one it knew is due, and otherwise at most this often.
 */
const DUE_REREAD_MS = 1_000;

/** Processes persisted webhook deliveries after they were answered; one run at a time. */
export interface InboxWorker {
  /** Something arrived: process it soon. */
  poke(): void;
  /** Resolves when nothing is pending or being processed. */
  idle(): Promise<void>;
  close(): void;
}

/** Where the worker reports what went wrong (a Fastify logger fits). */
export interface InboxLog {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Starts the worker and processes whatever a previous run left pending. A delivery that cannot be
 * applied is dead-lettered (logged as an error) and the ones behind it go on; one that failed for
 * a reason that may pass is tried again when its backoff ends (logged as a warning). A run that
 * fails as a whole (the database is down) is tried again with a growing wait.
 */
export function startInboxWorker(
  ctx: AppContext,
  hub: EventHub | null,
  log: InboxLog,
  policy: InboxRetryPolicy = DEFAULT_INBOX_RETRY,
): InboxWorker {
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let faultWait = FAULT_BACKOFF_MS;
  /** The earliest backoff as last read, and when (never: read after the first run). */
  let due: { at: Date | null; readAt: number } | null = null;

  const report = (failure: InboxFailure): void => {
    const details = {
      seq: failure.seq,
      source: failure.source,
      deliveryId: failure.deliveryId,
      attempts: failure.attempts,
      problems: failure.problems,
    };
    if (failure.deadLettered) {
      log.error(
        details,
        'webhook delivery dead-lettered: it will not be tried again unless retried',
      );
    } else {
      log.warn(
        { ...details, retryAt: failure.retryAt?.toISOString() },
        'webhook delivery failed; it will be tried again',
      );
    }
  };

  /** Wakes the worker when the earliest delivery waiting out a backoff is due. */
  const wakeAt = (due: Date | null): void => {
    if (retry !== null) clearTimeout(retry);
    retry = null;
    if (due === null || closed) return;
    retry = setTimeout(poke, Math.max(0, due.getTime() - ctx.clock.now().getTime()) + 5);
    retry.unref();
  };

  const run = async (): Promise<void> => {
    for (;;) {
      again = false;
      let failed = false;
      // Deliveries that arrive while a batch runs are taken together in the next: under load
      // the batches grow and the per-event cost falls.
      for (;;) {
        const result = await processInbox(ctx, BATCH, policy);
        for (const failure of result.failures) report(failure);
        if (result.failures.length > 0) failed = true;
        if (result.claimed > 0 && hub !== null) await hub.pump();
        if (result.claimed < BATCH) break;
      }
      faultWait = FAULT_BACKOFF_MS;
      if (closed) break;
      if (!again) {
        const now = performance.now();
        if (
          due === null ||
          failed ||
          (due.at !== null && due.at.getTime() <= ctx.clock.now().getTime()) ||
          now - due.readAt >= DUE_REREAD_MS
        ) {
          due = { at: await nextInboxAttemptDue(ctx), readAt: now };
          wakeAt(due.at);
        }
        // A delivery poked while that was read finds this run still going: take it now, or it
        // would wait, pending, for the next delivery.
        if (!again || closed) break;
      }
      // More came in meanwhile: give the deliveries still being received a moment to land, so
      // that the next batch takes them together (a quiet server never waits here).
      await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
    }
  };

  function poke(): void {
    if (closed) return;
    if (running !== null) {
      again = true;
      return;
    }
    // Not right away: the embedded database runs a transaction without giving way to I/O, so
    // the answer to this delivery, and the deliveries already on their way, go first.
    running = new Promise<void>((resolve) => setImmediate(resolve))
      .then(run)
      .catch((error: unknown) => {
        log.error(
          { err: error, retryInMs: faultWait },
          'webhook processing failed; the deliveries stay pending',
        );
        if (closed) return;
        // The deliveries are still pending in the inbox: try again, waiting longer each time.
        if (retry !== null) clearTimeout(retry);
        retry = setTimeout(poke, faultWait);
        retry.unref();
        faultWait = Math.min(faultWait * 2, FAULT_BACKOFF_MAX_MS);
      })
      .finally(() => {
        running = null;
      });
  }

  poke();
  return {
    poke,
    async idle() {
      while (running !== null) await running;
    },
    close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
    },
  };
}
