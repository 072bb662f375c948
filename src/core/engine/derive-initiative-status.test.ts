import { describe, expect, it } from 'vitest';
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

describe('deriveInitiativeStatuses', () => {
  const plan = buildPlan({
    units: [buildUnit()],
    initiatives: [buildInitiative({ id: 'I-1' }), buildInitiative({ id: 'I-EMPTY' })],
    milestones: [
      buildMilestone({ id: 'M-ON', plannedDate: '2026-12-01' }),
      buildMilestone({
        id: 'M-RISK',
        plannedDate: '2026-12-01',
        work: { keys: ['W-1'], epics: [] },
      }),
    ],
    kpis: [
      buildKpi({ id: 'K-OK', baseline: 10, targets: { '2026-Q4': 1 } }),
      buildKpi({ id: 'K-MISS', baseline: 0, targets: { '2026-Q4': 1_000_000 } }),
    ],
    benefits: [
      buildBenefit({ id: 'B-1', milestone: 'M-ON', kpi: 'K-OK' }),
      buildBenefit({ id: 'B-2', milestone: 'M-RISK', kpi: 'K-MISS' }),
    ],
  });
  const state = computeState({
    plan,
    workItems: [buildWorkItem({ key: 'W-1', dueDate: null })],
    changes: {},
    asOf: '2026-09-14',
  });

  it('takes delivery from its worst milestone and names it', () => {
    expect(state.initiatives.get('I-1')?.delivery).toMatchObject({
      status: 'at_risk',
      rule: 'initiative.delivery_at_risk',
    });
    expect(state.initiatives.get('I-1')?.delivery.reason).toMatch(/^M-RISK is at risk/);
    expect(state.initiatives.get('I-1')?.explanation[0]?.ref).toEqual({
      kind: 'milestone',
      id: 'M-RISK',
    });
  });

  it('takes value from the worst KPI its benefits feed and names it', () => {
    expect(state.initiatives.get('I-1')?.value).toMatchObject({
      status: 'off_track',
      rule: 'initiative.value_off_track',
    });
    expect(state.initiatives.get('I-1')?.explanation[1]?.ref).toEqual({
      kind: 'kpi',
      id: 'K-MISS',
    });
  });

  it('is on track on both counts without milestones or benefits', () => {
    expect(state.initiatives.get('I-EMPTY')).toMatchObject({
      delivery: { status: 'on_track', rule: 'initiative.no_milestones' },
      value: { status: 'on_track', rule: 'initiative.no_benefits' },
    });
  });
});
