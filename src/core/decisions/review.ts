import { daysBetween } from '../calendar.ts';
import type { IsoDate, PeriodLabel, Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import { formatAmount } from '../engine/format.ts';
import type { ScenarioResult } from '../scenario/price-scenario.ts';
import type { Decision } from './decision.ts';

/**
 * Decision review: what a decided option predicted, against what happened. The prediction is the
 * chosen option's priced result at the moment it was decided (or, for a decision recorded before
 * that moment was kept, as priced when the option was added). Per KPI period it moved: the
 * forecast without the option ("do nothing"), the forecast with it, and the actual once one is
 * in; per milestone it moved: the date predicted and the day it completed; and the money the
 * option was meant to protect against what it realised.
 *
 * - **saved** (per KPI period) = the option's forecast minus the do-nothing forecast,
 * - **realised** = the actual minus the do-nothing forecast,
 * - **gap** = the actual minus the option's forecast,
 * each signed by the KPI's direction so that positive is better (a cost KPI that falls saves).
 * Money sums them over the KPIs counted in the organisation's currency.
 */

/** Where the prediction comes from: priced when the option was decided, or when it was added. */
export type PredictionMoment = 'decided' | 'added';

export interface KpiPeriodReview {
  kpi: string;
  period: PeriodLabel;
  unitOfMeasure: string | null;
  target: number | null;
  /** The forecast without the option, when it was decided. */
  doNothing: number | null;
  /** The forecast with the option: what the decision predicted. */
  predicted: number | null;
  /** predicted − doNothing, positive = better. */
  saved: number | null;
  /** The actual pushed or imported for the period; null while there is none. */
  actual: number | null;
  /** actual − predicted, positive = better than predicted. */
  gap: number | null;
  /** actual − doNothing, positive = better than doing nothing would have been. */
  realised: number | null;
  /** The period has ended by the review's day (an actual of a running period is a figure so far). */
  ended: boolean;
  /** In words: `awaiting actuals for 2026-Q4`, or the figures. */
  note: string;
}

export interface MilestoneReview {
  milestone: string;
  name: string | null;
  /** The forecast without the option. */
  doNothing: IsoDate | null;
  /** The forecast with the option (null: the option drops the milestone). */
  predicted: IsoDate | null;
  /** The day its work completed (the engine's date once every linked work item is done). */
  actual: IsoDate | null;
  /** Calendar days actual − predicted, positive = later than predicted. */
  lateDays: number | null;
  note: string;
}

export interface MoneyReview {
  currency: string;
  /** saved over the currency KPI periods the option moved. */
  meantToProtect: number;
  /** saved over those of the periods that have actuals (what `realised` is set against). */
  predictedWithActuals: number;
  /** realised over the periods that have actuals; null while none has. */
  realised: number | null;
  /** The scenario's own cost plus the budget plan it adds (negative where it frees budget). */
  cost: number;
}

/**
 * awaiting: no actual or completion yet; partial: some; complete: every KPI period has an actual
 * and every milestone with linked work completed; nothing_to_review: the option predicted no KPI
 * figure and no milestone whose completion the plan tracks.
 */
export type ReviewStatus = 'awaiting' | 'partial' | 'complete' | 'nothing_to_review';

export interface DecisionReview {
  decision: string;
  option: number;
  title: string;
  /** The day the prediction was priced for, and at which moment. */
  predictedOn: IsoDate;
  predictedWhen: PredictionMoment;
  /** The day the actuals are read as of. */
  asOf: IsoDate;
  status: ReviewStatus;
  kpis: KpiPeriodReview[];
  milestones: MilestoneReview[];
  money: MoneyReview;
  /** What is still to come: `K-SAVINGS: awaiting actuals for 2026-Q4`, `M-PURCH: awaiting completion`. */
  awaiting: string[];
  /** One sentence: what it was meant to protect, at what cost, and what it realised so far. */
  summary: string;
}

/**
 * Reviews a decided decision: its prediction (the chosen option's priced result) against the
 * actuals in the plan and the milestones completed in the state. Null for an open decision.
 */
export function reviewDecision(
  decision: Decision,
  prediction: { result: ScenarioResult; when: PredictionMoment } | null,
  plan: Plan,
  state: Pick<DerivedState, 'asOf' | 'kpis' | 'milestones'>,
): DecisionReview | null {
  const outcome = decision.outcome;
  if (outcome === null) return null;
  const option = decision.options.find((o) => o.number === outcome.option);
  if (option === undefined) return null;
  const { result, when } = prediction ?? { result: option.result, when: 'added' as const };
  const asOf = state.asOf;
  const currency = plan.organisation.currency;
  const kpiOf = new Map(plan.kpis.map((k) => [k.id, k]));
  const awaiting: string[] = [];

  const kpis: KpiPeriodReview[] = [];
  for (const entry of result.kpis) {
    if (entry.forecast.before === entry.forecast.after) continue;
    const kpi = kpiOf.get(entry.kpi);
    const sign = kpi?.direction === 'lower_is_better' ? -1 : 1;
    const doNothing = entry.forecast.before;
    const predicted = entry.forecast.after;
    const actual =
      kpi !== undefined && Object.hasOwn(kpi.actuals, entry.period)
        ? kpi.actuals[entry.period]!
        : null;
    const diff = (a: number | null, b: number | null): number | null =>
      a === null || b === null ? null : sign * (a - b);
    const end = state.kpis.get(entry.kpi)?.periods.find((p) => p.period === entry.period)?.end;
    const ended = end !== undefined && end < asOf;
    const review: KpiPeriodReview = {
      kpi: entry.kpi,
      period: entry.period,
      unitOfMeasure: kpi?.unitOfMeasure ?? null,
      target: entry.target.after,
      doNothing,
      predicted,
      saved: diff(predicted, doNothing),
      actual,
      gap: diff(actual, predicted),
      realised: diff(actual, doNothing),
      ended,
      note: '',
    };
    review.note = kpiNote(review, kpi === undefined, end);
    // A KPI no longer in the plan gets no actual: nothing to wait for.
    if (actual === null && kpi !== undefined) awaiting.push(`${entry.kpi}: ${review.note}`);
    kpis.push(review);
  }

  const milestones: MilestoneReview[] = [];
  const milestoneOf = new Map(plan.milestones.map((m) => [m.id, m]));
  for (const entry of result.milestones) {
    if (
      entry.forecastDate.before === entry.forecastDate.after &&
      entry.plannedDate.before === entry.plannedDate.after
    )
      continue;
    const now = state.milestones.get(entry.id);
    const predicted = entry.forecastDate.after;
    const actual = now?.complete === true ? now.forecastDate : null;
    const lateDays = actual === null || predicted === null ? null : daysBetween(predicted, actual);
    const planned = milestoneOf.get(entry.id);
    // Without linked work the engine never sees it complete: nothing to wait for.
    const tracked =
      planned !== undefined && planned.work.keys.length + planned.work.epics.length > 0;
    const review: MilestoneReview = {
      milestone: entry.id,
      name: planned?.name ?? null,
      doNothing: entry.forecastDate.before,
      predicted,
      actual,
      lateDays,
      note: milestoneNote(predicted, actual, lateDays, now === undefined, tracked),
    };
    if (predicted !== null && actual === null && tracked && now !== undefined)
      awaiting.push(`${entry.id}: ${review.note}`);
    milestones.push(review);
  }

  const money = moneyOf(plan, kpis, result);
  const known =
    kpis.filter((k) => k.actual !== null).length +
    milestones.filter((m) => m.actual !== null).length;
  const status: ReviewStatus =
    awaiting.length > 0
      ? known === 0
        ? 'awaiting'
        : 'partial'
      : known === 0
        ? 'nothing_to_review'
        : 'complete';
  return {
    decision: decision.id,
    option: option.number,
    title: option.title,
    predictedOn: result.asOf,
    predictedWhen: when,
    asOf,
    status,
    kpis,
    milestones,
    money,
    awaiting,
    summary: summaryOf(option.title, money, kpis, currency),
  };
}

function kpiNote(k: KpiPeriodReview, gone: boolean, end: IsoDate | undefined): string {
  if (gone) return `${k.kpi} is no longer in the plan`;
  if (k.actual === null) return `awaiting actuals for ${k.period}`;
  const soFar = k.ended || end === undefined ? '' : ` so far (${k.period} runs to ${end})`;
  return `actual ${formatAmount(k.actual)}${soFar} against ${formatAmount(k.predicted ?? 0)} predicted (${signed(k.gap ?? 0)}); ${signed(k.realised ?? 0)} against doing nothing, ${formatAmount(k.saved ?? 0)} meant`;
}

function milestoneNote(
  predicted: IsoDate | null,
  actual: IsoDate | null,
  lateDays: number | null,
  gone: boolean,
  tracked: boolean,
): string {
  if (predicted === null) return 'dropped by the option';
  if (gone) return 'no longer in the plan';
  if (!tracked) return `predicted ${predicted}; no linked work, so its completion is not known`;
  if (actual === null) return `awaiting completion (predicted ${predicted})`;
  if (lateDays === 0) return `completed ${actual}, as predicted`;
  return `completed ${actual}, ${Math.abs(lateDays ?? 0)} days ${(lateDays ?? 0) > 0 ? 'later' : 'earlier'} than predicted`;
}

function moneyOf(
  plan: Plan,
  kpis: readonly KpiPeriodReview[],
  result: ScenarioResult,
): MoneyReview {
  const currency = plan.organisation.currency;
  let meantToProtect = 0;
  let predictedWithActuals = 0;
  let realised: number | null = null;
  for (const k of kpis) {
    if (k.unitOfMeasure !== currency || k.saved === null) continue;
    meantToProtect += k.saved;
    if (k.realised === null) continue;
    predictedWithActuals += k.saved;
    realised = (realised ?? 0) + k.realised;
  }
  const { budgetPlan, scenarioCost } = result.totals;
  return {
    currency,
    meantToProtect,
    predictedWithActuals,
    realised,
    cost: scenarioCost + (budgetPlan.after - budgetPlan.before),
  };
}

function summaryOf(
  title: string,
  money: MoneyReview,
  kpis: readonly KpiPeriodReview[],
  currency: string,
): string {
  const periods = kpis
    .filter((k) => k.unitOfMeasure === currency && k.saved !== null && k.saved !== 0)
    .map((k) => `${k.kpi} ${k.period}`);
  const cost = money.cost === 0 ? '' : ` at a cost of ${formatAmount(money.cost)} ${currency}`;
  const meant =
    periods.length === 0
      ? `“${title}” moved no money in ${currency}${cost}`
      : `“${title}” was to protect ${formatAmount(money.meantToProtect)} ${currency} (${periods.join(', ')})${cost}`;
  if (periods.length === 0) return `${meant}.`;
  if (money.realised === null) return `${meant}; awaiting actuals.`;
  const partly =
    money.predictedWithActuals === money.meantToProtect
      ? ''
      : ` over the periods with actuals (${formatAmount(money.predictedWithActuals)} predicted there)`;
  return `${meant}; realised ${formatAmount(money.realised)} ${currency}${partly}.`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${formatAmount(Math.abs(value))}`;
}
