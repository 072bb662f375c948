import { describe, expect, it } from 'vitest';
import { demoInputAfterSlip } from '../../../test/support/demo-after-slip.ts';
import { computeState } from '../engine/compute-state.ts';
import { priceScenarioWithPlan } from '../scenario/price-scenario.ts';
import { deciderFor } from './decider.ts';
import type { OptionEffect } from './decision.ts';
import { earliest, lastDayOf } from './due-date.ts';
import { optionEffect } from './option-effect.ts';
import { proposeOptions } from './propose-options.ts';

const input = await demoInputAfterSlip('2026-09-14');
const { plan } = input;
const state = computeState(input);

function effects(options: { changes: Parameters<typeof optionEffect>[1] }[]): OptionEffect[] {
  return options.map((o) =>
    optionEffect(plan, o.changes, priceScenarioWithPlan(input, o.changes, state)),
  );
}

describe('decisions on the ERP story, after the ERP-17 slip', () => {
  const capacity = state.signals.find((s) => s.kind === 'capacity.over_allocated')!;

  it('proposes accepting the later dates, IT capacity in weeks 41–43 at a cost, and letting I-MAINT yield', () => {
    const options = proposeOptions(plan, state, capacity);
    expect(options.map((o) => o.changes.map((c) => c.kind))).toEqual([
      ['move_milestone', 'move_milestone'],
      ['add_capacity'],
      ['prioritise'],
    ]);
    const add = options[1]!.changes[0]!;
    // Exactly the over-allocated weeks, Monday 5 October to Sunday 25 October.
    expect(state.capacity.overAllocations[0]!.weeks).toEqual(['2026-W41', '2026-W42', '2026-W43']);
    expect(add).toMatchObject({ unit: 'IT', from: '2026-10-05', to: '2026-10-25' });
    // The missing capacity, priced at IT's 5,000 USD a week for those 3 weeks.
    const over = state.capacity.overAllocations[0]!;
    const perWeek = over.peakLoad - over.capacity;
    expect(add).toMatchObject({ perWeek, cost: { period: '2026-10' } });
    expect(add.kind === 'add_capacity' && add.cost?.amount).toBe(perWeek * 5000 * 3);
    expect(options[2]!.changes[0]).toEqual({
      kind: 'prioritise',
      unit: 'IT',
      initiative: 'I-PROC',
      over: ['I-MAINT'],
    });
  });

  it('prices each option honestly: capacity brings M-PURCH back; I-MAINT yielding only delays M-PILOT', () => {
    const options = proposeOptions(plan, state, capacity);
    const [accept, add, yieldIt] = options.map(
      (o) => priceScenarioWithPlan(input, o.changes, state).result,
    );
    // Accepting moves the baselines to the levelled dates: nothing gets earlier.
    expect(
      accept!.milestones.map((m) => [m.id, m.plannedDate.after, m.forecastDate.after]),
    ).toEqual([
      ['M-PURCH', '2026-11-16', '2026-11-16'],
      ['M-PILOT', '2026-11-23', '2026-11-23'],
    ]);
    // More capacity in weeks 41–43: M-PURCH back to 9 November, K-SAVINGS Q4 908,571.
    expect(add!.milestones.map((m) => [m.id, m.forecastDate.after])).toEqual([
      ['M-PURCH', '2026-11-09'],
      ['M-PILOT', '2026-11-16'],
    ]);
    expect(add!.kpis.map((k) => [k.kpi, k.period, Math.round(k.forecast.after!)])).toEqual([
      ['K-SAVINGS', '2026-Q4', 908_571],
    ]);
    // Letting I-MAINT yield does not help purchasing here: D-PROC-ERP-LINK waits on the ERP
    // cutover (4 of IT's 6 a week), not on I-MAINT. The pilot's data feed waits three weeks more
    // for nothing; M-PILOT carries no benefit, so no KPI (K-DOWNTIME included) moves.
    expect(
      yieldIt!.milestones.map((m) => [m.id, m.forecastDate.before, m.forecastDate.after]),
    ).toEqual([['M-PILOT', '2026-11-23', '2026-12-14']]);
    expect(yieldIt!.kpis).toEqual([]);
    expect(yieldIt!.capacity[0]!.peakPercent).toEqual({ before: 167, after: 117 });
  });

  it('goes to Dana: the options exceed Priya’s and Marco’s rights; the chain says why', () => {
    const options = proposeOptions(plan, state, capacity);
    const decider = deciderFor(plan, effects(options));
    expect(decider.person).toBe('dana');
    expect(decider.right).toBe('R-COST');
    expect(decider.considered.map((c) => [c.right, c.person, c.covers])).toEqual([
      ['R-ERP-SLIP', 'priya', false],
      ['R-OPS-MONEY', 'marco', false],
      ['R-COST', 'dana', true],
      ['R-STOP', 'dana', false],
    ]);
    const marco = decider.considered[1]!.reasons.join('\n');
    expect(marco).toContain('option 2: IT is outside R-OPS-MONEY');
  });

  it('a slip of a week on I-ERP that moves no KPI stays with Priya; stopping goes to an executive', () => {
    const small = [
      {
        changes: [
          { kind: 'move_milestone' as const, milestone: 'M-SENSORS', plannedDate: '2026-10-02' },
        ],
      },
    ];
    // M-SENSORS is I-MAINT's: outside Priya's right, inside Marco's (Operations, no money).
    expect(deciderFor(plan, effects(small)).person).toBe('marco');
    const stop = [{ changes: [{ kind: 'stop_initiative' as const, initiative: 'I-MAINT' }] }];
    const decider = deciderFor(plan, effects(stop));
    expect([decider.person, decider.right]).toEqual(['dana', 'R-STOP']);
  });

  it('Marco moves up to 100,000 USD within Operations; more goes up to Dana', () => {
    const move = (amount: number): { changes: Parameters<typeof optionEffect>[1] }[] => [
      {
        changes: [
          {
            kind: 'move_budget',
            from: { initiative: 'I-PROC', period: '2026-Q4' },
            to: { initiative: 'I-MAINT', period: '2026-Q4' },
            amount,
          },
        ],
      },
    ];
    expect(deciderFor(plan, effects(move(90_000))).person).toBe('marco');
    const over = deciderFor(plan, effects(move(110_000)));
    expect(over.person).toBe('dana');
    expect(over.considered.find((c) => c.right === 'R-OPS-MONEY')?.reasons).toEqual([
      'option 1: 110,000 USD is more than the 100,000 USD of R-OPS-MONEY',
    ]);
  });

  it('is due the last day every option is possible: before the capacity weeks begin', () => {
    const options = proposeOptions(plan, state, capacity);
    const days = options.map((o) => lastDayOf(plan, state, o.changes));
    expect(days[1]).toBe('2026-10-04');
    expect(earliest(days)).toBe('2026-10-04');
  });

  it('for a slip: accept and re-baseline, or re-plan the dependants too', () => {
    const slip = state.signals.find((s) => s.id === 'milestone.slipped:M-GOLIVE')!;
    const options = proposeOptions(plan, state, slip);
    expect(options.map((o) => o.changes)).toEqual([
      [{ kind: 'accept_slip', milestone: 'M-GOLIVE' }],
      [
        { kind: 'accept_slip', milestone: 'M-GOLIVE' },
        { kind: 'accept_slip', milestone: 'M-PURCH' },
      ],
    ]);
    const [alone] = effects(options);
    const weeks =
      (Date.parse(state.milestones.get('M-GOLIVE')!.forecastDate) - Date.parse('2026-10-05')) /
      604_800_000;
    expect(alone!.slipWeeks).toBeCloseTo(weeks, 1);
    expect(alone!.kinds).toEqual(['replan']);
  });
});
