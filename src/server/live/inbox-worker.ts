import type { AppContext } from '../../app/context.ts';
import { processInbox } from '../../app/receive-webhook.ts';
import type { EventHub } from './event-hub.ts';

/** Under load, how long the next batch waits for deliveries that are still being received. */
const COALESCE_MS = 5;

/** Processes persisted webhook deliveries after they were answered; one run at a time. */
export interface InboxWorker {
  /** Something arrived: process it soon. */
  poke(): void;
  /** Resolves when nothing is pending or being processed. */
  idle(): Promise<void>;
  close(): void;
}

/** Starts the worker and processes whatever a previous run left pending. */
export function startInboxWorker(
  ctx: AppContext,
  hub: EventHub | null,
  onError: (error: unknown) => void,
): InboxWorker {
  let running: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const run = async (): Promise<void> => {
    for (;;) {
      again = false;
      // Deliveries that arrive while a batch runs are taken together in the next: under load
      // the batches grow and the per-event cost falls.
      for (;;) {
        const result = await processInbox(ctx, 500);
        if (result.processed + result.failed > 0 && hub !== null) await hub.pump();
        if (result.processed + result.failed < 500) break;
      }
      if (!again || closed) return;
      // More came in meanwhile: give the deliveries still being received a moment to land, so
      // that the next batch takes them together (a quiet server never waits here).
      await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
    }
  };

  const poke = (): void => {
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
        onError(error);
        // The deliveries are still pending in the inbox: try again shortly.
        retry = setTimeout(poke, 1000);
        retry.unref();
      })
      .finally(() => {
        running = null;
      });
  };

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
