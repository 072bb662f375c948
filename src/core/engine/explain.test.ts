import { describe, expect, it } from 'vitest';
import type { ExplanationStep } from '../domain/state.ts';
import {
  buildCalendar,
  buildDependency,
  buildErpSlipScenario,
  buildInitiative,
  buildMilestone,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../test-factories.ts';
import { computeState } from './compute-state.ts';

const state = computeState(buildErpSlipScenario());
const step = (steps: readonly ExplanationStep[] | undefined, rule: string): ExplanationStep => {
  const found = steps?.find((candidate) => candidate.rule === rule);
  if (found === undefined)
    throw new Error(`no step ${rule} in ${steps?.map((s) => s.rule).join(', ')}`);
  return found;
};

describe('every figure explains itself (ERP story after the slip)', () => {
  it('names the work item that drives a milestone, its dates and the calendar days', () => {
    const golive = state.milestones.get('M-GOLIVE')?.explanation;
    expect(step(golive, 'milestone.after_latest_work')).toMatchObject({
      ref: { kind: 'work_item', id: 'ERP-17' },
      figures: { workItem: 'ERP-17', workFinish: '2026-10-23', date: '2026-10-26' },
    });
    expect(step(golive, 'milestone.driving_work_item').text).toBe(
      'ERP-17 \u201cMigrate vendor master data\u201d (In Progress) is due 2026-10-23',
    );
    expect(step(golive, 'milestone.linked_work').text).toBe(
      'Linked work (2): ERP-17 in progress, due 2026-10-23; ERP-18 done 2026-09-10',
    );
    expect(step(golive, 'milestone.calendar_next_working_day').text).toBe(
      'Calendar standard (Mon\u2013Fri): the next working day after 2026-10-23 is 2026-10-26; not worked: 2026-10-24 (weekend), 2026-10-25 (weekend)',
    );
    expect(step(golive, 'milestone.slip').figures).toEqual({
      plannedDate: '2026-10-05',
      forecastDate: '2026-10-26',
      slipWorkingDays: 15,
      calendar: 'standard',
    });
    expect(step(golive, 'milestone.forecast_after_plan').text).toBe(
      'Status off track: forecast 2026-10-26 passed its plan 2026-10-05 by 15 working days',
    );
  });

  it('names the link, its type and lag, the days it counts, and the benefit it starts', () => {
    const purch = state.milestones.get('M-PURCH')?.explanation;
    expect(step(purch, 'milestone.dependency')).toMatchObject({
      ref: { kind: 'milestone', id: 'M-GOLIVE' },
      figures: {
        predecessor: 'M-GOLIVE',
        type: 'FS',
        lagDays: 10,
        predecessorForecast: '2026-10-26',
        date: '2026-11-09',
      },
    });
    expect(step(purch, 'milestone.calendar_lag').text).toBe(
      'The link M-GOLIVE \u2192 M-PURCH is finish-to-start; its lag counts 10 working days on calendar standard (Mon\u2013Fri) from 2026-10-26, landing on 2026-11-09; not worked: 2026-10-31 (weekend), 2026-11-01 (weekend), 2026-11-07 (weekend), 2026-11-08 (weekend)',
    );
    expect(step(purch, 'milestone.benefit')).toMatchObject({
      ref: { kind: 'kpi', id: 'K-SAVINGS' },
      figures: { benefit: 'B-SAVINGS', kpi: 'K-SAVINGS', amountPerWeek: 120_000 },
    });
  });

  it('explains a KPI period from its benefit: which milestone, which days, how much', () => {
    const savings = state.kpis.get('K-SAVINGS')?.explanation;
    expect(step(savings, 'kpi.benefit_accrual').text).toBe(
      'Benefit B-SAVINGS from M-PURCH (forecast 2026-11-09): 53 days of 2026-Q4 from 2026-11-09 to 2026-12-31 \u00d7 120,000 a week / 7 = 908,571 USD',
    );
    expect(step(savings, 'kpi.slip_cost').figures).toMatchObject({
      delta: expect.closeTo(-360_000, 6) as number,
    });
    expect(savings?.at(-1)).toMatchObject({ rule: 'kpi.misses_target' });
  });

  it('explains an initiative by its milestones and benefits, and an objective by its contributors', () => {
    const proc = state.initiatives.get('I-PROC')?.explanation;
    expect(step(proc, 'initiative.value_off_track').text).toContain('K-SAVINGS is off track');
    expect(step(proc, 'initiative.milestone').text).toBe(
      'M-PURCH forecast 2026-11-09 (plan 2026-10-19, +15 working days): off track',
    );
    expect(step(proc, 'initiative.benefit').ref).toEqual({ kind: 'kpi', id: 'K-SAVINGS' });
    const cost = state.objectives.get('O-COST')?.explanation;
    expect(cost?.map((s) => s.text)).toEqual([
      'K-SAVINGS is off track',
      'I-ERP delivery is off track',
      'I-ERP value is off track',
      'I-PROC delivery is off track',
      'I-PROC value is off track',
      'O-COST is off track: its only KPI, K-SAVINGS, is off track',
    ]);
  });

  it('names holidays, and the dependencies that do not push the date', () => {
    const plan = buildPlan({
      calendars: [buildCalendar({ holidays: ['2026-10-12'] })],
      units: [buildUnit()],
      initiatives: [buildInitiative()],
      milestones: [
        buildMilestone({ id: 'A', plannedDate: '2026-10-01', work: { keys: ['W-1'], epics: [] } }),
        buildMilestone({ id: 'B', plannedDate: '2026-10-02' }),
        buildMilestone({ id: 'C', plannedDate: '2026-10-30' }),
      ],
      dependencies: [
        buildDependency({ predecessor: 'A', successor: 'C', type: 'SS', lagDays: 3 }),
        buildDependency({ predecessor: 'B', successor: 'C', type: 'FF', lagDays: -2 }),
      ],
    });
    const explained = computeState({
      plan,
      workItems: [buildWorkItem({ key: 'W-1', dueDate: '2026-10-09' })],
      changes: {},
      asOf: '2026-09-14',
    });
    const a = explained.milestones.get('A')?.explanation;
    expect(step(a, 'milestone.calendar_next_working_day').text).toContain(
      'not worked: 2026-10-10 (weekend), 2026-10-11 (weekend), 2026-10-12 (holiday)',
    );
    const c = explained.milestones.get('C')?.explanation;
    expect(
      c?.filter((s) => s.rule === 'milestone.dependency_not_driving').map((s) => s.text),
    ).toEqual([
      'A \u2192 C (start-to-start, lag +3 working days): A is forecast 2026-10-13, which requires 2026-10-16; it does not push C (not later than 2026-10-30)',
      'B \u2192 C (finish-to-finish, lag \u22122 working days): B is forecast 2026-10-02, which requires 2026-09-30; it does not push C (not later than 2026-10-30)',
    ]);
  });

  it('makes an explanation only when it is read, and the same one each time', () => {
    const fresh = computeState(buildErpSlipScenario());
    const first = fresh.milestones.get('M-PURCH');
    expect(fresh.milestones.get('M-PURCH')).toBe(first);
    expect([...fresh.milestones.keys()]).toEqual(['M-GOLIVE', 'M-PURCH']);
  });
});
