import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import type { Incident } from '../api/incident-types.ts';
import type {
  InitiativeView,
  KpiPeriodForecast,
  KpiView,
  MilestoneView,
  ObjectiveView,
  StateView,
} from '../api/types.ts';
import type { StateIndex } from '../live/state-index.ts';
import { isMoney } from '../format/format.ts';
import { headlinePeriod } from './kpi-card.tsx';

/**
 * What the home page derives from the strategic view, for one person: what they own, what leads
 * their home, the money of objectives and KPIs, and what depends on their initiatives.
 */

/** What a person's home leads with: the objectives they own, their KPIs, or their initiatives. */
export type HomeLead = 'objectives' | 'kpis' | 'initiatives';

export interface Owned {
  /** Top-level objectives they own. */
  topObjectives: ObjectiveView[];
  /** Every objective they own, at any depth. */
  objectives: ObjectiveView[];
  kpis: KpiView[];
  initiatives: InitiativeView[];
}

/** Everything in the view whose owner is the person, each once. */
export function ownedBy(state: StateView, person: string): Owned {
  const owned: Owned = { topObjectives: [], objectives: [], kpis: [], initiatives: [] };
  const seen = new Set<string>();
  const once = (id: string): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  const visit = (o: ObjectiveView, depth: number): void => {
    if (o.owner?.id === person && once(o.id)) {
      owned.objectives.push(o);
      if (depth === 0) owned.topObjectives.push(o);
    }
    for (const k of o.kpis) if (k.owner?.id === person && once(k.id)) owned.kpis.push(k);
    for (const i of o.initiatives) {
      if (i.owner?.id === person && once(i.id)) owned.initiatives.push(i);
    }
    for (const child of o.children) visit(child, depth + 1);
  };
  for (const o of state.objectives) visit(o, 0);
  return owned;
}

/**
 * The home leads with the highest level a person owns: an executive owning top objectives reads
 * the portfolio by objective; a KPI owner (and no top objective) reads their KPIs; a delivery
 * lead (no KPI either) their initiatives. Someone who owns nothing reads the portfolio.
 */
export function leadOf(owned: Owned): HomeLead {
  if (owned.topObjectives.length > 0) return 'objectives';
  if (owned.kpis.length > 0) return 'kpis';
  if (owned.initiatives.length > 0) return 'initiatives';
  return 'objectives';
}

/** A KPI's headline period with its target, forecast (or actual) and gap (positive is good). */
export interface KpiFigure {
  kpi: KpiView;
  period: KpiPeriodForecast;
  value: number;
  target: number | null;
  /** Forecast against target, signed so that below zero is short of target; null without one. */
  gap: number | null;
}

export function kpiFigure(kpi: KpiView): KpiFigure | null {
  const period = headlinePeriod(kpi);
  if (period === null) return null;
  const value = period.actual ?? period.forecast;
  const target = period.target;
  const gap =
    target === null
      ? null
      : (period.gap ?? (kpi.direction === 'lower_is_better' ? target - value : value - target));
  return { kpi, period, value, target, gap };
}

/** Money KPIs' targets, forecasts and gaps added up, in one currency. */
export interface ValueTotals {
  currency: string;
  target: number;
  forecast: number;
  gap: number;
  kpis: number;
}

/** The money of KPIs measured in `currency` (their headline periods with a target), added up. */
export function valueTotals(kpis: readonly KpiView[], currency: string): ValueTotals | null {
  let totals: ValueTotals | null = null;
  for (const k of kpis) {
    if (!isMoney(k.unitOfMeasure) || k.unitOfMeasure.toUpperCase() !== currency.toUpperCase())
      continue;
    const f = kpiFigure(k);
    if (f === null || f.target === null || f.gap === null) continue;
    totals ??= { currency, target: 0, forecast: 0, gap: 0, kpis: 0 };
    totals.target += f.target;
    totals.forecast += f.value;
    totals.gap += f.gap;
    totals.kpis += 1;
  }
  return totals;
}

/** Every KPI of the view, each once. */
export function allKpis(state: StateView): KpiView[] {
  const kpis = new Map<string, KpiView>();
  const visit = (o: ObjectiveView): void => {
    for (const k of o.kpis) if (!kpis.has(k.id)) kpis.set(k.id, k);
    o.children.forEach(visit);
  };
  state.objectives.forEach(visit);
  return [...kpis.values()];
}

/** Every objective of the view, depth first. */
export function allObjectives(state: StateView): ObjectiveView[] {
  const all: ObjectiveView[] = [];
  const visit = (o: ObjectiveView): void => {
    all.push(o);
    o.children.forEach(visit);
  };
  state.objectives.forEach(visit);
  return all;
}

/** Incidents by the money they put at stake: against plan, then short of target. */
export function byMoneyAtStake(incidents: readonly Incident[]): Incident[] {
  return [...incidents].sort(
    (a, b) =>
      b.money.againstPlan - a.money.againstPlan || b.money.againstTarget - a.money.againstTarget,
  );
}

/** The incidents that touch an objective: its own effects, or one of its KPIs' money. */
export function incidentsOf(objective: ObjectiveView, incidents: readonly Incident[]): Incident[] {
  const kpis = new Set(objective.kpis.map((k) => k.id));
  return incidents.filter(
    (i) =>
      i.effects.objectives.some((e) => e.id === objective.id) ||
      i.money.kpis.some((k) => kpis.has(k.kpi)),
  );
}

/**
 * The incidents whose money lands on an objective: a KPI they count the money of measures the
 * objective or one of its children. (An incident that only touches it puts none of its money.)
 */
export function moneyIncidentsOf(
  objective: ObjectiveView,
  incidents: readonly Incident[],
): Incident[] {
  const kpis = new Set<string>();
  const visit = (o: ObjectiveView): void => {
    for (const k of o.kpis) kpis.add(k.id);
    o.children.forEach(visit);
  };
  visit(objective);
  return incidents.filter((i) => i.money.kpis.some((k) => k.counted && kpis.has(k.kpi)));
}

/** The incidents that touch a KPI. */
export function incidentsOfKpi(kpi: string, incidents: readonly Incident[]): Incident[] {
  return incidents.filter(
    (i) => i.effects.kpis.some((e) => e.id === kpi) || i.money.kpis.some((k) => k.kpi === kpi),
  );
}

/** A milestone that waits, directly or down a chain, on one of an initiative's milestones. */
export interface Dependant {
  milestone: MilestoneView;
  initiative: InitiativeView;
  /** The initiative's own milestone it waits on. */
  on: MilestoneView;
}

/**
 * The other initiatives' milestones that depend on an initiative's open milestones, following
 * the plan's dependencies down the chain (the graph of the dependencies page).
 */
export function dependantsOf(
  initiative: InitiativeView,
  plan: PlanFile | null,
  index: StateIndex,
): Dependant[] {
  if (plan === null) return [];
  const successors = new Map<string, string[]>();
  for (const d of plan.dependencies ?? []) {
    successors.set(d.predecessor, [...(successors.get(d.predecessor) ?? []), d.successor]);
  }
  const own = new Set(initiative.milestones.map((m) => m.id));
  const found = new Map<string, Dependant>();
  for (const start of initiative.milestones) {
    if (start.complete) continue;
    const queue = [start.id];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const id = queue.shift()!;
      for (const next of successors.get(id) ?? []) {
        if (seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
        const entry = index.milestones.get(next);
        if (entry === undefined || own.has(next) || found.has(next)) continue;
        found.set(next, { milestone: entry.milestone, initiative: entry.initiative, on: start });
      }
    }
  }
  return [...found.values()];
}

/** What a week's delay holds back: the benefits hung on the dependants, by KPI. */
export interface WeeklyCost {
  kpi: string;
  name: string;
  unit: string;
  owner: string | null;
  perWeek: number;
}

export function weeklyCostOf(
  dependants: readonly Dependant[],
  plan: PlanFile | null,
  index: StateIndex,
): WeeklyCost[] {
  if (plan === null) return [];
  const milestones = new Set(dependants.map((d) => d.milestone.id));
  const byKpi = new Map<string, WeeklyCost>();
  for (const b of plan.benefits ?? []) {
    if (!milestones.has(b.milestone)) continue;
    const kpi = index.kpis.get(b.kpi)?.kpi;
    const entry = byKpi.get(b.kpi) ?? {
      kpi: b.kpi,
      name: kpi?.name ?? b.kpi,
      unit: kpi?.unitOfMeasure ?? plan.organisation.currency,
      owner: kpi?.owner?.name ?? null,
      perWeek: 0,
    };
    entry.perWeek += b.amountPerWeek;
    byKpi.set(b.kpi, entry);
  }
  return [...byKpi.values()].filter((c) => c.perWeek > 0);
}

/**
 * The incidents an initiative's work starts: a cause is one of its work items, or one of its
 * milestones slipped.
 */
export function incidentsFrom(
  initiative: InitiativeView,
  incidents: readonly Incident[],
): Incident[] {
  const milestones = new Set(initiative.milestones.map((m) => m.id));
  const items = new Set(initiative.milestones.flatMap((m) => m.workItems.map((w) => w.key)));
  return incidents.filter(
    (i) =>
      i.causes.some((c) => c.kind === 'work_item' && items.has(c.id)) ||
      i.effects.milestones.some((m) => milestones.has(m.id)),
  );
}
