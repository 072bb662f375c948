import type { DecisionReview } from '../core/decisions/review.ts';
import { money, type Output } from './output.ts';

/** Prints a decision's review: predicted against actual, per KPI period and milestone. */
export function printReview(output: Output, review: DecisionReview | null): void {
  if (review === null) return;
  const when = review.predictedWhen === 'decided' ? 'when decided' : 'when the option was added';
  output.out(
    `  review (${review.status.replace(/_/g, ' ')}; predicted ${when}, on ${review.predictedOn}; actuals as of ${review.asOf}):`,
  );
  output.out(`    ${review.summary}`);
  for (const k of review.kpis) {
    const figure = (n: number | null): string => (n === null ? '-' : money(n));
    output.out(
      `    ${k.kpi} ${k.period}: predicted ${figure(k.predicted)}, doing nothing ${figure(k.doNothing)}, actual ${figure(k.actual)} — ${k.note}`,
    );
  }
  for (const m of review.milestones)
    output.out(
      `    ${m.milestone}: predicted ${m.predicted ?? '-'}, doing nothing ${m.doNothing ?? '-'}, completed ${m.actual ?? '-'} — ${m.note}`,
    );
  const { currency, meantToProtect, realised, cost } = review.money;
  output.out(
    `    money (${currency}): meant to protect ${money(meantToProtect)}, realised ${realised === null ? 'awaiting actuals' : money(realised)}, cost ${money(cost)}`,
  );
}
