import fc from 'fast-check';
import type { ScenarioChange } from '../../src/core/scenario/scenario.ts';
import type { EngineInput } from '../../src/core/engine/engine.ts';

/**
 * Scenario changes for the property tests, drawn against a generated plan: every lever, now and
 * then naming an entity that does not exist.
 */

/** A change drawn against the plan: `pick` chooses the entity, `shift` a number of days. */
export const changeSpec = fc.record({
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

export type ChangeSpec = typeof changeSpec extends fc.Arbitrary<infer S> ? S : never;

/** The change a spec draws against the plan; null where the plan has nothing to draw. */
export function changeOf(spec: ChangeSpec, input: EngineInput): ScenarioChange | null {
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
export function withBudgets(input: EngineInput): EngineInput {
  const initiatives = input.plan.initiatives.map((i, n) => ({
    ...i,
    budget: { '2026-Q4': { plan: 10_000 * (n + 1) } },
  }));
  return { ...input, plan: { ...input.plan, initiatives } };
}
