import type { Decision } from '../core/decisions/decision.ts';
import { reviewDecision, type DecisionReview } from '../core/decisions/review.ts';
import { canonicalJson } from '../core/plan/diff-plan.ts';
import type { ScenarioResult } from '../core/scenario/price-scenario.ts';
import type { DecisionEvent } from '../store/decision-store.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot } from './derive.ts';

/**
 * The decision review as a use-case: the prediction kept when the decision was decided, against
 * the actuals in the stored plan and the milestones completed in the current state.
 */

/** Written into the decided step when the price at deciding is the one stored with the option. */
const AS_ADDED = 'as priced when the option was added';

/**
 * What the decided step keeps as the prediction: the chosen option's price at the moment it was
 * decided, or a note that it is the price stored with the option (the same figures).
 */
export function predictionAtDecision(
  stored: ScenarioResult,
  atDecision: ScenarioResult,
): { prediction: ScenarioResult | typeof AS_ADDED } {
  return {
    prediction: canonicalJson(stored) === canonicalJson(atDecision) ? AS_ADDED : atDecision,
  };
}

/** The review of a decided decision (null while it is open, or before any plan). */
export async function reviewOf(
  ctx: AppContext,
  decision: Decision,
  history: readonly DecisionEvent[],
): Promise<DecisionReview | null> {
  if (decision.outcome === null) return null;
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model);
  if (snapshot === null) return null;
  const step = history.find((e) => e.action === 'decided');
  const kept = step?.detail['prediction'];
  const option = decision.options.find((o) => o.number === decision.outcome?.option);
  const prediction =
    typeof kept === 'object' && kept !== null
      ? { result: kept as ScenarioResult, when: 'decided' as const }
      : kept === AS_ADDED && option !== undefined
        ? { result: option.result, when: 'decided' as const }
        : null;
  return reviewDecision(decision, prediction, snapshot.plan, snapshot.state);
}
