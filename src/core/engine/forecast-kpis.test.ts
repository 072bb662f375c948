import { describe, expect, it } from 'vitest';
import type { Kpi, Milestone } from '../domain/plan.ts';
import type { WorkItem } from '../domain/work-item.ts';
import {
  buildBenefit,
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../test-factories.ts';
import { computeState } from './compute-state.ts';

const asOf = '2026-09-14';

function stateOf(kpi: Kpi, milestones: Milestone[] = [], amountPerWeek = 0, work: WorkItem[] = []) {
  return computeState({
    plan: buildPlan({
      units: [buildUnit()],
      initiatives: [buildInitiative()],
      milestones,
      kpis: [kpi],
      benefits: milestones.length > 0 ? [buildBenefit({ milestone: 'M-1', amountPerWeek })] : [],
    }),
    workItems: work,
    changes: {},
    asOf,
  });
}

function periodOf(state: ReturnType<typeof stateOf>, label: string) {
  return state.kpis.get('K-1')?.periods.find((period) => period.period === label);
}

describe('forecastKpis', () => {
  it('subtracts the benefit of a lower-is-better KPI and signs the gap so that negative is worse', () => {
    // 14,000 a week is 2,000 a calendar day; Q4 has 92 days.
    const kpi = buildKpi({
      id: 'K-1',
      direction: 'lower_is_better',
      baseline: 500_000,
      targets: { '2026-Q4': 400_000 },
    });
    const onPlan = stateOf(kpi, [buildMilestone({ plannedDate: '2026-10-01' })], 14_000);
    expect(periodOf(onPlan, '2026-Q4')).toMatchObject({
      forecast: 316_000,
      forecastAtPlan: 316_000,
      gap: 84_000,
      status: { status: 'on_track', rule: 'kpi.meets_target' },
    });

    const late = stateOf(
      kpi,
      [buildMilestone({ plannedDate: '2026-10-01', work: { keys: ['W-1'], epics: [] } })],
      14_000,
      [buildWorkItem({ key: 'W-1', dueDate: '2026-11-30' })],
    );
    expect(periodOf(late, '2026-Q4')).toMatchObject({
      forecast: 438_000,
      forecastAtPlan: 316_000,
      gap: -38_000,
      status: { status: 'off_track', rule: 'kpi.misses_target' },
    });
    const signal = late.signals.find((s) => s.id === 'kpi.misses_target:K-1:2026-Q4');
    expect(signal?.chain.find((step) => step.kind === 'kpi')).toMatchObject({
      text: 'K-1 2026-Q4 +122,000 USD, now 38,000 above target (forecast 438,000 against 400,000)',
      figures: { delta: 122_000, shortfall: 38_000, target: 400_000 },
    });
  });

  it('counts only the days from asOf on when an actual covers the period so far', () => {
    // 7,000 a week is 1,000 a day; the milestone landed 2026-09-01, asOf is 2026-09-14.
    const kpi = buildKpi({
      id: 'K-1',
      baseline: 0,
      actuals: { '2026-Q3': 50_000 },
      targets: { '2026-Q3': 100_000, '2026-Q4': 60_000 },
    });
    const state = stateOf(kpi, [buildMilestone({ plannedDate: '2026-09-01' })], 7_000);
    const q3 = periodOf(state, '2026-Q3');
    expect(q3).toMatchObject({ actual: 50_000, forecast: 67_000, forecastAtPlan: 67_000 });
    expect(q3?.benefits).toEqual([
      { benefit: 'B-1', milestone: 'M-1', from: '2026-09-14', days: 17, amount: 17_000 },
    ]);
    // Without an actual, the whole of Q4 counts, from the baseline.
    expect(periodOf(state, '2026-Q4')).toMatchObject({ actual: null, forecast: 92_000 });
  });

  it('is at risk when it meets the target by less than 5% of it', () => {
    const at = (baseline: number) =>
      periodOf(stateOf(buildKpi({ baseline, targets: { '2026-Q4': 1_000_000 } })), '2026-Q4');
    expect(at(1_040_000)?.status).toMatchObject({ status: 'at_risk', rule: 'kpi.thin_margin' });
    expect(at(1_050_000)?.status).toMatchObject({ status: 'on_track', rule: 'kpi.meets_target' });
    expect(at(999_999)?.status).toMatchObject({ status: 'off_track', rule: 'kpi.misses_target' });
  });

  it('takes the worst period with a target that has not ended, in period order', () => {
    const state = stateOf(
      buildKpi({
        baseline: 100,
        targets: { '2027-01': 100, '2026-Q4': 90, '2026-Q2': 1_000 },
        actuals: { '2026-09': 100 },
      }),
    );
    expect(state.kpis.get('K-1')?.periods.map((period) => period.period)).toEqual([
      '2026-Q2',
      '2026-09',
      '2026-Q4',
      '2027-01',
    ]);
    expect(periodOf(state, '2026-09')?.status.rule).toBe('kpi.no_target');
    // 2026-Q2 misses by far but ended before asOf; 2027-01 meets its target with no margin.
    expect(state.kpis.get('K-1')?.status).toMatchObject({
      status: 'at_risk',
      rule: 'kpi.thin_margin',
    });
    expect(state.signals).toEqual([]);
  });

  it('is on track with a rule saying so when no period with a target is still open', () => {
    const state = stateOf(buildKpi({ baseline: 0, targets: { '2026-Q1': 5 } }));
    expect(state.kpis.get('K-1')?.status).toMatchObject({
      status: 'on_track',
      rule: 'kpi.no_open_target',
    });
  });

  it('skips a label that is not a reporting period, and says so', () => {
    const state = stateOf(buildKpi({ targets: { 'next year': 5, '2026-Q4': 0 } }));
    expect(state.kpis.get('K-1')?.periods.map((period) => period.period)).toEqual(['2026-Q4']);
    expect(state.kpis.get('K-1')?.explanation[0]?.rule).toBe('kpi.unknown_period');
  });
});
