import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain/plan.ts';
import { computeState } from '../engine/compute-state.ts';
import {
  buildBenefit,
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildObjective,
  buildPerson,
  buildPlan,
  buildUnit,
} from '../test-factories.ts';
import { overrunSignals, portfolioMoney } from './money.ts';
import { portfolioValue } from './value.ts';

const plan: Plan = buildPlan({
  units: [buildUnit()],
  people: [buildPerson({ id: 'priya' }), buildPerson({ id: 'dana' }), buildPerson({ id: 'marco' })],
  objectives: [
    buildObjective({
      id: 'O-TOP',
      owner: 'dana',
      horizon: { start: '2026-01-01', end: '2026-12-31' },
    }),
    buildObjective({
      id: 'O-A',
      owner: 'dana',
      parent: 'O-TOP',
      horizon: { start: '2026-01-01', end: '2026-12-31' },
    }),
    buildObjective({
      id: 'O-B',
      owner: 'marco',
      horizon: { start: '2026-01-01', end: '2026-12-31' },
    }),
  ],
  initiatives: [
    // Serves two objectives: half of its money in each.
    buildInitiative({
      id: 'I-1',
      objectives: ['O-A', 'O-B'],
      budget: {
        '2026-Q1': { plan: 100_000, committed: 100_000, actual: 120_000 },
        '2026-Q2': { plan: 100_000, committed: 90_000, actual: 90_000 },
        '2026-Q3': { plan: 100_000, committed: 50_000 },
        '2026-Q4': { plan: 100_000 },
      },
    }),
    buildInitiative({
      id: 'I-2',
      owner: 'marco',
      objectives: ['O-TOP'],
      budget: { '2026-Q2': { plan: 50_000, actual: 40_000 }, '2026-Q3': { plan: 50_000 } },
    }),
  ],
  milestones: [buildMilestone({ id: 'M-1', initiative: 'I-1', plannedDate: '2026-05-31' })],
  kpis: [buildKpi({ id: 'K-1', actuals: { '2026-06': 21_000 } })],
  // 7,000 a week from 2026-05-31: 1,000 a day.
  benefits: [buildBenefit({ id: 'B-1', milestone: 'M-1', kpi: 'K-1', amountPerWeek: 7000 })],
});

describe('money', () => {
  const state = computeState({ plan, workItems: [], changes: {}, asOf: '2026-06-30' });
  const values = portfolioValue(plan, state);
  const money = portfolioMoney(plan, state, values);
  const i1 = money.initiatives.find((i) => i.initiative === 'I-1')!;

  it('forecasts at completion from the run rate of the actuals against the plan to date', () => {
    expect(i1).toMatchObject({
      plan: 400_000,
      committed: 240_000,
      actual: 210_000,
      planToDate: 200_000,
      runRate: 1.05,
      eac: 420_000,
      variance: 20_000,
      overrun: true,
    });
    expect(i1.periods.map((p) => [p.period, p.elapsed, p.overrun])).toEqual([
      ['2026-Q1', 1, true],
      ['2026-Q2', 1, false],
      ['2026-Q3', 0, false],
      ['2026-Q4', 0, false],
    ]);
  });

  it('counts money spent ahead on a period not begun once: in the actual, not again in its plan', () => {
    const ahead = buildPlan({
      ...plan,
      initiatives: [
        buildInitiative({
          id: 'I-1',
          objectives: ['O-A'],
          budget: {
            '2026-Q2': { plan: 50_000, actual: 50_000 },
            '2026-Q3': { plan: 30_000, actual: 9_000.5 },
          },
        }),
      ],
    });
    const at = computeState({ plan: ahead, workItems: [], changes: {}, asOf: '2026-06-30' });
    const [one] = portfolioMoney(ahead, at, portfolioValue(ahead, at)).initiatives;
    // Q2 on plan (run rate 1); Q3's 9,000.5 paid ahead leaves 20,999.5 of its plan to spend.
    expect(one).toMatchObject({ actual: 59_000.5, runRate: 1, eac: 80_000, overrun: false });
  });

  it('counts benefits realised (from the KPI actuals) and still to come to the horizon, and the ROI', () => {
    // June: 21,000 realised (the promise: 30 days from 2026-05-31 = 30,000, shared with none).
    expect(i1.benefitsRealised).toBe(21_000);
    // 2026-07-01 … 2026-12-31: 184 days at 1,000.
    expect(i1.benefitsForecast).toBe(184_000);
    expect(i1.roi.toDate).toBeCloseTo((21_000 - 210_000) / 210_000, 10);
    expect(i1.roi.atCompletion).toBeCloseTo((205_000 - 420_000) / 420_000, 10);
  });

  it('rolls up to objectives (shared equally, parents hold their children) and the portfolio', () => {
    const o = (id: string) => money.objectives.find((x) => x.objective === id)!;
    expect(o('O-A')).toMatchObject({
      plan: 200_000,
      eac: 210_000,
      initiatives: [{ id: 'I-1', share: 0.5 }],
    });
    expect(o('O-B')).toMatchObject({ plan: 200_000, actual: 105_000 });
    // I-2 (100,000, no run rate beyond Q2: 40,000 against 50,000) plus half of I-1.
    expect(o('O-TOP').plan).toBe(300_000);
    expect(o('O-TOP').eac).toBe(210_000 + 40_000 + 50_000 * 0.8);
    expect(money.totals.plan).toBe(500_000);
    expect(money.totals.actual).toBe(250_000);
    expect(money.totals.eac).toBe(420_000 + 80_000);
  });

  it('raises one overrun signal per initiative with the chain initiative → objectives', () => {
    const signals = overrunSignals(plan, money.initiatives);
    expect(signals.map((s) => s.id)).toEqual(['budget.overrun:I-1']);
    expect(signals[0]!.chain.map((s) => `${s.kind}:${s.id}`)).toEqual([
      'initiative:I-1',
      'objective:O-A',
      'objective:O-B',
    ]);
    expect(signals[0]!.title).toMatch(
      /forecast at completion 420,000 USD against a plan of 400,000/,
    );
    expect(signals[0]!.chain[0]!.text).toMatch(/2026-Q1 actual 120,000 against a plan of 100,000/);
    expect(signals[0]!.affectedOwners).toEqual(['priya', 'dana', 'marco']);
  });

  it('leaves initiatives filtered out of the roll-ups', () => {
    const only = portfolioMoney(plan, state, values, new Set(['I-2']));
    expect(only.initiatives.map((i) => i.initiative)).toEqual(['I-2']);
    expect(only.totals.plan).toBe(100_000);
    expect(only.objectives.find((x) => x.objective === 'O-A')!.plan).toBe(0);
  });
});
