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
import { createEngine, type EngineInput } from './engine.ts';
import type { TeamHistory } from './probabilistic-forecast.ts';

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
          const full = computeState({
            plan: input.plan,
            workItems: items,
            changes,
            asOf: input.asOf,
          });
          expect(plainState(engine.state)).toEqual(plainState(full));
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});

/** Teams' history for the work of random plans: some teams rich in history, some too thin. */
const historyArb = fc.array(
  fc.record({
    completed: fc.integer({ min: 0, max: 40 }),
    cycle: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 12 }),
    weekly: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }),
  }),
  { minLength: 12, maxLength: 12 },
);

describe('createEngine (property): with Monte Carlo dates and P85 slip signals', () => {
  it('after every event, equal to a full recompute', { timeout: 300_000 }, () => {
    fc.assert(
      fc.property(engineInputArb, eventsArb, historyArb, fc.nat(), (base, events, teams, seed) => {
        const history: Record<string, TeamHistory> = {};
        teams.forEach((team, m) => {
          history[`W-${m}`] = {
            cycleTimes: team.cycle,
            weeklyThroughput: team.weekly,
            completed: team.completed,
          };
        });
        history['N'] = { cycleTimes: [3, 5], weeklyThroughput: [2, 3], completed: 12 };
        const input: EngineInput = {
          ...base,
          forecasting: {
            slipBasis: 'p85',
            probabilistic: {
              history: { teams: history, inProgressSince: {} },
              seed,
              trials: 40,
            },
          },
        };
        const engine = createEngine(input);
        const items: WorkItem[] = [...input.workItems];
        const changes: Record<string, WorkItemChange> = { ...input.changes };
        for (const spec of events) {
          const event = eventOf(spec, items, input.plan);
          engine.apply(event);
          applyToInput(items, changes, event);
          readAll(engine.state);
          const full = computeState({ ...input, workItems: items, changes });
          expect(plainState(engine.state)).toEqual(plainState(full));
        }
      }),
      { numRuns: Math.ceil(RUNS / 3), seed: SEED },
    );
  });
});
