import type { Visibility } from '../core/access/policy.ts';
import type { ExplanationStep } from '../core/domain/state.ts';
import { forecastProbabilistic } from '../core/engine/engine.ts';
import type { Queryable } from '../store/database.ts';
import { loadWorkHistory } from '../store/history-store.ts';
import type { Snapshot } from './derive.ts';
import { explainEntity, type Explanation } from './strategic-view.ts';

/** Trials per Monte Carlo forecast, and the seed that makes them reproducible. */
export const EXPLAIN_TRIALS = 1000;
export const EXPLAIN_SEED = 20_260_914;

/**
 * Explains any objective, KPI, initiative, milestone or work item: the facts and rules behind
 * each figure. A milestone also gets its P50/P85/P95 dates, drawn from the teams' completed work
 * in the store (or the reason there are none: too little history).
 */
export async function explainWithHistory(
  db: Queryable,
  snapshot: Snapshot,
  id: string,
  options: { seed?: number; trials?: number; seen?: Visibility } = {},
): Promise<Explanation> {
  const explained = explainEntity(snapshot, id, options.seen);
  if (explained.kind !== 'milestone') return explained;
  const { plan, workItems, state } = snapshot;
  const history = await loadWorkHistory(db, state.asOf);
  const seed = options.seed ?? EXPLAIN_SEED;
  const forecast = forecastProbabilistic(
    { plan, workItems, changes: {}, asOf: state.asOf },
    { history, seed, trials: options.trials ?? EXPLAIN_TRIALS },
    [id],
  )[id];
  if (forecast === undefined) return explained;
  let step: ExplanationStep;
  if ('insufficient' in forecast) {
    const thin = forecast.insufficient;
    step = {
      rule: 'milestone.probabilistic_insufficient_history',
      text: `No probabilistic dates: team ${thin.team} has ${thin.completed} completed work ${thin.completed === 1 ? 'item' : 'items'} in its history, ${thin.needed} needed${thin.milestone === id ? '' : ` (its work holds up ${thin.milestone}, upstream)`}`,
      figures: { team: thin.team, completed: thin.completed, needed: thin.needed },
    };
  } else {
    const teams = forecast.basis.teams
      .map((team) => `${team.team}: ${team.completed} done over ${team.weeks} weeks`)
      .join('; ');
    step = {
      rule: 'milestone.probabilistic',
      text: `Monte Carlo, ${forecast.samples} trials (seed ${forecast.seed}) of ${teams === '' ? 'the milestones it depends on' : teams}: P50 ${forecast.p50}, P85 ${forecast.p85}, P95 ${forecast.p95}`,
      figures: {
        p50: forecast.p50,
        p85: forecast.p85,
        p95: forecast.p95,
        samples: forecast.samples,
      },
    };
  }
  return { ...explained, probabilistic: forecast, explanation: [...explained.explanation, step] };
}
