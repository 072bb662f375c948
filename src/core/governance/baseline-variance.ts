import { daysBetween } from '../calendar.ts';
import type { IsoDate, Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';

/**
 * Variance against a baseline (PRODUCT.md §3, issue 13 part 5): each milestone's planned and
 * forecast date against the date the baseline planned, and each initiative's budget against the
 * baseline's budget, period by period. Pure: the baseline plan comes from the plan history.
 */

/** How a milestone or initiative stands against the baseline. */
export type BaselineChange = 'unchanged' | 'changed' | 'added' | 'removed';

export interface MilestoneVariance {
  id: string;
  name: string;
  initiative: string;
  /** The planned date in the baseline (null: added since). */
  baselineDate: IsoDate | null;
  /** The planned date now (null: removed since). */
  plannedDate: IsoDate | null;
  /** The forecast now (null: removed, or nothing derived). */
  forecastDate: IsoDate | null;
  /** Planned now minus the baseline, calendar days (positive: later). */
  plannedDays: number | null;
  /** Forecast now minus the baseline, calendar days (positive: later). */
  forecastDays: number | null;
  change: BaselineChange;
}

export interface BudgetPeriodVariance {
  period: string;
  baseline: number;
  current: number;
  /** Current minus baseline (positive: more money). */
  variance: number;
}

export interface InitiativeMoneyVariance {
  id: string;
  name: string;
  currency: string;
  /** The sum of the planned budget over every period, in the baseline and now. */
  baselineBudget: number;
  currentBudget: number;
  variance: number;
  /** Actual spend booked so far (now). */
  actual: number;
  periods: BudgetPeriodVariance[];
  change: BaselineChange;
}

export interface BaselineVariance {
  milestones: MilestoneVariance[];
  initiatives: InitiativeMoneyVariance[];
  totals: {
    currency: string;
    baselineBudget: number;
    currentBudget: number;
    variance: number;
    /** Milestones whose planned date differs from the baseline's. */
    replanned: number;
    /** Milestones forecast later than the baseline planned them. */
    late: number;
    /** The most calendar days a milestone is forecast after its baseline date. */
    worstForecastDays: number;
  };
}

function budgetTotal(budget: Plan['initiatives'][number]['budget'] | undefined): number {
  return Object.values(budget ?? {}).reduce((sum, line) => sum + line.plan, 0);
}

function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Dates and money now (`current`, `state`) against the plan of a baseline. */
export function baselineVariance(
  baseline: Plan,
  current: Plan,
  state: DerivedState,
): BaselineVariance {
  const before = new Map(baseline.milestones.map((m) => [m.id, m]));
  const after = new Map(current.milestones.map((m) => [m.id, m]));
  const milestones: MilestoneVariance[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort(order)) {
    const was = before.get(id);
    const now = after.get(id);
    const forecast = now === undefined ? null : (state.milestones.get(id)?.forecastDate ?? null);
    const base = was?.plannedDate ?? null;
    const planned = now?.plannedDate ?? null;
    milestones.push({
      id,
      name: (now ?? was)!.name,
      initiative: (now ?? was)!.initiative,
      baselineDate: base,
      plannedDate: planned,
      forecastDate: forecast,
      plannedDays: base === null || planned === null ? null : daysBetween(base, planned),
      forecastDays: base === null || forecast === null ? null : daysBetween(base, forecast),
      change:
        was === undefined
          ? 'added'
          : now === undefined
            ? 'removed'
            : was.plannedDate === now.plannedDate
              ? 'unchanged'
              : 'changed',
    });
  }

  const currency = current.organisation.currency;
  const beforeI = new Map(baseline.initiatives.map((i) => [i.id, i]));
  const afterI = new Map(current.initiatives.map((i) => [i.id, i]));
  const initiatives: InitiativeMoneyVariance[] = [];
  for (const id of [...new Set([...beforeI.keys(), ...afterI.keys()])].sort(order)) {
    const was = beforeI.get(id);
    const now = afterI.get(id);
    const periods = [
      ...new Set([...Object.keys(was?.budget ?? {}), ...Object.keys(now?.budget ?? {})]),
    ]
      .sort(order)
      .map((period) => {
        const b = was?.budget[period]?.plan ?? 0;
        const c = now?.budget[period]?.plan ?? 0;
        return { period, baseline: b, current: c, variance: c - b };
      });
    const baselineBudget = budgetTotal(was?.budget);
    const currentBudget = budgetTotal(now?.budget);
    initiatives.push({
      id,
      name: (now ?? was)!.name,
      currency: (now ?? was)!.currency ?? currency,
      baselineBudget,
      currentBudget,
      variance: currentBudget - baselineBudget,
      actual: Object.values(now?.budget ?? {}).reduce((sum, line) => sum + (line.actual ?? 0), 0),
      periods,
      change:
        was === undefined
          ? 'added'
          : now === undefined
            ? 'removed'
            : periods.every((x) => x.variance === 0)
              ? 'unchanged'
              : 'changed',
    });
  }

  const baselineBudget = initiatives.reduce((sum, i) => sum + i.baselineBudget, 0);
  const currentBudget = initiatives.reduce((sum, i) => sum + i.currentBudget, 0);
  return {
    milestones,
    initiatives,
    totals: {
      currency,
      baselineBudget,
      currentBudget,
      variance: currentBudget - baselineBudget,
      replanned: milestones.filter((m) => m.change === 'changed').length,
      late: milestones.filter((m) => (m.forecastDays ?? 0) > 0).length,
      worstForecastDays: Math.max(0, ...milestones.map((m) => m.forecastDays ?? 0)),
    },
  };
}

/** The variance as far as a viewer goes: only the milestones and initiatives they see. */
export function visibleVariance(
  variance: BaselineVariance,
  sees: (kind: 'milestone' | 'initiative', id: string) => boolean,
): BaselineVariance {
  const milestones = variance.milestones.filter((m) => sees('milestone', m.id));
  const initiatives = variance.initiatives.filter((i) => sees('initiative', i.id));
  const baselineBudget = initiatives.reduce((sum, i) => sum + i.baselineBudget, 0);
  const currentBudget = initiatives.reduce((sum, i) => sum + i.currentBudget, 0);
  return {
    milestones,
    initiatives,
    totals: {
      currency: variance.totals.currency,
      baselineBudget,
      currentBudget,
      variance: currentBudget - baselineBudget,
      replanned: milestones.filter((m) => m.change === 'changed').length,
      late: milestones.filter((m) => (m.forecastDays ?? 0) > 0).length,
      worstForecastDays: Math.max(0, ...milestones.map((m) => m.forecastDays ?? 0)),
    },
  };
}
