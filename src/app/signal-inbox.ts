import type { Queryable } from '../store/database.ts';
import { loadLatestAcks } from '../store/signal-ack-store.ts';
import { listSignals, type StoredSignal } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';

export type { StoredSignal } from '../store/signal-store.ts';

/** The stored signals as they stand (open ones unless `all`), newest first. */
export function readSignals(ctx: AppContext, all = false): Promise<StoredSignal[]> {
  return listSignals(ctx.db, all);
}

/** The stored signal with this id, open or resolved; undefined when there is none. */
export async function findSignal(ctx: AppContext, id: string): Promise<StoredSignal | undefined> {
  return (await listSignals(ctx.db, true)).find((s) => s.id === id);
}

/** A signal as one person sees it: is it theirs, and have they acknowledged it since it was raised? */
export interface InboxSignal extends StoredSignal {
  /** The person is one of the owners the signal affects. */
  forMe: boolean;
  /** The person acknowledged it after it was last raised. */
  acknowledgedByMe: boolean;
  acknowledgedAt: string | null;
}

/** The stored signals (open ones unless `all`), newest first, marked for one person. */
export async function listSignalInbox(
  db: Queryable,
  personId: string,
  all: boolean,
): Promise<InboxSignal[]> {
  const [signals, acks] = await Promise.all([listSignals(db, all), loadLatestAcks(db, personId)]);
  return signals.map((signal) => {
    const ack = acks.get(signal.id);
    // An acknowledgement counts for the signal as raised; a later re-raise asks again.
    const acknowledged = ack !== undefined && ack.getTime() >= Date.parse(signal.raisedAt);
    return {
      ...signal,
      forMe: signal.affectedOwners.includes(personId),
      acknowledgedByMe: acknowledged,
      acknowledgedAt: acknowledged ? ack.toISOString() : null,
    };
  });
}
