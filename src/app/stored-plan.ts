import type { Plan } from '../core/domain/plan.ts';
import { loadPlan } from '../store/plan-store.ts';
import type { AppContext } from './context.ts';

/**
 * The plan as the store holds it at this moment, read afresh (null before any plan was applied):
 * for a write that decides on it, or a read that must not wait for the live model to hear of
 * another instance's write. Elsewhere `readPlan` (derive.ts) serves the live model's copy.
 */
export function loadStoredPlan(ctx: AppContext): Promise<Plan | null> {
  return loadPlan(ctx.db);
}
