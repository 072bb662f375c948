import { daysBetween } from '../calendar.ts';
import { DECISION_KINDS, type IsoDate, type Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import type { PricedScenario } from '../scenario/price-scenario.ts';
import type { ScenarioChange } from '../scenario/scenario.ts';
import { decisionKindOf, type OptionEffect } from './decision.ts';

/**
 * What an option does in the terms decision rights speak (kinds, reach, money, weeks of slip,
 * KPIs left below target), read from the option's priced scenario against the plan before it.
 */
export function optionEffect(
  plan: Plan,
  changes: readonly ScenarioChange[],
  priced: PricedScenario,
): OptionEffect {
  const { result } = priced;
  const initiatives = new Set<string>();
  const units = new Set<string>();
  const milestoneInitiative = new Map(
    [...plan.milestones, ...priced.plan.milestones].map((m) => [m.id, m.initiative]),
  );
  const demand = new Map(plan.demands.map((d) => [d.id, d]));
  for (const change of changes) {
    switch (change.kind) {
      case 'move_milestone':
      case 'accept_slip':
      case 'descope_milestone': {
        const i = milestoneInitiative.get(change.milestone);
        if (i !== undefined) initiatives.add(i);
        break;
      }
      case 'add_capacity':
        units.add(change.unit);
        if (change.cost?.initiative !== undefined) initiatives.add(change.cost.initiative);
        break;
      case 'move_demand': {
        const d = demand.get(change.demand);
        if (d !== undefined) {
          initiatives.add(d.initiative);
          units.add(d.unit);
        }
        break;
      }
      case 'prioritise':
        units.add(change.unit);
        initiatives.add(change.initiative);
        for (const other of change.over) initiatives.add(other);
        break;
      case 'move_budget':
        initiatives.add(change.from.initiative);
        initiatives.add(change.to.initiative);
        break;
      case 'descope_benefit': {
        const benefit = plan.benefits.find((b) => b.id === change.benefit);
        const i = benefit && milestoneInitiative.get(benefit.milestone);
        if (i !== undefined) initiatives.add(i);
        break;
      }
      case 'hold_initiative':
      case 'stop_initiative':
        initiatives.add(change.initiative);
        break;
    }
  }
  let slipDays = 0;
  for (const m of result.milestones) {
    const i = milestoneInitiative.get(m.id);
    if (i !== undefined) initiatives.add(i);
    for (const figure of [m.plannedDate, m.forecastDate, m.levelledDate])
      slipDays = Math.max(slipDays, later(figure.before, figure.after));
  }
  for (const line of result.budget) initiatives.add(line.initiative);
  for (const line of result.roi) initiatives.add(line.initiative);
  for (const unit of result.capacity) units.add(unit.unit);

  let amount = result.totals.scenarioCost;
  for (const line of result.budget) amount += Math.max(0, line.plan.after - line.plan.before);
  const stake = result.totals.moneyAtStake.againstTarget;
  amount += Math.max(0, stake.after - stake.before);

  const kinds = new Set(changes.map(decisionKindOf));
  return {
    kinds: DECISION_KINDS.filter((k) => kinds.has(k)),
    initiatives: [...initiatives].sort(),
    units: [...units].sort(),
    amount: Math.round(amount),
    slipWeeks: Math.round((slipDays / 7) * 10) / 10,
    kpisBelowTarget: kpisBelowTarget(priced.plan, priced.state, initiatives),
  };
}

function later(before: IsoDate | null, after: IsoDate | null): number {
  return before === null || after === null ? 0 : Math.max(0, daysBetween(before, after));
}

/** KPI periods fed by the benefits of these initiatives' milestones that miss their target. */
function kpisBelowTarget(
  plan: Plan,
  state: DerivedState,
  initiatives: ReadonlySet<string>,
): string[] {
  const milestones = new Set(
    plan.milestones.filter((m) => initiatives.has(m.initiative)).map((m) => m.id),
  );
  const kpis = new Set(plan.benefits.filter((b) => milestones.has(b.milestone)).map((b) => b.kpi));
  const below: string[] = [];
  for (const kpi of kpis) {
    for (const period of state.kpis.get(kpi)?.periods ?? [])
      if (period.gap !== null && period.gap < 0) below.push(`${kpi} ${period.period}`);
  }
  return below.sort();
}
