import { fail } from '../core/errors.ts';
import { recordSignalAck } from '../store/signal-ack-store.ts';
import { listSignals } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, write } from './write.ts';

/** Records that a person has seen a signal; refuses a signal that does not exist. */
export async function acknowledgeSignal(
  ctx: AppContext,
  signalId: string,
  actor: ActorLike,
): Promise<{ signalId: string; acknowledgedAt: string }> {
  const signals = await listSignals(ctx.db, true);
  if (!signals.some((s) => s.id === signalId)) {
    fail('not_found', `there is no signal '${signalId}'`, { path: 'id' });
  }
  const written = await write(ctx, actor, async ({ tx, at, actor: by, audit }) => {
    await recordSignalAck(tx, signalId, by.id, at);
    audit({ action: 'signal.ack', item: `signal/${signalId}` });
    return at;
  });
  return { signalId, acknowledgedAt: written.value.toISOString() };
}
