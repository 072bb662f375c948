/**
 * Scenario benchmark: on the engine benchmark's portfolios (10,000 and 100,000 milestones, with
 * capacity and demands), times pricing one scenario of a few representative changes
 * (`priceScenario`: apply the changes, validate the resulting plan, derive the scenario's state
 * from the current one, compare) against a full recompute (`computeState`) in the same run, and
 * pricing the plain way (`priceScenarioInFull`: a full recompute of the scenario's plan, compared
 * through the readable entries). Each size runs in a child process of its own. Prints one JSON
 * line per size: p50/p95 wall time and the CPU time's p50 of each.
 *
 *   node --import tsx bench/scenario.ts
 *   node --import tsx bench/scenario.ts --sizes 10000 --runs 20 --demands 500
 *
 * Numbers, not assertions: this is not a test. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EngineInput } from '../src/core/engine/engine.ts';
import { computeState } from '../src/core/engine/compute-state.ts';
import { deriveStateFrom } from '../src/core/engine/engine.ts';
import { applyScenario } from '../src/core/scenario/apply-scenario.ts';
import { priceScenario, priceScenarioInFull } from '../src/core/scenario/price-scenario.ts';
import type { ScenarioChange } from '../src/core/scenario/scenario.ts';
import { validatePlan } from '../src/core/plan/validate-plan.ts';
import { generatePortfolio } from './engine-portfolio.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000' },
    runs: { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' },
    demands: { type: 'string', default: '500' },
    child: { type: 'string' },
    // For a CPU profile of pricing alone: `--child 10000 --only price` skips the other measures.
    only: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const SEED = Number(args.seed);
const DEMANDS = Number(args.demands);

const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Timing {
  /** Wall-clock milliseconds. */
  p50: number;
  p95: number;
  /** CPU milliseconds of this process (user + system): steadier than wall time on a busy machine. */
  cpuP50: number;
}

function time(run: () => void, warmups: number, runs: number): Timing {
  for (let w = 0; w < warmups; w += 1) run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    collect();
    const start = performance.now();
    const used = process.cpuUsage();
    run();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const round = (ms: number): number => Math.round(ms * 10) / 10;
  return {
    p50: round(percentile(wall, 50)),
    p95: round(percentile(wall, 95)),
    cpuP50: round(percentile(cpu, 50)),
  };
}

/**
 * The scenario: a slip accepted, a milestone moved, capacity added where a unit is most
 * over-allocated (with its cost), budget moved between two initiatives, a benefit descoped and
 * an initiative with demands stopped.
 */
function representativeChanges(input: EngineInput): ScenarioChange[] {
  const state = computeState(input);
  const slipped = [...state.milestones.values()].find((m) => m.slipWorkingDays > 0)!;
  const ahead = input.plan.milestones.find(
    (m) => m.plannedDate > input.asOf && m.id !== slipped.id,
  )!;
  const over = state.capacity.overAllocations[0]!;
  const month = state.capacity.units
    .find((u) => u.unit === over.unit)!
    .weeks.find((w) => w.week === over.weeks[0])!
    .monday.slice(0, 7);
  const [first, second] = input.plan.initiatives;
  const stopped = input.plan.demands.find(
    (d) => d.initiative !== first!.id && d.initiative !== second!.id,
  )!.initiative;
  const monthEnd = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0))
    .toISOString()
    .slice(0, 10);
  return [
    { kind: 'accept_slip', milestone: slipped.id },
    { kind: 'move_milestone', milestone: ahead.id, plannedDate: '2027-01-15' },
    {
      kind: 'add_capacity',
      unit: over.unit,
      perWeek: 10,
      from: `${month}-01`,
      to: monthEnd,
      cost: { amount: 80_000, period: month },
    },
    {
      kind: 'move_budget',
      from: { initiative: first!.id, period: '2026-Q4' },
      to: { initiative: second!.id, period: '2027-Q1' },
      amount: 50_000,
    },
    { kind: 'descope_benefit', benefit: input.plan.benefits[0]!.id },
    { kind: 'stop_initiative', initiative: stopped },
  ];
}

function childRun(count: number): Record<string, unknown> {
  const generated = generatePortfolio(count, 10, SEED, DEMANDS);
  // The generated portfolio has no budgets: two lines, so that budget can move.
  const initiatives = generated.plan.initiatives.map((initiative, k) =>
    k < 2 ? { ...initiative, budget: { '2026-Q4': { plan: 200_000 } } } : initiative,
  );
  // A live plan is valid: the generator's few duplicate dependency pairs are dropped.
  const seen = new Set<string>();
  const dependencies = generated.plan.dependencies.filter((d) => {
    const key = `${d.predecessor}->${d.successor}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const input: EngineInput = {
    ...generated,
    plan: { ...generated.plan, initiatives, dependencies },
  };
  const changes = representativeChanges(input);
  const current = computeState(input);
  const runs = count >= 100_000 ? Math.min(RUNS, 5) : RUNS;
  const warmups = count >= 100_000 ? 1 : 3;
  if (args.only === 'price') {
    const priced = time(() => priceScenario(input, changes, current), warmups, runs);
    return { milestones: count, runs, priceScenario: priced };
  }
  const full = time(() => computeState(input), warmups, runs);
  const priced = time(() => priceScenario(input, changes, current), warmups, runs);
  const inFull = time(() => priceScenarioInFull(input, changes, current), warmups, runs);
  // The parts of pricing: applying the changes (with the plan's validation of the result), the
  // validation alone, and the scenario's state made from the current one's.
  const scenarioPlan = applyScenario(input.plan, current, changes);
  const apply = time(() => applyScenario(input.plan, current, changes), warmups, runs);
  const validate = time(
    () => validatePlan(scenarioPlan, { derivedFrom: input.plan }),
    warmups,
    runs,
  );
  const derive = time(
    () => deriveStateFrom({ ...input, plan: scenarioPlan }, current),
    warmups,
    runs,
  );
  const fullScenario = time(() => computeState({ ...input, plan: scenarioPlan }), warmups, runs);
  const result = priceScenario(input, changes, current);
  return {
    milestones: count,
    demands: DEMANDS,
    changes: changes.map((c) => c.kind),
    runs,
    fullRecompute: full,
    priceScenario: priced,
    ratioPriceToFull: Math.round((priced.p50 / full.p50) * 100) / 100,
    priceScenarioInFull: inFull,
    parts: {
      applyScenario: apply,
      validatePlan: validate,
      deriveStateFrom: derive,
      fullRecomputeOfScenarioPlan: fullScenario,
    },
    result: {
      milestonesChanged: result.totals.milestonesChanged,
      kpiPeriodsChanged: result.kpis.length,
      budgetLinesChanged: result.budget.length,
      unitsChanged: result.capacity.length,
      signalsRaised: result.signals.raised.length,
      signalsResolved: result.signals.resolved.length,
    },
    loadAverageAfter: loadavg().map((l) => Math.round(l * 10) / 10),
  };
}

if (args.child !== undefined) {
  process.stdout.write(`${JSON.stringify(childRun(Number(args.child)))}\n`);
  process.exit(0);
}

const script = fileURLToPath(import.meta.url);
console.log(
  JSON.stringify({
    bench: 'scenario',
    cpus: cpus().length,
    loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
    seed: SEED,
    demands: DEMANDS,
  }),
);
for (const count of args.sizes.split(',').map(Number)) {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=8192',
      ...process.execArgv,
      script,
      '--child',
      String(count),
      '--runs',
      String(RUNS),
      '--seed',
      String(SEED),
      '--demands',
      String(DEMANDS),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  console.log(out.trim().split('\n').at(-1));
}
