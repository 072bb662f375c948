import type { IsoDate, Kpi, PeriodLabel } from '../domain/plan.ts';
import type { BenefitAccrual, DerivedStatus, KpiPeriodForecast } from '../domain/state.ts';
import { parsePeriod } from '../period.ts';
import { accrualDays, accruedAmount } from './benefit-accrual.ts';
import { dateOf, dayOf } from './day-numbers.ts';
import { formatAmount, formatWithUnit } from './format.ts';
import type { PlanModel } from './plan-model.ts';
import { isWorse } from './status.ts';

/** A period at or under this share of |target| above its target is at risk. */
export const THIN_MARGIN = 0.05;

/** A reporting period with its first and last day as numbers. */
export interface PeriodDays {
  label: PeriodLabel;
  start: IsoDate;
  end: IsoDate;
  startDay: number;
  endDay: number;
}

/** One KPI's forecast, without its explanation (made when read). */
export interface KpiCore {
  readonly kpi: Kpi;
  readonly periods: KpiPeriodForecast[];
  readonly status: DerivedStatus;
  /** Period labels that are no reporting period, in the order met. */
  readonly unknownPeriods: string[];
}

/** Parses period labels once per engine. */
export function createPeriodReader(): (label: string) => PeriodDays | null {
  const periods = new Map<string, PeriodDays | null>();
  return (label) => {
    let known = periods.get(label);
    if (known === undefined) {
      const parsed = parsePeriod(label);
      known =
        parsed === null
          ? null
          : { ...parsed, startDay: dayOf(parsed.start), endDay: dayOf(parsed.end) };
      periods.set(label, known);
    }
    return known;
  };
}

/**
 * Forecasts one KPI for each period named in its targets or actuals: the actual (else the
 * baseline) plus the benefits accrued from each milestone's forecast date, and the same with
 * every milestone on plan; with gap, status per period and overall status.
 */
export function forecastKpi(
  plan: PlanModel,
  k: number,
  forecast: Int32Array,
  asOfDay: number,
  asOf: IsoDate,
  periodOf: (label: string) => PeriodDays | null,
): KpiCore {
  const kpi = plan.plan.kpis[k]!;
  const labels = new Set([...Object.keys(kpi.targets), ...Object.keys(kpi.actuals)]);
  const periods: PeriodDays[] = [];
  const unknownPeriods: string[] = [];
  for (const label of labels) {
    const period = periodOf(label);
    if (period !== null) periods.push(period);
    else unknownPeriods.push(label);
  }
  periods.sort((a, b) => a.startDay - b.startDay || a.endDay - b.endDay);
  const forecasts = periods.map((period) =>
    forecastPeriod(plan, k, kpi, period, forecast, asOfDay),
  );
  return { kpi, periods: forecasts, status: kpiStatus(forecasts, asOf), unknownPeriods };
}

function forecastPeriod(
  plan: PlanModel,
  k: number,
  kpi: Kpi,
  period: PeriodDays,
  forecast: Int32Array,
  asOfDay: number,
): KpiPeriodForecast {
  const actual = Object.hasOwn(kpi.actuals, period.label) ? kpi.actuals[period.label]! : null;
  const target = Object.hasOwn(kpi.targets, period.label) ? kpi.targets[period.label]! : null;
  const base = actual ?? kpi.baseline;
  // An actual already measures the period up to asOf; only the days from asOf on are still to come.
  const floor = actual === null ? -Infinity : asOfDay;
  const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
  let accrued = 0;
  let accruedAtPlan = 0;
  const benefits: BenefitAccrual[] = [];
  const { start, list } = plan.benefitsOfKpi;
  for (let at = start[k]!; at < start[k + 1]!; at += 1) {
    const b = list[at]!;
    const m = plan.benefitMilestone[b]!;
    if (m < 0) continue;
    const benefit = plan.plan.benefits[b]!;
    const forecastDay = forecast[m]!;
    const days = accrualDays(period.startDay, period.endDay, forecastDay, floor);
    const amount = accruedAmount(days, benefit.amountPerWeek);
    accrued += amount;
    accruedAtPlan += accruedAmount(
      accrualDays(period.startDay, period.endDay, plan.plannedDay[m]!, floor),
      benefit.amountPerWeek,
    );
    benefits.push({
      benefit: benefit.id,
      milestone: benefit.milestone,
      from: days > 0 ? dateOf(Math.max(period.startDay, forecastDay, floor)) : null,
      days,
      amount,
    });
  }
  const forecastValue = base + sign * accrued;
  const forecastAtPlan = base + sign * accruedAtPlan;
  const gap = target === null ? null : sign * (forecastValue - target);
  return {
    period: period.label,
    start: period.start,
    end: period.end,
    target,
    actual,
    forecast: forecastValue,
    forecastAtPlan,
    gap,
    benefits,
    status: periodStatus(kpi, period.label, forecastValue, target, gap),
  };
}

/** Each benefit's place in its KPI's per-period benefit list (−1: its milestone is unknown). */
const placesOf = new WeakMap<PlanModel, Int32Array>();

function benefitPlaces(plan: PlanModel): Int32Array {
  let places = placesOf.get(plan);
  if (places === undefined) {
    places = new Int32Array(plan.plan.benefits.length).fill(-1);
    const { start, list } = plan.benefitsOfKpi;
    for (let k = 0; k + 1 < start.length; k += 1) {
      let place = 0;
      for (let at = start[k]!; at < start[k + 1]!; at += 1) {
        const b = list[at]!;
        if (plan.benefitMilestone[b]! < 0) continue;
        places[b] = place;
        place += 1;
      }
    }
    placesOf.set(plan, places);
  }
  return places;
}

/**
 * The KPI's forecast after some of its benefits' milestones moved (`movedBenefits`: the benefits
 * of the moved milestones, those of other KPIs ignored), from its forecast before: only those
 * benefits' accruals are made anew; each period's total is summed again from the accruals
 * in the same order as `forecastKpi`, so the figures are the very numbers it would give.
 */
export function reforecastKpi(
  plan: PlanModel,
  k: number,
  before: KpiCore,
  movedBenefits: readonly number[],
  forecast: Int32Array,
  asOfDay: number,
  asOf: IsoDate,
): KpiCore {
  const kpi = before.kpi;
  const places = benefitPlaces(plan);
  const touched: number[] = [];
  for (const b of movedBenefits) if (plan.benefitKpi[b] === k && places[b]! >= 0) touched.push(b);
  if (touched.length === 0) return before;
  const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
  let anyChanged = false;
  const periods = before.periods.map((period) => {
    const startDay = dayOf(period.start);
    const endDay = dayOf(period.end);
    const floor = period.actual === null ? -Infinity : asOfDay;
    let benefits: BenefitAccrual[] | null = null;
    for (const b of touched) {
      const place = places[b]!;
      const old = period.benefits[place]!;
      const forecastDay = forecast[plan.benefitMilestone[b]!]!;
      const days = accrualDays(startDay, endDay, forecastDay, floor);
      const from = days > 0 ? dateOf(Math.max(startDay, forecastDay, floor)) : null;
      if (days === old.days && from === old.from) continue;
      benefits ??= period.benefits.slice();
      benefits[place] = {
        benefit: old.benefit,
        milestone: old.milestone,
        from,
        days,
        amount: accruedAmount(days, plan.plan.benefits[b]!.amountPerWeek),
      };
    }
    if (benefits === null) return period;
    anyChanged = true;
    let accrued = 0;
    for (const benefit of benefits) accrued += benefit.amount;
    const base = period.actual ?? kpi.baseline;
    const forecastValue = base + sign * accrued;
    const gap = period.target === null ? null : sign * (forecastValue - period.target);
    return {
      ...period,
      forecast: forecastValue,
      gap,
      benefits,
      status: periodStatus(kpi, period.period, forecastValue, period.target, gap),
    };
  });
  if (!anyChanged) return before;
  return { kpi, periods, status: kpiStatus(periods, asOf), unknownPeriods: before.unknownPeriods };
}

function periodStatus(
  kpi: Kpi,
  label: PeriodLabel,
  forecast: number,
  target: number | null,
  gap: number | null,
): DerivedStatus {
  if (target === null || gap === null) {
    return { status: 'on_track', rule: 'kpi.no_target', reason: `${label} has no target` };
  }
  const unit = kpi.unitOfMeasure;
  const against = `forecast ${formatAmount(forecast)} against target ${formatWithUnit(formatAmount(target), unit)}`;
  if (gap < 0) {
    const side = kpi.direction === 'higher_is_better' ? 'below' : 'above';
    return {
      status: 'off_track',
      rule: 'kpi.misses_target',
      reason: `${label} misses its target: ${against}, ${formatAmount(-gap)} ${side}`,
    };
  }
  if (gap < THIN_MARGIN * Math.abs(target)) {
    return {
      status: 'at_risk',
      rule: 'kpi.thin_margin',
      reason: `${label} meets its target by less than ${THIN_MARGIN * 100}%: ${against}, margin ${formatAmount(gap)}`,
    };
  }
  return {
    status: 'on_track',
    rule: 'kpi.meets_target',
    reason: `${label} meets its target: ${against}`,
  };
}

/** The worst period among those with a target that have not ended before asOf. */
function kpiStatus(periods: readonly KpiPeriodForecast[], asOf: IsoDate): DerivedStatus {
  let worst: KpiPeriodForecast | null = null;
  for (const period of periods) {
    if (period.target === null || period.end < asOf) continue;
    if (worst === null || isWorse(period.status.status, worst.status.status)) worst = period;
  }
  if (worst === null) {
    return {
      status: 'on_track',
      rule: 'kpi.no_open_target',
      reason: `no period with a target ends on or after ${asOf}`,
    };
  }
  return { ...worst.status };
}

/** True when two KPI forecasts say the same in every figure. */
export function sameKpi(a: KpiCore, b: KpiCore): boolean {
  if (a.periods.length !== b.periods.length || !sameStatus(a.status, b.status)) return false;
  for (let p = 0; p < a.periods.length; p += 1) {
    const x = a.periods[p]!;
    const y = b.periods[p]!;
    if (
      x.forecast !== y.forecast ||
      x.forecastAtPlan !== y.forecastAtPlan ||
      !sameStatus(x.status, y.status) ||
      x.benefits.length !== y.benefits.length
    ) {
      return false;
    }
    for (let i = 0; i < x.benefits.length; i += 1) {
      const u = x.benefits[i]!;
      const v = y.benefits[i]!;
      if (u.days !== v.days || u.from !== v.from || u.amount !== v.amount) return false;
    }
  }
  return true;
}

/** True when two statuses say the same: status, rule and reason. */
export function sameStatus(a: DerivedStatus, b: DerivedStatus): boolean {
  return a.status === b.status && a.rule === b.rule && a.reason === b.reason;
}
