import { toDayNumber } from '../../../src/core/calendar.ts';
import type { IsoDate, Kpi } from '../../../src/core/domain/plan.ts';
import type { KpiForecast, KpiPeriodForecast, MilestoneForecast, Signal } from './state.ts';
import { accrualDays, accruedAmount } from './benefit-accrual.ts';
import type { ChainLink, CauseChains } from './cause-chain.ts';
import { formatAmount, formatSigned, formatWithUnit, formatWorkingDays } from './format.ts';
import type { PlanIndex } from './plan-index.ts';

export interface SignalInput {
  readonly plan: PlanIndex;
  readonly milestones: Readonly<Record<string, MilestoneForecast>>;
  readonly kpis: Readonly<Record<string, KpiForecast>>;
  readonly chains: CauseChains;
  readonly asOf: IsoDate;
}

/**
 * Raises a signal, with a stable id, its cause chain and the owners it affects, for each milestone
 * forecast past its plan and for each KPI period (with a target, not yet ended) forecast to miss it.
 */
export function raiseSignals(input: SignalInput): Signal[] {
  return [...milestoneSignals(input), ...kpiSignals(input)];
}

function milestoneSignals({ plan, milestones, chains }: SignalInput): Signal[] {
  const signals: Signal[] = [];
  for (const milestone of plan.plan.milestones) {
    const forecast = milestones[milestone.id];
    if (forecast === undefined || forecast.forecastDate <= forecast.plannedDate) continue;
    const chain = new ChainBuilder();
    chain.addAll(chains.toMilestone(milestone.id));
    for (const objective of plan.initiatives.get(milestone.initiative)?.objectives ?? []) {
      chain.add(chains.objective(objective));
    }
    signals.push({
      id: `milestone.slipped:${milestone.id}`,
      kind: 'milestone.slipped',
      subject: { kind: 'milestone', id: milestone.id },
      title: `${milestone.name} forecast ${forecast.forecastDate}, ${formatWorkingDays(forecast.slipWorkingDays)} after its plan ${forecast.plannedDate}`,
      ...chain.finish(),
    });
  }
  return signals;
}

function kpiSignals({ plan, milestones, kpis, chains, asOf }: SignalInput): Signal[] {
  const signals: Signal[] = [];
  const asOfDay = toDayNumber(asOf);
  for (const kpi of plan.plan.kpis) {
    for (const period of kpis[kpi.id]?.periods ?? []) {
      if (period.target === null || period.gap === null || period.end < asOf) continue;
      if (period.gap >= 0) continue;
      const movement = movementOf(kpi, period, plan, milestones, asOfDay);
      const chain = new ChainBuilder();
      for (const milestoneId of movement.slipped) chain.addAll(chains.toMilestone(milestoneId));
      chain.add({ step: kpiStep(kpi, period, movement.delta), owner: kpi.owner });
      for (const objective of kpi.objectives) chain.add(chains.objective(objective));
      signals.push({
        id: `kpi.misses_target:${kpi.id}:${period.period}`,
        kind: 'kpi.misses_target',
        subject: { kind: 'kpi', id: kpi.id },
        title: `${kpi.name} misses its ${period.period} target: forecast ${formatAmount(period.forecast)} against ${formatWithUnit(formatAmount(period.target), kpi.unitOfMeasure)}`,
        ...chain.finish(),
      });
    }
  }
  return signals;
}

/** How the milestones' forecasts moved a KPI period against their plan. */
interface PeriodMovement {
  /** Forecast minus forecast at plan, from the day differences (exact for whole amounts). */
  delta: number;
  /** The slipped milestones whose benefits count fewer days in the period than on plan. */
  slipped: string[];
}

function movementOf(
  kpi: Kpi,
  period: KpiPeriodForecast,
  plan: PlanIndex,
  milestones: Readonly<Record<string, MilestoneForecast>>,
  asOfDay: number,
): PeriodMovement {
  const start = toDayNumber(period.start);
  const end = toDayNumber(period.end);
  const floor = period.actual === null ? -Infinity : asOfDay;
  const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
  let delta = 0;
  const slipped = new Set<string>();
  for (const accrual of period.benefits) {
    const forecast = milestones[accrual.milestone];
    const benefit = plan.benefits.get(accrual.benefit);
    if (forecast === undefined || benefit === undefined) continue;
    const daysOnPlan = accrualDays(start, end, toDayNumber(forecast.plannedDate), floor);
    if (daysOnPlan === accrual.days) continue;
    delta += sign * accruedAmount(accrual.days - daysOnPlan, benefit.amountPerWeek);
    if (forecast.forecastDate > forecast.plannedDate) slipped.add(accrual.milestone);
  }
  return { delta, slipped: [...slipped] };
}

function kpiStep(kpi: Kpi, period: KpiPeriodForecast, delta: number): ChainLink['step'] {
  const target = period.target ?? 0;
  const shortfall = -(period.gap ?? 0);
  const side = kpi.direction === 'higher_is_better' ? 'below' : 'above';
  const miss = `${formatAmount(shortfall)} ${side} target (forecast ${formatAmount(period.forecast)} against ${formatAmount(target)})`;
  const moved =
    formatAmount(delta) === '0'
      ? ''
      : `${formatWithUnit(formatSigned(delta), kpi.unitOfMeasure)}, now `;
  return {
    kind: 'kpi',
    id: kpi.id,
    text: `${kpi.id} ${period.period} ${moved}${miss}`,
    figures: {
      period: period.period,
      forecast: period.forecast,
      forecastAtPlan: period.forecastAtPlan,
      delta,
      target,
      shortfall,
    },
  };
}

/** Collects chain links once per entity, in the order first met, and the owners they name. */
class ChainBuilder {
  // Ids per entity kind: a work item key and a milestone id may well be spelled alike.
  private readonly seen = new Map<string, Set<string>>();
  private readonly links: ChainLink[] = [];

  add(link: ChainLink | null): void {
    if (link === null) return;
    let ids = this.seen.get(link.step.kind);
    if (ids === undefined) {
      ids = new Set();
      this.seen.set(link.step.kind, ids);
    }
    if (ids.has(link.step.id)) return;
    ids.add(link.step.id);
    this.links.push(link);
  }

  addAll(links: readonly ChainLink[]): void {
    for (const link of links) this.add(link);
  }

  finish(): Pick<Signal, 'chain' | 'affectedOwners'> {
    const owners = new Set<string>();
    for (const link of this.links) if (link.owner !== null) owners.add(link.owner);
    return { chain: this.links.map((link) => link.step), affectedOwners: [...owners] };
  }
}
