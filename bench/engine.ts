/* eslint-disable @typescript-eslint/no-base-to-string, @typescript-eslint/restrict-template-expressions -- printing measured figures of a generic result record */
/**
 * Engine benchmark: for portfolios of 1,000, 10,000 and 100,000 milestones (10 work items each),
 * times the full recompute (`computeState`), the incremental update after one work-item event
 * (`createEngine(…).apply`, p50/p99 over many events, checked against a full recompute at the
 * end), and the same milestone and KPI forecasts computed by a plain graphology baseline; prints
 * the ratio and the peak memory. Each (size, implementation) runs in its own process, so that
 * memory figures and the garbage collector see one thing at a time.
 *
 *   npm run bench:engine
 *   node --import tsx bench/engine.ts --sizes 100000 --runs 5 --events 1000
 *   node --import tsx bench/engine.ts --demands 500   (units with capacity, 500 demands)
 *   node --import tsx bench/engine.ts --replays 3     (the same events on 3 fresh engines: each
 *     event's lowest time, for a machine busy with other work)
 *   node --import tsx bench/engine.ts --slow          (each event over 5 ms on stderr: its kind,
 *     wall and CPU time, and the garbage collections inside it)
 *
 * Numbers, not assertions: this is not a test. See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { computeState } from '../src/core/engine/compute-state.ts';
import { createEngine } from '../src/core/engine/engine.ts';
import { baselineForecast } from './engine-baseline.ts';
import { createEventStream, generatePortfolio } from './engine-portfolio.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    'items-per-milestone': { type: 'string', default: '10' },
    runs: { type: 'string', default: '5' },
    events: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '42' },
    demands: { type: 'string', default: '0' },
    replays: { type: 'string', default: '1' },
    slow: { type: 'boolean', default: false },
    child: { type: 'string' },
    milestones: { type: 'string' },
  },
});
const PER_MILESTONE = Number(args['items-per-milestone']);
const RUNS = Number(args.runs);
const EVENTS = Number(args.events);
const SEED = Number(args.seed);
const DEMANDS = Number(args.demands);
const REPLAYS = Math.max(1, Number(args.replays));
const SLOW = args.slow === true;

const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number): number => Math.round(bytes / 1_048_576);

interface Timing {
  wall: number[];
  cpu: number[];
}

function timeRuns(run: () => void, warmups: number, runs: number): Timing {
  for (let w = 0; w < warmups; w += 1) run();
  const timing: Timing = { wall: [], cpu: [] };
  for (let r = 0; r < runs; r += 1) {
    collect();
    const cpu = process.cpuUsage();
    const start = performance.now();
    run();
    timing.wall.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    timing.cpu.push((used.user + used.system) / 1000);
  }
  return timing;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
};

/** A fingerprint of the milestone and KPI forecasts, to show both sides computed the same. */
function fingerprint(
  milestones: Iterable<[string, string]>,
  kpis: Iterable<[string, number]>,
): string {
  let hash = 0x811c9dc5;
  const mix = (text: string): void => {
    for (let at = 0; at < text.length; at += 1)
      hash = Math.imul(hash ^ text.charCodeAt(at), 0x01000193);
  };
  for (const [id, date] of [...milestones].sort(([a], [b]) => (a < b ? -1 : 1)))
    mix(`${id}=${date};`);
  for (const [id, value] of [...kpis].sort(([a], [b]) => (a < b ? -1 : 1)))
    mix(`${id}=${Math.round(value * 100)};`);
  return (hash >>> 0).toString(16);
}

// ---------------------------------------------------------------------------------------------
// The children: one implementation at one size each

async function engineChild(count: number): Promise<Record<string, unknown>> {
  const input = generatePortfolio(count, PER_MILESTONE, SEED, DEMANDS);
  collect();
  const heapInput = process.memoryUsage().heapUsed;
  let heapPeak = heapInput;
  const sample = (): void => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };

  let state = computeState(input);
  const warmups = count >= 100_000 ? 2 : 5;
  const full = timeRuns(
    () => {
      state = computeState(input);
      sample();
    },
    warmups,
    RUNS,
  );
  collect();
  const heapState = process.memoryUsage().heapUsed - heapInput;

  // What the recompute leaves to the reader: the signal objects with their chains, and the
  // readable form of each milestone.
  let start = performance.now();
  const signals = state.signals.length;
  const readSignals = performance.now() - start;
  start = performance.now();
  const milestoneDates: [string, string][] = [];
  for (const [id, milestone] of state.milestones) milestoneDates.push([id, milestone.forecastDate]);
  const readMilestones = performance.now() - start;
  sample();
  const kpiValues: [string, number][] = [];
  for (const [id, kpi] of state.kpis) {
    for (const period of kpi.periods) kpiValues.push([`${id}:${period.period}`, period.forecast]);
  }

  // Incremental: one engine, many events, each timed alone. With replays, the same events on
  // fresh engines, keeping each event's lowest time: what the event costs, less the waits of a
  // busy machine.
  let engine = createEngine(input);
  let create = 0;
  const applied: number[] = new Array<number>(EVENTS).fill(Number.POSITIVE_INFINITY);
  // CPU time of the process per event: on a busy machine the wall time waits for a core too.
  const appliedCpu: number[] = new Array<number>(EVENTS).fill(Number.POSITIVE_INFINITY);
  const kinds: string[] = [];
  // With --slow: when each event of the last replay began, and the collections seen meanwhile.
  const began_: number[] = [];
  const collections: { start: number; duration: number; kind: number }[] = [];
  const observer = SLOW
    ? new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          collections.push({
            start: entry.startTime,
            duration: entry.duration,
            kind: (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0,
          });
      })
    : null;
  observer?.observe({ entryTypes: ['gc'] });
  let full_ = 0;
  let movedMilestones = 0;
  let signalChanges = 0;
  for (let replay = 0; replay < REPLAYS; replay += 1) {
    start = performance.now();
    engine = createEngine(input);
    if (replay === 0) create = performance.now() - start;
    sample();
    const stream = createEventStream(input, SEED + 1);
    for (let e = 0; e < EVENTS; e += 1) {
      const { event, kind } = stream.next();
      const cpuBegan = process.cpuUsage();
      const began = performance.now();
      const changes = engine.apply(event);
      const took = performance.now() - began;
      const cpuTook = process.cpuUsage(cpuBegan);
      applied[e] = Math.min(applied[e]!, took);
      appliedCpu[e] = Math.min(appliedCpu[e]!, (cpuTook.user + cpuTook.system) / 1000);
      kinds[e] = kind;
      if (replay === REPLAYS - 1) began_[e] = began;
      if (replay > 0) continue;
      if (changes.full) full_ += 1;
      movedMilestones += changes.milestones.length;
      signalChanges +=
        changes.signals.raised.length +
        changes.signals.changed.length +
        changes.signals.resolved.length;
    }
    sample();
  }
  if (observer !== null) {
    // The observer is told of collections only once the event loop turns.
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    const gcKinds: Record<number, string> = {
      1: 'scavenge',
      2: 'mark-sweep',
      4: 'incremental',
      8: 'weak',
    };
    applied.forEach((took, e) => {
      if (took <= 5) return;
      const inside = collections.filter(
        (gc) => gc.start < began_[e]! + took && gc.start + gc.duration > began_[e]!,
      );
      const gc = inside.map((c) => `${gcKinds[c.kind] ?? c.kind} ${c.duration.toFixed(1)}`);
      process.stderr.write(
        `  ${count} event ${e} (${kinds[e]}): ${took.toFixed(2)} ms wall, ${appliedCpu[e]!.toFixed(2)} ms CPU${gc.length > 0 ? `; gc ${gc.join(', ')} ms` : ''}\n`,
      );
    });
    const during = collections.filter((gc) => gc.start >= began_[0]!);
    process.stderr.write(
      `  ${count} collections during the events: ${during.length}, ${during.reduce((sum, gc) => sum + gc.duration, 0).toFixed(1)} ms\n`,
    );
  }
  const byKind = new Map<string, number[]>();
  applied.forEach((took, e) => {
    const list = byKind.get(kinds[e]!);
    if (list === undefined) byKind.set(kinds[e]!, [took]);
    else list.push(took);
  });

  // The state after all events must be the state a full recompute of the same input gives.
  const fresh = computeState(engine.input());
  const plain = (s: typeof state): string =>
    JSON.stringify({
      milestones: [...s.milestones].map(([id, m]) => [
        id,
        m.forecastDate,
        m.slipWorkingDays,
        m.status,
        m.driver,
      ]),
      kpis: [...s.kpis].map(([id, k]) => [id, k.periods, k.status]),
      initiatives: [...s.initiatives].map(([id, i]) => [id, i.delivery, i.value]),
      objectives: [...s.objectives].map(([id, o]) => [id, o.status]),
      capacity: s.capacity,
      signals: s.signals,
    });
  const equal = plain(engine.state) === plain(fresh);
  sample();

  return {
    workItems: input.workItems.length,
    dependencies: input.plan.dependencies.length,
    benefits: input.plan.benefits.length,
    signals,
    overAllocations: fresh.capacity.overAllocations.length,
    levelledMoves: fresh.capacity.milestones.length,
    fullWall: median(full.wall),
    fullWallMax: Math.max(...full.wall),
    fullCpu: median(full.cpu),
    readSignals,
    readMilestones,
    create,
    p50: percentile(applied, 0.5),
    p99: percentile(applied, 0.99),
    max: Math.max(...applied),
    over5: applied.filter((took) => took > 5).length,
    p50Cpu: percentile(appliedCpu, 0.5),
    p99Cpu: percentile(appliedCpu, 0.99),
    byKind: Object.fromEntries([...byKind].map(([kind, list]) => [kind, percentile(list, 0.99)])),
    fullRebuilds: full_,
    movedMilestones,
    signalChanges,
    incrementalEqualsFull: equal,
    fingerprint: fingerprint(milestoneDates, kpiValues),
    heapInputMb: mb(heapInput),
    heapStateMb: mb(heapState),
    heapPeakMb: mb(heapPeak),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

function baselineChild(count: number): Record<string, unknown> {
  const input = generatePortfolio(count, PER_MILESTONE, SEED, DEMANDS);
  collect();
  const heapInput = process.memoryUsage().heapUsed;
  let heapPeak = heapInput;
  let result = baselineForecast(input);
  const runs = count >= 100_000 ? Math.min(RUNS, 3) : RUNS;
  const timing = timeRuns(
    () => {
      result = baselineForecast(input);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    },
    count >= 100_000 ? 1 : 3,
    runs,
  );
  const kpiValues: [string, number][] = [];
  for (const [id, periods] of result.kpis) {
    for (const [period, value] of periods) kpiValues.push([`${id}:${period}`, value]);
  }
  return {
    fullWall: median(timing.wall),
    fullCpu: median(timing.cpu),
    runs,
    fingerprint: fingerprint(result.milestones, kpiValues),
    heapPeakMb: mb(heapPeak),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

if (args.child !== undefined) {
  const count = Number(args.milestones);
  const result = args.child === 'engine' ? await engineChild(count) : baselineChild(count);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The parent: run the children, print the table

const script = fileURLToPath(import.meta.url);
function child(
  kind: 'engine' | 'baseline',
  count: number,
): Record<string, number | string | boolean | object> {
  const out = execFileSync(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=8192',
      ...process.execArgv,
      script,
      '--child',
      kind,
      '--milestones',
      String(count),
      '--items-per-milestone',
      String(PER_MILESTONE),
      '--runs',
      String(RUNS),
      '--events',
      String(EVENTS),
      '--seed',
      String(SEED),
      '--demands',
      String(DEMANDS),
      '--replays',
      String(REPLAYS),
      ...(SLOW ? ['--slow'] : []),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Record<
    string,
    number | string | boolean | object
  >;
}

const ms = (value: unknown): string => `${Number(value).toFixed(Number(value) < 10 ? 2 : 0)} ms`;
console.log(
  `engine bench — ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; ` +
    `${RUNS} timed runs, ${EVENTS} events${REPLAYS > 1 ? ` (lowest of ${REPLAYS} replays)` : ''}, seed ${SEED}, ${DEMANDS} capacity demands`,
);
for (const count of args.sizes.split(',').map(Number)) {
  const engine = child('engine', count);
  const baseline = child('baseline', count);
  const ratio = Number(baseline['fullWall']) / Number(engine['fullWall']);
  const rows: [string, string][] = [
    [
      'milestones / work items',
      `${count.toLocaleString('en-US')} / ${Number(engine['workItems']).toLocaleString('en-US')}`,
    ],
    [
      'dependencies / benefits / signals',
      `${engine['dependencies']} / ${engine['benefits']} / ${engine['signals']}`,
    ],
    ...(DEMANDS > 0
      ? ([
          [
            'capacity: over-allocations / levelled moves (after the events)',
            `${engine['overAllocations']} / ${engine['levelledMoves']}`,
          ],
        ] as [string, string][])
      : []),
    [
      'full recompute (median wall / cpu)',
      `${ms(engine['fullWall'])} / ${ms(engine['fullCpu'])} (max ${ms(engine['fullWallMax'])})`,
    ],
    [
      '  then reading every signal / milestone',
      `${ms(engine['readSignals'])} / ${ms(engine['readMilestones'])}`,
    ],
    [
      'baseline, same forecasts (median wall / cpu)',
      `${ms(baseline['fullWall'])} / ${ms(baseline['fullCpu'])} (${baseline['runs']} runs)`,
    ],
    ['ratio baseline / engine (wall)', `${ratio.toFixed(1)}\u00d7`],
    [
      'forecasts agree (fingerprint)',
      `${engine['fingerprint'] === baseline['fingerprint'] ? 'yes' : 'NO'} (${engine['fingerprint']})`,
    ],
    ['engine created for events in', ms(engine['create'])],
    [
      `incremental, ${EVENTS} events p50 / p99 / max`,
      `${ms(engine['p50'])} / ${ms(engine['p99'])} / ${ms(engine['max'])}`,
    ],
    ['  events over 5 ms', String(engine['over5'])],
    [
      '  the same, CPU time of the process p50 / p99',
      `${ms(engine['p50Cpu'])} / ${ms(engine['p99Cpu'])}`,
    ],
    [
      '  p99 by kind',
      Object.entries(engine['byKind'] as Record<string, number>)
        .map(([k, v]) => `${k} ${ms(v)}`)
        .join(', '),
    ],
    ['  events that needed a full recompute', String(engine['fullRebuilds'])],
    [
      '  milestones moved / signal changes',
      `${engine['movedMilestones']} / ${engine['signalChanges']}`,
    ],
    ['  incremental state == full recompute', engine['incrementalEqualsFull'] ? 'yes' : 'NO'],
    ['peak RSS engine / baseline', `${engine['peakRssMb']} MB / ${baseline['peakRssMb']} MB`],
    [
      'heap: input / state retained / peak (engine)',
      `${engine['heapInputMb']} / ${engine['heapStateMb']} / ${engine['heapPeakMb']} MB`,
    ],
    ['heap peak (baseline)', `${baseline['heapPeakMb']} MB`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log('');
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}
