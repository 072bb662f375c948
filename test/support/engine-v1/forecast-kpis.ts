import { fromDayNumber, toDayNumber } from '../../../src/core/calendar.ts';
import type { Benefit, IsoDate, Kpi, PeriodLabel } from '../../../src/core/domain/plan.ts';
import type {
  BenefitAccrual,
  DerivedStatus,
  ExplanationStep,
  KpiForecast,
  KpiPeriodForecast,
  MilestoneForecast,
} from './state.ts';
import { parsePeriod } from '../../../src/core/period.ts';
import { accrualDays, accruedAmount } from './benefit-accrual.ts';
import { formatAmount, formatWithUnit } from './format.ts';
import type { PlanIndex } from './plan-index.ts';
import { isWorse } from './status.ts';

/** A period at or under this share of |target| above its target is at risk. */
export const THIN_MARGIN = 0.05;

interface PeriodDays {
  label: PeriodLabel;
  start: IsoDate;
  end: IsoDate;
  startDay: number;
  endDay: number;
}

/** A benefit with the days its milestone lands, as forecast and as planned. */
interface LandingBenefit {
  benefit: Benefit;
  forecastDay: number;
  plannedDay: number;
}

/**
 * Forecasts every KPI for each period named in its targets or actuals: the actual (else the
 * baseline) plus the benefits accrued from each milestone's forecast date, and the same with
 * every milestone on plan; with gap, status per period and overall status.
 */
export function forecastKpis(
  plan: PlanIndex,
  milestones: Readonly<Record<string, MilestoneForecast>>,
  asOf: IsoDate,
): Record<string, KpiForecast> {
  const asOfDay = toDayNumber(asOf);
  const periods = new Map<string, PeriodDays | null>();
  const periodOf = (label: string): PeriodDays | null => {
    let known = periods.get(label);
    if (known === undefined) {
      const parsed = parsePeriod(label);
      known =
        parsed === null
          ? null
          : { ...parsed, startDay: toDayNumber(parsed.start), endDay: toDayNumber(parsed.end) };
      periods.set(label, known);
    }
    return known;
  };

  // Thousands of benefits start on the same few hundred days; print each day once.
  const printed = new Map<number, IsoDate>();
  const dateOf = (day: number): IsoDate => {
    let date = printed.get(day);
    if (date === undefined) {
      date = fromDayNumber(day);
      printed.set(day, date);
    }
    return date;
  };

  const result: Record<string, KpiForecast> = {};
  for (const kpi of plan.plan.kpis) {
    const explanation: ExplanationStep[] = [];
    const landing: LandingBenefit[] = [];
    for (const benefit of plan.benefitsByKpi.get(kpi.id) ?? []) {
      const milestone = milestones[benefit.milestone];
      if (milestone === undefined) continue;
      landing.push({
        benefit,
        forecastDay: toDayNumber(milestone.forecastDate),
        plannedDay: toDayNumber(milestone.plannedDate),
      });
    }
    const labels = new Set([...Object.keys(kpi.targets), ...Object.keys(kpi.actuals)]);
    const kpiPeriods: PeriodDays[] = [];
    for (const label of labels) {
      const period = periodOf(label);
      if (period !== null) kpiPeriods.push(period);
      else {
        explanation.push({
          rule: 'kpi.unknown_period',
          text: `${kpi.id}: ${label} is not a reporting period; it was skipped`,
        });
      }
    }
    kpiPeriods.sort((a, b) => a.startDay - b.startDay || a.endDay - b.endDay);
    const forecasts = kpiPeriods.map((period) =>
      forecastPeriod(kpi, period, landing, asOfDay, dateOf, explanation),
    );
    result[kpi.id] = {
      id: kpi.id,
      periods: forecasts,
      status: kpiStatus(forecasts, asOf),
      explanation,
    };
  }
  return result;
}

function forecastPeriod(
  kpi: Kpi,
  period: PeriodDays,
  landing: readonly LandingBenefit[],
  asOfDay: number,
  dateOf: (day: number) => IsoDate,
  explanation: ExplanationStep[],
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
  for (const { benefit, forecastDay, plannedDay } of landing) {
    const days = accrualDays(period.startDay, period.endDay, forecastDay, floor);
    const amount = accruedAmount(days, benefit.amountPerWeek);
    accrued += amount;
    accruedAtPlan += accruedAmount(
      accrualDays(period.startDay, period.endDay, plannedDay, floor),
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
  const forecast = base + sign * accrued;
  const forecastAtPlan = base + sign * accruedAtPlan;
  const gap = target === null ? null : sign * (forecast - target);
  const unit = kpi.unitOfMeasure;
  const startsFrom =
    actual === null ? `baseline ${formatAmount(base)}` : `actual ${formatAmount(base)}`;
  const benefitText =
    benefits.length === 0
      ? ''
      : ` ${sign > 0 ? '+' : '\u2212'} ${formatAmount(accrued)} from ${benefits.length} ${benefits.length === 1 ? 'benefit' : 'benefits'}`;
  explanation.push({
    rule: 'kpi.period_forecast',
    text: `${kpi.id} ${period.label}: ${startsFrom}${benefitText} = ${formatWithUnit(formatAmount(forecast), unit)}`,
  });
  return {
    period: period.label,
    start: period.start,
    end: period.end,
    target,
    actual,
    forecast,
    forecastAtPlan,
    gap,
    benefits,
    status: periodStatus(kpi, period.label, forecast, target, gap),
  };
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
