import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineInputArb, plainState } from '../../../test/support/engine-arbitraries.ts';
import type { Milestone, Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import { DomainError } from '../errors.ts';
import { computeState } from './compute-state.ts';
import { createEngine, deriveStateFrom, type EngineInput } from './engine.ts';

/**
 * `deriveStateFrom` shares what a base state computed from the same work items (their forecasts,
 * the epics' children, the work of each milestone whose work it already knew): the state of any
 * other plan over those items must be exactly a full recompute's.
 */

const RUNS = Number(process.env['FC_RUNS'] ?? 150);
const SEED = Number(process.env['FC_SEED'] ?? 20_261_206);

/** Ways to make another plan of the same portfolio. */
const editSpec = fc.record({
  kind: fc.constantFrom(
    'drop',
    'move',
    'swap_work',
    'new_epic',
    'reverse',
    'copy_work',
    'capacity',
    'drop_demand',
    'demand_after',
    'demand_unit',
    'demand_size',
  ),
  pick: fc.nat(),
  other: fc.nat(),
});

type EditSpec = typeof editSpec extends fc.Arbitrary<infer S> ? S : never;

function edit(plan: Plan, spec: EditSpec): Plan {
  if (spec.kind === 'capacity') {
    const units = [...plan.units];
    const u = spec.pick % units.length;
    const periods: Record<string, number> =
      spec.other % 3 === 0 ? {} : { '2026-10': spec.other % 9, '2027-Q1': 1 };
    units[u] = { ...units[u]!, capacity: { perWeek: spec.other % 7, periods } };
    return { ...plan, units };
  }
  if (spec.kind.startsWith('drop_demand') || spec.kind.startsWith('demand_')) {
    const demands = [...plan.demands];
    if (demands.length === 0) return plan;
    const d = spec.pick % demands.length;
    const other = demands[spec.other % demands.length]!;
    const demand = demands[d]!;
    if (spec.kind === 'drop_demand') demands.splice(d, 1);
    // A wait across units joins them in one group; a ring of waits is levelled as it comes.
    else if (spec.kind === 'demand_after')
      demands[d] = { ...demand, after: [...(demand.after ?? []), other.id] };
    else if (spec.kind === 'demand_unit') demands[d] = { ...demand, unit: other.unit };
    else demands[d] = { ...demand, perWeek: (spec.other % 6) + 1 };
    return { ...plan, demands };
  }
  const milestones: Milestone[] = [...plan.milestones];
  if (milestones.length === 0) return plan;
  const m = spec.pick % milestones.length;
  const o = spec.other % milestones.length;
  switch (spec.kind) {
    case 'drop':
      milestones.splice(m, 1);
      break;
    case 'move':
      milestones[m] = { ...milestones[m]!, plannedDate: milestones[o]!.plannedDate };
      break;
    case 'swap_work':
      [milestones[m], milestones[o]] = [
        { ...milestones[m]!, work: milestones[o]!.work },
        { ...milestones[o]!, work: milestones[m]!.work },
      ];
      break;
    case 'copy_work':
      // Equal work, another object: the row is made again, the same.
      milestones[m] = {
        ...milestones[m]!,
        work: { keys: [...milestones[m]!.work.keys], epics: [...milestones[m]!.work.epics] },
      };
      break;
    case 'new_epic':
      milestones[m] = {
        ...milestones[m]!,
        work: { ...milestones[m]!.work, epics: [...milestones[m]!.work.epics, `EPIC-NEW-${o}`] },
      };
      break;
    case 'reverse':
      milestones.reverse();
      break;
  }
  return { ...plan, milestones };
}

/** The state as plain JSON, or the domain error that refused it (a ring of demand waits). */
function outcome(derive: () => DerivedState): unknown {
  try {
    return plainState(derive());
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { refused: error.problems };
  }
}

describe('deriveStateFrom (property)', () => {
  it('another plan over the same work derives exactly what a full recompute does', () => {
    fc.assert(
      fc.property(
        engineInputArb,
        fc.array(editSpec, { maxLength: 4 }),
        fc.boolean(),
        (input: EngineInput, edits, follows) => {
          const plan = edits.reduce(edit, input.plan);
          const base = follows ? createEngine(input).state : computeState(input);
          expect(outcome(() => deriveStateFrom({ ...input, plan }, base))).toEqual(
            outcome(() => computeState({ ...input, plan })),
          );
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('a plan of another portfolio over the same work items: the same as a full recompute', () => {
    fc.assert(
      fc.property(engineInputArb, engineInputArb, (input, other) => {
        const derived = deriveStateFrom({ ...input, plan: other.plan }, computeState(input));
        expect(plainState(derived)).toEqual(
          plainState(computeState({ ...input, plan: other.plan })),
        );
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('other work items or another day: nothing is shared, the same as a full recompute', () => {
    fc.assert(
      fc.property(engineInputArb, fc.integer({ min: -3, max: 3 }), (input, days) => {
        const base = computeState(input);
        const asOf = new Date(Date.parse(`${input.asOf}T00:00:00Z`) + days * 86_400_000)
          .toISOString()
          .slice(0, 10);
        const later = { ...input, asOf, workItems: [...input.workItems] };
        expect(plainState(deriveStateFrom(later, base))).toEqual(plainState(computeState(later)));
      }),
      { numRuns: 50, seed: SEED },
    );
  });
});
