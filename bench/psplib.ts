/**
 * Resource levelling against PSPLIB (Kolisch & Sprecher 1996; 4 renewable resources): levels
 * every instance of the j30, j60 and j120 sets held in the fixtures (all 480 j30 instances, a
 * fixed sample of j60 and j120) and compares each makespan with the proven optimum (j30) or the
 * best known upper bound (j60, j120). Per set: the mean and maximum deviation, the instances at
 * the best known, and the time per instance (wall and CPU; mean and max).
 *
 *   node --import tsx bench/psplib.ts [--sets j30,j60,j120] [--iterations N] [--seed 1] [--check]
 *
 * `--iterations` is the schedule budget per instance (default `DEFAULT_SCHEDULES`).
 * Data: test/fixtures/reference/scheduling/psplib/ (PSPLIB, copied from ptal/kobe-scheduling).
 * Numbers, not assertions: this is not a test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  levellingProblemFromPsplib,
  normalizePsplibSm,
} from '../src/connectors/psplib/psplib-sm.ts';
import {
  DEFAULT_SCHEDULES,
  checkLevelledSchedule,
  levelResources,
} from '../src/core/schedule/resource-levelling.ts';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: String(DEFAULT_SCHEDULES) },
    seed: { type: 'string', default: '1' },
    sets: { type: 'string', default: 'j30,j60,j120' },
    set: { type: 'string' },
    check: { type: 'boolean', default: false },
  },
});
const ITERATIONS = Number(args.iterations);
const SEED = Number(args.seed);
const SETS = (args.set ?? args.sets).split(',');

const root = new URL('../test/fixtures/reference/scheduling/psplib/', import.meta.url);
function benchSet(SET: string): void {
  const optimumText = readFileSync(new URL(`optimum/${SET}_optimum.csv`, root), 'utf8');
  /** Proven optimum, or the best known upper bound where the file gives `LB..UB`. */
  const optimum = new Map(
    optimumText
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => {
        const [name, value] = line.split(',');
        const bound = value!.includes('..') ? value!.split('..')[1]! : value!;
        return [name!, { value: Number(bound), proven: !value!.includes('..') }] as const;
      }),
  );
  const files = readdirSync(new URL(`${SET}/`, root))
    .filter((name) => name.endsWith('.sm'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

  // Parse first: the timing covers levelling only.
  const instances = files.map((name) => ({
    name,
    problem: levellingProblemFromPsplib(
      normalizePsplibSm(readFileSync(new URL(`${SET}/${name}`, root), 'utf8'), name),
    ),
  }));

  // Warm up the JIT on a few instances, as a long-running server would be.
  for (const { problem } of instances.slice(0, 20))
    levelResources(problem, { seed: SEED, iterations: ITERATIONS });

  const deviations: number[] = [];
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let atOptimum = 0;
  let infeasible = 0;
  let worst = { name: '', deviation: -1, makespan: 0, optimum: 0 };
  for (const { name, problem } of instances) {
    const best = optimum.get(name);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const levelled = levelResources(problem, { seed: SEED, iterations: ITERATIONS });
    times.push(performance.now() - started);
    const cpu = process.cpuUsage(cpuStarted);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    if (args.check && checkLevelledSchedule(problem, levelled.starts).length > 0) infeasible += 1;
    if (best === undefined) continue;
    const deviation = (100 * (levelled.makespan - best.value)) / best.value;
    deviations.push(deviation);
    if (levelled.makespan <= best.value) atOptimum += 1;
    if (deviation > worst.deviation)
      worst = { name, deviation, makespan: levelled.makespan, optimum: best.value };
  }

  const sorted = [...times].sort((a, b) => a - b);
  console.log('');
  console.log(
    `PSPLIB ${SET}: ${instances.length} instances, ${ITERATIONS} schedules at most, seed ${SEED}; load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `deviation from the best known: mean ${mean(deviations).toFixed(3)}%, max ${worst.deviation.toFixed(2)}% (${worst.name}: ${worst.makespan} vs ${worst.optimum})`,
  );
  console.log(`at the best known: ${atOptimum} of ${deviations.length}`);
  console.log(
    `time per instance: mean ${mean(times).toFixed(2)} ms, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms, max ${sorted[sorted.length - 1]!.toFixed(2)} ms; total ${(times.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s`,
  );
  console.log(
    `CPU time per instance: mean ${mean(cpuTimes).toFixed(2)} ms, max ${Math.max(...cpuTimes).toFixed(2)} ms (wall time above includes waiting for a busy machine)`,
  );
  if (args.check) console.log(`infeasible schedules: ${infeasible}`);
}

const mean = (list: readonly number[]): number =>
  list.reduce((sum, value) => sum + value, 0) / list.length;
console.log(
  `machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`,
);
for (const set of SETS) benchSet(set);
