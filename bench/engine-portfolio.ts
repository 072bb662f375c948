/**
 * The engine benchmark's synthetic portfolio (seeded: the same seed builds the same one) and its
 * stream of work-item events. Not a test; see bench/README.md.
 */
import type {
  Benefit,
  Calendar,
  Demand,
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
import type { WorkItem } from '../src/core/domain/work-item.ts';
import type { EngineEvent, EngineInput } from '../src/core/engine/engine.ts';
import { dateOf, dayOf } from '../src/core/engine/day-numbers.ts';
import { mulberry32 } from '../src/core/random.ts';

export const AS_OF = '2026-09-14';
const AS_OF_DAY = dayOf(AS_OF);

/**
 * Builds a portfolio: initiatives of 10 milestones each, 1–3 weeks apart from mid-2026; each
 * milestone after the first of its initiative depends on the one before (FS, 90%), plus about
 * 0.6 cross-initiative links per milestone of all four types with lags from −2 to +10 working
 * days (drawn so that the graph is acyclic and the plan was feasible when drawn up); `perMilestone`
 * work items per milestone, linked by key or by epic, a few slipping, undated or blocked (10% by
 * an item of their own project, 1% by any earlier one, 20% of cross links mirrored as "blocks");
 * 20 units on two calendars, 500 people, 30 objectives, 100 KPIs, benefits on ~15% of milestones.
 */
export function generatePortfolio(
  milestoneCount: number,
  perMilestone: number,
  seed: number,
  demandCount = 0,
): EngineInput {
  const random = mulberry32(seed);
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
  const leaves = objectives.slice(6).map((objective) => objective.id);
  const kpis: Kpi[] = Array.from({ length: 100 }, (_, n): Kpi => {
    // One KPI in five is a cost to bring down; the others are savings to build up.
    const lower = n % 5 === 0;
    return {
      id: `K-${n}`,
      name: `KPI ${n}`,
      owner: pick(people).id,
      unitOfMeasure: 'USD',
      direction: lower ? 'lower_is_better' : 'higher_is_better',
      baseline: lower ? 5_000_000 : 0,
      targets: lower
        ? { '2026-Q4': 4_000_000, '2027-Q1': 3_500_000, '2027-Q2': 3_000_000 }
        : { '2026-Q3': 100_000, '2026-Q4': 2_000_000, '2027-Q1': 4_000_000, '2027-Q2': 5_000_000 },
      actuals: { '2026-Q3': lower ? 4_900_000 : 80_000 },
      objectives: [...new Set([pick(leaves), pick(leaves)])],
    };
  });
  const initiatives: Initiative[] = Array.from(
    { length: Math.ceil(milestoneCount / 10) },
    (_, n) => ({
      id: `I-${n}`,
      name: `Initiative ${n}`,
      owner: pick(people).id,
      unit: pick(units).id,
      objectives: [...new Set([pick(leaves), pick(leaves)])],
      budget: {},
    }),
  );

  const milestones: Milestone[] = [];
  const plannedDays: number[] = [];
  const workItems: WorkItem[] = [];
  const dependencies: Dependency[] = [];
  const start = dayOf('2026-06-01');
  for (let n = 0; n < milestoneCount; n += 1) {
    const initiative = initiatives[Math.floor(n / 10)]!;
    const first = n % 10 === 0;
    const planned = first ? start + int(0, 240) : plannedDays[n - 1]! + int(7, 21);
    plannedDays.push(planned);
    const id = `M-${n}`;
    const byEpic = n % 2 === 0;
    const project = `P${n}`;
    const keys: string[] = [];
    for (let k = 0; k < perMilestone; k += 1) {
      const key = `${project}-${k}`;
      const isEpic = byEpic && k === 0;
      if (!byEpic) keys.push(key);
      const done = planned < AS_OF_DAY ? random() < 0.995 : random() < 0.2;
      const roll = random();
      const due =
        roll < 0.002 && !done ? null : planned + (roll < 0.003 ? int(1, 20) : -int(3, 15));
      // Work is done a few days before it was due, and never after as-of.
      const doneDay = (due ?? AS_OF_DAY) - int(1, 5);
      const blockedBy: string[] = [];
      if (k > 1 && random() < 0.1) blockedBy.push(`${project}-${int(1, k - 1)}`);
      if (n > 0 && random() < 0.01) blockedBy.push(`P${int(0, n - 1)}-${int(0, perMilestone - 1)}`);
      workItems.push({
        key,
        source: 'jira',
        summary: `Work ${key}`,
        status: done ? 'Done' : 'In Progress',
        statusCategory: done ? 'done' : 'in_progress',
        issueType: isEpic ? 'Epic' : 'Story',
        dueDate: due === null ? null : dateOf(due),
        startDate: null,
        doneDate: done ? dateOf(doneDay < AS_OF_DAY ? doneDay : AS_OF_DAY - int(1, 10)) : null,
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
      plannedDate: dateOf(planned),
      work: byEpic ? { keys: [], epics: [`${project}-0`] } : { keys, epics: [] },
    });
    if (!first && random() < 0.9) {
      dependencies.push({
        predecessor: milestones[n - 1]!.id,
        successor: id,
        type: 'FS',
        lagDays: int(0, 3),
      });
    }
  }

  // Cross-initiative links: each predecessor planned early enough for the lag plus some slack,
  // which also keeps the graph acyclic, like every plan the validator lets through.
  const byDate = plannedDays
    .map((day, at) => ({ at, day }))
    .sort((a, b) => a.day - b.day || a.at - b.at);
  const latestBefore = (day: number): number => {
    let low = 0;
    let high = byDate.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (byDate[middle]!.day < day) low = middle + 1;
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
    const successor = int(0, milestoneCount - 1);
    const lagDays = int(-2, 10);
    // A lag in working days is at most 1.4 × as many calendar days; add 2–15 days of slack.
    const last = latestBefore(
      plannedDays[successor]! - Math.ceil(Math.max(lagDays, 0) * 1.4) - int(2, 15),
    );
    if (last < 0) continue;
    const predecessor = byDate[int(Math.max(0, last - 300), last)]!.at;
    if (Math.floor(predecessor / 10) === Math.floor(successor / 10)) continue;
    dependencies.push({
      predecessor: milestones[predecessor]!.id,
      successor: milestones[successor]!.id,
      type: pick(types),
      lagDays,
    });
    // Some cross links show in the tracker too: a successor's item is blocked by a predecessor's.
    if (random() < 0.2) {
      const blocked = workItems[successor * perMilestone + int(1, perMilestone - 1)];
      blocked?.blockedBy.push(`P${predecessor}-${int(1, perMilestone - 1)}`);
    }
  }

  const benefits: Benefit[] = [];
  for (let n = 0; n < milestoneCount; n += 1) {
    if (random() >= 0.15) continue;
    benefits.push({
      id: `B-${n}`,
      milestone: milestones[n]!.id,
      kpi: pick(kpis).id,
      amountPerWeek: int(1, 50) * 1_000,
    });
  }

  const demands = capacityDemands(demandCount, units, initiatives, milestones, plannedDays, {
    perMilestone,
    seed,
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
    demands,
  };
  return { plan, workItems, changes: {}, asOf: AS_OF };
}

/**
 * With `count` > 0: every unit gets a weekly capacity of 10–20 and `count` demands are spread
 * over the milestones still ahead: 60% follow one of the milestone's work items (so events move
 * them), the rest run in a window before the milestone's planned date. Drawn from a stream of
 * their own, so the portfolio itself is the same with or without them.
 */
function capacityDemands(
  count: number,
  units: Unit[],
  initiatives: readonly Initiative[],
  milestones: readonly Milestone[],
  plannedDays: readonly number[],
  options: { perMilestone: number; seed: number },
): Demand[] {
  if (count <= 0) return [];
  const random = mulberry32(options.seed + 7);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  units.forEach((unit, n) => {
    units[n] = { ...unit, capacity: { perWeek: int(10, 20) } };
  });
  const ahead = milestones.flatMap((_, m) => (plannedDays[m]! >= AS_OF_DAY ? [m] : []));
  const unitOf = new Map(initiatives.map((initiative) => [initiative.id, initiative.unit]));
  return Array.from({ length: count }, (_, n): Demand => {
    const m = ahead[int(0, ahead.length - 1)]!;
    const milestone = milestones[m]!;
    const base = {
      id: `D-${n}`,
      initiative: milestone.initiative,
      unit:
        random() < 0.7 ? unitOf.get(milestone.initiative)! : units[int(0, units.length - 1)]!.id,
      perWeek: int(1, 6),
    };
    if (random() < 0.6)
      return {
        ...base,
        workItem: `P${m}-${int(1, options.perMilestone - 1)}`,
        from: dateOf(AS_OF_DAY + int(-30, 30)),
      };
    const end = plannedDays[m]! - int(1, 10);
    return {
      ...base,
      from: dateOf(end - int(14, 60)),
      to: dateOf(end),
      milestone: milestone.id,
    };
  });
}

/** The kinds of event the stream draws, and how often (out of 100). */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- documents the expected values
export const EVENT_MIX: readonly [EngineEvent['op'] | string, number][] = [
  ['due date moved', 55],
  ['done', 15],
  ['reopened', 8],
  ['blocked-by changed', 10],
  ['new work item', 7],
  ['deleted', 5],
];

/**
 * A seeded stream of work-item events against a portfolio, following its own copy of the items
 * so that each event is about the items as they are: due dates moving by −5…+21 days, items done
 * and reopened, "blocked by" links added and removed, new items in a milestone's epic, deletions.
 */
export function createEventStream(
  input: EngineInput,
  seed: number,
): { next(): { event: EngineEvent; kind: string } } {
  const random = mulberry32(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const items = new Map(input.workItems.map((item) => [item.key, item]));
  const keys = input.workItems.map((item) => item.key);
  const epics = input.plan.milestones.flatMap((milestone) => milestone.work.epics);
  let created = 0;
  const at = '2026-09-15T10:00:00.000+0000';
  const anyItem = (want: (item: WorkItem) => boolean): WorkItem => {
    for (let tries = 0; ; tries += 1) {
      const item = items.get(keys[int(0, keys.length - 1)]!);
      if (item !== undefined && (want(item) || tries > 50)) return item;
    }
  };
  const upsert = (item: WorkItem, kind: string, event: EngineEvent['change']) => {
    items.set(item.key, item);
    return { event: { op: 'upsert' as const, item, change: event }, kind };
  };
  return {
    next() {
      let roll = int(0, 99);
      let kind = EVENT_MIX[EVENT_MIX.length - 1]![0];
      for (const [name, share] of EVENT_MIX) {
        if (roll < share) {
          kind = name;
          break;
        }
        roll -= share;
      }
      switch (kind) {
        case 'due date moved': {
          const item = anyItem((w) => w.statusCategory !== 'done' && w.dueDate !== null);
          const from = item.dueDate;
          const to = dateOf(dayOf(from ?? AS_OF) + int(-5, 21));
          return upsert({ ...item, dueDate: to }, kind, {
            key: item.key,
            at,
            kind: 'updated',
            changes: [{ field: 'dueDate', label: 'Due date', from, to }],
          });
        }
        case 'done': {
          const item = anyItem((w) => w.statusCategory !== 'done');
          return upsert(
            { ...item, statusCategory: 'done', status: 'Done', doneDate: AS_OF },
            kind,
            {
              key: item.key,
              at,
              kind: 'updated',
              changes: [{ field: 'status', label: 'Status', from: item.status, to: 'Done' }],
            },
          );
        }
        case 'reopened': {
          const item = anyItem((w) => w.statusCategory === 'done');
          return upsert(
            { ...item, statusCategory: 'in_progress', status: 'In Progress', doneDate: null },
            kind,
            null,
          );
        }
        case 'blocked-by changed': {
          const item = anyItem(() => true);
          // A blocker from the same project, earlier in it: the links stay acyclic.
          const dash = item.key.lastIndexOf('-');
          const number = Number(item.key.slice(dash + 1));
          const blockedBy =
            item.blockedBy.length > 0 || number < 2
              ? []
              : [`${item.key.slice(0, dash)}-${int(1, number - 1)}`];
          return upsert({ ...item, blockedBy }, kind, null);
        }
        case 'new work item': {
          created += 1;
          const parentKey = epics[int(0, epics.length - 1)] ?? null;
          const key = `NEW-${created}`;
          keys.push(key);
          const item: WorkItem = {
            ...anyItem(() => true),
            key,
            summary: `New work ${created}`,
            statusCategory: 'todo',
            status: 'To Do',
            dueDate: dateOf(AS_OF_DAY + int(5, 60)),
            doneDate: null,
            parentKey,
            blockedBy: [],
          };
          return upsert(item, kind, { key, at, kind: 'created', changes: [] });
        }
        default: {
          const item = anyItem(() => true);
          items.delete(item.key);
          return {
            event: {
              op: 'delete',
              key: item.key,
              change: { key: item.key, at, kind: 'deleted', changes: [] },
            },
            kind,
          };
        }
      }
    },
  };
}
