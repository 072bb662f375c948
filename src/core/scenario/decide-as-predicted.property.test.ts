import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineInputArb } from '../../../test/support/engine-arbitraries.ts';
import { changeOf, changeSpec, withBudgets } from '../../../test/support/scenario-changes.ts';
import type { Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import { computeState } from '../engine/compute-state.ts';
import type { EngineInput } from '../engine/engine.ts';
import { DomainError } from '../errors.ts';
import { assemblePlan, diffPlans, planEntities, type PlanEntity } from '../plan/diff-plan.ts';
import { validatePlan } from '../plan/validate-plan.ts';
import { applyScenario } from './apply-scenario.ts';
import { priceScenarioWithPlan, type ScenarioResult } from './price-scenario.ts';

/**
 * A decision's option predicts a state; deciding must then give exactly that state. Deciding
 * (src/app/decisions.ts) prices the option against the stored plan, applies its changes
 * (`applyScenario`), refuses a plan `validatePlan` refuses, writes the plan's entity changes
 * (`diffPlans`) to the store and derives the state again from the plan the store gives back. Here
 * the store is a map of entities as JSON, as the database keeps them; everything else is the
 * same code. The state after deciding is compared, figure by figure, with the current state
 * overlaid with what the priced result lists: milestone dates, KPI forecasts per period, budget
 * lines, capacity per unit, signals and totals.
 */

const RUNS = Number(process.env['FC_RUNS'] ?? 100);
const SEED = Number(process.env['FC_SEED'] ?? 20_260_916);

/** The store: entities by collection and id, kept as JSON text. */
type Store = Map<string, string>;

const keyOf = (e: { collection: string; id: string }): string => `${e.collection}\u0000${e.id}`;

function storePlan(plan: Plan): Store {
  return new Map(planEntities(plan).map((e) => [keyOf(e), JSON.stringify(e)]));
}

function loadPlan(store: Store): Plan {
  const entities = [...store.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, json]) => JSON.parse(json) as PlanEntity);
  return assemblePlan(entities)!;
}

/** What `writePlanChanges` does to the stored entities. */
function writePlanChanges(store: Store, before: Plan, after: Plan): Store {
  const next = new Map(store);
  for (const change of diffPlans(before, after)) {
    if (change.action === 'removed') next.delete(keyOf(change));
    else
      next.set(
        keyOf(change),
        JSON.stringify({ collection: change.collection, id: change.id, data: change.after }),
      );
  }
  return next;
}

interface Figures {
  milestones: Map<string, [string, string, number, string]>;
  kpis: Map<string, [number | null, number, number | null]>;
  budget: Map<string, number>;
  capacity: Map<string, [number | null, string[]]>;
  signals: Set<string>;
}

/** Every figure a priced result can list, read from a plan and its state. */
function figuresOf(plan: Plan, state: DerivedState): Figures {
  const levelled = new Map(state.capacity.milestones.map((m) => [m.id, m.levelledDate]));
  const capacity = new Map<string, [number | null, string[]]>();
  for (const unit of state.capacity.units) {
    let peak: number | null = null;
    for (const week of unit.weeks)
      if (week.capacity !== null && week.capacity > 0)
        peak = Math.max(peak ?? 0, Math.round((week.load / week.capacity) * 100));
    capacity.set(unit.unit, [peak, []]);
  }
  for (const over of state.capacity.overAllocations) {
    const entry = capacity.get(over.unit) ?? [null, []];
    capacity.set(over.unit, entry);
    entry[1].push(...over.weeks);
  }
  return {
    milestones: new Map(
      [...state.milestones.values()].map((m) => [
        m.id,
        [m.plannedDate, m.forecastDate, m.slipWorkingDays, levelled.get(m.id) ?? m.forecastDate],
      ]),
    ),
    kpis: new Map(
      [...state.kpis.values()].flatMap((k) =>
        k.periods.map((p) => [`${k.id} ${p.period}`, [p.target, p.forecast, p.gap]] as const),
      ),
    ),
    budget: new Map(
      plan.initiatives.flatMap((i) =>
        Object.entries(i.budget).map(([period, line]) => [`${i.id} ${period}`, line.plan] as const),
      ),
    ),
    capacity,
    signals: new Set(state.signals.map((s) => s.id)),
  };
}

/** The current figures with the result's differences laid over them: what the option predicts. */
function predicted(now: Figures, result: ScenarioResult): Figures {
  const milestones = new Map(now.milestones);
  for (const m of result.milestones) {
    if (m.forecastDate.after === null) milestones.delete(m.id);
    else
      milestones.set(m.id, [
        m.plannedDate.after!,
        m.forecastDate.after,
        m.slipWorkingDays.after!,
        m.levelledDate.after!,
      ]);
  }
  const kpis = new Map(now.kpis);
  for (const k of result.kpis) {
    const key = `${k.kpi} ${k.period}`;
    if (k.forecast.after === null) kpis.delete(key);
    else kpis.set(key, [k.target.after, k.forecast.after, k.gap.after]);
  }
  const budget = new Map(now.budget);
  for (const b of result.budget) budget.set(`${b.initiative} ${b.period}`, b.plan.after);
  const capacity = new Map(now.capacity);
  for (const c of result.capacity)
    capacity.set(c.unit, [c.peakPercent.after, c.overAllocatedWeeks.after]);
  const signals = new Set(now.signals);
  for (const s of result.signals.resolved) signals.delete(s.id);
  for (const s of result.signals.raised) signals.add(s.id);
  return { milestones, kpis, budget, capacity, signals };
}

/** Budget lines at 0 are no lines: the result lists a removed line as 0. */
function withoutEmptyLines(figures: Figures): Figures {
  return {
    ...figures,
    budget: new Map([...figures.budget].filter(([, plan]) => plan !== 0)),
    capacity: new Map(
      [...figures.capacity].filter(([, [peak, weeks]]) => peak !== null || weeks.length > 0),
    ),
  };
}

/** The generated input as deciding sees it: its plan as the store gives it back. */
function stored(generated: EngineInput): { input: EngineInput; store: Store } {
  const store = storePlan(withBudgets(generated).plan);
  return { input: { ...generated, plan: loadPlan(store) }, store };
}

describe('deciding gives the state the option predicted (property)', () => {
  it(
    'a scenario with no changes is the current state: no plan change to write, every figure the same',
    { timeout: 300_000 },
    () => {
      fc.assert(
        fc.property(engineInputArb, (generated) => {
          const { input } = stored(generated);
          const current = computeState(input);
          const { plan, state, result } = priceScenarioWithPlan(input, [], current);
          expect(diffPlans(input.plan, plan)).toEqual([]);
          expect(figuresOf(plan, state)).toEqual(figuresOf(input.plan, current));
          expect(predicted(figuresOf(input.plan, current), result)).toEqual(
            figuresOf(input.plan, current),
          );
          const { totals } = result;
          expect(totals.milestonesChanged).toBe(0);
          expect(totals.scenarioCost).toBe(0);
          for (const pair of [
            totals.budgetPlan,
            totals.moneyAtStake.againstTarget,
            totals.moneyAtStake.againstPlan,
            totals.moneyLaterByCapacity,
            totals.signals,
          ])
            expect(pair.after).toBe(pair.before);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    },
  );

  it(
    'applying the option as deciding does, through the store, gives exactly the priced figures',
    { timeout: 600_000 },
    () => {
      let decided = 0;
      fc.assert(
        fc.property(
          engineInputArb,
          fc.array(changeSpec, { minLength: 1, maxLength: 4 }),
          (generated, specs) => {
            const { input, store } = stored(generated);
            const changes = specs.flatMap((spec) => changeOf(spec, input) ?? []);
            const current = computeState(input);
            // The option as priced when added: what the decision predicts.
            let result: ScenarioResult;
            try {
              result = priceScenarioWithPlan(input, changes, current).result;
            } catch (error) {
              if (error instanceof DomainError) return; // refused: no option to decide
              throw error;
            }
            // Deciding: apply to the stored plan, refuse what the plan validation refuses.
            const applied = applyScenario(input.plan, current, changes);
            if (validatePlan(applied).length > 0) return; // deciding refuses it, nothing applied
            const reloaded = loadPlan(writePlanChanges(store, input.plan, applied));
            const after = computeState({ ...input, plan: reloaded });
            decided += 1;

            const now = figuresOf(input.plan, current);
            const actual = figuresOf(reloaded, after);
            expect(withoutEmptyLines(actual)).toEqual(withoutEmptyLines(predicted(now, result)));
            // Totals say the same of the whole portfolio.
            let budget = 0;
            for (const plan of actual.budget.values()) budget += plan;
            expect(result.totals.budgetPlan.after).toBeCloseTo(budget, 6);
            expect(result.totals.signals.after).toBe(after.signals.length);
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
      // The property must have been exercised, not skipped run after run.
      expect(decided).toBeGreaterThan(RUNS / 4);
    },
  );
});
