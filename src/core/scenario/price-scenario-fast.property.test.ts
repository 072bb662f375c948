import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineInputArb, plainState } from '../../../test/support/engine-arbitraries.ts';
import { computeState } from '../engine/compute-state.ts';
import { createEngine, type EngineInput } from '../engine/engine.ts';
import { DomainError } from '../errors.ts';
import {
  type PricedScenario,
  priceScenarioInFull,
  priceScenarioWithPlan,
} from './price-scenario.ts';
import type { ScenarioChange } from './scenario.ts';

/**
 * Pricing reuses what the current state computed from the same work items and reads figures, not
 * readable entries; the plain way (`priceScenarioInFull`: a full recompute, compared through the
 * entries) is the reference. Over many plans and scenarios both must say exactly the same.
 */

const RUNS = Number(process.env['FC_RUNS'] ?? 150);
const SEED = Number(process.env['FC_SEED'] ?? 20_261_206);

const changeSpec = fc.record({
  kind: fc.constantFrom<ScenarioChange['kind']>(
    'move_milestone',
    'accept_slip',
    'add_capacity',
    'move_demand',
    'prioritise',
    'move_budget',
    'descope_milestone',
    'descope_benefit',
    'hold_initiative',
    'stop_initiative',
  ),
  pick: fc.nat(),
  other: fc.nat(),
  shift: fc.integer({ min: -20, max: 90 }),
});

type ChangeSpec = typeof changeSpec extends fc.Arbitrary<infer S> ? S : never;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function at<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}

/** A change against the plan; some are refused (a date not after as-of, a unit without capacity). */
function changeOf(spec: ChangeSpec, input: EngineInput): ScenarioChange | null {
  const { plan, asOf } = input;
  const day = addDays(asOf, spec.shift);
  switch (spec.kind) {
    case 'move_milestone': {
      const m = at(plan.milestones, spec.pick);
      return m === undefined ? null : { kind: 'move_milestone', milestone: m.id, plannedDate: day };
    }
    case 'accept_slip':
    case 'descope_milestone': {
      const m = at(plan.milestones, spec.pick);
      return m === undefined ? null : { kind: spec.kind, milestone: m.id };
    }
    case 'add_capacity': {
      const unit = at(plan.units, spec.pick);
      const month = spec.other % 2 === 0 ? '2026-10' : '2026-11';
      return unit === undefined
        ? null
        : {
            kind: 'add_capacity',
            unit: unit.id,
            perWeek: Math.abs(spec.shift) + 1,
            from: `${month}-01`,
            to: '2026-11-30',
            ...(spec.pick % 2 === 0 ? { cost: { amount: 1_000, period: '2026-Q4' } } : {}),
          };
    }
    case 'move_demand': {
      const demand = at(plan.demands, spec.pick);
      if (demand === undefined) return null;
      return demand.workItem !== undefined || spec.other % 3 === 0
        ? { kind: 'move_demand', demand: demand.id, from: day }
        : { kind: 'move_demand', demand: demand.id, from: day, to: addDays(day, spec.other % 40) };
    }
    case 'prioritise': {
      const unit = at(plan.units, spec.pick);
      const first = at(plan.initiatives, spec.pick);
      const second = at(plan.initiatives, spec.other + 1);
      if (unit === undefined || first === undefined || second === undefined || first === second)
        return null;
      return { kind: 'prioritise', unit: unit.id, initiative: first.id, over: [second.id] };
    }
    case 'move_budget': {
      const from = at(plan.initiatives, spec.pick);
      const to = at(plan.initiatives, spec.other);
      if (from === undefined || to === undefined) return null;
      return {
        kind: 'move_budget',
        from: { initiative: from.id, period: '2026-Q4' },
        to: { initiative: to.id, period: spec.other % 2 === 0 ? '2026-Q4' : '2027-Q1' },
        amount: 1_000 * ((spec.other % 4) + 1),
      };
    }
    case 'descope_benefit': {
      const benefit = at(plan.benefits, spec.pick);
      return benefit === undefined ? null : { kind: 'descope_benefit', benefit: benefit.id };
    }
    case 'hold_initiative': {
      const initiative = at(plan.initiatives, spec.pick);
      if (initiative === undefined) return null;
      return spec.other % 2 === 0
        ? { kind: 'hold_initiative', initiative: initiative.id, reason: 'held', until: day }
        : { kind: 'hold_initiative', initiative: initiative.id, reason: 'held' };
    }
    case 'stop_initiative': {
      const initiative = at(plan.initiatives, spec.pick);
      return initiative === undefined
        ? null
        : { kind: 'stop_initiative', initiative: initiative.id };
    }
  }
}

/** Budget lines on some initiatives, so that budget can move and ROI has a denominator. */
function withBudgets(input: EngineInput): EngineInput {
  const initiatives = input.plan.initiatives.map((i, n) =>
    n % 3 === 2 ? i : { ...i, budget: { '2026-Q4': { plan: 10_000 * (n + 1) } } },
  );
  return { ...input, plan: { ...input.plan, initiatives } };
}

/** The priced scenario, or the problems that refused it. */
function attempt(price: () => PricedScenario): PricedScenario | { refused: unknown } {
  try {
    return price();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { refused: error.problems };
  }
}

function check(
  input: EngineInput,
  changes: readonly ScenarioChange[],
  current: 'computed' | 'engine' | 'none',
): void {
  const state =
    current === 'computed'
      ? computeState(input)
      : current === 'engine'
        ? createEngine(input).state
        : undefined;
  const fast = attempt(() => priceScenarioWithPlan(input, changes, state));
  const full = attempt(() => priceScenarioInFull(input, changes, computeState(input)));
  if ('refused' in full || 'refused' in fast) {
    expect(fast).toEqual(full);
    return;
  }
  expect(fast.result).toEqual(full.result);
  expect(fast.plan).toEqual(full.plan);
  // The scenario's state, made from what the current state shares, is the full recompute's.
  expect(plainState(fast.state)).toEqual(plainState(full.state));
}

describe('priceScenario: the fast path equals the full recompute (property)', () => {
  it(
    'against a computed current state, an engine that follows events, and none given',
    { timeout: 600_000 },
    () => {
      fc.assert(
        fc.property(
          engineInputArb,
          fc.array(changeSpec, { maxLength: 5 }),
          fc.constantFrom<'computed' | 'engine' | 'none'>('computed', 'computed', 'engine', 'none'),
          fc.boolean(),
          (generated, specs, current, budgets) => {
            const input = budgets ? withBudgets(generated) : generated;
            const changes = specs.flatMap((spec) => changeOf(spec, input) ?? []);
            check(input, changes, current);
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
    },
  );

  it('a work item key that repeats: the base is not shared, the result is the same', () => {
    fc.assert(
      fc.property(engineInputArb, fc.array(changeSpec, { maxLength: 3 }), (generated, specs) => {
        if (generated.workItems.length === 0) return;
        const repeated = { ...generated.workItems[0]!, summary: 'the later copy' };
        const input = withBudgets({ ...generated, workItems: [...generated.workItems, repeated] });
        const changes = specs.flatMap((spec) => changeOf(spec, input) ?? []);
        check(input, changes, 'computed');
      }),
      { numRuns: 30, seed: SEED },
    );
  });
});
