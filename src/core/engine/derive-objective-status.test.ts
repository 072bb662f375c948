import { describe, expect, it } from 'vitest';
import type { Initiative, Kpi, Milestone, Objective } from '../domain/plan.ts';
import {
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildObjective,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../test-factories.ts';
import { computeState } from './compute-state.ts';

const offKpi = (id: string, objectives: string[]) =>
  buildKpi({ id, baseline: 0, targets: { '2026-Q4': 100 }, objectives });
const onKpi = (id: string, objectives: string[]) =>
  buildKpi({ id, baseline: 200, targets: { '2026-Q4': 100 }, objectives });

function objectivesOf(parts: {
  objectives: Objective[];
  kpis?: Kpi[];
  initiatives?: Initiative[];
  milestones?: Milestone[];
}) {
  return computeState({
    plan: buildPlan({ units: [buildUnit()], kpis: [], initiatives: [], ...parts }),
    workItems: [],
    changes: {},
    asOf: '2026-09-14',
  }).objectives;
}

describe('deriveObjectiveStatuses', () => {
  it('is on track when nothing that feeds it is at risk or off track', () => {
    const objectives = objectivesOf({
      objectives: [buildObjective({ id: 'O-1' })],
      kpis: [onKpi('K-1', ['O-1'])],
    });
    expect(objectives.get('O-1')?.status).toMatchObject({
      status: 'on_track',
      rule: 'objective.on_track',
    });
  });

  it('is off track when its only KPI is off track', () => {
    const objectives = objectivesOf({
      objectives: [buildObjective({ id: 'O-1' })],
      kpis: [offKpi('K-1', ['O-1'])],
    });
    expect(objectives.get('O-1')?.status).toEqual({
      status: 'off_track',
      rule: 'objective.kpis_off_track',
      reason: 'its only KPI, K-1, is off track',
    });
  });

  it('is at risk, not off track, when its KPIs hold but a serving initiative is off track', () => {
    const state = computeState({
      plan: buildPlan({
        units: [buildUnit()],
        objectives: [buildObjective({ id: 'O-1' })],
        kpis: [onKpi('K-1', ['O-1'])],
        initiatives: [buildInitiative({ id: 'I-1', objectives: ['O-1'] })],
        milestones: [buildMilestone({ initiative: 'I-1', work: { keys: ['W'], epics: [] } })],
      }),
      workItems: [buildWorkItem({ key: 'W', dueDate: '2026-11-30' })],
      changes: {},
      asOf: '2026-09-14',
    });
    expect(state.initiatives.get('I-1')?.delivery.status).toBe('off_track');
    expect(state.objectives.get('O-1')?.status).toMatchObject({
      status: 'at_risk',
      rule: 'objective.initiative_not_on_track',
    });
  });

  it('is off track when at least half of two or more KPIs are off track', () => {
    const objectives = objectivesOf({
      objectives: [buildObjective({ id: 'O-HALF' }), buildObjective({ id: 'O-THIRD' })],
      kpis: [
        offKpi('K-1', ['O-HALF', 'O-THIRD']),
        onKpi('K-2', ['O-HALF', 'O-THIRD']),
        onKpi('K-3', ['O-THIRD']),
      ],
    });
    expect(objectives.get('O-HALF')?.status).toMatchObject({
      status: 'off_track',
      rule: 'objective.kpis_off_track',
      reason: '1 of its 2 KPIs are off track: K-1',
    });
    expect(objectives.get('O-THIRD')?.status.status).toBe('at_risk');
  });

  it('without KPIs, is off track when its one serving initiative is off track', () => {
    const objectives = objectivesOf({
      objectives: [buildObjective({ id: 'O-1' })],
      initiatives: [buildInitiative({ id: 'I-1', objectives: ['O-1'] })],
      milestones: [buildMilestone({ initiative: 'I-1', work: { keys: ['GONE'], epics: [] } })],
    });
    expect(objectives.get('O-1')?.status.status).toBe('on_track');

    const late = computeState({
      plan: buildPlan({
        units: [buildUnit()],
        objectives: [buildObjective({ id: 'O-1' })],
        initiatives: [buildInitiative({ id: 'I-1', objectives: ['O-1'] })],
        milestones: [buildMilestone({ initiative: 'I-1', work: { keys: ['W'], epics: [] } })],
      }),
      workItems: [buildWorkItem({ key: 'W', dueDate: '2026-11-30' })],
      changes: {},
      asOf: '2026-09-14',
    }).objectives;
    expect(late.get('O-1')?.status).toMatchObject({
      status: 'off_track',
      rule: 'objective.all_off_track',
    });
    expect(late.get('O-1')?.explanation[0]?.ref).toEqual({ kind: 'initiative', id: 'I-1' });
  });

  it('is at risk when a child objective is off track while its own KPI holds', () => {
    const objectives = objectivesOf({
      objectives: [
        buildObjective({ id: 'O-ROOT' }),
        buildObjective({ id: 'O-CHILD', parent: 'O-ROOT' }),
        buildObjective({ id: 'O-GRANDCHILD', parent: 'O-CHILD' }),
      ],
      kpis: [onKpi('K-0', ['O-ROOT']), offKpi('K-1', ['O-CHILD']), offKpi('K-2', ['O-CHILD'])],
    });
    expect(objectives.get('O-CHILD')?.status.status).toBe('off_track');
    expect(objectives.get('O-ROOT')?.status).toMatchObject({
      status: 'at_risk',
      rule: 'objective.child_not_on_track',
    });
    expect(objectives.get('O-GRANDCHILD')?.status.status).toBe('on_track');
    expect([...objectives.keys()]).toEqual(['O-ROOT', 'O-CHILD', 'O-GRANDCHILD']);
  });

  it('without KPIs, is off track when everything serving it or under it is off track', () => {
    const late = (id: string) =>
      buildMilestone({ id: `M-${id}`, initiative: id, work: { keys: [`W-${id}`], epics: [] } });
    const plan = (objectives: Objective[], kpis: Kpi[]) =>
      buildPlan({
        units: [buildUnit()],
        objectives,
        kpis,
        initiatives: [
          buildInitiative({ id: 'I-A', objectives: ['O-ROOT'] }),
          buildInitiative({ id: 'I-B', objectives: ['O-ROOT'] }),
          buildInitiative({ id: 'I-C', objectives: ['O-OTHER'] }),
        ],
        milestones: [late('I-A'), late('I-B'), buildMilestone({ id: 'M-C', initiative: 'I-C' })],
      });
    const workItems = ['I-A', 'I-B'].map((id) =>
      buildWorkItem({ key: `W-${id}`, dueDate: '2026-11-30' }),
    );
    const state = computeState({
      plan: plan(
        [
          buildObjective({ id: 'O-ROOT' }),
          buildObjective({ id: 'O-CHILD', parent: 'O-ROOT' }),
          buildObjective({ id: 'O-OTHER' }),
        ],
        [offKpi('K-1', ['O-CHILD'])],
      ),
      workItems,
      changes: {},
      asOf: '2026-09-14',
    });
    expect(state.objectives.get('O-ROOT')?.status).toEqual({
      status: 'off_track',
      rule: 'objective.all_off_track',
      reason:
        'no KPI measures it, and everything serving it or under it is off track: I-A, I-B, O-CHILD',
    });
    // I-C is on time: O-OTHER has nothing off track.
    expect(state.objectives.get('O-OTHER')?.status.status).toBe('on_track');

    // One contributor on track (the child's KPI holds): at risk only.
    const mixed = computeState({
      plan: plan(
        [buildObjective({ id: 'O-ROOT' }), buildObjective({ id: 'O-CHILD', parent: 'O-ROOT' })],
        [onKpi('K-1', ['O-CHILD'])],
      ),
      workItems,
      changes: {},
      asOf: '2026-09-14',
    });
    expect(mixed.objectives.get('O-ROOT')?.status).toMatchObject({
      status: 'at_risk',
      rule: 'objective.initiative_not_on_track',
    });
  });

  it('is on track without KPIs, initiatives or children', () => {
    const objectives = objectivesOf({ objectives: [buildObjective({ id: 'O-EMPTY' })] });
    expect(objectives.get('O-EMPTY')?.status.status).toBe('on_track');
  });

  it('does not loop on a cycle of parents', () => {
    const objectives = objectivesOf({
      objectives: [
        buildObjective({ id: 'O-A', parent: 'O-B' }),
        buildObjective({ id: 'O-B', parent: 'O-A' }),
      ],
    });
    expect([...objectives.keys()]).toEqual(['O-A', 'O-B']);
    const rules = [...objectives.values()].flatMap((o) => o.explanation.map((s) => s.rule));
    expect(rules).toContain('objective.parent_cycle');
  });
});
