import { DomainError } from '../core/errors.ts';
import {
  listDeadLetters as loadDeadLetters,
  requeueDeadLetter,
  type DeadLetter,
} from '../store/webhook-inbox-store.ts';
import type { AppContext } from './context.ts';

/** Dead-lettered webhook deliveries (of one source when given), oldest first, at most `limit`. */
export async function listDeadLetters(
  ctx: AppContext,
  source: string | null,
  limit: number,
): Promise<DeadLetter[]> {
  return loadDeadLetters(ctx.db, source, limit);
}

/**
 * Puts a dead-lettered delivery back in line to be applied again (once its cause is fixed); a
 * delivery that still cannot be applied is dead-lettered again with the new error. Throws
 * `not_found` when no dead-lettered delivery has that number.
 */
export async function retryDeadLetter(ctx: AppContext, seq: number): Promise<void> {
  if (!(await requeueDeadLetter(ctx.db, seq))) {
    throw new DomainError({
      code: 'not_found',
      message: `there is no dead-lettered webhook delivery ${seq}`,
      path: 'seq',
    });
  }
}
