import fc from 'fast-check';
import { addDays } from '../../src/core/calendar.ts';
import type {
  Benefit,
  Demand,
  Calendar,
  Dependency,
  DependencyType,
  Initiative,
  Kpi,
  Milestone,
  Objective,
  Plan,
  Weekday,
} from '../../src/core/domain/plan.ts';
import type { DerivedState } from '../../src/core/domain/state.ts';
import type { StatusCategory, WorkItem, WorkItemChange } from '../../src/core/domain/work-item.ts';
import type { EngineEvent, EngineInput } from '../../src/core/engine/engine.ts';
import {
  buildCalendar,
  buildObjective,
  buildPerson,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../../src/core/test-factories.ts';

/**
 * Random plans, work and work-item events for the engine's property tests: a random DAG of
 * milestones with all four dependency types and lags (negative ones too), across units on
 * calendars with holidays; work linked by key and by epic, some of it blocked, overdue, undated
 * or done; KPIs with targets and actuals fed by benefits; an objective tree.
 */

const DAY_ZERO = '2026-09-01';
const day = (offset: number): string => addDays(DAY_ZERO, offset);
const PERIODS = ['2026', '2026-H2', '2026-Q3', '2026-Q4', '2026-10', '2026-11', '2027-Q1', 'bad'];
const TYPES: DependencyType[] = ['FS', 'SS', 'FF', 'SF'];

const itemSpec = fc.record({
  status: fc.constantFrom<StatusCategory>('todo', 'in_progress', 'in_progress', 'done'),
  due: fc.option(fc.integer({ min: -40, max: 200 }), { nil: null, freq: 6 }),
  done: fc.option(fc.integer({ min: -60, max: 30 }), { nil: null, freq: 8 }),
  blockers: fc.array(fc.nat(200), { maxLength: 2 }),
  missingBlocker: fc.boolean(),
});

const milestoneSpec = fc.record({
  initiative: fc.nat(),
  planned: fc.integer({ min: -10, max: 160 }),
  items: fc.array(itemSpec, { maxLength: 4 }),
  byEpic: fc.boolean(),
  danglingKey: fc.boolean(),
});

const planSpec = fc.record({
  holidays: fc.array(fc.array(fc.integer({ min: -10, max: 220 }), { maxLength: 8 }), {
    minLength: 2,
    maxLength: 2,
  }),
  unitCalendars: fc.array(fc.constantFrom(0, 1, 2), { minLength: 3, maxLength: 3 }),
  /** Weekly capacity per unit (none now and then), sometimes other in one period. */
  capacities: fc.array(
    fc.option(
      fc.record({
        perWeek: fc.integer({ min: 0, max: 8 }),
        period: fc.option(
          fc.record({
            label: fc.constantFrom('2026-10', '2026-Q4', '2026-11', '2026'),
            amount: fc.integer({ min: 0, max: 8 }),
          }),
          { nil: null },
        ),
      }),
      { nil: null },
    ),
    { minLength: 3, maxLength: 3 },
  ),
  /** Demands on units: in a window, or following a work item; for a milestone; after another. */
  demands: fc.array(
    fc.record({
      initiative: fc.nat(),
      unit: fc.nat(2),
      perWeek: fc.integer({ min: 1, max: 6 }),
      item: fc.option(fc.nat(), { nil: null }),
      from: fc.integer({ min: -20, max: 100 }),
      length: fc.integer({ min: 0, max: 50 }),
      milestone: fc.option(fc.nat(), { nil: null }),
      after: fc.option(fc.nat(), { nil: null }),
    }),
    { maxLength: 5 },
  ),
  objectives: fc.array(fc.option(fc.nat(), { nil: null }), { minLength: 1, maxLength: 4 }),
  initiatives: fc.array(
    fc.record({ unit: fc.nat(2), objectives: fc.array(fc.nat(), { maxLength: 2 }) }),
    { minLength: 1, maxLength: 4 },
  ),
  milestones: fc.array(milestoneSpec, { minLength: 1, maxLength: 10 }),
  dependencies: fc.array(
    fc.record({
      a: fc.nat(),
      b: fc.nat(),
      type: fc.constantFrom(...TYPES),
      lag: fc.integer({ min: -5, max: 10 }),
    }),
    { maxLength: 14 },
  ),
  /** Now and then a plan the validator would refuse: a dependency cycle. */
  cycle: fc.nat(11).map((n) => n === 0),
  kpis: fc.array(
    fc.record({
      lower: fc.boolean(),
      baseline: fc.integer({ min: 0, max: 2_000_000 }),
      targets: fc.array(
        fc.record({
          period: fc.constantFrom(...PERIODS),
          value: fc.integer({ min: 0, max: 3_000_000 }),
        }),
        { maxLength: 3 },
      ),
      actuals: fc.array(
        fc.record({
          period: fc.constantFrom(...PERIODS),
          value: fc.integer({ min: 0, max: 2_000_000 }),
        }),
        { maxLength: 2 },
      ),
      objectives: fc.array(fc.nat(), { maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
  benefits: fc.array(
    fc.record({ milestone: fc.nat(), kpi: fc.nat(), amount: fc.integer({ min: 1, max: 100 }) }),
    { maxLength: 6 },
  ),
  asOf: fc.integer({ min: 0, max: 60 }),
  changes: fc.array(
    fc.record({
      item: fc.nat(),
      from: fc.integer({ min: -20, max: 100 }),
      to: fc.integer({ min: -20, max: 100 }),
    }),
    { maxLength: 3 },
  ),
});

export type PlanSpec = typeof planSpec extends fc.Arbitrary<infer T> ? T : never;

function workItem(
  key: string,
  spec: { status: StatusCategory; due: number | null; done: number | null },
  parentKey: string | null,
): WorkItem {
  const dueDate = spec.due === null ? null : day(spec.due);
  if (spec.status === 'done') {
    return buildWorkItem({
      key,
      dueDate,
      parentKey,
      status: 'Done',
      statusCategory: 'done',
      doneDate: spec.done === null ? null : day(spec.done),
    });
  }
  return buildWorkItem({
    key,
    dueDate,
    parentKey,
    statusCategory: spec.status,
    status: spec.status === 'todo' ? 'To Do' : 'In Progress',
  });
}

/** Builds an engine input from a random spec. */
export function inputOf(spec: PlanSpec): EngineInput {
  const calendars: Calendar[] = [
    buildCalendar({ id: 'standard', name: 'Mon–Fri', holidays: spec.holidays[0]!.map(day) }),
    buildCalendar({
      id: 'short',
      name: 'Mon–Thu',
      workingDays: [1, 2, 3, 4] as Weekday[],
      holidays: spec.holidays[1]!.map(day),
    }),
    buildCalendar({ id: 'gulf', name: 'Sun–Thu', workingDays: [7, 1, 2, 3, 4] as Weekday[] }),
  ];
  const units = spec.unitCalendars.map((calendar, n) => {
    const capacity = spec.capacities[n] ?? null;
    return buildUnit({
      id: `U-${n}`,
      name: `Unit ${n}`,
      calendar: calendars[calendar]!.id,
      ...(capacity === null
        ? {}
        : {
            capacity: {
              perWeek: capacity.perWeek,
              ...(capacity.period === null
                ? {}
                : { periods: { [capacity.period.label]: capacity.period.amount } }),
            },
          }),
    });
  });
  const people = [
    buildPerson({ id: 'ana', unit: 'U-0' }),
    buildPerson({ id: 'ben', unit: 'U-1' }),
    buildPerson({ id: 'cat', unit: 'U-2' }),
  ];
  const owners = people.map((person) => person.id);
  const objectives: Objective[] = spec.objectives.map((parent, n) =>
    buildObjective({
      id: `O-${n}`,
      owner: owners[n % owners.length]!,
      ...(parent === null || n === 0 ? {} : { parent: `O-${parent % n}` }),
    }),
  );
  const objectiveIds = (list: number[]): string[] =>
    list.map((n) => objectives[n % objectives.length]!.id);
  const initiatives: Initiative[] = spec.initiatives.map((initiative, n) => ({
    id: `I-${n}`,
    name: `Initiative ${n}`,
    owner: owners[n % owners.length]!,
    unit: units[initiative.unit % units.length]!.id,
    objectives: objectiveIds(initiative.objectives),
    budget: {},
  }));

  const allItems: { key: string; spec: (typeof spec.milestones)[number]['items'][number] }[] = [];
  const workItems: WorkItem[] = [];
  const milestones: Milestone[] = spec.milestones.map((ms, m) => {
    const epic = `E-${m}`;
    const keys: string[] = [];
    if (ms.byEpic) {
      workItems.push(workItem(epic, { status: 'in_progress', due: null, done: null }, null));
    }
    ms.items.forEach((item, k) => {
      const key = `W-${m}-${k}`;
      if (!ms.byEpic) keys.push(key);
      allItems.push({ key, spec: item });
      workItems.push(workItem(key, item, ms.byEpic ? epic : null));
    });
    if (ms.danglingKey) keys.push(`GONE-${m}`);
    return {
      id: `M-${m}`,
      name: `Milestone ${m}`,
      initiative: initiatives[ms.initiative % initiatives.length]!.id,
      plannedDate: day(ms.planned),
      ...(m % 3 === 2 ? { owner: 'cat' } : {}),
      work: ms.byEpic ? { keys, epics: [epic] } : { keys, epics: [] },
    };
  });
  // Blockers: mostly an earlier item (no cycle), now and then any item (a cycle is possible,
  // the engine then recomputes in full), and now and then a key no item holds.
  allItems.forEach(({ spec: item }, at) => {
    const blockedBy: string[] = [];
    for (const blocker of item.blockers) {
      const anywhere = blocker % 13 === 0;
      if (!anywhere && at === 0) continue;
      blockedBy.push(allItems[blocker % (anywhere ? allItems.length : at)]!.key);
    }
    if (item.missingBlocker) blockedBy.push(`NOWHERE-${at}`);
    const target = workItems.find((w) => w.key === allItems[at]!.key)!;
    target.blockedBy = blockedBy;
  });

  const count = milestones.length;
  const dependencies: Dependency[] = [];
  for (const dependency of spec.dependencies) {
    const a = dependency.a % count;
    const b = dependency.b % count;
    if (a === b) continue;
    dependencies.push({
      predecessor: milestones[Math.min(a, b)]!.id,
      successor: milestones[Math.max(a, b)]!.id,
      type: dependency.type,
      lagDays: dependency.lag,
    });
  }
  if (spec.cycle && count > 1) {
    dependencies.push({
      predecessor: milestones[count - 1]!.id,
      successor: milestones[0]!.id,
      type: 'FS',
      lagDays: 1,
    });
  }
  const kpis: Kpi[] = spec.kpis.map((kpi, n) => ({
    id: `K-${n}`,
    name: `KPI ${n}`,
    owner: owners[(n + 1) % owners.length]!,
    unitOfMeasure: n % 2 === 0 ? 'USD' : '',
    direction: kpi.lower ? 'lower_is_better' : 'higher_is_better',
    baseline: kpi.baseline,
    targets: Object.fromEntries(kpi.targets.map((t) => [t.period, t.value])),
    actuals: Object.fromEntries(kpi.actuals.map((a) => [a.period, a.value])),
    objectives: objectiveIds(kpi.objectives),
  }));
  const benefits: Benefit[] =
    kpis.length === 0
      ? []
      : spec.benefits.map((benefit, n) => ({
          id: `B-${n}`,
          milestone: milestones[benefit.milestone % count]!.id,
          kpi: kpis[benefit.kpi % kpis.length]!.id,
          amountPerWeek: benefit.amount * 1000,
        }));
  const demands: Demand[] = spec.demands.map((demand, n) => {
    const initiative = initiatives[demand.initiative % initiatives.length]!;
    const own = milestones.filter((milestone) => milestone.initiative === initiative.id);
    const item =
      demand.item === null || allItems.length === 0
        ? null
        : allItems[demand.item % allItems.length]!.key;
    return {
      id: `D-${n}`,
      initiative: initiative.id,
      unit: units[demand.unit % units.length]!.id,
      perWeek: demand.perWeek,
      ...(item !== null
        ? { workItem: item, ...(demand.from % 2 === 0 ? { from: day(demand.from) } : {}) }
        : { from: day(demand.from), to: day(demand.from + demand.length) }),
      ...(demand.milestone !== null && own.length > 0
        ? { milestone: own[demand.milestone % own.length]!.id }
        : {}),
      // Only after an earlier demand: no cycle.
      ...(demand.after !== null && n > 0 ? { after: [`D-${demand.after % n}`] } : {}),
    };
  });
  const plan: Plan = buildPlan({
    demands,
    calendars,
    units,
    people,
    objectives,
    kpis,
    initiatives,
    milestones,
    dependencies,
    benefits,
  });
  const changes: Record<string, WorkItemChange> = {};
  for (const change of spec.changes) {
    if (allItems.length === 0) break;
    const key = allItems[change.item % allItems.length]!.key;
    changes[key] = dueDateChange(key, day(change.from), day(change.to));
  }
  return { plan, workItems, changes, asOf: day(spec.asOf) };
}

function dueDateChange(key: string, from: string | null, to: string | null): WorkItemChange {
  return {
    key,
    at: '2026-09-15T10:00:00.000+0000',
    kind: 'updated',
    changes: [{ field: 'dueDate', label: 'Due date', from, to }],
  };
}

/** A random plan with its work, as the engine takes it. */
export const engineInputArb: fc.Arbitrary<EngineInput> = planSpec.map(inputOf);

const eventSpec = fc.record({
  kind: fc.constantFrom(
    'due',
    'due',
    'due',
    'done',
    'reopen',
    'blockers',
    'new',
    'delete',
    'parent',
    'undate',
    'summary',
  ),
  target: fc.nat(),
  other: fc.nat(),
  days: fc.integer({ min: -30, max: 60 }),
});
export type EventSpec = typeof eventSpec extends fc.Arbitrary<infer T> ? T : never;

/** Sequences of work-item events, resolved against the items as they are at each step. */
export const eventsArb = fc.array(eventSpec, { minLength: 1, maxLength: 12 });

/**
 * Turns an event spec into an event against the current items (and the keys milestones name,
 * so that new items can land where they matter), with the source's change record.
 */
export function eventOf(spec: EventSpec, items: readonly WorkItem[], plan: Plan): EngineEvent {
  const namedKeys = plan.milestones.flatMap((m) => [...m.work.keys, ...m.work.epics]);
  if (spec.kind === 'new' || items.length === 0) {
    const wanted = namedKeys[spec.target % Math.max(1, namedKeys.length)];
    const key =
      wanted !== undefined && !items.some((item) => item.key === wanted)
        ? wanted
        : `N-${spec.target}`;
    const epics = plan.milestones.flatMap((m) => m.work.epics);
    const parent =
      spec.other % 3 === 0 && epics.length > 0 ? epics[spec.other % epics.length]! : null;
    const blocker =
      items.length > 0 && spec.other % 2 === 0 ? [items[spec.other % items.length]!.key] : [];
    const item = buildWorkItem({
      key,
      dueDate: day(30 + spec.days),
      parentKey: parent,
      blockedBy: blocker,
    });
    return {
      op: 'upsert',
      item,
      change: { key, at: '2026-09-16T10:00:00.000+0000', kind: 'created', changes: [] },
    };
  }
  const item = items[spec.target % items.length]!;
  const at = '2026-09-16T10:00:00.000+0000';
  switch (spec.kind) {
    case 'due': {
      const dueDate = day(Math.max(-40, spec.days + 20));
      return {
        op: 'upsert',
        item: { ...item, dueDate },
        change: dueDateChange(item.key, item.dueDate, dueDate),
      };
    }
    case 'undate':
      return {
        op: 'upsert',
        item: { ...item, dueDate: null },
        change: dueDateChange(item.key, item.dueDate, null),
      };
    case 'done':
      return {
        op: 'upsert',
        item: {
          ...item,
          statusCategory: 'done',
          status: 'Done',
          doneDate: spec.other % 7 === 0 ? null : day(spec.days),
        },
        change: {
          key: item.key,
          at,
          kind: 'updated',
          changes: [{ field: 'status', label: 'Status', from: item.status, to: 'Done' }],
        },
      };
    case 'reopen':
      return {
        op: 'upsert',
        item: { ...item, statusCategory: 'in_progress', status: 'In Progress', doneDate: null },
        change: null,
      };
    case 'blockers': {
      // Mostly items before it in the list; one time in ten any item, which may close a cycle.
      const before = spec.target % items.length;
      const pool = spec.other % 10 === 0 || before === 0 ? items.length : before;
      const others = [items[spec.other % pool]!.key];
      if (spec.days % 3 === 0) others.push(`NOWHERE-${spec.other}`);
      if (spec.days % 4 === 0) others.push(items[(spec.other * 7 + 3) % pool]!.key);
      return {
        op: 'upsert',
        item: { ...item, blockedBy: spec.days % 5 === 0 ? [] : others },
        change: {
          key: item.key,
          at,
          kind: 'updated',
          changes: [{ field: 'links', label: 'Link', from: null, to: others.join(',') }],
        },
      };
    }
    case 'parent': {
      const epics = plan.milestones.flatMap((m) => m.work.epics);
      const parentKey =
        epics.length === 0 || spec.other % 4 === 0 ? null : epics[spec.other % epics.length]!;
      return { op: 'upsert', item: { ...item, parentKey }, change: null };
    }
    case 'summary':
      return { op: 'upsert', item: { ...item, summary: `Renamed ${spec.other}` }, change: null };
    default:
      return {
        op: 'delete',
        key: item.key,
        change: { key: item.key, at, kind: 'deleted', changes: [] },
      };
  }
}

/** Applies an event to a plain input the way the engine's input follows it. */
export function applyToInput(
  items: WorkItem[],
  changes: Record<string, WorkItemChange>,
  event: EngineEvent,
): void {
  if (event.op === 'delete') {
    const at = items.findIndex((item) => item.key === event.key);
    if (at >= 0) items.splice(at, 1);
    delete changes[event.key];
    return;
  }
  const at = items.findIndex((item) => item.key === event.item.key);
  if (at >= 0) items[at] = event.item;
  else items.push(event.item);
  if (event.change !== null) changes[event.item.key] = event.change;
}

/** The state as plain JSON: what an API or a CLI would print of it, every table in full. */
export function plainState(state: DerivedState): unknown {
  return JSON.parse(
    JSON.stringify({
      asOf: state.asOf,
      workItems: Object.fromEntries(state.workItems),
      milestones: Object.fromEntries(state.milestones),
      kpis: Object.fromEntries(state.kpis),
      initiatives: Object.fromEntries(state.initiatives),
      objectives: Object.fromEntries(state.objectives),
      capacity: state.capacity,
      signals: state.signals,
    }),
  ) as unknown;
}

/** Reads every entry of every table once (through get, so that the engine keeps them). */
export function readAll(state: DerivedState): void {
  for (const table of [
    state.workItems,
    state.milestones,
    state.kpis,
    state.initiatives,
    state.objectives,
  ]) {
    for (const id of table.keys()) (table as ReadonlyMap<string, unknown>).get(id);
  }
}
