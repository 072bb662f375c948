import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scheduleCriticalPath } from '../../core/schedule/critical-path.ts';
import { checkLevelledSchedule, levelResources } from '../../core/schedule/resource-levelling.ts';
import {
  levellingProblemFromPsplib,
  normalizePsplibSm,
  scheduleInputFromPsplib,
  type PsplibInstance,
} from './psplib-sm.ts';

/**
 * The oracle: PSPLIB (Kolisch & Sprecher, EJOR 96, 1996), all 480 j30 instances and a few
 * larger ones, from test/fixtures/reference/scheduling/psplib/. Each file states its critical-path
 * length (MPM-Time); levelled schedules are checked period by period.
 */
const PSPLIB = new URL('../../../test/fixtures/reference/scheduling/psplib/', import.meta.url);

function read(set: string, name: string): PsplibInstance {
  return normalizePsplibSm(readFileSync(new URL(`${set}/${name}`, PSPLIB), 'utf8'), name);
}

function instanceNames(set: string): string[] {
  return readdirSync(new URL(`${set}/`, PSPLIB))
    .filter((name) => name.endsWith('.sm'))
    .sort();
}

const j30 = instanceNames('j30').map((name) => read('j30', name));

describe('PSPLIB j30', () => {
  it('holds all 480 instances', () => {
    expect(j30).toHaveLength(480);
  });

  it("our critical-path length equals each file's MPM-Time, for all 480", () => {
    const wrong: string[] = [];
    for (const instance of j30) {
      const schedule = scheduleCriticalPath(scheduleInputFromPsplib(instance));
      if (schedule.finish !== instance.mpmTime)
        wrong.push(`${instance.file}: ${schedule.finish} vs MPM-Time ${instance.mpmTime}`);
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with the saved critical-path lengths and optima', () => {
    const rows = readFileSync(new URL('expected_saved_instances.csv', PSPLIB), 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(','));
    expect(rows.length).toBeGreaterThan(10);
    for (const [name, set, cpm, optimum] of rows) {
      const instance = read(set!, name!);
      const schedule = scheduleCriticalPath(scheduleInputFromPsplib(instance));
      expect(schedule.finish, name).toBe(Number(cpm));
      const levelled = levelResources(levellingProblemFromPsplib(instance), {
        seed: 7,
        iterations: 200,
      });
      // Never below the proven optimum (or the lower bound of an open instance).
      expect(levelled.makespan, name).toBeGreaterThanOrEqual(Number(optimum!.split('..')[0]));
    }
  });

  it('every levelled schedule is feasible: precedence and capacity in every period, for all 480', () => {
    const broken: string[] = [];
    let total = 0;
    for (const instance of j30) {
      const problem = levellingProblemFromPsplib(instance);
      const levelled = levelResources(problem, { seed: 1, iterations: 100 });
      const problems = checkLevelledSchedule(problem, levelled.starts);
      if (problems.length > 0) broken.push(`${instance.file}: ${problems.join('; ')}`);
      expect(levelled.makespan).toBeGreaterThanOrEqual(levelled.lowerBound);
      expect(levelled.lowerBound).toBeGreaterThanOrEqual(instance.mpmTime!);
      total += levelled.makespan;
    }
    expect(broken).toEqual([]);
    expect(total).toBeGreaterThan(0);
  });

  it('the same seed gives the same schedule', () => {
    const problem = levellingProblemFromPsplib(j30[0]!);
    const a = levelResources(problem, { seed: 42, iterations: 50 });
    const b = levelResources(problem, { seed: 42, iterations: 50 });
    expect(b).toEqual(a);
  });
});

describe('PSPLIB j60 and j120', () => {
  for (const set of ['j60', 'j120']) {
    for (const name of instanceNames(set)) {
      it(`${name}: critical path equals MPM-Time and the levelled schedule is feasible`, () => {
        const instance = read(set, name);
        expect(scheduleCriticalPath(scheduleInputFromPsplib(instance)).finish).toBe(
          instance.mpmTime,
        );
        const problem = levellingProblemFromPsplib(instance);
        const levelled = levelResources(problem, { seed: 3, iterations: 100 });
        expect(checkLevelledSchedule(problem, levelled.starts)).toEqual([]);
      });
    }
  }
});

describe('PSPLIB j60 and j120 against the best known makespans', () => {
  /** Proven optimum, or the best known upper bound where the file gives `LB..UB`. */
  function bestKnown(set: string): Map<string, { lower: number; upper: number }> {
    const text = readFileSync(new URL(`optimum/${set}_optimum.csv`, PSPLIB), 'utf8');
    return new Map(
      text
        .trim()
        .split(/\r?\n/)
        .slice(1)
        .map((line) => {
          const [name, value] = line.split(',');
          const bounds = value!.split('..').map(Number);
          return [name!, { lower: bounds[0]!, upper: bounds.at(-1)! }] as const;
        }),
    );
  }

  // The default budget and seed, as the CLI and bench/psplib.ts level them.
  for (const [set, limit] of [
    ['j60', 1],
    ['j120', 2.5],
  ] as const) {
    it(`${set}: feasible, never below the lower bound, mean deviation under ${limit}%`, () => {
      const best = bestKnown(set);
      const deviations: number[] = [];
      for (const name of instanceNames(set)) {
        const problem = levellingProblemFromPsplib(read(set, name));
        const levelled = levelResources(problem, { seed: 1 });
        expect(checkLevelledSchedule(problem, levelled.starts), name).toEqual([]);
        const known = best.get(name)!;
        expect(levelled.makespan, name).toBeGreaterThanOrEqual(known.lower);
        deviations.push((100 * (levelled.makespan - known.upper)) / known.upper);
      }
      expect(deviations.length).toBeGreaterThan(20);
      const mean = deviations.reduce((sum, d) => sum + d, 0) / deviations.length;
      expect(mean).toBeLessThan(limit);
    });
  }
});

describe('reading .sm files', () => {
  const text = readFileSync(new URL('j30/j301_1.sm', PSPLIB), 'utf8');

  it('reads jobs, successors, demands and capacities', () => {
    const instance = normalizePsplibSm(text, 'j301_1.sm');
    expect(instance.jobs).toHaveLength(32);
    expect(instance.jobs[1]).toEqual({
      id: '2',
      duration: 8,
      demands: [4, 0, 0, 0],
      successors: ['6', '11', '15'],
    });
    expect(instance.resources).toEqual([
      { id: 'R1', capacity: 12 },
      { id: 'R2', capacity: 13 },
      { id: 'R3', capacity: 4 },
      { id: 'R4', capacity: 12 },
    ]);
    expect(instance.mpmTime).toBe(38);
  });

  it('names the line of a broken row', () => {
    const broken = text.replace(
      '  2        1          3           6  11  15',
      '  2        1          3           6  11',
    );
    expect(() => normalizePsplibSm(broken, 'broken.sm')).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            code: 'file.parse',
            file: 'broken.sm',
            line: 20,
            message: 'job 2 announces 3 successors but lists 2',
          }),
        ],
      }),
    );
  });

  it('refuses a file that is not PSPLIB', () => {
    expect(() => normalizePsplibSm('hello', 'x.sm')).toThrow(/PRECEDENCE RELATIONS/);
  });
});
