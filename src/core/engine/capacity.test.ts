import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { engineInputArb } from '../../../test/support/engine-arbitraries.ts';
import { weekIndex } from '../schedule/iso-week.ts';
import type { Plan } from '../domain/plan.ts';
import type { WorkItem } from '../domain/work-item.ts';
import {
  buildBenefit,
  buildDependency,
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildObjective,
  buildPerson,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../test-factories.ts';
import { computeState } from './compute-state.ts';
import { createEngine } from './engine.ts';

/**
 * IT can take on 5 FTE a week (2 in December). I-A's ERP-1 needs 4 a week and I-B's CRM-1
 * needs 3, both in weeks 41–43: IT is at 140%. Levelled, CRM-1 waits for room, so M-B (which
 * CRM-1 delivers) moves 3 weeks, and M-C, which waits for M-B, moves with it.
 */
function story(): { plan: Plan; workItems: WorkItem[] } {
  const plan = buildPlan({
    units: [
      buildUnit({ id: 'IT', name: 'IT', capacity: { perWeek: 5, periods: { '2026-12': 2 } } }),
      buildUnit({ id: 'OPS', name: 'Operations' }),
    ],
    people: [
      buildPerson({ id: 'ceo', name: 'Chief Executive', unit: 'OPS', role: 'executive' }),
      buildPerson({ id: 'ana', name: 'Ana', unit: 'IT' }),
      buildPerson({ id: 'ben', name: 'Ben', unit: 'IT' }),
      buildPerson({ id: 'cat', name: 'Cat', unit: 'OPS' }),
    ],
    objectives: [
      buildObjective({ id: 'O-ROOT', owner: 'ceo' }),
      buildObjective({ id: 'O-A', owner: 'ana', parent: 'O-ROOT' }),
      buildObjective({ id: 'O-B', owner: 'ben', parent: 'O-ROOT' }),
    ],
    kpis: [buildKpi({ id: 'K-1', owner: 'cat', unitOfMeasure: 'USD', objectives: ['O-B'] })],
    initiatives: [
      buildInitiative({ id: 'I-A', owner: 'ana', unit: 'IT', objectives: ['O-A'] }),
      buildInitiative({ id: 'I-B', owner: 'ben', unit: 'IT', objectives: ['O-B'] }),
    ],
    milestones: [
      buildMilestone({
        id: 'M-A',
        initiative: 'I-A',
        plannedDate: '2026-10-26',
        work: { keys: ['ERP-1'], epics: [] },
      }),
      buildMilestone({
        id: 'M-B',
        initiative: 'I-B',
        plannedDate: '2026-11-02',
        work: { keys: ['CRM-1'], epics: [] },
      }),
      buildMilestone({ id: 'M-C', initiative: 'I-B', plannedDate: '2026-11-02' }),
    ],
    dependencies: [buildDependency({ predecessor: 'M-B', successor: 'M-C' })],
    benefits: [buildBenefit({ id: 'B-1', milestone: 'M-B', kpi: 'K-1', amountPerWeek: 10_000 })],
    demands: [
      { id: 'D-A', initiative: 'I-A', unit: 'IT', perWeek: 4, workItem: 'ERP-1' },
      { id: 'D-B', initiative: 'I-B', unit: 'IT', perWeek: 3, workItem: 'CRM-1' },
    ],
  });
  const workItems = [
    buildWorkItem({ key: 'ERP-1', startDate: '2026-10-05', dueDate: '2026-10-23' }),
    buildWorkItem({
      key: 'CRM-1',
      status: 'To Do',
      statusCategory: 'todo',
      startDate: '2026-10-05',
      dueDate: '2026-10-23',
    }),
  ];
  return { plan, workItems };
}

const AS_OF = '2026-10-01';

describe('capacity: the resource bottleneck', () => {
  const { plan, workItems } = story();
  const state = computeState({ plan, workItems, changes: {}, asOf: AS_OF });

  it('finds the over-allocated unit, the weeks, by how much, and who takes it', () => {
    expect(state.capacity.overAllocations).toEqual([
      {
        id: 'capacity.over_allocated:IT:2026-W41',
        unit: 'IT',
        weeks: ['2026-W41', '2026-W42', '2026-W43'],
        capacity: 5,
        peakLoad: 7,
        peakPercent: 140,
        initiatives: [
          { id: 'I-A', load: 4 },
          { id: 'I-B', load: 3 },
        ],
        sentence:
          'IT is at 140% in weeks 41–43 (7 against a capacity of 5 a week), taken by I-A (4) and I-B (3)',
      },
    ]);
  });

  it('reads a week planned on its own before the month, quarter or year holding it', () => {
    const { plan: base, workItems: items } = story();
    const it = base.units[0]!;
    const plan: Plan = {
      ...base,
      units: [
        {
          ...it,
          capacity: { perWeek: 5, periods: { '2026-10': 6, '2026-W41': 7, '2026-W42': 7 } },
        },
        base.units[1]!,
      ],
    };
    const weekly = computeState({ plan, workItems: items, changes: {}, asOf: AS_OF });
    const unit = weekly.capacity.units.find((u) => u.unit === 'IT')!;
    expect(unit.weeks.slice(0, 5).map((w) => [w.week, w.capacity])).toEqual([
      ['2026-W40', 5],
      ['2026-W41', 7],
      ['2026-W42', 7],
      ['2026-W43', 6],
      ['2026-W44', 6],
    ]);
    // Only week 43 is still short: 7 against 6.
    expect(weekly.capacity.overAllocations.map((o) => o.weeks)).toEqual([['2026-W43']]);
  });

  it('runs each demand while its work item runs, and levels the later one in the queue', () => {
    expect(state.capacity.demands).toEqual([
      {
        id: 'D-A',
        initiative: 'I-A',
        unit: 'IT',
        perWeek: 4,
        workItem: 'ERP-1',
        plannedStart: '2026-W41',
        plannedEnd: '2026-W43',
        levelledStart: '2026-W41',
        levelledEnd: '2026-W43',
        delayWeeks: 0,
        milestones: ['M-A'],
      },
      {
        id: 'D-B',
        initiative: 'I-B',
        unit: 'IT',
        perWeek: 3,
        workItem: 'CRM-1',
        plannedStart: '2026-W41',
        plannedEnd: '2026-W43',
        levelledStart: '2026-W44',
        levelledEnd: '2026-W46',
        delayWeeks: 3,
        milestones: ['M-B'],
      },
    ]);
    const it = state.capacity.units.find((unit) => unit.unit === 'IT')!;
    expect(it.weeks.slice(0, 7).map((w) => [w.week, w.capacity, w.load, w.levelledLoad])).toEqual([
      ['2026-W40', 5, 0, 0],
      ['2026-W41', 5, 7, 4],
      ['2026-W42', 5, 7, 4],
      ['2026-W43', 5, 7, 4],
      ['2026-W44', 5, 0, 3],
      ['2026-W45', 5, 0, 3],
      ['2026-W46', 5, 0, 3],
    ]);
    expect(state.capacity.units.find((unit) => unit.unit === 'OPS')).toBeUndefined();
  });

  it('moves the milestones the levelled work delivers, and those that wait for them, and says why', () => {
    expect(state.capacity.milestones).toEqual([
      {
        id: 'M-B',
        forecastDate: '2026-10-26',
        levelledDate: '2026-11-16',
        calendarDays: 21,
        workingDays: 15,
        cause: {
          kind: 'over_allocation',
          overAllocation: 'capacity.over_allocated:IT:2026-W41',
          unit: 'IT',
          demand: 'D-B',
        },
        sentence:
          'M-B moves 3 weeks to 2026-11-16 because IT is at 140% in weeks 41–43, taken by I-A and I-B',
      },
      {
        id: 'M-C',
        forecastDate: '2026-11-02',
        levelledDate: '2026-11-16',
        calendarDays: 14,
        workingDays: 10,
        cause: { kind: 'dependency', predecessor: 'M-B' },
        sentence: 'M-C moves 2 weeks to 2026-11-16 because it waits for M-B, which moves',
      },
    ]);
    // The levelled date is the forecast; the date the work alone gives stays as an explanation.
    const mb = state.milestones.get('M-B')!;
    expect([mb.forecastDate, mb.unconstrainedDate, mb.slipWorkingDays, mb.status.status]).toEqual([
      '2026-11-16',
      '2026-10-26',
      10,
      'off_track',
    ]);
    expect(mb.explanation.find((step) => step.rule === 'milestone.capacity')?.text).toBe(
      "Levelled within its units' capacity, M-B is forecast 2026-11-16, +15 working days; 2026-10-26 without the resource bottleneck",
    );
    expect(state.milestones.get('M-C')?.forecastDate).toBe('2026-11-16');
    expect(state.milestones.get('M-A')?.unconstrainedDate).toBeUndefined();
  });

  it('raises one signal with the chain to the money and the person who decides', () => {
    const signal = state.signals.find((s) => s.kind === 'capacity.over_allocated')!;
    expect(signal.id).toBe('capacity.over_allocated:IT:2026-W41');
    expect(signal.subject).toEqual({ kind: 'unit', id: 'IT' });
    expect(signal.title).toBe('IT is at 140% in weeks 41–43: M-B, M-C move');
    expect(signal.chain.map((step) => `${step.kind} ${step.id}: ${step.text}`)).toEqual([
      'unit IT: IT is at 140% in weeks 41–43 (7 against a capacity of 5 a week), taken by I-A (4) and I-B (3)',
      'initiative I-A: I-A takes up to 4 FTE a week of IT in weeks 41–43',
      'initiative I-B: I-B takes up to 3 FTE a week of IT in weeks 41–43',
      'milestone M-B: M-B moves 3 weeks to 2026-11-16 because IT is at 140% in weeks 41–43, taken by I-A and I-B (2026-10-26 without it)',
      'milestone M-C: M-C moves 2 weeks to 2026-11-16 because it waits for M-B, which moves (2026-11-02 without it)',
      'kpi K-1: K-1: 30,000 USD of benefit lost in the forecast because IT is at 140% in weeks 41–43 — B-1 lands later with M-B',
      "objective O-ROOT: Trade-off: IT's capacity in weeks 41–43 between I-A and I-B, or more capacity for IT; Chief Executive decides, as owner of O-ROOT",
    ]);
    expect(signal.affectedOwners).toEqual(['ana', 'ben', 'cat', 'ceo']);
  });

  it('uses the capacity of the period a week falls in', () => {
    const december: Plan = {
      ...plan,
      demands: [
        {
          id: 'D-X',
          initiative: 'I-A',
          unit: 'IT',
          perWeek: 3,
          from: '2026-12-07',
          to: '2026-12-18',
          milestone: 'M-A',
        },
      ],
    };
    const after = computeState({ plan: december, workItems, changes: {}, asOf: AS_OF });
    expect(after.capacity.overAllocations.map((o) => o.sentence)).toEqual([
      'IT is at 150% in weeks 50–51 (3 against a capacity of 2 a week), taken by I-A (3)',
    ]);
    // December (to its last Monday, 28 December: week 53) has room for 2 only: it waits for January.
    expect(after.capacity.demands[0]).toMatchObject({
      levelledStart: '2027-W01',
      levelledEnd: '2027-W02',
      delayWeeks: 4,
    });
    const weeks = after.capacity.units[0]!.weeks;
    expect(weeks.find((w) => w.week === '2026-W53')?.capacity).toBe(2);
    expect(weeks.find((w) => w.week === '2027-W01')?.capacity).toBe(5);
  });

  it('takes nothing for done work or a window that is over, and says why', () => {
    const done = computeState({
      plan: {
        ...plan,
        demands: [
          ...plan.demands,
          {
            id: 'D-OLD',
            initiative: 'I-A',
            unit: 'IT',
            perWeek: 9,
            from: '2026-09-01',
            to: '2026-09-30',
          },
        ],
      },
      workItems: [
        { ...workItems[0]!, statusCategory: 'done', status: 'Done', doneDate: '2026-09-30' },
        workItems[1]!,
      ],
      changes: {},
      asOf: AS_OF,
    });
    expect(done.capacity.idle).toEqual([
      { id: 'D-A', reason: 'ERP-1 is done' },
      { id: 'D-OLD', reason: 'its window ended on 2026-09-30' },
    ]);
    expect(done.capacity.overAllocations).toEqual([]);
    expect(done.capacity.milestones).toEqual([]);
    expect(done.signals.filter((s) => s.kind === 'capacity.over_allocated')).toEqual([]);
  });

  it('follows a slip at the source: the engine raises, changes and resolves the signal', () => {
    const engine = createEngine({ plan, workItems, changes: {}, asOf: AS_OF });
    const id = 'capacity.over_allocated:IT:2026-W41';
    // CRM-1 is cut to one week: the clash shrinks to week 41, but ERP-1 still holds IT through
    // week 43, so CRM-1 still waits for week 44.
    const shorter = engine.apply({
      op: 'upsert',
      item: { ...workItems[1]!, dueDate: '2026-10-09' },
      change: null,
    });
    expect(shorter.signals.changed).toContain(id);
    expect(shorter.capacity).toBe(true);
    expect(engine.state.capacity.milestones.map((m) => m.sentence)).toEqual([
      'M-B moves 3 weeks to 2026-11-02 because IT is at 140% in week 41, taken by I-A and I-B',
    ]);
    // M-C, planned for 2 November, still has room for M-B's move.
    expect(engine.state.capacity.milestones.map((m) => m.id)).not.toContain('M-C');
    // The levelled date is the forecast the engine follows.
    expect(shorter.milestones).toContain('M-B');
    const mb = engine.state.milestones.get('M-B')!;
    expect([mb.forecastDate, mb.unconstrainedDate]).toEqual(['2026-11-02', '2026-10-12']);
    // ERP-1 is done: IT has room again.
    const done = engine.apply({
      op: 'upsert',
      item: { ...workItems[0]!, statusCategory: 'done', status: 'Done', doneDate: '2026-09-30' },
      change: null,
    });
    expect(done.signals.resolved).toEqual([id]);
    expect(engine.state.capacity.milestones).toEqual([]);
    // ERP-1 reopens, due in week 41: the clash comes back.
    const reopened = engine.apply({ op: 'upsert', item: workItems[0]!, change: null });
    expect(reopened.signals.raised).toEqual([id]);
    expect(engine.state.signals.map((s) => s.id)).toContain(id);
  });

  it('a signal first read events after it was made says what a full recompute says then', () => {
    const engine = createEngine({ plan, workItems, changes: {}, asOf: AS_OF });
    const id = 'capacity.over_allocated:IT:2026-W41';
    // Nothing is read between the events: the chains are made when the state is read at last.
    const events = [
      { ...workItems[1]!, dueDate: '2026-10-09' },
      { ...workItems[0]!, dueDate: '2026-10-30' },
      buildWorkItem({ key: 'OPS-9', startDate: '2026-10-05', dueDate: '2026-11-20' }),
      { ...workItems[1]!, dueDate: '2026-10-16' },
    ];
    const changed = events.map((item) => engine.apply({ op: 'upsert', item, change: null }));
    expect(changed.some((c) => c.signals.changed.includes(id))).toBe(true);
    const fresh = computeState(engine.input());
    expect(engine.state.signals).toEqual(fresh.signals);
    expect(engine.state.capacity).toEqual(fresh.capacity);
    expect(engine.state.signals.find((s) => s.id === id)?.chain.length).toBeGreaterThan(2);
  });

  it('over-allocations that come, go or move keep naming the moves they cause, event by event', () => {
    // IT and HR are each over-allocated in weeks 41–43; on HR, HR-2 and HR-3 wait, so M-D,
    // M-F and M-E (after M-D) move because of HR. When IT's clash goes, HR's over-allocation
    // is the first in the list: the moves it causes must still be counted under it, also once
    // only one of them is touched again (HR-2 ends a day earlier, in the same week).
    const { plan: base, workItems: items } = story();
    const weeks = { startDate: '2026-10-05', dueDate: '2026-10-23' };
    const plan: Plan = {
      ...base,
      units: [...base.units, buildUnit({ id: 'HR', name: 'HR', capacity: { perWeek: 5 } })],
      initiatives: [
        ...base.initiatives,
        buildInitiative({ id: 'I-C', owner: 'cat', unit: 'HR', objectives: ['O-A'] }),
        buildInitiative({ id: 'I-D', owner: 'cat', unit: 'HR', objectives: ['O-B'] }),
      ],
      milestones: [
        ...base.milestones,
        ...[
          ['M-H', 'I-C', 'HR-1'],
          ['M-D', 'I-D', 'HR-2'],
          ['M-F', 'I-D', 'HR-3'],
        ].map(([id, initiative, key]) =>
          buildMilestone({
            id: id!,
            initiative: initiative!,
            plannedDate: '2026-10-26',
            work: { keys: [key!], epics: [] },
          }),
        ),
        buildMilestone({ id: 'M-E', initiative: 'I-D', plannedDate: '2026-10-27' }),
      ],
      dependencies: [
        ...base.dependencies,
        buildDependency({ predecessor: 'M-D', successor: 'M-E' }),
      ],
      benefits: [
        ...base.benefits,
        buildBenefit({ id: 'B-2', milestone: 'M-F', kpi: 'K-1', amountPerWeek: 5_000 }),
      ],
      demands: [
        ...base.demands,
        { id: 'D-H1', initiative: 'I-C', unit: 'HR', perWeek: 4, workItem: 'HR-1' },
        { id: 'D-H2', initiative: 'I-D', unit: 'HR', perWeek: 3, workItem: 'HR-2' },
        { id: 'D-H3', initiative: 'I-D', unit: 'HR', perWeek: 2, workItem: 'HR-3' },
      ],
    };
    const hr = ['HR-1', 'HR-2', 'HR-3'].map((key) => buildWorkItem({ key, ...weeks }));
    const input = { plan, workItems: [...items, ...hr], changes: {}, asOf: AS_OF };
    const engine = createEngine(input);
    const before = computeState(input);
    expect(before.capacity.overAllocations.map((over) => over.id)).toEqual([
      'capacity.over_allocated:IT:2026-W41',
      'capacity.over_allocated:HR:2026-W41',
    ]);
    expect(before.capacity.milestones.map((m) => m.id).sort()).toEqual(
      ['M-B', 'M-C', 'M-D', 'M-E', 'M-F'].sort(),
    );
    const done = { status: 'Done', statusCategory: 'done' as const, doneDate: '2026-09-30' };
    const events: WorkItem[] = [
      // IT's clash goes: HR's over-allocation comes first.
      { ...items[0]!, ...done },
      // One of HR's moves is touched again.
      { ...hr[1]!, dueDate: '2026-10-22' },
      // IT's clash comes back, later: it comes first again, under another id.
      { ...items[0]!, startDate: '2026-10-12', dueDate: '2026-10-30' },
      // HR's clash moves a week later: another id.
      { ...hr[0]!, startDate: '2026-10-12', dueDate: '2026-10-30' },
      { ...hr[2]!, dueDate: '2026-10-21' },
    ];
    for (const item of events) {
      engine.apply({ op: 'upsert', item, change: null });
      const fresh = computeState(engine.input());
      expect(engine.state.capacity).toEqual(fresh.capacity);
      expect(engine.state.signals).toEqual(fresh.signals);
    }
    expect(engine.state.capacity.overAllocations.length).toBeGreaterThan(0);
  });

  it('says nothing for a plan without capacity or demands', () => {
    const bare = computeState({
      plan: { ...plan, demands: [], units: plan.units.map(({ capacity: _, ...unit }) => unit) },
      workItems,
      changes: {},
      asOf: AS_OF,
    });
    expect(bare.capacity).toEqual({
      measure: 'FTE',
      units: [],
      demands: [],
      idle: [],
      overAllocations: [],
      milestones: [],
    });
  });
});

describe('capacity (property): the levelled schedule is feasible', () => {
  it('keeps every unit within capacity, every demand after what it comes after, nothing early', () => {
    fc.assert(
      fc.property(engineInputArb, (input) => {
        const { capacity } = computeState(input);
        const byId = new Map(capacity.demands.map((demand) => [demand.id, demand]));
        for (const demand of capacity.demands) {
          const start = weekIndex(demand.levelledStart)!;
          expect(start).toBe(weekIndex(demand.plannedStart)! + demand.delayWeeks);
          expect(demand.delayWeeks).toBeGreaterThanOrEqual(0);
          const planned = input.plan.demands.find((d) => d.id === demand.id)!;
          for (const before of planned.after ?? []) {
            const previous = byId.get(before);
            if (previous !== undefined)
              expect(start).toBeGreaterThan(weekIndex(previous.levelledEnd)!);
          }
        }
        for (const unit of capacity.units) {
          // Work that needs more than the unit ever has, or more than it has outside the periods
          // with more, may overrun it: it can never run within capacity.
          const standing = input.plan.units.find((u) => u.id === unit.unit)?.capacity?.perWeek;
          const most = Math.min(
            Math.max(...unit.weeks.map((week) => week.capacity ?? Infinity)),
            Math.max(standing ?? Infinity, 0),
          );
          for (const week of unit.weeks) {
            if (week.capacity === null || week.levelledLoad <= week.capacity + 1e-9) continue;
            const at = weekIndex(week.week)!;
            const overrunning = capacity.demands.filter(
              (demand) =>
                demand.unit === unit.unit &&
                weekIndex(demand.levelledStart)! <= at &&
                at <= weekIndex(demand.levelledEnd)!,
            );
            expect(overrunning.some((demand) => demand.perWeek > most)).toBe(true);
          }
        }
        for (const move of capacity.milestones)
          expect(move.levelledDate > move.forecastDate).toBe(true);
      }),
      { numRuns: 300, seed: 20_260_914 },
    );
  });
});
