import type { Plan } from '../core/domain/plan.ts';
import { DomainError } from '../core/errors.ts';
import { diffPlans, mergePlans, type PlanEntityChange } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { loadPlan, writePlanChanges } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import { lockForWrite } from '../store/write-lock.ts';
import type { AppContext } from './context.ts';
import { recomputeSignals } from './derive.ts';

export interface ApplyPlanOptions {
  /** Remove stored entities the incoming plan does not name. */
  prune?: boolean;
  /** Report what would change and change nothing. */
  dryRun?: boolean;
  /** Who applies it (a person id, or `cli`). */
  actor: string;
}

export interface ApplyPlanResult {
  changes: PlanEntityChange[];
  signals: SignalSync;
  dryRun: boolean;
  durationMs: number;
}

class DryRunRollback extends Error {}

/**
 * Upserts a plan by id, merged with what is stored and checked as a whole, in one transaction:
 * it lands whole or not at all. Signals are brought up to date in the same transaction.
 */
export async function applyPlan(
  ctx: AppContext,
  incoming: Plan,
  options: ApplyPlanOptions,
): Promise<ApplyPlanResult> {
  const started = performance.now();
  let result: Omit<ApplyPlanResult, 'durationMs'> | undefined;
  try {
    await ctx.db.transaction(async (tx) => {
      await lockForWrite(ctx.db, tx);
      const stored = await loadPlan(tx);
      const merged = mergePlans(stored, incoming, options.prune === true);
      const problems = validatePlan(merged);
      if (problems.length > 0) throw new DomainError(problems);
      const changes = diffPlans(stored, merged);
      const at = ctx.clock.now();
      await writePlanChanges(tx, changes, at, options.actor);
      const { signals } = await recomputeSignals(tx, ctx.clock.asOf(), at, {
        model: ctx.model,
        notify: ctx.db.kind === 'postgres' && options.dryRun !== true,
      });
      result = { changes, signals, dryRun: options.dryRun === true };
      // A dry run does all the work, then rolls it back.
      if (options.dryRun === true) throw new DryRunRollback();
    });
  } catch (error) {
    // The model may have seen writes that were rolled back.
    ctx.model?.invalidate();
    if (!(error instanceof DryRunRollback)) throw error;
  }
  if (result === undefined) throw new Error('applyPlan finished without a result');
  return { ...result, durationMs: performance.now() - started };
}
