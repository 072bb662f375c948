import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyToInput,
  engineInputArb,
  eventOf,
  eventsArb,
  plainState,
  readAll,
} from '../../../test/support/engine-arbitraries.ts';
import type { WorkItem, WorkItemChange } from '../domain/work-item.ts';
import { computeState } from './compute-state.ts';
import { createEngine } from './engine.ts';

/** Runs and seed: fixed, so that a failure replays; FC_SEED / FC_RUNS widen a local search. */
const RUNS = Number(process.env['FC_RUNS'] ?? 300);
const SEED = Number(process.env['FC_SEED'] ?? 20_260_914);

describe('createEngine (property): incremental equals full recompute', () => {
  it('after every event of a random sequence, on random plans', { timeout: 300_000 }, () => {
    fc.assert(
      fc.property(engineInputArb, eventsArb, (input, events) => {
        const engine = createEngine(input);
        const items: WorkItem[] = [...input.workItems];
        const changes: Record<string, WorkItemChange> = { ...input.changes };
        expect(plainState(engine.state)).toEqual(plainState(computeState(input)));
        for (const spec of events) {
          const event = eventOf(spec, items, input.plan);
          engine.apply(event);
          applyToInput(items, changes, event);
          // Reading everything fills the engine's made entries: a stale one would show next time.
          readAll(engine.state);
          const full = computeState({ plan: input.plan, workItems: items, changes, asOf: input.asOf });
          expect(plainState(engine.state)).toEqual(plainState(full));
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
