import type { Kpi } from '../domain/plan.ts';
import type { ChainStep, KpiPeriodForecast, Signal } from '../domain/state.ts';
import { accrualDays, accruedAmount } from './benefit-accrual.ts';
import {
  type ChainContext,
  type ChainLink,
  type LinkCache,
  type RootMemo,
  type SignatureCache,
  linksToMilestone,
  chainVersion,
  objectiveLink,
} from './cause-chain.ts';
import { dateOf, dayOf } from './day-numbers.ts';
import { formatAmount, formatSigned, formatWithUnit, formatWorkingDays } from './format.ts';
import type { KpiCore } from './kpi-model.ts';

/** When a milestone counts as slipped for a signal: its forecast, or its P85, past its plan. */
export interface SlipTest {
  /** The day compared with the plan, and the words that name it in the title. */
  dayOf(m: number): number;
  wordsOf(m: number): string;
}

/**
 * A milestone's slip signal, with a stable id, its cause chain and the owners it affects, when
 * its forecast (or the configured percentile) passed its plan; undefined when it did not.
 */
export function milestoneSignal(
  context: ChainContext,
  cache: LinkCache,
  m: number,
  memo: RootMemo,
  slip: SlipTest | null,
): Signal | undefined {
  const { plan, milestones } = context;
  const planned = plan.plannedDay[m]!;
  const compared = slip === null ? milestones.forecast[m]! : slip.dayOf(m);
  if (compared <= planned) return undefined;
  const milestone = plan.milestones[m]!;
  // Work items and milestones along one path are distinct: only objectives can repeat.
  const chain: ChainStep[] = [];
  const owners: string[] = [];
  const take = (link: ChainLink): void => {
    chain.push(link.step);
    if (link.owner !== null && !owners.includes(link.owner)) owners.push(link.owner);
  };
  for (const link of linksToMilestone(context, cache, m, memo)) take(link);
  const initiative = plan.initiativeOfMilestone[m]!;
  const objectives = initiative < 0 ? [] : plan.plan.initiatives[initiative]!.objectives;
  objectives.forEach((objective, at) => {
    const o = plan.objectiveAt.get(objective);
    if (o === undefined || objectives.indexOf(objective) !== at) return;
    const link = objectiveLink(context, cache, o);
    if (link !== null) take(link);
  });
  const words = slip === null ? 'forecast' : slip.wordsOf(m);
  const slipDays =
    slip === null ? milestones.slip[m]! : plan.calendarOf[m]!.between(planned, compared);
  return {
    id: `milestone.slipped:${milestone.id}`,
    kind: 'milestone.slipped',
    subject: { kind: 'milestone', id: milestone.id },
    title: `${milestone.name} ${words} ${dateOf(compared)}, ${formatWorkingDays(slipDays)} after its plan ${milestone.plannedDate}`,
    chain,
    affectedOwners: owners,
  };
}

function objectiveCodes(context: ChainContext, objectives: readonly string[], out: number[]): void {
  objectives.forEach((objective, at) => {
    const o = context.plan.objectiveAt.get(objective);
    if (o === undefined || objectives.indexOf(objective) !== at) return;
    out.push(o, objectiveCode(context, o));
  });
}

function objectiveCode(context: ChainContext, o: number): number {
  const status = context.objectiveStatus(o)?.status;
  return status === undefined ? -1 : status === 'on_track' ? 0 : status === 'at_risk' ? 1 : 2;
}

/**
 * The signature of a milestone's slip signal (equal signatures, equal signals), or undefined
 * when it raises none.
 */
export function milestoneSignature(
  context: ChainContext,
  cache: SignatureCache,
  m: number,
  memo: RootMemo,
  slip: SlipTest | null,
): number[] | undefined {
  const out: number[] = [];
  return signMilestoneInto(context, cache, m, memo, slip, out) ? out : undefined;
}

/**
 * Writes the signature of a milestone's slip signal into `out` (emptied first) and says whether
 * it raises one: an engine that follows events signs into one list and copies only what changed.
 */
export function signMilestoneInto(
  context: ChainContext,
  cache: SignatureCache,
  m: number,
  memo: RootMemo,
  slip: SlipTest | null,
  out: number[],
): boolean {
  out.length = 0;
  const { plan, milestones } = context;
  const planned = plan.plannedDay[m]!;
  // The day compared with the plan, and whether that is a percentile.
  const compared = slip === null ? milestones.forecast[m]! : slip.dayOf(m);
  if (compared <= planned) return false;
  const percentile = slip === null || slip.wordsOf(m) === 'forecast' ? 0 : 1;
  out.push(compared, percentile, milestones.slip[m]!, chainVersion(context, cache, m, memo));
  const initiative = plan.initiativeOfMilestone[m]!;
  if (initiative < 0) return true;
  // The objectives it serves, each once, in the order listed (the plan model's rows).
  const rows = plan.objectivesOfInitiative;
  for (let at = rows.start[initiative]!; at < rows.start[initiative + 1]!; at += 1) {
    const o = rows.list[at]!;
    out.push(o, objectiveCode(context, o));
  }
  return true;
}

/** The signatures of a KPI's signals by signal id (equal signatures, equal signals). */
export function kpiSignatures(
  context: ChainContext,
  cache: SignatureCache,
  core: KpiCore,
  memo: RootMemo,
): Map<string, number[]> {
  const signatures = new Map<string, number[]>();
  const kpi = core.kpi;
  for (const period of core.periods) {
    if (period.target === null || period.gap === null || period.end < context.asOf) continue;
    if (period.gap >= 0) continue;
    const movement = movementOf(context, kpi, period);
    const out = [period.forecast, period.forecastAtPlan, period.target, period.gap, movement.delta];
    out.push(movement.slipped.length);
    // Each slipped milestone's chain by its version: equal versions, equal chains.
    for (const m of movement.slipped) out.push(m, chainVersion(context, cache, m, memo));
    objectiveCodes(context, kpi.objectives, out);
    signatures.set(`kpi.misses_target:${kpi.id}:${period.period}`, out);
  }
  return signatures;
}

/** True when two signatures are the same. */
export function sameSignature(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let at = 0; at < a.length; at += 1) if (a[at] !== b[at]) return false;
  return true;
}

/**
 * A signal for each period of a KPI (with a target, not yet ended) forecast to miss its target,
 * its chain running from the slipped milestones that cost it days to the objectives it measures.
 */
export function kpiSignals(
  context: ChainContext,
  cache: LinkCache,
  core: KpiCore,
  memo: RootMemo,
): Signal[] {
  const signals: Signal[] = [];
  const { plan, asOf } = context;
  const kpi = core.kpi;
  for (const period of core.periods) {
    if (period.target === null || period.gap === null || period.end < asOf) continue;
    if (period.gap >= 0) continue;
    const movement = movementOf(context, kpi, period);
    const chain = new ChainBuilder();
    for (const m of movement.slipped) chain.addAll(linksToMilestone(context, cache, m, memo));
    chain.add({ step: kpiStep(kpi, period, movement.delta), owner: kpi.owner });
    for (const objective of kpi.objectives) {
      const o = plan.objectiveAt.get(objective);
      if (o !== undefined) chain.add(objectiveLink(context, cache, o));
    }
    signals.push({
      id: `kpi.misses_target:${kpi.id}:${period.period}`,
      kind: 'kpi.misses_target',
      subject: { kind: 'kpi', id: kpi.id },
      title: `${kpi.name} misses its ${period.period} target: forecast ${formatAmount(period.forecast)} against ${formatWithUnit(formatAmount(period.target), kpi.unitOfMeasure)}`,
      ...chain.finish(),
    });
  }
  return signals;
}

/** How the milestones' forecasts moved a KPI period against their plan. */
interface PeriodMovement {
  /** Forecast minus forecast at plan, from the day differences (exact for whole amounts). */
  delta: number;
  /** The slipped milestones whose benefits count fewer days in the period than on plan. */
  slipped: number[];
}

function movementOf(context: ChainContext, kpi: Kpi, period: KpiPeriodForecast): PeriodMovement {
  const { plan, milestones } = context;
  const start = dayOf(period.start);
  const end = dayOf(period.end);
  const floor = period.actual === null ? -Infinity : dayOf(context.asOf);
  const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
  let delta = 0;
  const slipped: number[] = [];
  for (const accrual of period.benefits) {
    const m = plan.milestoneAt.get(accrual.milestone);
    const b = plan.benefitAt.get(accrual.benefit);
    const benefit = b === undefined ? undefined : plan.plan.benefits[b];
    if (m === undefined || benefit === undefined) continue;
    const daysOnPlan = accrualDays(start, end, plan.plannedDay[m]!, floor);
    if (daysOnPlan === accrual.days) continue;
    delta += sign * accruedAmount(accrual.days - daysOnPlan, benefit.amountPerWeek);
    if (milestones.forecast[m]! > plan.plannedDay[m]! && !slipped.includes(m)) slipped.push(m);
  }
  return { delta, slipped };
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

/** True when two signals say the same: title, every step of the chain, and the owners. */
export function sameSignal(a: Signal, b: Signal): boolean {
  if (a.id !== b.id || a.title !== b.title || a.chain.length !== b.chain.length) return false;
  if (a.affectedOwners.join('\u0000') !== b.affectedOwners.join('\u0000')) return false;
  for (let at = 0; at < a.chain.length; at += 1) {
    const x = a.chain[at]!;
    const y = b.chain[at]!;
    if (x === y) continue;
    if (x.kind !== y.kind || x.id !== y.id || x.text !== y.text) return false;
    const xf = Object.entries(x.figures);
    if (xf.length !== Object.keys(y.figures).length) return false;
    for (const [key, value] of xf) if (y.figures[key] !== value) return false;
  }
  return true;
}
