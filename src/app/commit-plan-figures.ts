import type { Plan } from '../core/domain/plan.ts';
import { DomainError } from '../core/errors.ts';
import { diffPlans, type PlanEntityChange } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { writePlanChanges } from '../store/plan-store.ts';
import { planAudit, type WriteScope } from './write.ts';

/**
 * Stores a plan whose figures were edited (KPI actuals, budget lines, benefits) inside a write:
 * the whole plan is validated, the changes written with their history and their audit entries,
 * and the derived state asked for before the commit. Nothing changed, nothing written.
 */
export async function commitPlanFigures(
  scope: WriteScope,
  stored: Plan,
  edited: Plan,
): Promise<PlanEntityChange[]> {
  const changes = diffPlans(stored, edited);
  if (changes.length === 0) return changes;
  const problems = validatePlan(edited);
  if (problems.length > 0) throw new DomainError(problems);
  await writePlanChanges(scope.tx, changes, scope.at, scope.actor.id);
  scope.audit(...planAudit(changes));
  scope.derive();
  return changes;
}
