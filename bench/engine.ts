/**
 * Engine benchmark: generates a synthetic portfolio, times a full recompute of the derived
 * state, then times the v1 "incremental" path (one work item's due date moves → full recompute).
 *
 *   node --import tsx bench/engine.ts [--milestones 10000] [--items-per-milestone 10] [--runs 5]
 *
 * Add --expose-gc before --import for steadier heap figures. Numbers, not assertions: this is
 * not a test.
 */
import { parseArgs } from 'node:util';
import { addDays } from '../src/core/calendar.ts';
import type {
  Benefit,
  Calendar,
  Dependency,
  DependencyType,
  Initiative,
  Kpi,
  Milestone,
  Objective,
  Person,
  Plan,
  Unit,
} from '../src/core/domain/plan.ts';
import type { DerivedState } from '../src/core/domain/state.ts';
import type { WorkItem } from '../src/core/domain/work-item.ts';
import { computeState, type EngineInput } from '../src/core/engine/compute-state.ts';

const { values: args } = parseArgs({
  options: {
    milestones: { type: 'string', default: '10000' },
    'items-per-milestone': { type: 'string', default: '10' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
  },
});
const MILESTONES = Number(args.milestones);
const ITEMS_PER_MILESTONE = Number(args['items-per-milestone']);
const RUNS = Number(args.runs);
const AS_OF = '2026-09-14';

/** A small seeded generator (mulberry32): the same seed gives the same portfolio. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function generate(milestoneCount: number, itemsPerMilestone: number, seed: number): EngineInput {
  const random = seeded(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

  const calendars: Calendar[] = [
    { id: 'standard', name: 'Mon–Fri', workingDays: [1, 2, 3, 4, 5], holidays: [] },
    {
      id: 'eu',
      name: 'Mon–Fri, EU holidays',
      workingDays: [1, 2, 3, 4, 5],
      holidays: [
        '2026-10-12',
        '2026-11-11',
        '2026-12-24',
        '2026-12-25',
        '2026-12-31',
        '2027-01-01',
      ],
    },
  ];
  const units: Unit[] = Array.from({ length: 20 }, (_, n) => ({
    id: `U-${n}`,
    name: `Unit ${n}`,
    ...(n % 2 === 0 ? { calendar: 'eu' } : {}),
  }));
  const people: Person[] = Array.from({ length: 500 }, (_, n) => ({
    id: `P-${n}`,
    name: `Person ${n}`,
    unit: `U-${n % units.length}`,
  }));
  const objectives: Objective[] = Array.from({ length: 30 }, (_, n) => ({
    id: `O-${n}`,
    name: `Objective ${n}`,
    owner: pick(people).id,
    ...(n >= 6 ? { parent: `O-${n % 6}` } : {}),
  }));
  const leafObjectives = objectives.slice(6).map((objective) => objective.id);
  const kpis: Kpi[] = Array.from({ length: 100 }, (_, n): Kpi => {
    // One KPI in five is a cost to bring down; the others are savings to build up.
    const lower = n % 5 === 0;
    const targets: Record<string, number> = lower
      ? { '2026-Q4': 4_000_000, '2027-Q1': 3_500_000, '2027-Q2': 3_000_000 }
      : { '2026-Q3': 100_000, '2026-Q4': 2_000_000, '2027-Q1': 4_000_000, '2027-Q2': 5_000_000 };
    return {
      id: `K-${n}`,
      name: `KPI ${n}`,
      owner: pick(people).id,
      unitOfMeasure: 'USD',
      direction: lower ? 'lower_is_better' : 'higher_is_better',
      baseline: lower ? 5_000_000 : 0,
      targets,
      actuals: { '2026-Q3': lower ? 4_900_000 : 80_000 },
      objectives: [...new Set([pick(leafObjectives), pick(leafObjectives)])],
    };
  });

  const initiativeCount = Math.ceil(milestoneCount / 10);
  const initiatives: Initiative[] = Array.from({ length: initiativeCount }, (_, n) => ({
    id: `I-${n}`,
    name: `Initiative ${n}`,
    owner: pick(people).id,
    unit: pick(units).id,
    objectives: [...new Set([pick(leafObjectives), pick(leafObjectives)])],
    budget: {},
  }));

  // Each initiative is a sequence of milestones a couple of weeks apart, from mid-2026 on.
  const milestones: Milestone[] = [];
  const workItems: WorkItem[] = [];
  const dependencies: Dependency[] = [];
  for (let n = 0; n < milestoneCount; n += 1) {
    const initiative = initiatives[Math.floor(n / 10)]!;
    const sequence = n % 10;
    const previous = sequence === 0 ? null : milestones[n - 1]!;
    const plannedDate =
      previous === null
        ? addDays('2026-06-01', int(0, 240))
        : addDays(previous.plannedDate, int(7, 21));
    const id = `M-${n}`;
    const byEpic = n % 2 === 0;
    // Work is done a few days before it was due, and never after asOf.
    const doneAround = (due: string | null): string => {
      const date = addDays(due ?? AS_OF, -int(1, 5));
      return date < AS_OF ? date : addDays(AS_OF, -int(1, 10));
    };
    const project = `P${n}`;
    const keys: string[] = [];
    for (let k = 0; k < itemsPerMilestone; k += 1) {
      const key = `${project}-${k}`;
      const isEpic = byEpic && k === 0;
      if (!byEpic) keys.push(key);
      const past = plannedDate < AS_OF;
      const done = past ? random() < 0.995 : random() < 0.2;
      const roll = random();
      const dueDate =
        roll < 0.002 && !done
          ? null
          : addDays(plannedDate, roll < 0.003 ? int(1, 20) : -int(3, 15));
      const blockedBy: string[] = [];
      if (k > 1 && random() < 0.1) blockedBy.push(`${project}-${int(1, k - 1)}`);
      if (n > 0 && random() < 0.01)
        blockedBy.push(`P${int(0, n - 1)}-${int(0, itemsPerMilestone - 1)}`);
      workItems.push({
        key,
        source: 'jira',
        summary: `Work ${key}`,
        status: done ? 'Done' : 'In Progress',
        statusCategory: done ? 'done' : 'in_progress',
        issueType: isEpic ? 'Epic' : 'Story',
        dueDate,
        startDate: null,
        doneDate: done ? doneAround(dueDate) : null,
        parentKey: byEpic && !isEpic ? `${project}-0` : null,
        blockedBy,
        blocks: [],
        links: [],
        assignee: null,
        updatedAt: '2026-09-01T09:00:00.000+0000',
      });
    }
    milestones.push({
      id,
      name: `Milestone ${n}`,
      initiative: initiative.id,
      plannedDate,
      work: byEpic ? { keys: [], epics: [`${project}-0`] } : { keys, epics: [] },
    });
    if (previous !== null && random() < 0.9) {
      dependencies.push({
        predecessor: previous.id,
        successor: id,
        type: 'FS',
        lagDays: int(0, 3),
      });
    }
  }

  // Cross-initiative links, ~0.6 per milestone. A plan is feasible when it is drawn up, so each
  // predecessor is planned early enough for the lag plus some slack; sorting by date also keeps
  // the graph acyclic, like every plan the validator lets through.
  const byDate = milestones
    .map((milestone, at) => ({ at, date: milestone.plannedDate }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.at - b.at));
  const latestBefore = (date: string): number => {
    let low = 0;
    let high = byDate.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (byDate[middle]!.date < date) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  };
  const types: DependencyType[] = [
    'FS',
    'FS',
    'FS',
    'FS',
    'FS',
    'FS',
    'FS',
    'FS',
    'SS',
    'FF',
    'SF',
  ];
  const crossLinks = Math.round(milestoneCount * 0.6);
  for (let c = 0; c < crossLinks; c += 1) {
    const successor = pick(milestones);
    const lagDays = int(-2, 10);
    // Lag in working days is at most 1.4 × in calendar days; add 2–15 days of slack.
    const cutoff = addDays(
      successor.plannedDate,
      -Math.ceil(Math.max(lagDays, 0) * 1.4) - int(2, 15),
    );
    const last = latestBefore(cutoff);
    if (last < 0) continue;
    const predecessor = milestones[byDate[int(Math.max(0, last - 300), last)]!.at]!;
    if (predecessor.initiative === successor.initiative) continue;
    dependencies.push({
      predecessor: predecessor.id,
      successor: successor.id,
      type: pick(types),
      lagDays,
    });
    // Some cross links show in the tracker too: a successor's item is blocked by a predecessor's.
    if (random() < 0.2) {
      const blocked =
        workItems[
          Number(successor.id.slice(2)) * itemsPerMilestone + int(1, itemsPerMilestone - 1)
        ];
      blocked?.blockedBy.push(`P${predecessor.id.slice(2)}-${int(1, itemsPerMilestone - 1)}`);
    }
  }

  const benefits: Benefit[] = [];
  milestones.forEach((milestone, n) => {
    if (random() >= 0.15) return;
    benefits.push({
      id: `B-${n}`,
      milestone: milestone.id,
      kpi: pick(kpis).id,
      amountPerWeek: int(1, 50) * 1_000,
    });
  });

  const plan: Plan = {
    organisation: { id: 'bench', name: 'Bench Org', defaultCalendar: 'standard', currency: 'USD' },
    calendars,
    units,
    people,
    objectives,
    kpis,
    initiatives,
    milestones,
    dependencies,
    benefits,
  };
  return { plan, workItems, changes: {}, asOf: AS_OF };
}

function time(
  run: () => DerivedState,
  runs: number,
): { median: number; max: number; state: DerivedState } {
  let state = run();
  run(); // warm-up: the first two runs compile and size the heap
  const samples: number[] = [];
  for (let r = 0; r < runs; r += 1) {
    const start = performance.now();
    state = run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)]!, max: samples.at(-1)!, state };
}

const collect = (globalThis as { gc?: () => void }).gc;
const heapMb = (): number => {
  collect?.();
  return process.memoryUsage().heapUsed / 1_048_576;
};
const ms = (value: number): string => `${value.toFixed(1)} ms`;

// This machine's allocation speed, so numbers from different machines can be compared.
const calibrationStart = performance.now();
const sink: { n: number }[] = [];
for (let n = 0; n < 1_000_000; n += 1) sink.push({ n });
const calibration = performance.now() - calibrationStart;
sink.length = 0;

const generationStart = performance.now();
const input = generate(MILESTONES, ITEMS_PER_MILESTONE, Number(args.seed));
const generation = performance.now() - generationStart;
const heapBefore = heapMb();
const full = time(() => computeState(input), RUNS);
const heapAfter = heapMb();

// One event: an open work item early in the graph slips three weeks; v1 recomputes everything.
const early = input.plan.milestones
  .filter((milestone) => milestone.plannedDate > input.asOf)
  .sort((a, b) => (a.plannedDate < b.plannedDate ? -1 : 1))[0];
const eventItem = input.workItems.find(
  (item) =>
    item.statusCategory !== 'done' &&
    item.dueDate !== null &&
    early !== undefined &&
    (early.work.keys.includes(item.key) || early.work.epics.includes(item.parentKey ?? '')),
);
if (eventItem === undefined || eventItem.dueDate === null)
  throw new Error('no open work item to move');
const movedDue = addDays(eventItem.dueDate, 21);
const afterEvent: EngineInput = {
  ...input,
  workItems: input.workItems.map((item) =>
    item === eventItem ? { ...item, dueDate: movedDue } : item,
  ),
  changes: {
    [eventItem.key]: {
      key: eventItem.key,
      at: '2026-09-15T10:00:00.000+0000',
      kind: 'updated',
      changes: [{ field: 'dueDate', label: 'Due date', from: eventItem.dueDate, to: movedDue }],
    },
  },
};
const event = time(() => computeState(afterEvent), RUNS);
const moved = Object.values(event.state.milestones).filter(
  (milestone) => milestone.forecastDate !== full.state.milestones[milestone.id]?.forecastDate,
).length;

const lines: [string, string][] = [
  ['milestones', MILESTONES.toLocaleString('en-US')],
  ['work items', input.workItems.length.toLocaleString('en-US')],
  ['dependencies', input.plan.dependencies.length.toLocaleString('en-US')],
  ['KPIs / benefits', `${input.plan.kpis.length} / ${input.plan.benefits.length}`],
  ['signals raised', full.state.signals.length.toLocaleString('en-US')],
  ['full recompute, median', ms(full.median)],
  ['full recompute, max', ms(full.max)],
  [`one event (${eventItem.key} +21 days), median`, ms(event.median)],
  ['one event, max', ms(event.max)],
  ['milestones moved by the event', moved.toLocaleString('en-US')],
  ['heap used before / after compute', `${heapBefore.toFixed(0)} MB / ${heapAfter.toFixed(0)} MB`],
  ['generation (not timed above)', ms(generation)],
  ['machine: 1M small objects allocated in', ms(calibration)],
];
const width = Math.max(...lines.map(([label]) => label.length));
console.log(
  `engine bench — ${RUNS} timed runs after 2 warm-ups${collect ? '' : ' (heap without --expose-gc)'}`,
);
for (const [label, value] of lines) console.log(`  ${label.padEnd(width)}  ${value}`);
