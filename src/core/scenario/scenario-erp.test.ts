import { describe, expect, it } from 'vitest';
import { demoInputAfterSlip } from '../../../test/support/demo-after-slip.ts';
import { priceScenario } from './price-scenario.ts';

const input = await demoInputAfterSlip('2026-09-15');

describe('scenarios on the ERP story, after the ERP-17 slip', () => {
  it.each([
    ['in weeks 41–43', '2026-10-05', '2026-10-25'],
    ['in October', '2026-10-01', '2026-10-31'],
  ])(
    'more IT capacity %s brings M-PURCH and M-PILOT a week earlier, resolves the over-allocation and raises K-SAVINGS',
    (_when, from, to) => {
      const result = priceScenario(input, [
        {
          kind: 'add_capacity',
          unit: 'IT',
          perWeek: 4,
          from,
          to,
          cost: { amount: 60_000, period: '2026-Q4', initiative: 'I-ERP' },
        },
      ]);
      expect(result.milestones.map((m) => [m.id, m.forecastDate, m.levelledDate])).toEqual([
        [
          'M-PURCH',
          { before: '2026-11-16', after: '2026-11-09' },
          { before: '2026-11-16', after: '2026-11-09' },
        ],
        [
          'M-PILOT',
          { before: '2026-11-23', after: '2026-11-16' },
          { before: '2026-11-23', after: '2026-11-16' },
        ],
      ]);
      expect(result.capacity).toEqual([
        {
          unit: 'IT',
          peakPercent: { before: 167, after: 100 },
          overAllocatedWeeks: { before: ['2026-W41', '2026-W42', '2026-W43'], after: [] },
        },
      ]);
      expect(result.signals).toEqual({
        raised: [],
        resolved: [
          { id: 'milestone.slipped:M-PILOT', kind: 'milestone.slipped' },
          { id: 'capacity.over_allocated:IT:2026-W41', kind: 'capacity.over_allocated' },
        ],
      });
      // The 120,000 USD of B-PURCH-SAVINGS the levelling made late no longer is.
      expect(result.totals.moneyLaterByCapacity).toEqual({ before: 120_000, after: 0 });
      expect(result.budget).toEqual([
        { initiative: 'I-ERP', period: '2026-Q4', plan: { before: 350_000, after: 410_000 } },
      ]);
      // The forecast is the levelled one: the week of B-PURCH-SAVINGS comes back, and K-SAVINGS
      // 2026-Q4 rises from 788,571 (the live forecast, README) to 908,571.
      expect(
        result.kpis.map((k) => [
          k.kpi,
          k.period,
          Math.round(k.forecast.before!),
          Math.round(k.forecast.after!),
        ]),
      ).toEqual([['K-SAVINGS', '2026-Q4', 788_571, 908_571]]);
      expect(Math.round(result.totals.moneyAtStake.againstTarget.before)).toBe(411_429);
      expect(Math.round(result.totals.moneyAtStake.againstTarget.after)).toBe(291_429);
    },
  );

  it('accepting the slip of M-GOLIVE re-baselines it and resolves its slip signal', () => {
    const result = priceScenario(input, [{ kind: 'accept_slip', milestone: 'M-GOLIVE' }]);
    expect(result.milestones).toEqual([
      {
        id: 'M-GOLIVE',
        plannedDate: { before: '2026-10-05', after: '2026-10-26' },
        forecastDate: { before: '2026-10-26', after: '2026-10-26' },
        slipWorkingDays: { before: 15, after: 0 },
        levelledDate: { before: '2026-10-26', after: '2026-10-26' },
      },
    ]);
    expect(result.signals.resolved).toEqual([
      { id: 'milestone.slipped:M-GOLIVE', kind: 'milestone.slipped' },
    ]);
  });

  it('accepting the slip of M-PURCH too moves K-SAVINGS at plan: 480,000 USD no longer behind plan', () => {
    const result = priceScenario(input, [
      { kind: 'accept_slip', milestone: 'M-GOLIVE' },
      { kind: 'accept_slip', milestone: 'M-PURCH' },
    ]);
    expect(result.kpis).toEqual([]);
    expect(Math.round(result.totals.moneyAtStake.againstPlan.before)).toBe(480_000);
    expect(Math.round(result.totals.moneyAtStake.againstPlan.after)).toBe(0);
    // Still short of the 1,200,000 target: re-baselining does not bring money.
    expect(result.signals.resolved.map((s) => s.id)).toEqual([
      'milestone.slipped:M-GOLIVE',
      'milestone.slipped:M-PURCH',
    ]);
  });
});
