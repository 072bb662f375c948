import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain/plan.ts';
import type { WorkItem, WorkItemChange } from '../domain/work-item.ts';
import {
  buildBenefit,
  buildDependency,
  buildDueDateChange,
  buildErpSlipScenario,
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildObjective,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../test-factories.ts';
import { MAX_CHAIN_LINKS } from './cause-chain.ts';
import { computeState } from './compute-state.ts';

const asOf = '2026-09-14';

function signalsOf(
  plan: Partial<Plan>,
  workItems: WorkItem[] = [],
  changes: Record<string, WorkItemChange> = {},
) {
  return computeState({
    plan: buildPlan({
      units: [buildUnit()],
      objectives: [buildObjective({ id: 'O-1', owner: 'dana' })],
      initiatives: [buildInitiative({ id: 'I-1', owner: 'priya', objectives: ['O-1'] })],
      ...plan,
    }),
    workItems,
    changes,
    asOf,
  }).signals;
}

const chainIds = (signal: { chain: { kind: string; id: string }[] } | undefined) =>
  signal?.chain.map((step) => `${step.kind}:${step.id}`);

describe('raiseSignals', () => {
  it('starts the chain at the KPI when it misses its target without any slip', () => {
    const signals = signalsOf({
      kpis: [
        buildKpi({ id: 'K-1', owner: 'marco', targets: { '2026-Q4': 500 }, objectives: ['O-1'] }),
      ],
    });
    expect(signals).toHaveLength(1);
    expect(signals[0]?.id).toBe('kpi.misses_target:K-1:2026-Q4');
    expect(chainIds(signals[0])).toEqual(['kpi:K-1', 'objective:O-1']);
    expect(signals[0]?.chain[0]?.text).toBe(
      'K-1 2026-Q4 500 below target (forecast 0 against 500)',
    );
    expect(signals[0]?.chain[0]?.figures).toMatchObject({ delta: 0, shortfall: 500 });
    expect(signals[0]?.affectedOwners).toEqual(['marco', 'dana']);
  });

  it('raises nothing for a period that ended before asOf', () => {
    const signals = signalsOf({ kpis: [buildKpi({ targets: { '2026-Q2': 500 } })] });
    expect(signals).toEqual([]);
  });

  it('walks back through the blocker that pushed the driving work item', () => {
    const signals = signalsOf(
      { milestones: [buildMilestone({ id: 'M-1', work: { keys: ['W-2'], epics: [] } })] },
      [
        buildWorkItem({ key: 'W-2', dueDate: '2026-09-30', blockedBy: ['W-1'] }),
        buildWorkItem({ key: 'W-1', dueDate: '2026-10-16' }),
      ],
      { 'W-1': buildDueDateChange('W-1', null, '2026-10-16') },
    );
    expect(signals[0]?.id).toBe('milestone.slipped:M-1');
    expect(chainIds(signals[0])).toEqual([
      'work_item:W-1',
      'work_item:W-2',
      'milestone:M-1',
      'objective:O-1',
    ]);
    expect(signals[0]?.chain[0]).toMatchObject({
      text: 'W-1 due date set to 2026-10-16',
      figures: { to: '2026-10-16' },
    });
    expect(signals[0]?.chain[1]).toMatchObject({
      text: 'W-2 forecast to finish 2026-10-16, after its blocker W-1',
      figures: { forecastFinish: '2026-10-16' },
    });
  });

  it('says when the driving work item is overdue', () => {
    const signals = signalsOf(
      {
        milestones: [
          buildMilestone({
            id: 'M-1',
            plannedDate: '2026-09-14',
            work: { keys: ['W-1'], epics: [] },
          }),
        ],
      },
      [buildWorkItem({ key: 'W-1', dueDate: '2026-09-01' })],
    );
    expect(signals[0]?.chain[0]?.text).toBe(
      'W-1 past its due date 2026-09-01, forecast to finish 2026-09-14',
    );
  });

  it('follows each slipped milestone that feeds the KPI, naming shared causes once', () => {
    const signals = signalsOf(
      {
        initiatives: [
          buildInitiative({ id: 'I-1', owner: 'priya', objectives: ['O-1'] }),
          buildInitiative({ id: 'I-2', owner: 'lee', objectives: ['O-1'] }),
        ],
        milestones: [
          buildMilestone({
            id: 'M-A',
            plannedDate: '2026-10-01',
            work: { keys: ['W-1'], epics: [] },
          }),
          buildMilestone({ id: 'M-B', initiative: 'I-2', plannedDate: '2026-10-02' }),
          buildMilestone({
            id: 'M-C',
            plannedDate: '2027-01-04',
            owner: 'sam',
            work: { keys: ['W-2'], epics: [] },
          }),
        ],
        dependencies: [buildDependency({ predecessor: 'M-A', successor: 'M-B', lagDays: 1 })],
        kpis: [
          buildKpi({
            id: 'K-1',
            owner: 'marco',
            targets: { '2026-Q4': 700_000 },
            objectives: ['O-1'],
          }),
        ],
        benefits: [
          buildBenefit({ id: 'B-1', milestone: 'M-B', kpi: 'K-1', amountPerWeek: 70_000 }),
          buildBenefit({ id: 'B-2', milestone: 'M-C', kpi: 'K-1', amountPerWeek: 70_000 }),
        ],
      },
      [
        buildWorkItem({ key: 'W-1', dueDate: '2026-10-30' }),
        buildWorkItem({ key: 'W-2', dueDate: '2027-01-29' }),
      ],
    );
    const kpiSignal = signals.find((signal) => signal.id === 'kpi.misses_target:K-1:2026-Q4');
    // M-C slipped too, but only within 2027: it moves nothing in 2026-Q4.
    expect(chainIds(kpiSignal)).toEqual([
      'work_item:W-1',
      'milestone:M-A',
      'milestone:M-B',
      'kpi:K-1',
      'objective:O-1',
    ]);
    expect(kpiSignal?.affectedOwners).toEqual(['priya', 'lee', 'marco', 'dana']);
    const slipC = signals.find((signal) => signal.id === 'milestone.slipped:M-C');
    expect(slipC?.affectedOwners).toEqual(['sam', 'dana']);
  });

  it(`keeps the source and the ${MAX_CHAIN_LINKS} nearest milestones of a very long chain`, () => {
    const count = 200;
    const milestones = Array.from({ length: count }, (_, n) =>
      buildMilestone({
        id: `M-${n}`,
        plannedDate: '2026-10-01',
        work: { keys: n === 0 ? ['W-1'] : [], epics: [] },
      }),
    );
    const dependencies = milestones
      .slice(1)
      .map((milestone, n) =>
        buildDependency({ predecessor: `M-${n}`, successor: milestone.id, lagDays: 1 }),
      );
    const signals = signalsOf({ milestones, dependencies }, [
      buildWorkItem({ key: 'W-1', dueDate: '2026-10-30' }),
    ]);
    expect(signals).toHaveLength(count);
    const last = signals[count - 1];
    expect(last?.chain).toHaveLength(1 + 1 + MAX_CHAIN_LINKS + 1);
    expect(chainIds(last)?.slice(0, 3)).toEqual([
      'work_item:W-1',
      'milestone:M-0',
      `milestone:M-${count - MAX_CHAIN_LINKS}`,
    ]);
    expect(last?.chain[2]?.figures['milestonesNotShown']).toBe(count - 1 - MAX_CHAIN_LINKS);
    expect(chainIds(last)?.at(-2)).toBe(`milestone:M-${count - 1}`);
  });

  it('gives the same ids for the same problems on every recompute', () => {
    const first = computeState(buildErpSlipScenario()).signals.map((signal) => signal.id);
    const second = computeState(buildErpSlipScenario()).signals.map((signal) => signal.id);
    expect(second).toEqual(first);
  });
});
