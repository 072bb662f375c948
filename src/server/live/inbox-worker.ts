import type { AppContext } from '../../app/context.ts';
import { processInbox } from '../../app/receive-webhook.ts';
import type { EventHub } from './event-hub.ts';

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
    do {
      again = false;
      // Deliveries that arrive while a batch runs are taken together in the next: under load
      // the batches grow and the per-event cost falls.
      for (;;) {
        const result = await processInbox(ctx, 500);
        if (result.processed + result.failed > 0 && hub !== null) await hub.pump();
        if (result.processed + result.failed < 500) break;
      }
    } while (again && !closed);
  };

  const poke = (): void => {
    if (closed) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = run()
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
