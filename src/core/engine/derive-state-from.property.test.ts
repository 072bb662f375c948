import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineInputArb, plainState } from '../../../test/support/engine-arbitraries.ts';
import type { Milestone, Plan } from '../domain/plan.ts';
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
  kind: fc.constantFrom('drop', 'move', 'swap_work', 'new_epic', 'reverse', 'copy_work'),
  pick: fc.nat(),
  other: fc.nat(),
});

type EditSpec = typeof editSpec extends fc.Arbitrary<infer S> ? S : never;

function edit(plan: Plan, spec: EditSpec): Plan {
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
          const derived = deriveStateFrom({ ...input, plan }, base);
          expect(plainState(derived)).toEqual(plainState(computeState({ ...input, plan })));
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
