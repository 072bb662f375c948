import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineInputArb } from '../../../test/support/engine-arbitraries.ts';
import type { Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import { computeState } from '../engine/compute-state.ts';
import type { EngineInput } from '../engine/engine.ts';
import { DomainError } from '../errors.ts';
import { priceScenarioWithPlan } from './price-scenario.ts';
import type { ScenarioChange } from './scenario.ts';

/** Runs and seed: fixed, so that a failure replays; FC_RUNS / FC_SEED widen a local search. */
const RUNS = Number(process.env['FC_RUNS'] ?? 100);
const SEED = Number(process.env['FC_SEED'] ?? 20_260_915);

/** A change drawn against the plan: `pick` chooses the entity, `shift` a number of days. */
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
  shift: fc.integer({ min: 1, max: 60 }),
  /** Now and then a name that does not exist. */
  missing: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function at<T>(list: readonly T[], n: number): T | undefined {
  return list.length === 0 ? undefined : list[n % list.length];
}

type ChangeSpec = typeof changeSpec extends fc.Arbitrary<infer S> ? S : never;

function changeOf(spec: ChangeSpec, input: EngineInput): ScenarioChange | null {
  const { plan, asOf } = input;
  const id = <T extends { id: string }>(list: readonly T[]): string | undefined =>
    spec.missing ? 'NOPE' : at(list, spec.pick)?.id;
  switch (spec.kind) {
    case 'move_milestone': {
      const milestone = id(plan.milestones);
      return milestone === undefined
        ? null
        : { kind: 'move_milestone', milestone, plannedDate: addDays(asOf, spec.shift) };
    }
    case 'accept_slip':
    case 'descope_milestone': {
      const milestone = id(plan.milestones);
      return milestone === undefined ? null : { kind: spec.kind, milestone };
    }
    case 'add_capacity': {
      const unit = id(plan.units.filter((u) => u.capacity !== undefined));
      return unit === undefined
        ? null
        : { kind: 'add_capacity', unit, perWeek: spec.shift, from: '2026-10-01', to: '2026-11-30' };
    }
    case 'move_demand': {
      const demand = at(plan.demands, spec.pick);
      if (demand === undefined) return null;
      return demand.workItem !== undefined
        ? { kind: 'move_demand', demand: demand.id, from: addDays(asOf, spec.shift) }
        : {
            kind: 'move_demand',
            demand: demand.id,
            from: addDays(asOf, spec.shift),
            to: addDays(asOf, spec.shift + 20),
          };
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
      const line = from === undefined ? undefined : Object.entries(from.budget)[0];
      if (from === undefined || to === undefined || line === undefined || line[1].plan <= 0)
        return null;
      return {
        kind: 'move_budget',
        from: { initiative: from.id, period: line[0] },
        to: { initiative: to.id, period: '2026-Q4' },
        amount: line[1].plan / 2,
      };
    }
    case 'descope_benefit': {
      const benefit = id(plan.benefits);
      return benefit === undefined ? null : { kind: 'descope_benefit', benefit };
    }
    case 'hold_initiative': {
      const initiative = id(plan.initiatives);
      if (initiative === undefined) return null;
      return spec.shift % 2 === 0
        ? { kind: 'hold_initiative', initiative, reason: 'held', until: addDays(asOf, spec.shift) }
        : { kind: 'hold_initiative', initiative, reason: 'held' };
    }
    case 'stop_initiative': {
      const initiative = id(plan.initiatives);
      return initiative === undefined ? null : { kind: 'stop_initiative', initiative };
    }
  }
}

/** The generated plans have no budgets: give every initiative one line, so budget can move. */
function withBudgets(input: EngineInput): EngineInput {
  const initiatives = input.plan.initiatives.map((i, n) => ({
    ...i,
    budget: { '2026-Q4': { plan: 10_000 * (n + 1) } },
  }));
  return { ...input, plan: { ...input.plan, initiatives } };
}

/** Everything a scenario result can list, read from a state: to compare predicted with fresh. */
function figures(state: DerivedState, plan: Plan): unknown {
  const levelled = new Map(state.capacity.milestones.map((m) => [m.id, m.levelledDate]));
  return {
    milestones: [...state.milestones.values()].map((m) => [
      m.id,
      m.plannedDate,
      m.forecastDate,
      m.slipWorkingDays,
      levelled.get(m.id) ?? m.forecastDate,
    ]),
    kpis: [...state.kpis.values()].map((k) => [
      k.id,
      k.periods.map((p) => [p.period, p.target, p.forecast, p.gap]),
    ]),
    budget: plan.initiatives.map((i) => [i.id, i.budget]),
    units: state.capacity.units,
    overAllocations: state.capacity.overAllocations.map((o) => [o.id, o.weeks]),
    signals: state.signals.map((s) => s.id),
  };
}

describe('priceScenario (property)', () => {
  it(
    'a scenario with no changes prices to the current state: no differences',
    { timeout: 300_000 },
    () => {
      fc.assert(
        fc.property(engineInputArb, (generated) => {
          const input = withBudgets(generated);
          const { result, plan } = priceScenarioWithPlan(input, []);
          expect(plan).toEqual(input.plan);
          expect(result.milestones).toEqual([]);
          expect(result.kpis).toEqual([]);
          expect(result.budget).toEqual([]);
          expect(result.capacity).toEqual([]);
          expect(result.roi).toEqual([]);
          expect(result.signals).toEqual({ raised: [], resolved: [] });
          expect(result.totals.budgetPlan.after).toBe(result.totals.budgetPlan.before);
          expect(result.totals.moneyAtStake.againstTarget.after).toBe(
            result.totals.moneyAtStake.againstTarget.before,
          );
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
  );

  it(
    'applying the changes and computing from scratch gives exactly what was priced; bad ones are refused with their place',
    { timeout: 300_000 },
    () => {
      fc.assert(
        fc.property(engineInputArb, fc.array(changeSpec, { maxLength: 4 }), (generated, specs) => {
          const input = withBudgets(generated);
          const changes = specs.flatMap((spec) => changeOf(spec, input) ?? []);
          const frozen = JSON.stringify(input.plan);
          let priced;
          try {
            priced = priceScenarioWithPlan(input, changes);
          } catch (error) {
            // A refusal names a change (or the changes) and leaves the plan as it was.
            expect(error).toBeInstanceOf(DomainError);
            for (const problem of (error as DomainError).problems) {
              expect(problem.code.startsWith('scenario.')).toBe(true);
              expect(problem.path).toMatch(/^\$\.changes(\[\d+\])?/);
            }
            expect(JSON.stringify(input.plan)).toBe(frozen);
            return;
          }
          expect(JSON.stringify(input.plan)).toBe(frozen);
          const fresh = computeState({ ...input, plan: priced.plan });
          expect(figures(priced.state, priced.plan)).toEqual(figures(fresh, priced.plan));
          // Every listed difference's "after" is the fresh state's figure.
          for (const m of priced.result.milestones) {
            const now = fresh.milestones.get(m.id);
            expect(m.forecastDate.after).toBe(now?.forecastDate ?? null);
            expect(m.plannedDate.after).toBe(now?.plannedDate ?? null);
          }
          for (const k of priced.result.kpis) {
            const period = fresh.kpis.get(k.kpi)?.periods.find((p) => p.period === k.period);
            expect(k.forecast.after).toBe(period?.forecast ?? null);
          }
          // Every milestone not listed is as it was.
          const listed = new Set(priced.result.milestones.map((m) => m.id));
          const before = computeState(input);
          for (const m of fresh.milestones.values())
            if (!listed.has(m.id))
              expect(m.forecastDate).toBe(before.milestones.get(m.id)!.forecastDate);
          const signals = new Set(fresh.signals.map((s) => s.id));
          for (const s of priced.result.signals.raised) expect(signals.has(s.id)).toBe(true);
          for (const s of priced.result.signals.resolved) expect(signals.has(s.id)).toBe(false);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
  );
});
