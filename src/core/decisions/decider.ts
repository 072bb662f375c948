import type { DecisionRight, Plan } from '../domain/plan.ts';
import { holdsRole } from '../access/roles.ts';
import { fail } from '../errors.ts';
import type { Decider, OptionEffect, RightConsidered } from './decision.ts';

/**
 * Decision rights applied: a decision goes to the holder of the lowest right that covers every
 * option's effect. Lowest means narrowest reach: a right with a money or slip limit before one
 * without, then one on initiatives before units before objectives before everywhere, then the
 * smaller money limit, then the id. Where no right covers it, the owner of the closest objective
 * every initiative involved serves decides (as the capacity signal names), else an executive.
 */
export function deciderFor(plan: Plan, effects: readonly OptionEffect[]): Decider {
  const rights = [...(plan.decisionRights ?? [])].sort((a, b) => compareRank(rankOf(a), rankOf(b)));
  const initiatives = [...new Set(effects.flatMap((e) => e.initiatives))];
  const considered: RightConsidered[] = rights.map((right) => {
    const reasons: string[] = [];
    effects.forEach((effect, k) => {
      for (const reason of whyNot(plan, right, effect)) reasons.push(`option ${k + 1}: ${reason}`);
    });
    const person = holderOf(plan, right, initiatives);
    if (person === null) reasons.push(`nobody in the plan holds it`);
    return { right: right.id, person, covers: reasons.length === 0, reasons };
  });
  const covering = considered.filter((c) => c.covers);
  const name = (id: string): string => plan.people.find((p) => p.id === id)?.name ?? id;
  const first = covering[0];
  if (first !== undefined && first.person !== null) {
    const right = rights.find((r) => r.id === first.right)!;
    const next = covering.find((c) => c.person !== null && c.person !== first.person);
    return {
      person: first.person,
      right: right.id,
      because: `${name(first.person)}, by ${right.id} (${describeRight(right)})`,
      considered,
      escalatesTo: next?.person ?? null,
    };
  }
  const closest = closestObjective(plan, initiatives);
  if (closest !== null)
    return {
      person: closest.owner,
      right: null,
      because: `${name(closest.owner)}, as owner of ${closest.id}: ${rights.length === 0 ? 'the plan has no decision rights' : 'no decision right covers every option'}`,
      considered,
      escalatesTo: null,
    };
  const executive = plan.people.find((p) => holdsRole(p, 'executive'));
  if (executive !== undefined)
    return {
      person: executive.id,
      right: null,
      because: `${executive.name}, as the first executive: no right covers every option and no objective is common to them`,
      considered,
      escalatesTo: null,
    };
  return fail(
    'decision.no_decider',
    'nobody can decide this: no decision right covers every option, no objective is common to the initiatives involved, and the plan names no executive',
    { path: '$.decisionRights' },
  );
}

/** Why a right does not cover one option's effect (empty: it covers it). */
export function whyNot(plan: Plan, right: DecisionRight, effect: OptionEffect): string[] {
  const reasons: string[] = [];
  const outside = effect.kinds.filter((k) => right.kinds !== undefined && !right.kinds.includes(k));
  if (outside.length > 0) reasons.push(`${right.id} does not cover ${outside.join(', ')}`);
  if (hasScope(right)) {
    const initiatives = effect.initiatives.filter((i) => !initiativeInScope(plan, right, i));
    const units = effect.units.filter((u) => !unitInScope(plan, right, u));
    const beyond = [...initiatives, ...units];
    if (beyond.length > 0)
      reasons.push(
        `${beyond.join(', ')} ${beyond.length === 1 ? 'is' : 'are'} outside ${right.id}`,
      );
  }
  const currency = plan.organisation.currency;
  if (right.maxAmount !== undefined && effect.amount > right.maxAmount)
    reasons.push(
      `${money(effect.amount)} ${currency} is more than the ${money(right.maxAmount)} ${currency} of ${right.id}`,
    );
  if (right.maxSlipWeeks !== undefined && effect.slipWeeks > right.maxSlipWeeks)
    reasons.push(
      `a slip of ${effect.slipWeeks} weeks is more than the ${right.maxSlipWeeks} of ${right.id}`,
    );
  if (right.kpisOnTarget === true && effect.kpisBelowTarget.length > 0)
    reasons.push(`${effect.kpisBelowTarget.join(', ')} would be below target`);
  return reasons;
}

/** A right in words: `replan on I-ERP, up to 2 weeks, KPIs on target`. */
export function describeRight(right: DecisionRight): string {
  const what = right.kinds === undefined ? 'anything' : right.kinds.join(', ');
  const scope = [...(right.objectives ?? []), ...(right.initiatives ?? []), ...(right.units ?? [])];
  const limits = [
    right.maxAmount === undefined ? null : `up to ${money(right.maxAmount)}`,
    right.maxSlipWeeks === undefined ? null : `up to ${right.maxSlipWeeks} weeks of slip`,
    right.kpisOnTarget === true ? 'no KPI below target' : null,
  ].filter((x): x is string => x !== null);
  return [`${what} on ${scope.length === 0 ? 'everything' : scope.join(', ')}`, ...limits].join(
    ', ',
  );
}

function money(amount: number): string {
  return Math.round(amount).toLocaleString('en-US');
}

type Rank = [number, number, number, string];

function rankOf(right: DecisionRight): Rank {
  const limited = right.maxAmount !== undefined || right.maxSlipWeeks !== undefined ? 0 : 1;
  const scope =
    right.initiatives !== undefined
      ? 0
      : right.units !== undefined
        ? 1
        : right.objectives !== undefined
          ? 2
          : 3;
  return [limited, scope, right.maxAmount ?? Number.POSITIVE_INFINITY, right.id];
}

function compareRank(a: Rank, b: Rank): number {
  for (let k = 0; k < 3; k += 1) if (a[k] !== b[k]) return (a[k] as number) - (b[k] as number);
  return a[3].localeCompare(b[3]);
}

function hasScope(right: DecisionRight): boolean {
  return (
    right.objectives !== undefined || right.initiatives !== undefined || right.units !== undefined
  );
}

/** Every objective an objective sits under, itself first. */
function objectiveAncestry(plan: Plan, id: string): string[] {
  const chain: string[] = [];
  let at: string | undefined = id;
  while (at !== undefined && !chain.includes(at)) {
    chain.push(at);
    at = plan.objectives.find((o) => o.id === at)?.parent;
  }
  return chain;
}

function initiativeInScope(plan: Plan, right: DecisionRight, id: string): boolean {
  if (right.initiatives?.includes(id) === true) return true;
  const initiative = plan.initiatives.find((i) => i.id === id);
  if (initiative === undefined) return false;
  if (right.units?.includes(initiative.unit) === true) return true;
  const scope = right.objectives ?? [];
  return initiative.objectives.some((o) =>
    objectiveAncestry(plan, o).some((a) => scope.includes(a)),
  );
}

/** A unit is in scope when named, or when every initiative that takes its capacity is. */
function unitInScope(plan: Plan, right: DecisionRight, unit: string): boolean {
  if (right.units?.includes(unit) === true) return true;
  const takers = new Set(plan.demands.filter((d) => d.unit === unit).map((d) => d.initiative));
  return takers.size > 0 && [...takers].every((i) => initiativeInScope(plan, right, i));
}

/** The person a right gives the decision to: its person, or the fitting holder of its role. */
function holderOf(plan: Plan, right: DecisionRight, initiatives: readonly string[]): string | null {
  if (right.person !== undefined)
    return plan.people.some((p) => p.id === right.person) ? right.person : null;
  const holders = plan.people.filter((p) => right.role !== undefined && holdsRole(p, right.role));
  const closest = closestObjective(plan, initiatives);
  const owner = holders.find((p) => p.id === closest?.owner);
  return (owner ?? holders[0])?.id ?? null;
}

/** The closest objective every initiative serves (directly or through parents), if any. */
function closestObjective(
  plan: Plan,
  initiativeIds: readonly string[],
): { id: string; owner: string } | null {
  let common: Map<string, number> | null = null;
  for (const id of initiativeIds) {
    const initiative = plan.initiatives.find((i) => i.id === id);
    if (initiative === undefined) continue;
    const reach = new Map<string, number>();
    for (const o of initiative.objectives)
      objectiveAncestry(plan, o).forEach((a, depth) => {
        if (!reach.has(a)) reach.set(a, depth);
      });
    if (common === null) common = reach;
    else {
      const both = new Map<string, number>();
      for (const [o, depth] of reach) {
        const other: number | undefined = common.get(o);
        if (other !== undefined) both.set(o, Math.max(depth, other));
      }
      common = both;
    }
  }
  let best: [string, number] | null = null;
  for (const [o, depth] of common ?? []) if (best === null || depth < best[1]) best = [o, depth];
  if (best === null) return null;
  const objective = plan.objectives.find((o) => o.id === best[0]);
  return objective === undefined ? null : { id: objective.id, owner: objective.owner };
}
