/**
 * Money (docs/GOVERNANCE.md "Money"): each initiative's budget per period (plan, committed,
 * actual), its forecast at completion from the actuals' run rate, overruns, and its return (the
 * benefits realised and forecast against the cost to date and at completion); rolled up to the
 * objectives it serves (shared equally among them, so that objectives add up to the portfolio)
 * and to the portfolio.
 */
import { toDayNumber } from '../calendar.ts';
import type { Benefit, Initiative, IsoDate, Plan } from '../domain/plan.ts';
import type { ChainStep, DerivedState, Signal } from '../domain/state.ts';
import { accrualDays, accruedAmount } from '../engine/benefit-accrual.ts';
import { formatAmount } from '../engine/format.ts';
import { parsePeriod, type Period } from '../period.ts';
import type { BenefitValue } from './value.ts';

export interface PeriodMoney {
  period: string;
  start: IsoDate;
  end: IsoDate;
  plan: number;
  committed: number;
  actual: number | null;
  /** The share of the period's days on or before as-of (0 before it starts, 1 once it ended). */
  elapsed: number;
  /** Its actual is over its plan. */
  overrun: boolean;
}

export interface Totals {
  plan: number;
  committed: number;
  /** Actuals recorded so far. */
  actual: number;
  /** The plan of the days gone by: ended periods whole, the current one by its elapsed share. */
  planToDate: number;
  /** Forecast at completion. */
  eac: number;
  /** Benefits realised so far (validated where validated) and still to come by the horizon. */
  benefitsRealised: number;
  benefitsForecast: number;
}

export interface Roi {
  /** (benefits realised − cost to date) / cost to date; null without cost. */
  toDate: number | null;
  /** (benefits realised + forecast − EAC) / EAC; null without cost. */
  atCompletion: number | null;
}

export interface InitiativeMoney extends Totals {
  initiative: string;
  name: string;
  owner: string;
  currency: string;
  objectives: string[];
  periods: PeriodMoney[];
  /** actual / planToDate: what a planned unit of money has cost so far (null: nothing spent yet). */
  runRate: number | null;
  /** EAC − plan (positive: over). */
  variance: number;
  overrun: boolean;
  roi: Roi;
  /** The last day benefits are counted to: the latest horizon of the objectives served, else the last budget period's end. */
  horizon: IsoDate | null;
}

export interface ObjectiveMoney extends Totals {
  objective: string;
  name: string;
  /** Initiatives serving it (or a child), with the share of their money counted here. */
  initiatives: { id: string; share: number }[];
  children: string[];
  roi: Roi;
}

export interface PortfolioMoney {
  asOf: IsoDate;
  currency: string;
  totals: Totals & { roi: Roi };
  objectives: ObjectiveMoney[];
  initiatives: InitiativeMoney[];
}

/** The money of one initiative as of `state.asOf`, with its benefits' realised value. */
export function initiativeMoney(
  plan: Plan,
  state: Pick<DerivedState, 'asOf' | 'milestones'>,
  initiative: Initiative,
  values: readonly BenefitValue[],
  benefits: readonly Benefit[] = plan.benefits.filter(
    (b) => plan.milestones.find((m) => m.id === b.milestone)?.initiative === initiative.id,
  ),
): InitiativeMoney {
  const asOfDay = toDayNumber(state.asOf);
  const periods: PeriodMoney[] = [];
  for (const [label, line] of Object.entries(initiative.budget)) {
    const period = periodDays(label);
    if (period === null) continue;
    const { start, end } = period;
    const elapsed =
      asOfDay < start ? 0 : asOfDay >= end ? 1 : (asOfDay - start + 1) / (end - start + 1);
    const actual = line.actual ?? null;
    periods.push({
      period: label,
      start: period.period.start,
      end: period.period.end,
      plan: line.plan,
      committed: line.committed ?? 0,
      actual,
      elapsed,
      overrun: actual !== null && actual > line.plan,
    });
  }
  periods.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : 1));
  const plan$ = sum(periods.map((p) => p.plan));
  const actual = sum(periods.map((p) => p.actual ?? 0));
  // Only periods that have begun count towards the plan to date; a later period's actual (a
  // prepayment) is money spent all the same.
  const planToDate = sum(periods.map((p) => p.plan * p.elapsed));
  // The run rate compares like with like: what the begun periods cost against their plan to date.
  const actualBegun = sum(periods.map((p) => (p.elapsed > 0 ? (p.actual ?? 0) : 0)));
  // Still to spend: the plan not yet due; of a period not begun, less what was already spent on
  // it (a prepayment is counted once, in the actual, not again in the rest of the plan).
  const remaining = sum(
    periods.map((p) =>
      p.elapsed > 0 ? p.plan * (1 - p.elapsed) : Math.max(0, p.plan - Math.max(0, p.actual ?? 0)),
    ),
  );
  const runRate = actualBegun > 0 && planToDate > 0 ? actualBegun / planToDate : null;
  const eac = actual + remaining * (runRate ?? 1);
  const horizon = horizonOf(plan, initiative, periods);
  const mine = values.filter((v) => v.initiative === initiative.id);
  const benefitsRealised = sum(mine.map((v) => v.realised));
  const benefitsForecast = sum(
    benefits.map((b) => {
      const forecastDate = state.milestones.get(b.milestone)?.forecastDate;
      if (horizon === null || forecastDate === undefined) return 0;
      // Still to come: the days after as-of, from its landing, to the horizon.
      const days = accrualDays(
        asOfDay + 1,
        toDayNumber(horizon),
        toDayNumber(forecastDate),
        -Infinity,
      );
      return accruedAmount(days, b.amountPerWeek);
    }),
  );
  return {
    initiative: initiative.id,
    name: initiative.name,
    owner: initiative.owner,
    currency: initiative.currency ?? plan.organisation.currency,
    objectives: [...initiative.objectives],
    periods,
    plan: plan$,
    committed: sum(periods.map((p) => p.committed)),
    actual,
    planToDate,
    eac,
    runRate,
    variance: eac - plan$,
    overrun: eac > plan$ + EPSILON || periods.some((p) => p.overrun),
    benefitsRealised,
    benefitsForecast,
    roi: roiOf({ actual, eac, benefitsRealised, benefitsForecast }),
    horizon,
  };
}

/** Money for every initiative given, rolled up to the objectives and the portfolio. */
export function portfolioMoney(
  plan: Plan,
  state: Pick<DerivedState, 'asOf' | 'milestones'>,
  values: readonly BenefitValue[],
  initiativeIds?: ReadonlySet<string>,
  objectiveIds?: ReadonlySet<string>,
): PortfolioMoney {
  const initiativeOf = new Map(plan.milestones.map((m) => [m.id, m.initiative]));
  const benefitsOf = new Map<string, Benefit[]>();
  for (const b of plan.benefits) {
    const i = initiativeOf.get(b.milestone) ?? '';
    benefitsOf.set(i, [...(benefitsOf.get(i) ?? []), b]);
  }
  const valuesOf = new Map<string, BenefitValue[]>();
  for (const v of values) valuesOf.set(v.initiative, [...(valuesOf.get(v.initiative) ?? []), v]);
  const initiatives = plan.initiatives
    .filter((i) => initiativeIds === undefined || initiativeIds.has(i.id))
    .map((i) =>
      initiativeMoney(plan, state, i, valuesOf.get(i.id) ?? [], benefitsOf.get(i.id) ?? []),
    );
  const objectives = rollUpObjectives(plan, initiatives).filter(
    (o) => objectiveIds === undefined || objectiveIds.has(o.objective),
  );
  const totals = addTotals(initiatives.map((i) => ({ totals: i, share: 1 })));
  return {
    asOf: state.asOf,
    currency: plan.organisation.currency,
    totals: { ...totals, roi: roiOf(totals) },
    objectives,
    initiatives,
  };
}

/**
 * Each objective's money: an initiative serving n objectives counts 1/n in each, and a parent
 * objective holds its children's money too (each initiative once, at the largest share it reaches).
 */
export function rollUpObjectives(
  plan: Plan,
  initiatives: readonly InitiativeMoney[],
): ObjectiveMoney[] {
  const children = new Map<string, string[]>();
  for (const o of plan.objectives)
    if (o.parent !== undefined) children.set(o.parent, [...(children.get(o.parent) ?? []), o.id]);
  const direct = new Map<string, Map<string, number>>();
  const known = new Set(plan.objectives.map((o) => o.id));
  for (const i of initiatives) {
    const served = i.objectives.filter((o) => known.has(o));
    for (const o of served) {
      const shares = direct.get(o) ?? new Map<string, number>();
      shares.set(i.initiative, 1 / served.length);
      direct.set(o, shares);
    }
  }
  const byId = new Map(initiatives.map((i) => [i.initiative, i]));
  const sharesOf = (id: string, seen: Set<string>): Map<string, number> => {
    const shares = new Map(direct.get(id) ?? []);
    if (seen.has(id)) return shares;
    seen.add(id);
    for (const child of children.get(id) ?? [])
      for (const [i, s] of sharesOf(child, seen)) {
        // An initiative serving the parent and a child counts its share in both once.
        const before = shares.get(i) ?? 0;
        shares.set(i, Math.min(1, before + s));
      }
    return shares;
  };
  return plan.objectives.map((o) => {
    const shares = sharesOf(o.id, new Set());
    const parts = [...shares].map(([id, share]) => ({ totals: byId.get(id)!, share }));
    const totals = addTotals(parts.filter((p) => p.totals !== undefined));
    return {
      objective: o.id,
      name: o.name,
      initiatives: [...shares].filter(([id]) => byId.has(id)).map(([id, share]) => ({ id, share })),
      children: children.get(o.id) ?? [],
      ...totals,
      roi: roiOf(totals),
    };
  });
}

/**
 * An overrun signal for each initiative whose forecast at completion is over its plan, or whose
 * actual in a period is over that period's plan; its chain runs initiative → objectives.
 */
export function overrunSignals(plan: Plan, money: readonly InitiativeMoney[]): Signal[] {
  const signals: Signal[] = [];
  for (const m of money) {
    if (!m.overrun) continue;
    const over = m.periods.filter((p) => p.overrun);
    const eacOver = m.eac > m.plan + EPSILON;
    const reasons = [
      ...(eacOver
        ? [
            `forecast at completion ${formatAmount(m.eac)} ${m.currency} against a plan of ${formatAmount(m.plan)} (${formatAmount(m.variance)} over)`,
          ]
        : []),
      ...over.map(
        (p) =>
          `${p.period} actual ${formatAmount(p.actual ?? 0)} against a plan of ${formatAmount(p.plan)}`,
      ),
    ];
    const initiative = plan.initiatives.find((i) => i.id === m.initiative);
    const chain: ChainStep[] = [
      {
        kind: 'initiative',
        id: m.initiative,
        text: `${m.name} overruns its budget: ${reasons.join('; ')}`,
        figures: {
          plan: m.plan,
          actual: m.actual,
          eac: m.eac,
          variance: m.variance,
          ...(m.runRate === null ? {} : { runRate: m.runRate }),
          ...(over.length === 0 ? {} : { periods: over.map((p) => p.period).join(', ') }),
        },
      },
      ...m.objectives.map((o) => ({
        kind: 'objective' as const,
        id: o,
        text: `${plan.objectives.find((x) => x.id === o)?.name ?? o} carries ${formatAmount(Math.max(0, m.variance) / Math.max(1, m.objectives.length))} ${m.currency} of it`,
        figures: { share: 1 / Math.max(1, m.objectives.length) },
      })),
    ];
    signals.push({
      id: `budget.overrun:${m.initiative}`,
      kind: 'budget.overrun',
      subject: { kind: 'initiative', id: m.initiative },
      title: `${m.initiative} overruns its budget: ${reasons[0]!}`,
      chain,
      affectedOwners: [
        ...new Set(
          [
            initiative?.owner,
            ...m.objectives.map((o) => plan.objectives.find((x) => x.id === o)?.owner),
          ].filter((x): x is string => x !== undefined),
        ),
      ],
    });
  }
  return signals;
}

const EPSILON = 0.005;

// Period labels are few and their days never change: parse each once per process.
const PERIOD_DAYS = new Map<string, { start: number; end: number; period: Period } | null>();

function periodDays(label: string): { start: number; end: number; period: Period } | null {
  let known = PERIOD_DAYS.get(label);
  if (known === undefined) {
    const period = parsePeriod(label);
    known =
      period === null
        ? null
        : { start: toDayNumber(period.start), end: toDayNumber(period.end), period };
    if (PERIOD_DAYS.size < 10_000) PERIOD_DAYS.set(label, known);
  }
  return known;
}

function horizonOf(
  plan: Plan,
  initiative: Initiative,
  periods: readonly PeriodMoney[],
): IsoDate | null {
  const ends = [
    ...initiative.objectives
      .map((o) => plan.objectives.find((x) => x.id === o)?.horizon?.end)
      .filter((e): e is string => e !== undefined),
  ];
  if (ends.length === 0) ends.push(...periods.map((p) => p.end));
  return ends.length === 0 ? null : ends.reduce((a, b) => (a > b ? a : b));
}

function roiOf(t: Pick<Totals, 'actual' | 'eac' | 'benefitsRealised' | 'benefitsForecast'>): Roi {
  return {
    toDate: t.actual > 0 ? (t.benefitsRealised - t.actual) / t.actual : null,
    atCompletion: t.eac > 0 ? (t.benefitsRealised + t.benefitsForecast - t.eac) / t.eac : null,
  };
}

function addTotals(parts: readonly { totals: Totals; share: number }[]): Totals {
  const add = (f: (t: Totals) => number): number => sum(parts.map((p) => f(p.totals) * p.share));
  return {
    plan: add((t) => t.plan),
    committed: add((t) => t.committed),
    actual: add((t) => t.actual),
    planToDate: add((t) => t.planToDate),
    eac: add((t) => t.eac),
    benefitsRealised: add((t) => t.benefitsRealised),
    benefitsForecast: add((t) => t.benefitsForecast),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
