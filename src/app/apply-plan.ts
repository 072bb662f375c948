import type { Plan } from '../core/domain/plan.ts';
import { DomainError } from '../core/errors.ts';
import { diffPlans, mergePlans, type PlanEntityChange } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { loadPlan, writePlanChanges } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import type { NamedEntities } from './derive.ts';
import { type ActorLike, planAudit, write } from './write.ts';

export interface ApplyPlanOptions {
  /** Remove stored entities the incoming plan does not name. */
  prune?: boolean;
  /** Report what would change and change nothing. */
  dryRun?: boolean;
  /** Who applies it, and through which door. */
  actor: ActorLike;
  /** A dry run that leaves closed periods unchecked (what would change, for the access check). */
  ignoreClosedPeriods?: boolean;
}

export interface ApplyPlanResult {
  changes: PlanEntityChange[];
  signals: SignalSync;
  dryRun: boolean;
  durationMs: number;
}

/**
 * Upserts a plan by id, merged with what is stored and checked as a whole, in one write: it
 * lands whole or not at all, with the signals brought up to date and each entity changed in the
 * audit log.
 */
export async function applyPlan(
  ctx: AppContext,
  incoming: Plan,
  options: ApplyPlanOptions,
): Promise<ApplyPlanResult> {
  const dryRun = options.dryRun === true;
  const written = await write(
    ctx,
    options.actor,
    async ({ tx, at, actor, audit, derive }) => {
      const stored = await loadPlan(tx);
      const merged = mergePlans(stored, incoming, options.prune === true);
      const problems = validatePlan(merged);
      if (problems.length > 0) throw new DomainError(problems);
      const changes = diffPlans(stored, merged);
      await writePlanChanges(tx, changes, at, actor.id);
      audit({
        action: 'plan.apply',
        after: { changes: changes.length, prune: options.prune === true },
      });
      audit(...planAudit(changes));
      derive({ named: namedEntities(changes) });
      return changes;
    },
    { dryRun, ignoreClosedPeriods: options.ignoreClosedPeriods === true },
  );
  return {
    changes: written.value,
    signals: written.signals,
    dryRun,
    durationMs: written.durationMs,
  };
}

/** The objectives, KPIs, initiatives and milestones a plan change touched, by kind. */
function namedEntities(changes: readonly PlanEntityChange[]): NamedEntities {
  const named: Record<string, string[]> = {};
  for (const change of changes) {
    if (
      change.collection === 'objectives' ||
      change.collection === 'kpis' ||
      change.collection === 'initiatives' ||
      change.collection === 'milestones'
    )
      (named[change.collection] ??= []).push(change.id);
  }
  return named;
}
