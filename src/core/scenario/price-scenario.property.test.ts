import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineInputArb } from '../../../test/support/engine-arbitraries.ts';
import { changeOf, changeSpec, withBudgets } from '../../../test/support/scenario-changes.ts';
import type { Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import { computeState } from '../engine/compute-state.ts';
import { DomainError } from '../errors.ts';
import { priceScenarioWithPlan } from './price-scenario.ts';

/** Runs and seed: fixed, so that a failure replays; FC_RUNS / FC_SEED widen a local search. */
const RUNS = Number(process.env['FC_RUNS'] ?? 100);
const SEED = Number(process.env['FC_SEED'] ?? 20_260_915);

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
