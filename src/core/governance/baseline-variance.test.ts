import { describe, expect, it } from 'vitest';
import { computeState } from '../engine/compute-state.ts';
import { buildErpScenario, buildInitiative, buildMilestone } from '../test-factories.ts';
import { baselineVariance, visibleVariance } from './baseline-variance.ts';

describe('variance against a baseline', () => {
  const erp = buildErpScenario();
  const baseline = {
    ...erp.plan,
    initiatives: erp.plan.initiatives.map((i) =>
      i.id === 'I-ERP' ? { ...i, budget: { '2026-Q3': { plan: 100_000 } } } : i,
    ),
  };

  it('is nothing against itself but the forecast', () => {
    const state = computeState({ ...erp, plan: baseline });
    const v = baselineVariance(baseline, baseline, state);
    expect(v.totals.variance).toBe(0);
    expect(v.totals.replanned).toBe(0);
    expect(v.milestones.every((m) => m.change === 'unchanged' && m.plannedDays === 0)).toBe(true);
  });

  it('counts moved dates, added and removed milestones, and money per period', () => {
    const golive = baseline.milestones.find((m) => m.id === 'M-GOLIVE')!;
    const current = {
      ...baseline,
      milestones: [
        ...baseline.milestones
          .filter((m) => m.id !== 'M-PURCH')
          .map((m) => (m.id === 'M-GOLIVE' ? { ...m, plannedDate: '2026-10-16' } : m)),
        buildMilestone({ id: 'M-NEW', initiative: 'I-ERP', plannedDate: '2026-12-01' }),
      ],
      dependencies: [],
      benefits: [],
      initiatives: [
        ...baseline.initiatives.map((i) =>
          i.id === 'I-ERP'
            ? {
                ...i,
                budget: {
                  '2026-Q3': { plan: 100_000 },
                  '2026-Q4': { plan: 50_000, actual: 10_000 },
                },
              }
            : i,
        ),
        buildInitiative({ id: 'I-X', budget: { '2026-Q4': { plan: 20_000 } } }),
      ],
    };
    const state = computeState({ ...erp, plan: current });
    const v = baselineVariance(baseline, current, state);
    const moved = v.milestones.find((m) => m.id === 'M-GOLIVE')!;
    expect(moved).toMatchObject({
      baselineDate: golive.plannedDate,
      plannedDate: '2026-10-16',
      change: 'changed',
    });
    expect(moved.plannedDays).toBeGreaterThan(0);
    expect(v.milestones.find((m) => m.id === 'M-PURCH')).toMatchObject({
      change: 'removed',
      plannedDate: null,
      forecastDays: null,
    });
    expect(v.milestones.find((m) => m.id === 'M-NEW')).toMatchObject({
      change: 'added',
      baselineDate: null,
    });
    const erpMoney = v.initiatives.find((i) => i.id === 'I-ERP')!;
    expect(erpMoney).toMatchObject({
      baselineBudget: 100_000,
      currentBudget: 150_000,
      variance: 50_000,
      actual: 10_000,
      change: 'changed',
    });
    expect(erpMoney.periods).toEqual([
      { period: '2026-Q3', baseline: 100_000, current: 100_000, variance: 0 },
      { period: '2026-Q4', baseline: 0, current: 50_000, variance: 50_000 },
    ]);
    expect(v.initiatives.find((i) => i.id === 'I-X')).toMatchObject({
      change: 'added',
      variance: 20_000,
    });
    expect(v.totals).toMatchObject({ variance: 70_000, replanned: 1, currency: 'USD' });

    const hidden = visibleVariance(v, (kind, id) => id !== 'I-X' && id !== 'M-NEW');
    expect(hidden.initiatives.map((i) => i.id)).not.toContain('I-X');
    expect(hidden.milestones.map((m) => m.id)).not.toContain('M-NEW');
    expect(hidden.totals.variance).toBe(50_000);
  });
});
