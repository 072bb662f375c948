/**
 * Validated value (docs/GOVERNANCE.md "Validated value"): once a benefit's milestone has landed,
 * the KPI's actual of each period is set against what the benefit promised for that period. A
 * period's realised amount is "claimed" until a finance controller (never the owner of the
 * benefit's initiative) confirms it with a note; then it is "validated". A benefit that stays below
 * its promise by a threshold for consecutive ended periods raises a value signal.
 */
import { toDayNumber } from '../calendar.ts';
import type { Benefit, IsoDate, Plan } from '../domain/plan.ts';
import type { ChainStep, DerivedState, Signal } from '../domain/state.ts';
import { accrualDays, accruedAmount } from '../engine/benefit-accrual.ts';
import { formatAmount } from '../engine/format.ts';
import { parsePeriod } from '../period.ts';

/** A period realised this share or more below its promise counts as below promise. */
export const VALUE_SHORTFALL_THRESHOLD = 0.2;
/** This many consecutive ended periods below promise raise a value signal. */
export const VALUE_SHORTFALL_PERIODS = 2;

/** A controller's confirmation of the amount a benefit realised in a period (append-only). */
export interface ValueValidation {
  benefit: string;
  period: string;
  amount: number;
  note: string;
  by: string;
  at: string;
}

export type ValuePeriodStatus =
  /** The period has not ended: its actual is so far. */
  | 'in_progress'
  /** Ended, with an actual nobody has confirmed yet. */
  | 'claimed'
  /** A finance controller confirmed the realised amount. */
  | 'validated';

export interface ValuePeriod {
  period: string;
  start: IsoDate;
  end: IsoDate;
  /** What the benefit promised for the days of the period from its landing: amountPerWeek / 7 a day. */
  promised: number;
  /**
   * What the KPI's actual says was realised: actual minus baseline (baseline minus actual for a
   * lower-is-better KPI), shared among the benefits landed on the KPI in proportion to their promise.
   */
  claimed: number;
  /** The latest validation of the period, when there is one. */
  validation: ValueValidation | null;
  /** The validated amount when validated, else the claimed one. */
  realised: number;
  /** realised / promised (null when nothing was promised). */
  ratio: number | null;
  /** Ended and realised below (1 − threshold) × promised. */
  belowPromise: boolean;
  status: ValuePeriodStatus;
}

export interface BenefitValue {
  benefit: string;
  milestone: string;
  kpi: string;
  initiative: string;
  amountPerWeek: number;
  /** The day the milestone landed (done, or its forecast date on or before as-of); null: not yet. */
  landedOn: IsoDate | null;
  periods: ValuePeriod[];
  promised: number;
  claimed: number;
  validated: number;
  /** Validated where validated, claimed elsewhere: what the benefit realised so far. */
  realised: number;
  /** Consecutive ended periods below promise, counted back from the latest ended one. */
  shortfallStreak: number;
  threshold: number;
  periodsNeeded: number;
  /** "claimed", "validated" (every ended period validated), or "none" (nothing realised yet). */
  status: 'none' | 'claimed' | 'validated';
}

export interface ValueOptions {
  threshold?: number;
  periods?: number;
}

/** Lookups built once per plan (a big portfolio asks for every benefit). */
export interface ValueIndex {
  initiativeOf: ReadonlyMap<string, string>;
  benefitsOfKpi: ReadonlyMap<string, readonly Benefit[]>;
  kpis: ReadonlyMap<string, Plan['kpis'][number]>;
  /** landedOn, asked once per milestone (a milestone's forecast is made when first read). */
  landed?: (milestone: string) => IsoDate | null;
}

/** The lookups `benefitValue` needs, for many benefits of one plan. */
export function valueIndex(plan: Plan): ValueIndex {
  const benefitsOfKpi = new Map<string, Benefit[]>();
  for (const b of plan.benefits) benefitsOfKpi.set(b.kpi, [...(benefitsOfKpi.get(b.kpi) ?? []), b]);
  return {
    initiativeOf: new Map(plan.milestones.map((m) => [m.id, m.initiative])),
    benefitsOfKpi,
    kpis: new Map(plan.kpis.map((k) => [k.id, k])),
  };
}

type MilestoneDates = Pick<DerivedState, 'asOf' | 'milestones'>;

/** The day a milestone landed: when done, or when its forecast date is on or before as-of. */
export function landedOn(state: MilestoneDates, milestone: string): IsoDate | null {
  const forecast = state.milestones.get(milestone);
  if (forecast === undefined) return null;
  if (forecast.complete || forecast.forecastDate <= state.asOf) return forecast.forecastDate;
  return null;
}

/** The latest validation of each period of each benefit (later rows supersede earlier ones). */
export function latestValidations(
  validations: readonly ValueValidation[],
): Map<string, ValueValidation> {
  const latest = new Map<string, ValueValidation>();
  for (const v of validations) latest.set(`${v.benefit}\u0000${v.period}`, v);
  return latest;
}

/** The value of one benefit per period of its KPI's actuals since its milestone landed. */
export function benefitValue(
  plan: Plan,
  state: MilestoneDates,
  benefit: Benefit,
  validations: readonly ValueValidation[] = [],
  options: ValueOptions = {},
  index: ValueIndex = valueIndex(plan),
): BenefitValue {
  const threshold = options.threshold ?? VALUE_SHORTFALL_THRESHOLD;
  const periodsNeeded = options.periods ?? VALUE_SHORTFALL_PERIODS;
  const kpi = index.kpis.get(benefit.kpi);
  const landedOf = index.landed ?? ((m: string) => landedOn(state, m));
  const landed = landedOf(benefit.milestone);
  const latest = latestValidations(validations.filter((v) => v.benefit === benefit.id));
  const periods: ValuePeriod[] = [];
  if (kpi !== undefined && landed !== null) {
    const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
    const asOfDay = toDayNumber(state.asOf);
    // The benefits on this KPI that have landed: they share what its actual moved.
    const sharers = (index.benefitsOfKpi.get(kpi.id) ?? [])
      .map((b) => ({ b, on: b.id === benefit.id ? landed : landedOf(b.milestone) }))
      .filter((x): x is { b: Benefit; on: IsoDate } => x.on !== null);
    for (const label of Object.keys(kpi.actuals)) {
      const period = parsePeriod(label);
      if (period === null) continue;
      const startDay = toDayNumber(period.start);
      const endDay = toDayNumber(period.end);
      const promisedOf = (b: Benefit, on: IsoDate): number =>
        accruedAmount(accrualDays(startDay, endDay, toDayNumber(on), -Infinity), b.amountPerWeek);
      const promised = promisedOf(benefit, landed);
      if (promised <= 0) continue;
      const allPromised = sharers.reduce((sum, x) => sum + promisedOf(x.b, x.on), 0);
      const moved = sign * (kpi.actuals[label]! - kpi.baseline);
      const claimed = allPromised > 0 ? (moved * promised) / allPromised : moved;
      const validation = latest.get(`${benefit.id}\u0000${label}`) ?? null;
      const ended = endDay < asOfDay;
      const realised = validation?.amount ?? claimed;
      periods.push({
        period: label,
        start: period.start,
        end: period.end,
        promised,
        claimed,
        validation,
        realised,
        ratio: realised / promised,
        belowPromise: ended && realised < (1 - threshold) * promised,
        status: !ended ? 'in_progress' : validation === null ? 'claimed' : 'validated',
      });
    }
    periods.sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : a.start < b.start ? 1 : -1));
  }
  let shortfallStreak = 0;
  const ended = periods.filter((p) => p.status !== 'in_progress');
  for (let k = ended.length - 1; k >= 0 && ended[k]!.belowPromise; k -= 1) shortfallStreak += 1;
  const sum = (f: (p: ValuePeriod) => number, of = periods): number =>
    of.reduce((total, p) => total + f(p), 0);
  return {
    benefit: benefit.id,
    milestone: benefit.milestone,
    kpi: benefit.kpi,
    initiative: index.initiativeOf.get(benefit.milestone) ?? '',
    amountPerWeek: benefit.amountPerWeek,
    landedOn: landed,
    periods,
    promised: sum((p) => p.promised),
    claimed: sum((p) => p.claimed),
    validated: sum((p) => p.validation?.amount ?? 0),
    realised: sum((p) => p.realised),
    shortfallStreak,
    threshold,
    periodsNeeded,
    status:
      ended.length === 0
        ? 'none'
        : ended.every((p) => p.validation !== null)
          ? 'validated'
          : 'claimed',
  };
}

/** Every benefit's value, in plan order. */
export function portfolioValue(
  plan: Plan,
  state: MilestoneDates,
  validations: readonly ValueValidation[] = [],
  options: ValueOptions = {},
): BenefitValue[] {
  const known = new Map<string, IsoDate | null>();
  const landed = (m: string): IsoDate | null => {
    let on = known.get(m);
    if (on === undefined) {
      on = landedOn(state, m);
      known.set(m, on);
    }
    return on;
  };
  const index = { ...valueIndex(plan), landed };
  const byBenefit = new Map<string, ValueValidation[]>();
  for (const v of validations) byBenefit.set(v.benefit, [...(byBenefit.get(v.benefit) ?? []), v]);
  return plan.benefits.map((b) =>
    benefitValue(plan, state, b, byBenefit.get(b.id) ?? [], options, index),
  );
}

/**
 * A value signal for each benefit below its promise by the threshold for `periods` consecutive
 * ended periods; its chain runs benefit → KPI → initiative → the objectives it serves.
 */
export function valueSignals(plan: Plan, values: readonly BenefitValue[]): Signal[] {
  const signals: Signal[] = [];
  for (const value of values) {
    if (value.shortfallStreak < value.periodsNeeded) continue;
    const initiative = plan.initiatives.find((i) => i.id === value.initiative);
    const kpi = plan.kpis.find((k) => k.id === value.kpi);
    if (initiative === undefined || kpi === undefined) continue;
    const short = value.periods
      .filter((p) => p.status !== 'in_progress')
      .slice(-value.shortfallStreak);
    const promised = short.reduce((s, p) => s + p.promised, 0);
    const realised = short.reduce((s, p) => s + p.realised, 0);
    const labels = short.map((p) => p.period).join(', ');
    const chain: ChainStep[] = [
      {
        kind: 'benefit',
        id: value.benefit,
        text: `${value.benefit} realised ${formatAmount(realised)} of the ${formatAmount(promised)} it promised in ${labels} (${Math.round((realised / promised) * 100)}%)`,
        figures: { promised, realised, periods: short.length, threshold: value.threshold },
      },
      {
        kind: 'kpi',
        id: kpi.id,
        text: `${kpi.name} does not move as ${value.benefit} promised`,
        figures: { shortfall: promised - realised },
      },
      {
        kind: 'initiative',
        id: initiative.id,
        text: `${initiative.name} delivers less value than planned`,
        figures: { shortfall: promised - realised },
      },
      ...initiative.objectives.map((o) => ({
        kind: 'objective' as const,
        id: o,
        text: `${plan.objectives.find((x) => x.id === o)?.name ?? o} gets less from ${initiative.id}`,
        figures: {},
      })),
    ];
    signals.push({
      id: `value.below_promise:${value.benefit}`,
      kind: 'value.below_promise',
      subject: { kind: 'benefit', id: value.benefit },
      title: `${value.benefit} below its promise for ${short.length} periods (${labels}): ${formatAmount(realised)} of ${formatAmount(promised)}`,
      chain,
      affectedOwners: owners([
        initiative.owner,
        kpi.owner,
        ...initiative.objectives.map((o) => plan.objectives.find((x) => x.id === o)?.owner),
      ]),
    });
  }
  return signals;
}

/**
 * What a validation request must satisfy besides the access policy: the period is one of the
 * benefit's value periods (its KPI has an actual, its milestone had landed) and it has ended.
 * Returns the problem (message, field) or null.
 */
export function validationProblem(
  value: BenefitValue,
  period: string,
): { message: string; field: string } | null {
  if (parsePeriod(period) === null)
    return {
      message: `period: '${period}' is not a reporting period (2026, 2026-H2, 2026-Q4 or 2026-08)`,
      field: 'period',
    };
  if (value.landedOn === null)
    return {
      message: `${value.benefit}: its milestone ${value.milestone} has not landed, so there is no realised value to validate`,
      field: 'benefit',
    };
  const found = value.periods.find((p) => p.period === period);
  if (found === undefined)
    return {
      message: `period: ${value.kpi} has no actual for ${period} after ${value.milestone} landed on ${value.landedOn}${value.periods.length === 0 ? '' : ` (periods to validate: ${value.periods.map((p) => p.period).join(', ')})`}`,
      field: 'period',
    };
  if (found.status === 'in_progress')
    return {
      message: `period: ${period} has not ended (it ends ${found.end}); validate it once it has`,
      field: 'period',
    };
  return null;
}

function owners(list: readonly (string | undefined)[]): string[] {
  return [...new Set(list.filter((o): o is string => o !== undefined))];
}
