import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.ts';
import { parsePeriod } from '../period.ts';
import { buildInitiative, buildKpi } from '../test-factories.ts';
import {
  applyAdjustment,
  assertNoLockedChange,
  type ClosedPeriod,
  coveringClosedPeriod,
  figureInPeriod,
  freezeFigures,
  lockedFigureChanges,
  parseClosablePeriod,
  type PeriodAdjustment,
  standingValue,
} from './locked-periods.ts';

const august = parsePeriod('2026-08')!;
const q3 = parsePeriod('2026-Q3')!;

function plan() {
  return {
    kpis: [
      buildKpi({
        id: 'K-SAVINGS',
        actuals: { '2026-07': 100000, '2026-08': 120000, '2026-Q3': 300000, '2026-09': 5 },
      }),
      buildKpi({ id: 'K-OTD', actuals: { '2026-Q2': 96 } }),
    ],
    initiatives: [
      buildInitiative({
        id: 'I-ERP',
        budget: {
          '2026-08': { plan: 50000, committed: 40000, actual: 30000 },
          '2026-Q4': { plan: 1 },
        },
      }),
    ],
  };
}

function closedAugust(): ClosedPeriod {
  return {
    period: '2026-08',
    closedBy: 'lena',
    closedByName: 'Lena Fischer',
    closedAt: '2026-09-14T09:00:00.000Z',
    figures: freezeFigures(plan(), august),
    forecast: { kpis: [], milestones: [] },
  };
}

describe('locked periods', () => {
  it('closes only months and quarters, naming the bad label', () => {
    expect(parseClosablePeriod('2026-08').label).toBe('2026-08');
    expect(parseClosablePeriod('2026-Q3').end).toBe('2026-09-30');
    for (const bad of ['2026', '2026-H2', '2026-13', '2026-8', '', 'x\u0000y', '2026-08 '])
      expect(() => parseClosablePeriod(bad)).toThrow(/is not a month \(2026-08\) or a quarter/);
  });

  it('freezes the figures that lie wholly inside the period', () => {
    expect(figureInPeriod(q3, '2026-08')).toBe(true);
    expect(figureInPeriod(august, '2026-Q3')).toBe(false);
    expect(figureInPeriod(august, 'nonsense')).toBe(false);
    expect(freezeFigures(plan(), august)).toEqual({
      kpis: { 'K-SAVINGS': { '2026-08': 120000 } },
      initiatives: { 'I-ERP': { '2026-08': { plan: 50000, committed: 40000, actual: 30000 } } },
    });
    expect(Object.keys(freezeFigures(plan(), q3).kpis['K-SAVINGS']!)).toEqual([
      '2026-07',
      '2026-08',
      '2026-Q3',
      '2026-09',
    ]);
  });

  it('finds nothing when the frozen figures stand and other periods move', () => {
    const after = plan();
    after.kpis[0]!.actuals['2026-Q4'] = 1;
    after.initiatives[0]!.budget['2026-Q4'] = { plan: 2 };
    expect(lockedFigureChanges([closedAugust()], [], after)).toEqual([]);
  });

  it('names the period, who closed it, the figure and both values', () => {
    const after = plan();
    after.kpis[0]!.actuals['2026-08'] = 130000;
    expect(() => assertNoLockedChange([closedAugust()], [], after)).toThrow(
      '2026-08 is closed (by Lena Fischer on 2026-09-14): the actual of K-SAVINGS for 2026-08 would change from 120000 to 130000; a controller can record an adjustment',
    );
  });

  it('refuses new figures, removed figures and budget lines, one problem each', () => {
    const after = plan();
    after.kpis[1]!.actuals['2026-08'] = 97;
    delete after.initiatives[0]!.budget['2026-08'];
    try {
      assertNoLockedChange([closedAugust()], [], after);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      const problems = (error as DomainError).problems;
      expect(problems.map((p) => p.code)).toEqual(Array(4).fill('period.closed'));
      expect(problems.map((p) => p.message)).toEqual(
        expect.arrayContaining([
          expect.stringContaining('the actual of K-OTD for 2026-08 would be set to 97'),
          expect.stringContaining('the plan budget of I-ERP for 2026-08 would be removed'),
          expect.stringContaining('the committed budget of I-ERP for 2026-08 would be removed'),
        ]),
      );
      expect(problems[0]!.path).toMatch(/^\$\.(kpis|initiatives)\[/);
    }
  });

  it('looks only at the entities a write touched when told', () => {
    const after = plan();
    after.kpis[0]!.actuals['2026-08'] = 1;
    const touched = { kpis: new Set(['K-OTD']), initiatives: new Set<string>() };
    expect(lockedFigureChanges([closedAugust()], [], after, touched)).toEqual([]);
  });

  it('holds a figure at frozen plus its adjustments', () => {
    const adjusted = applyAdjustment(
      { ...plan(), people: [] } as never,
      august,
      { kind: 'kpi_actual', kpi: 'K-SAVINGS', period: '2026-08' },
      2500,
    );
    expect(adjusted).toMatchObject({ from: 120000, to: 122500 });
    const adjustment: PeriodAdjustment = {
      period: '2026-08',
      figure: { kind: 'kpi_actual', kpi: 'K-SAVINGS', period: '2026-08' },
      amount: 2500,
      reason: 'late invoice',
      by: 'lena',
      at: '2026-09-15T00:00:00.000Z',
    };
    expect(lockedFigureChanges([closedAugust()], [adjustment], adjusted.plan)).toEqual([]);
    expect(lockedFigureChanges([closedAugust()], [], adjusted.plan)).toHaveLength(1);
  });

  it('adds adjustments without binary fractions: 96.1 + 0.1 stands at 96.2', () => {
    const closed = {
      ...closedAugust(),
      figures: { kpis: { K: { '2026-08': 96.1 } }, initiatives: {} },
    };
    const figure = { kind: 'kpi_actual' as const, kpi: 'K', period: '2026-08' };
    const adjustment = { period: '2026-08', figure, amount: 0.1, reason: 'r', by: 'lena', at: '' };
    expect(standingValue(closed, [adjustment], figure)).toBe(96.2);
  });

  it('refuses an adjustment outside the period, of nothing, or of 0', () => {
    const p = { ...plan(), people: [] } as never;
    expect(() =>
      applyAdjustment(p, august, { kind: 'kpi_actual', kpi: 'K-SAVINGS', period: '2026-09' }, 1),
    ).toThrow(/is not inside 2026-08/);
    expect(() =>
      applyAdjustment(p, august, { kind: 'kpi_actual', kpi: 'K-NONE', period: '2026-08' }, 1),
    ).toThrow(/no KPI 'K-NONE'/);
    expect(() =>
      applyAdjustment(p, august, { kind: 'kpi_actual', kpi: 'K-SAVINGS', period: '2026-08' }, 0),
    ).toThrow(/other than 0/);
    expect(() =>
      applyAdjustment(
        p,
        august,
        { kind: 'budget', initiative: 'I-ERP', period: '2026-08', line: 'actual' },
        Number.NaN,
      ),
    ).toThrow(/finite/);
  });

  it('knows a month inside a closed quarter is closed already', () => {
    const closedQ3 = { ...closedAugust(), period: '2026-Q3' };
    expect(coveringClosedPeriod([closedQ3], august)?.period).toBe('2026-Q3');
    expect(coveringClosedPeriod([closedAugust()], q3)).toBeUndefined();
    expect(coveringClosedPeriod([closedAugust()], august)?.period).toBe('2026-08');
  });
});
