import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { weekIndex, weekLabel } from './iso-week.ts';
import {
  explainOverAllocation,
  levelBySchedule,
  levelDirectly,
  type CapacityInput,
} from './over-allocation.ts';

describe('ISO weeks', () => {
  it('round-trips labels, across year ends and 53-week years', () => {
    for (const label of ['2026-W41', '2026-W53', '2027-W01', '2020-W53', '2021-W01', '1970-W02'])
      expect(weekLabel(weekIndex(label)!)).toBe(label);
    expect(weekIndex('2027-W01')! - weekIndex('2026-W53')!).toBe(1);
    expect(weekIndex('2025-W53')).toBeUndefined();
    expect(weekIndex('week 41')).toBeUndefined();
  });
});

describe('over-allocation, explained', () => {
  // IT can do 5 a week. I-A and I-B both planned IT work in weeks 41–43: 7 a week, 140%.
  const input: CapacityInput = {
    units: [
      { id: 'IT', capacity: 5 },
      { id: 'OPS', capacity: 4 },
    ],
    work: [
      { id: 'ERP-1', initiative: 'I-A', unit: 'IT', start: '2026-W41', weeks: 3, demand: 4 },
      { id: 'CRM-1', initiative: 'I-B', unit: 'IT', start: '2026-W41', weeks: 3, demand: 3 },
      {
        id: 'CRM-2',
        initiative: 'I-B',
        unit: 'OPS',
        start: '2026-W44',
        weeks: 1,
        demand: 2,
        after: ['CRM-1'],
      },
      { id: 'HR-1', initiative: 'I-C', unit: 'OPS', start: '2026-W41', weeks: 2, demand: 4 },
    ],
    milestones: [
      { id: 'M-ERP', work: ['ERP-1'] },
      { id: 'M-CRM', work: ['CRM-2'] },
      { id: 'M-HR', work: ['HR-1'] },
    ],
  };
  const explanation = explainOverAllocation(input);

  it('says which unit, which weeks, by how much, and who takes it', () => {
    expect(explanation.overAllocations).toEqual([
      {
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

  it('levels the work: the later one in the queue waits for room', () => {
    expect(explanation.levelledStarts).toEqual({
      'ERP-1': '2026-W41',
      'CRM-1': '2026-W44',
      'CRM-2': '2026-W47',
      'HR-1': '2026-W41',
    });
  });

  it('says which milestones move, by how much and why', () => {
    expect(explanation.pushes.map((push) => push.sentence)).toEqual([
      'M-CRM moves 3 weeks because IT is at 140% in weeks 41–43, taken by I-A and I-B',
    ]);
    expect(explanation.pushes[0]).toMatchObject({
      milestone: 'M-CRM',
      plannedWeek: '2026-W44',
      levelledWeek: '2026-W47',
      weeks: 3,
    });
  });

  it('says nothing when every unit has room', () => {
    const roomy = explainOverAllocation({
      ...input,
      units: input.units.map((unit) => ({ ...unit, capacity: 10 })),
    });
    expect(roomy.overAllocations).toEqual([]);
    expect(roomy.pushes).toEqual([]);
  });

  it('refuses unknown units, work and weeks, naming each', () => {
    expect(() =>
      explainOverAllocation({
        units: [{ id: 'IT', capacity: 1 }],
        work: [{ id: 'W', initiative: 'I', unit: 'HR', start: 'October', weeks: 1, demand: 1 }],
        milestones: [{ id: 'M', work: ['X'] }],
      }),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({ code: 'plan.bad_period', path: 'work[0].start' }),
          expect.objectContaining({ code: 'plan.unknown_reference', path: 'work[0].unit' }),
          expect.objectContaining({
            code: 'plan.unknown_reference',
            path: 'milestones[0].work[0]',
          }),
        ],
      }),
    );
  });
});

describe('levelling without reservations or waits', () => {
  // The plain case is placed by its own loop (`levelDirectly`); it must place every piece of
  // work where the general levelling (`levelBySchedule`, through `levelResources`) does.
  const plainInput = fc
    .record({
      capacities: fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Infinity)), {
        minLength: 1,
        maxLength: 4,
      }),
      work: fc.array(
        fc.record({
          unit: fc.nat(3),
          start: fc.integer({ min: 0, max: 30 }),
          weeks: fc.integer({ min: 0, max: 12 }),
          demand: fc.oneof(
            fc.integer({ min: 0, max: 25 }),
            fc.double({ min: 0, max: 25, noNaN: true }),
          ),
        }),
        { minLength: 1, maxLength: 40 },
      ),
    })
    .map(({ capacities, work }): { input: CapacityInput; starts: Map<string, number> } => {
      const units = capacities.map((capacity, k) => ({ id: `U${k}`, capacity }));
      const pieces = work.map((w, at) => ({
        id: `W${at}`,
        initiative: `I${at % 3}`,
        unit: units[w.unit % units.length]!.id,
        start: weekLabel(weekIndex('2026-W40')! + w.start),
        weeks: w.weeks,
        demand: w.demand,
      }));
      const starts = new Map(pieces.map((p) => [p.id, weekIndex(p.start)!]));
      return { input: { units, work: pieces, milestones: [] }, starts };
    });

  it('places every piece where the general levelling does', () => {
    fc.assert(
      fc.property(plainInput, ({ input, starts }) => {
        const origin = Math.min(...starts.values());
        const direct = levelDirectly(input, starts, origin);
        expect(direct).not.toBeNull();
        expect([...direct!]).toEqual([...levelBySchedule(input, starts, origin)]);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves to the general levelling what is not plain', () => {
    const { input, starts } = fc.sample(plainInput, { seed: 7, numRuns: 1 })[0]!;
    const origin = Math.min(...starts.values());
    const first = input.work[0]!;
    const waits = { ...input, work: [{ ...first, after: ['W1'] }, ...input.work.slice(1)] };
    expect(levelDirectly(waits, starts, origin)).toBeNull();
    const reduced = {
      ...input,
      units: [{ ...input.units[0]!, byWeek: { '2026-W41': 1 } }, ...input.units.slice(1)],
    };
    expect(levelDirectly(reduced, starts, origin)).toBeNull();
    const fractional = { ...input, work: [{ ...first, weeks: 1.5 }, ...input.work.slice(1)] };
    expect(levelDirectly(fractional, starts, origin)).toBeNull();
  });
});
