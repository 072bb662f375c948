import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LinkType } from './critical-path.ts';
import {
  checkLevelledSchedule,
  criticalPathLength,
  levelResources,
  type LevellingProblem,
} from './resource-levelling.ts';

const team = (capacity: number) => [{ id: 'IT', capacity }];

describe('levelling', () => {
  it('runs two jobs one after the other when the team can only do one', () => {
    const problem: LevellingProblem = {
      activities: [
        { id: 'A', duration: 3, demands: [1] },
        { id: 'B', duration: 2, demands: [1] },
      ],
      links: [],
      resources: team(1),
    };
    const levelled = levelResources(problem, { seed: 1 });
    expect(levelled.makespan).toBe(5);
    expect(levelled.criticalPathLength).toBe(3);
    expect(levelled.lowerBound).toBe(5);
    expect(checkLevelledSchedule(problem, levelled.starts)).toEqual([]);
  });

  it('keeps start-to-start and finish-to-finish links with lags', () => {
    const problem: LevellingProblem = {
      activities: [
        { id: 'A', duration: 4, demands: [1] },
        { id: 'B', duration: 2, demands: [1] },
        { id: 'C', duration: 1, demands: [2] },
      ],
      links: [
        { predecessor: 'A', successor: 'B', type: 'SS', lag: 1 },
        { predecessor: 'A', successor: 'C', type: 'FF', lag: 2 },
      ],
      resources: team(2),
    };
    const levelled = levelResources(problem, { seed: 5 });
    expect(checkLevelledSchedule(problem, levelled.starts)).toEqual([]);
    expect(levelled.makespan).toBe(6);
  });

  it('finds the optimum of a small puzzle, checked by brute force', () => {
    const problem: LevellingProblem = {
      activities: [
        { id: 'A', duration: 4, demands: [2] },
        { id: 'B', duration: 4, demands: [1] },
        { id: 'C', duration: 2, demands: [2] },
        { id: 'D', duration: 2, demands: [1] },
        { id: 'E', duration: 2, demands: [1] },
      ],
      links: [{ predecessor: 'C', successor: 'E' }],
      resources: team(3),
    };
    // Every start vector within 8 periods: the shortest feasible one is the optimum.
    let optimum = Infinity;
    const starts = [0, 0, 0, 0, 0];
    const search = (j: number): void => {
      if (j === starts.length) {
        const span = Math.max(...starts.map((s, k) => s + problem.activities[k]!.duration));
        if (span < optimum && checkLevelledSchedule(problem, starts).length === 0) optimum = span;
        return;
      }
      for (let t = 0; t < 8; t += 1) {
        starts[j] = t;
        search(j + 1);
      }
    };
    search(0);
    const levelled = levelResources(problem, { seed: 11, iterations: 200 });
    expect(levelled.lowerBound).toBe(7);
    expect(levelled.makespan).toBe(optimum);
    expect(checkLevelledSchedule(problem, levelled.starts)).toEqual([]);
  });

  it('refuses a job that needs more than the team has', () => {
    expect(() =>
      levelResources(
        { activities: [{ id: 'A', duration: 1, demands: [3] }], links: [], resources: team(2) },
        { seed: 1 },
      ),
    ).toThrow('A needs 3 of IT but only 2 exist: it can never run');
  });

  it('refuses a cycle', () => {
    expect(() =>
      levelResources(
        {
          activities: [
            { id: 'A', duration: 1, demands: [0] },
            { id: 'B', duration: 1, demands: [0] },
          ],
          links: [
            { predecessor: 'A', successor: 'B' },
            { predecessor: 'B', successor: 'A' },
          ],
          resources: team(1),
        },
        { seed: 1 },
      ),
    ).toThrow(/dependency cycle among A, B/);
  });
});

describe('the feasibility check', () => {
  const problem: LevellingProblem = {
    activities: [
      { id: 'A', duration: 2, demands: [1] },
      { id: 'B', duration: 2, demands: [1] },
    ],
    links: [{ predecessor: 'A', successor: 'B', type: 'FS', lag: 1 }],
    resources: team(1),
  };

  it('reports a broken link and an over-used period', () => {
    expect(checkLevelledSchedule(problem, [0, 1])).toEqual([
      'A → B (FS, lag 1) is broken',
      'IT is used 2 of 1 in period 1',
    ]);
    expect(checkLevelledSchedule(problem, [0, 3])).toEqual([]);
  });
});

describe('any small problem', () => {
  const problems = fc
    .integer({ min: 1, max: 9 })
    .chain((n) =>
      fc.record({
        capacities: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 2 }),
        jobs: fc.array(
          fc.record({
            duration: fc.integer({ min: 0, max: 5 }),
            demands: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 2 }),
          }),
          { minLength: n, maxLength: n },
        ),
        links: fc.array(
          fc.record({
            a: fc.integer({ min: 0, max: n - 1 }),
            b: fc.integer({ min: 0, max: n - 1 }),
            type: fc.constantFrom<LinkType>('FS', 'SS', 'FF', 'SF'),
            lag: fc.integer({ min: -2, max: 3 }),
          }),
          { maxLength: n },
        ),
      }),
    )
    .map(({ capacities, jobs, links }): LevellingProblem => ({
      resources: capacities.map((capacity, k) => ({ id: `R${k + 1}`, capacity })),
      activities: jobs.map((job, j) => ({
        id: `a${j}`,
        duration: job.duration,
        demands: job.demands.map((d, k) => Math.min(d, capacities[k]!)),
      })),
      links: links
        .filter(({ a, b }) => a !== b)
        .map(({ a, b, type, lag }) => ({
          predecessor: `a${Math.min(a, b)}`,
          successor: `a${Math.max(a, b)}`,
          type,
          lag,
        })),
    }));

  it('levels to a feasible schedule no shorter than its bounds, the same for the same seed', () => {
    fc.assert(
      fc.property(problems, fc.integer({ min: 0, max: 1000 }), (problem, seed) => {
        const levelled = levelResources(problem, { seed, iterations: 30 });
        expect(checkLevelledSchedule(problem, levelled.starts)).toEqual([]);
        expect(levelled.makespan).toBeGreaterThanOrEqual(levelled.lowerBound);
        expect(levelled.lowerBound).toBeGreaterThanOrEqual(levelled.criticalPathLength);
        expect(levelResources(problem, { seed, iterations: 30 })).toEqual(levelled);
      }),
      { numRuns: 300 },
    );
  });

  it('with capacity to spare, the levelled schedule is the critical path', () => {
    fc.assert(
      fc.property(problems, (problem) => {
        const roomy = {
          ...problem,
          resources: problem.resources.map((r) => ({ ...r, capacity: 100 })),
        };
        expect(levelResources(roomy, { seed: 1, iterations: 5 }).makespan).toBe(
          criticalPathLength(roomy),
        );
      }),
      { numRuns: 200 },
    );
  });
});
