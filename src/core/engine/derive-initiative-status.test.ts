import { describe, expect, it } from 'vitest';
import {
  buildBenefit,
  buildDependency,
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

  describe('value of an initiative whose late milestone holds up another one', () => {
    // I-UP's M-UP gates I-DOWN's M-DOWN, whose benefit carries K-SAV; I-UP's own benefit feeds
    // K-SIDE, which has no target (always on track).
    const chained = (dueDate: string) =>
      computeState({
        plan: buildPlan({
          units: [buildUnit()],
          initiatives: [buildInitiative({ id: 'I-UP' }), buildInitiative({ id: 'I-DOWN' })],
          milestones: [
            buildMilestone({
              id: 'M-UP',
              initiative: 'I-UP',
              plannedDate: '2026-10-05',
              work: { keys: ['UP-1'], epics: [] },
            }),
            buildMilestone({ id: 'M-DOWN', initiative: 'I-DOWN', plannedDate: '2026-10-19' }),
          ],
          dependencies: [
            buildDependency({ predecessor: 'M-UP', successor: 'M-DOWN', lagDays: 10 }),
          ],
          kpis: [
            buildKpi({ id: 'K-SIDE' }),
            buildKpi({ id: 'K-SAV', targets: { '2026-Q4': 1_200_000 } }),
          ],
          benefits: [
            buildBenefit({ id: 'B-SIDE', milestone: 'M-UP', kpi: 'K-SIDE', amountPerWeek: 1 }),
            buildBenefit({
              id: 'B-SAV',
              milestone: 'M-DOWN',
              kpi: 'K-SAV',
              amountPerWeek: 120_000,
            }),
          ],
        }),
        workItems: [buildWorkItem({ key: 'UP-1', dueDate })],
        changes: {},
        asOf: '2026-09-14',
      });

    it('follows the KPI the held-up milestone feeds, and says which milestone waits', () => {
      const state = chained('2026-10-23');
      expect(state.milestones.get('M-DOWN')?.status.status).toBe('off_track');
      expect(state.kpis.get('K-SAV')?.status.status).toBe('off_track');
      expect(state.kpis.get('K-SIDE')?.status.status).toBe('on_track');
      const up = state.initiatives.get('I-UP');
      expect(up?.value).toMatchObject({ status: 'off_track', rule: 'initiative.value_off_track' });
      expect(up?.value.reason).toMatch(/^M-DOWN waits on the late M-UP; K-SAV is off track: /);
      expect(up?.explanation.find((step) => step.rule === 'initiative.value_decided_by')).toEqual({
        rule: 'initiative.value_decided_by',
        text: 'Value follows the worst KPI fed by its benefits or by milestones its late milestones hold up, K-SAV (off track), fed by M-DOWN',
        ref: { kind: 'kpi', id: 'K-SAV' },
      });
      // The held-up initiative's own value reads its own benefit, as before.
      expect(state.initiatives.get('I-DOWN')?.value.reason).toMatch(/^K-SAV is off track: /);
    });

    it('reads only its own benefits when its milestones are on time', () => {
      const state = chained('2026-10-02');
      expect(state.milestones.get('M-UP')?.status.status).toBe('on_track');
      expect(state.initiatives.get('I-UP')?.value).toMatchObject({
        status: 'on_track',
        rule: 'initiative.value_on_track',
      });
      expect(state.initiatives.get('I-UP')?.value.reason).toMatch(/^K-SIDE is on track/);
    });
  });
});
