import { describe, expect, it } from 'vitest';
import { buildErpScenario, buildErpSlipScenario } from '../test-factories.ts';
import { computeState } from './compute-state.ts';

describe('computeState on the ERP story', () => {
  describe('as planned, on 2026-09-14', () => {
    const state = computeState(buildErpScenario());

    it('forecasts both milestones on their plan', () => {
      expect(state.milestones.get('M-GOLIVE')).toMatchObject({
        forecastDate: '2026-10-05',
        slipWorkingDays: 0,
        driver: { kind: 'work_item', key: 'ERP-17' },
        status: { status: 'on_track', rule: 'milestone.on_plan' },
      });
      expect(state.milestones.get('M-PURCH')).toMatchObject({
        forecastDate: '2026-10-19',
        slipWorkingDays: 0,
        driver: { kind: 'plan' },
        status: { status: 'on_track' },
      });
    });

    it('forecasts 74 days of savings in Q4: 1,268,571.43 against 1,200,000', () => {
      const q4 = state.kpis.get('K-SAVINGS')?.periods.find((period) => period.period === '2026-Q4');
      expect(q4?.forecast).toBeCloseTo(1_268_571.43, 2);
      expect(q4?.forecastAtPlan).toBeCloseTo(1_268_571.43, 2);
      expect(q4?.benefits).toEqual([
        {
          benefit: 'B-SAVINGS',
          milestone: 'M-PURCH',
          from: '2026-10-19',
          days: 74,
          amount: expect.closeTo(1_268_571.43, 2) as number,
        },
      ]);
      expect(q4?.status.status).toBe('on_track');
    });

    it('has everything on track and raises no signal', () => {
      expect(state.kpis.get('K-SAVINGS')?.status.status).toBe('on_track');
      expect(state.initiatives.get('I-ERP')?.delivery.status).toBe('on_track');
      expect(state.initiatives.get('I-PROC')?.value.status).toBe('on_track');
      expect(state.objectives.get('O-COST')?.status.status).toBe('on_track');
      expect(state.signals).toEqual([]);
    });
  });

  describe('after ERP-17 moved from 2026-10-02 to 2026-10-23', () => {
    const state = computeState(buildErpSlipScenario());

    it('slips the go-live and, through the dependency, purchasing by 15 working days', () => {
      expect(state.milestones.get('M-GOLIVE')).toMatchObject({
        forecastDate: '2026-10-26',
        slipWorkingDays: 15,
        driver: { kind: 'work_item', key: 'ERP-17' },
        status: { status: 'off_track', rule: 'milestone.forecast_after_plan' },
      });
      expect(state.milestones.get('M-PURCH')).toMatchObject({
        forecastDate: '2026-11-09',
        slipWorkingDays: 15,
        driver: { kind: 'dependency', predecessor: 'M-GOLIVE', type: 'FS', lagDays: 10 },
      });
      expect(state.milestones.get('M-PURCH')?.explanation.map((step) => step.rule)).toEqual([
        'milestone.planned_date',
        'milestone.dependency',
        'milestone.calendar_lag',
        'milestone.slip',
        'milestone.forecast_after_plan',
        'milestone.benefit',
      ]);
    });

    it('drops Q4 savings by 360,000 to 908,571.43, 291,428.57 short of target', () => {
      const q4 = state.kpis.get('K-SAVINGS')?.periods.find((period) => period.period === '2026-Q4');
      expect(q4?.forecast).toBeCloseTo(908_571.43, 2);
      expect(q4?.forecastAtPlan).toBeCloseTo(1_268_571.43, 2);
      expect(q4?.gap).toBeCloseTo(-291_428.57, 2);
      expect(q4?.benefits[0]?.days).toBe(53);
      expect(state.kpis.get('K-SAVINGS')?.status).toMatchObject({
        status: 'off_track',
        rule: 'kpi.misses_target',
      });
    });

    it('puts I-ERP delivery and value off track (its late go-live holds up the savings) and O-COST off track with its only KPI', () => {
      expect(state.initiatives.get('I-ERP')?.delivery).toMatchObject({
        status: 'off_track',
        rule: 'initiative.delivery_off_track',
      });
      // I-ERP's own benefits feed no KPI here: its value is off track because M-GOLIVE, late,
      // holds up M-PURCH, whose benefit feeds K-SAVINGS.
      expect(state.initiatives.get('I-ERP')?.value).toMatchObject({
        status: 'off_track',
        rule: 'initiative.value_off_track',
      });
      expect(state.initiatives.get('I-ERP')?.value.reason).toMatch(
        /^M-PURCH waits on the late M-GOLIVE; K-SAVINGS is off track: /,
      );
      expect(state.initiatives.get('I-PROC')?.value.status).toBe('off_track');
      expect(state.initiatives.get('I-PROC')?.value.reason).toMatch(/^K-SAVINGS is off track: /);
      expect(state.objectives.get('O-COST')?.status).toEqual({
        status: 'off_track',
        rule: 'objective.kpis_off_track',
        reason: 'its only KPI, K-SAVINGS, is off track',
      });
    });

    it('raises the Q4 savings signal with its chain from ERP-17 to O-COST', () => {
      const signal = state.signals.find(
        (candidate) => candidate.id === 'kpi.misses_target:K-SAVINGS:2026-Q4',
      );
      expect(signal).toBeDefined();
      expect(signal?.kind).toBe('kpi.misses_target');
      expect(signal?.subject).toEqual({ kind: 'kpi', id: 'K-SAVINGS' });
      expect(signal?.chain.map((step) => `${step.kind}:${step.id}`)).toEqual([
        'work_item:ERP-17',
        'milestone:M-GOLIVE',
        'milestone:M-PURCH',
        'kpi:K-SAVINGS',
        'objective:O-COST',
      ]);
      const [work, golive, purch, kpi, objective] = signal?.chain ?? [];
      expect(work?.text).toBe('ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 days)');
      expect(work?.figures).toEqual({ from: '2026-10-02', to: '2026-10-23', deltaDays: 21 });
      expect(golive?.text).toBe('M-GOLIVE forecast 2026-10-26, +15 working days (plan 2026-10-05)');
      expect(golive?.figures).toEqual({
        plannedDate: '2026-10-05',
        forecastDate: '2026-10-26',
        slipWorkingDays: 15,
      });
      expect(purch?.figures).toEqual({
        plannedDate: '2026-10-19',
        forecastDate: '2026-11-09',
        slipWorkingDays: 15,
      });
      expect(kpi?.text).toBe(
        'K-SAVINGS 2026-Q4 −360,000 USD, now 291,429 below target (forecast 908,571 against 1,200,000)',
      );
      expect(kpi?.figures).toEqual({
        period: '2026-Q4',
        forecast: expect.closeTo(908_571.43, 2) as number,
        forecastAtPlan: expect.closeTo(1_268_571.43, 2) as number,
        delta: -360_000,
        target: 1_200_000,
        shortfall: expect.closeTo(291_428.57, 2) as number,
      });
      expect(objective).toMatchObject({
        text: 'O-COST off track',
        figures: { status: 'off_track' },
      });
      expect(signal?.affectedOwners).toEqual(['priya', 'marco', 'dana']);
    });

    it('raises one slip signal per late milestone, with stable ids', () => {
      expect(state.signals.map((signal) => signal.id)).toEqual([
        'milestone.slipped:M-GOLIVE',
        'milestone.slipped:M-PURCH',
        'kpi.misses_target:K-SAVINGS:2026-Q4',
      ]);
      const purch = state.signals[1];
      expect(purch?.chain.map((step) => step.id)).toEqual([
        'ERP-17',
        'M-GOLIVE',
        'M-PURCH',
        'O-COST',
      ]);
      expect(purch?.affectedOwners).toEqual(['priya', 'marco', 'dana']);
      expect(state.signals[0]?.affectedOwners).toEqual(['priya', 'dana']);
    });

    it('derives the same state from the same input', () => {
      expect(computeState(buildErpSlipScenario())).toEqual(state);
    });
  });
});
