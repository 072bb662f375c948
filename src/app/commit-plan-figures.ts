import type { Plan } from '../core/domain/plan.ts';
import { DomainError } from '../core/errors.ts';
import { diffPlans, type PlanEntityChange } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import type { Queryable } from '../store/database.ts';
import { writePlanChanges } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import { recomputeSignals } from './derive.ts';

const NO_SIGNAL_CHANGE: SignalSync = { raised: [], changed: [], resolved: [] };

/**
 * Stores a plan whose figures were edited (KPI actuals, budget lines, benefits), inside the
 * caller's write transaction: the whole plan is validated, the changes written with their
 * history, and the signals recomputed before the commit. Nothing changed, nothing written.
 */
export async function commitPlanFigures(
  ctx: AppContext,
  tx: Queryable,
  stored: Plan,
  edited: Plan,
  at: Date,
  actor: string,
  dryRun: boolean,
): Promise<{ changes: PlanEntityChange[]; signals: SignalSync }> {
  const changes = diffPlans(stored, edited);
  if (changes.length === 0) return { changes, signals: NO_SIGNAL_CHANGE };
  const problems = validatePlan(edited);
  if (problems.length > 0) throw new DomainError(problems);
  await writePlanChanges(tx, changes, at, actor);
  const { signals } = await recomputeSignals(tx, ctx.clock.asOf(), at, {
    model: ctx.model,
    notify: ctx.db.kind === 'postgres' && !dryRun,
  });
  return { changes, signals };
}
