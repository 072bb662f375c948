import { fail } from '../core/errors.ts';
import { recordSignalAck } from '../store/signal-ack-store.ts';
import { listSignals } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';

/** Records that a person has seen a signal; refuses a signal that does not exist. */
export async function acknowledgeSignal(
  ctx: AppContext,
  signalId: string,
  personId: string,
): Promise<{ signalId: string; acknowledgedAt: string }> {
  const signals = await listSignals(ctx.db, true);
  if (!signals.some((s) => s.id === signalId)) {
    fail('not_found', `there is no signal '${signalId}'`, { path: 'id' });
  }
  const at = ctx.clock.now();
  await recordSignalAck(ctx.db, signalId, personId, at);
  return { signalId, acknowledgedAt: at.toISOString() };
}
