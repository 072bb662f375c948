import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain/plan.ts';
import { computeState } from '../engine/compute-state.ts';
import type { EngineInput } from '../engine/engine.ts';
import { DomainError } from '../errors.ts';
import {
  buildBenefit,
  buildDependency,
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildObjective,
  buildPerson,
  buildPlan,
  buildUnit,
} from '../test-factories.ts';
import { applyScenario } from './apply-scenario.ts';
import { compareScenarios, priceScenario } from './price-scenario.ts';
import { parseScenario, type Scenario, type ScenarioChange } from './scenario.ts';

const AS_OF = '2026-09-15';

/**
 * Two initiatives sharing IT (6 a week): I-A's work (4 a week, weeks 41–43) delivers M-A; I-B's
 * (4 a week, weeks 42–44) delivers M-B, whose benefit lifts K-1 by 7,000 a week.
 */
function smallPlan(): Plan {
  return buildPlan({
    units: [buildUnit({ capacity: { perWeek: 6 } }), buildUnit({ id: 'OPS', name: 'Ops' })],
    people: [buildPerson(), buildPerson({ id: 'dana', name: 'Dana' })],
    objectives: [buildObjective()],
    kpis: [buildKpi({ owner: 'dana', targets: { '2026-Q4': 100_000 }, objectives: ['O-1'] })],
    initiatives: [
      buildInitiative({
        id: 'I-A',
        objectives: ['O-1'],
        budget: {
          '2026-Q3': { plan: 50_000, actual: 40_000 },
          '2026-Q4': { plan: 80_000, committed: 10_000 },
        },
      }),
      buildInitiative({ id: 'I-B', objectives: ['O-1'], budget: { '2026-Q4': { plan: 60_000 } } }),
    ],
    milestones: [
      buildMilestone({ id: 'M-A', initiative: 'I-A', plannedDate: '2026-10-26' }),
      buildMilestone({ id: 'M-B', initiative: 'I-B', plannedDate: '2026-11-02' }),
      buildMilestone({ id: 'M-C', initiative: 'I-B', plannedDate: '2026-11-16' }),
    ],
    dependencies: [buildDependency({ predecessor: 'M-A', successor: 'M-C' })],
    benefits: [buildBenefit({ id: 'B-1', milestone: 'M-B', kpi: 'K-1', amountPerWeek: 7_000 })],
    demands: [
      {
        id: 'D-A',
        initiative: 'I-A',
        unit: 'IT',
        perWeek: 4,
        from: '2026-10-05',
        to: '2026-10-23',
        milestone: 'M-A',
      },
      {
        id: 'D-B',
        initiative: 'I-B',
        unit: 'IT',
        perWeek: 4,
        from: '2026-10-12',
        to: '2026-10-30',
        milestone: 'M-B',
      },
    ],
  });
}

function inputOf(plan: Plan): EngineInput {
  return { plan, workItems: [], changes: {}, asOf: AS_OF };
}

function apply(changes: unknown[], plan = smallPlan()): Plan {
  return applyScenario(plan, computeState(inputOf(plan)), changes as ScenarioChange[]);
}

function refusal(run: () => unknown): {
  code: string;
  problems: { code: string; path?: string; message: string }[];
} {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, problems: [...error.problems] };
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('applyScenario: each lever', () => {
  it('never touches the plan it is given', () => {
    const plan = smallPlan();
    const before = JSON.stringify(plan);
    apply(
      [
        { kind: 'stop_initiative', initiative: 'I-B' },
        { kind: 'move_milestone', milestone: 'M-A', plannedDate: '2026-12-01' },
      ],
      plan,
    );
    expect(JSON.stringify(plan)).toBe(before);
  });

  it('move_milestone sets the planned date', () => {
    const plan = apply([{ kind: 'move_milestone', milestone: 'M-A', plannedDate: '2026-11-30' }]);
    expect(plan.milestones[0]!.plannedDate).toBe('2026-11-30');
  });

  it('accept_slip re-baselines to the forecast', () => {
    // M-C waits for M-A: moving M-A to December pushes M-C's forecast; accepting that slip
    // sets M-C's plan to that forecast, and its slip signal goes.
    const moved = apply([{ kind: 'move_milestone', milestone: 'M-A', plannedDate: '2026-12-01' }]);
    const state = computeState(inputOf(moved));
    const forecast = state.milestones.get('M-C')!.forecastDate;
    expect(forecast).toBe('2026-12-01');
    const accepted = applyScenario(moved, state, [{ kind: 'accept_slip', milestone: 'M-C' }]);
    expect(accepted.milestones[2]!.plannedDate).toBe('2026-12-01');
    expect(computeState(inputOf(accepted)).signals.map((s) => s.id)).not.toContain(
      'milestone.slipped:M-C',
    );
  });

  it('add_capacity raises the weekly capacity in whole months and books its cost', () => {
    const plan = apply([
      {
        kind: 'add_capacity',
        unit: 'IT',
        perWeek: 3,
        from: '2026-10-01',
        to: '2026-11-30',
        cost: { amount: 30_000, period: '2026-Q4', initiative: 'I-B' },
      },
    ]);
    expect(plan.units[0]!.capacity).toEqual({
      perWeek: 6,
      periods: { '2026-10': 9, '2026-11': 9 },
    });
    expect(plan.initiatives[1]!.budget['2026-Q4']).toEqual({ plan: 90_000 });
  });

  it('add_capacity adds to the most specific period already planned', () => {
    const base = smallPlan();
    base.units[0] = buildUnit({
      capacity: { perWeek: 6, periods: { '2026-Q4': 5, '2026-12': 2 } },
    });
    const plan = apply(
      [{ kind: 'add_capacity', unit: 'IT', perWeek: 1, from: '2026-11-01', to: '2026-12-31' }],
      base,
    );
    expect(plan.units[0]!.capacity!.periods).toEqual({ '2026-Q4': 5, '2026-11': 6, '2026-12': 3 });
  });

  it('add_capacity adds whole ISO weeks, Monday to Sunday, on top of the month they lie in', () => {
    const base = smallPlan();
    base.units[0] = buildUnit({ capacity: { perWeek: 6, periods: { '2026-10': 5 } } });
    const plan = apply(
      [{ kind: 'add_capacity', unit: 'IT', perWeek: 4, from: '2026-10-05', to: '2026-10-25' }],
      base,
    );
    expect(plan.units[0]!.capacity!.periods).toEqual({
      '2026-10': 5,
      '2026-W41': 9,
      '2026-W42': 9,
      '2026-W43': 9,
    });
  });

  it('add_capacity over whole months also raises the weeks planned on their own inside them', () => {
    const base = smallPlan();
    base.units[0] = buildUnit({ capacity: { perWeek: 6, periods: { '2026-W41': 2 } } });
    const plan = apply(
      [{ kind: 'add_capacity', unit: 'IT', perWeek: 1, from: '2026-10-01', to: '2026-10-31' }],
      base,
    );
    expect(plan.units[0]!.capacity!.periods).toEqual({ '2026-W41': 3, '2026-10': 7 });
  });

  it('add_capacity refuses days that are neither whole weeks nor whole months, naming the change', () => {
    const { code, problems } = refusal(() =>
      apply([
        { kind: 'add_capacity', unit: 'IT', perWeek: 3, from: '2026-10-06', to: '2026-10-23' },
      ]),
    );
    expect(code).toBe('scenario.bad_change');
    expect(problems[0]!.path).toBe('$.changes[0]');
    expect(problems[0]!.message).toContain('2026-10-05 … 2026-10-25');
  });

  it('move_demand moves a window', () => {
    const plan = apply([
      { kind: 'move_demand', demand: 'D-B', from: '2026-11-02', to: '2026-11-20' },
    ]);
    expect(plan.demands[1]).toMatchObject({ from: '2026-11-02', to: '2026-11-20' });
  });

  it('prioritise makes the other initiative wait in the contested weeks', () => {
    const plan = apply([{ kind: 'prioritise', unit: 'IT', initiative: 'I-B', over: ['I-A'] }]);
    expect(plan.demands[0]!.after).toEqual(['D-B']);
    const levelled = computeState(inputOf(plan)).capacity;
    // I-B's work runs as planned; I-A's waits for it.
    expect(levelled.demands.find((d) => d.id === 'D-B')!.delayWeeks).toBe(0);
    expect(levelled.milestones.map((m) => m.id)).toContain('M-A');
    expect(levelled.milestones.map((m) => m.id)).not.toContain('M-B');
  });

  it('prioritise changes nothing where the unit has room', () => {
    const base = smallPlan();
    base.units[0] = buildUnit({ capacity: { perWeek: 10 } });
    expect(
      apply([{ kind: 'prioritise', unit: 'IT', initiative: 'I-B', over: ['I-A'] }], base).demands,
    ).toEqual(base.demands);
  });

  it('move_budget moves plan between lines, creating the target line', () => {
    const plan = apply([
      {
        kind: 'move_budget',
        from: { initiative: 'I-A', period: '2026-Q4' },
        to: { initiative: 'I-B', period: '2027-Q1' },
        amount: 20_000,
      },
    ]);
    expect(plan.initiatives[0]!.budget['2026-Q4']).toEqual({ plan: 60_000, committed: 10_000 });
    expect(plan.initiatives[1]!.budget['2027-Q1']).toEqual({ plan: 20_000 });
  });

  it('move_budget refuses more than the line plans', () => {
    const { problems } = refusal(() =>
      apply([
        {
          kind: 'move_budget',
          from: { initiative: 'I-B', period: '2026-Q4' },
          to: { initiative: 'I-A', period: '2026-Q4' },
          amount: 70_000,
        },
      ]),
    );
    expect(problems[0]).toMatchObject({ code: 'scenario.bad_change', path: '$.changes[0].amount' });
  });

  it('descope_milestone drops it with its benefits, dependencies and demands', () => {
    const plan = apply([{ kind: 'descope_milestone', milestone: 'M-A' }]);
    expect(plan.milestones.map((m) => m.id)).toEqual(['M-B', 'M-C']);
    expect(plan.dependencies).toEqual([]);
    expect(plan.demands.map((d) => d.id)).toEqual(['D-B']);
    const dropped = apply([{ kind: 'descope_milestone', milestone: 'M-B' }]);
    expect(dropped.benefits).toEqual([]);
  });

  it('descope_benefit drops the benefit', () => {
    expect(apply([{ kind: 'descope_benefit', benefit: 'B-1' }]).benefits).toEqual([]);
  });

  it('hold_initiative until a day moves its windows and milestones by the pause', () => {
    const plan = apply([
      { kind: 'hold_initiative', initiative: 'I-B', until: '2026-10-15', reason: 'supplier audit' },
    ]);
    // 30 days from the as-of day.
    expect(plan.demands[1]).toMatchObject({ from: '2026-11-11', to: '2026-11-29' });
    expect(plan.milestones.map((m) => m.plannedDate)).toEqual([
      '2026-10-26',
      '2026-12-02',
      '2026-12-16',
    ]);
  });

  it('hold_initiative without a day stops its demands and benefits, keeps milestones and budget', () => {
    const plan = apply([
      { kind: 'hold_initiative', initiative: 'I-B', reason: 'wait for the board' },
    ]);
    expect(plan.demands.map((d) => d.id)).toEqual(['D-A']);
    expect(plan.benefits).toEqual([]);
    expect(plan.milestones).toHaveLength(3);
    expect(plan.initiatives[1]!.budget).toEqual(smallPlan().initiatives[1]!.budget);
  });

  it('stop_initiative releases what is not spent or committed and drops what is to come', () => {
    const plan = apply([{ kind: 'stop_initiative', initiative: 'I-A' }]);
    expect(plan.initiatives[0]!.budget).toEqual({
      '2026-Q3': { plan: 40_000, actual: 40_000 },
      '2026-Q4': { plan: 10_000, committed: 10_000 },
    });
    expect(plan.milestones.map((m) => m.id)).toEqual(['M-B', 'M-C']);
    expect(plan.demands.map((d) => d.id)).toEqual(['D-B']);
  });
});

describe('applyScenario: bad changes are refused with their place, nothing applied', () => {
  it('names a missing entity at its JSON path, with a suggestion', () => {
    const { code, problems } = refusal(() =>
      apply([
        { kind: 'descope_benefit', benefit: 'B-1' },
        { kind: 'accept_slip', milestone: 'M-AA' },
      ]),
    );
    expect(code).toBe('scenario.unknown_reference');
    expect(problems).toEqual([
      {
        code: 'scenario.unknown_reference',
        path: '$.changes[1].milestone',
        message: "milestone 'M-AA' does not exist in the plan (did you mean 'M-A'?)",
      },
    ]);
  });

  it('says when an earlier change removed what a later one names', () => {
    const { problems } = refusal(() =>
      apply([
        { kind: 'descope_milestone', milestone: 'M-B' },
        { kind: 'descope_benefit', benefit: 'B-1' },
      ]),
    );
    expect(problems[0]!.path).toBe('$.changes[1].benefit');
    expect(problems[0]!.message).toContain('an earlier change of this scenario removed it');
  });

  it('reports every shape problem at once', () => {
    const { problems } = refusal(() =>
      apply([
        { kind: 'move_milestone', milestone: 'M-A', plannedDate: '2026-02-30' },
        { kind: 'add_capacity', unit: 'IT', perWeek: -1, from: '2026-10-01', to: '2026-10-31' },
        { kind: 'teleport', milestone: 'M-A' },
        { kind: 'descope_benefit', benefit: 'B-1', colour: 'red' },
      ]),
    );
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['scenario.bad_change', '$.changes[0].plannedDate'],
      ['scenario.bad_change', '$.changes[1].perWeek'],
      ['scenario.bad_change', '$.changes[2].kind'],
      ['scenario.bad_change', '$.changes[3].colour'],
    ]);
  });

  it('refuses a result the plan validation refuses, naming the change', () => {
    // D-A follows I-A's milestone; a demand that follows a work item cannot take `to`.
    const base = smallPlan();
    base.demands[0] = { id: 'D-A', initiative: 'I-A', unit: 'IT', perWeek: 4, workItem: 'ERP-1' };
    const { code, problems } = refusal(() =>
      apply(
        [
          { kind: 'move_milestone', milestone: 'M-A', plannedDate: '2026-11-01' },
          { kind: 'move_demand', demand: 'D-A', to: '2026-11-20' },
        ],
        base,
      ),
    );
    expect(code).toBe('scenario.invalid_result');
    expect(problems[0]!.path).toBe('$.changes[1]');
    expect(problems[0]!.message).toContain('$.demands[0]');
  });

  it('parseScenario names every problem of a scenario file', () => {
    const { problems } = refusal(() =>
      parseScenario({
        id: 'S-1',
        name: '',
        author: 'dana',
        changes: [{ kind: 'stop_initiative' }],
      }),
    );
    expect(problems.map((p) => p.path)).toEqual([
      '$.createdAt',
      '$.name',
      '$.changes[0].initiative',
    ]);
  });
});

describe('priceScenario and compareScenarios', () => {
  it('prices a lever against the current state, listing only what changes', () => {
    const result = priceScenario(inputOf(smallPlan()), [
      { kind: 'descope_benefit', benefit: 'B-1' },
    ]);
    expect(result.milestones).toEqual([]);
    expect(result.kpis).toEqual([
      {
        kpi: 'K-1',
        period: '2026-Q4',
        target: { before: 100_000, after: 100_000 },
        // From M-B's levelled forecast, 2026-11-16 (IT is over capacity; 2026-11-02 without
        // it), to 2026-12-31: 46 days at 1,000 a day.
        forecast: { before: 46_000, after: 0 },
        gap: { before: -54_000, after: -100_000 },
      },
    ]);
    expect(result.roi).toEqual([
      {
        initiative: 'I-B',
        roi: {
          before: { benefitValue: 46_000, budget: 60_000, ratio: 46_000 / 60_000 },
          after: { benefitValue: 0, budget: 60_000, ratio: 0 },
        },
      },
    ]);
    expect(result.totals.moneyAtStake.againstTarget).toEqual({ before: 54_000, after: 100_000 });
  });

  it('shows the over-allocation that more capacity resolves, and what it costs', () => {
    const result = priceScenario(inputOf(smallPlan()), [
      {
        kind: 'add_capacity',
        unit: 'IT',
        perWeek: 2,
        from: '2026-10-01',
        to: '2026-10-31',
        cost: { amount: 25_000, period: '2026-10' },
      },
    ]);
    expect(result.capacity).toEqual([
      {
        unit: 'IT',
        peakPercent: { before: 133, after: 100 },
        overAllocatedWeeks: { before: ['2026-W42', '2026-W43'], after: [] },
      },
    ]);
    // M-B lands on its plan again: its slip resolves with the over-allocation.
    expect(result.signals.resolved).toEqual([
      { id: 'milestone.slipped:M-B', kind: 'milestone.slipped' },
      { id: 'capacity.over_allocated:IT:2026-W42', kind: 'capacity.over_allocated' },
    ]);
    expect(result.totals.scenarioCost).toBe(25_000);
    expect(result.milestones.map((m) => [m.id, m.levelledDate])).toEqual([
      ['M-B', { before: '2026-11-16', after: '2026-11-02' }],
    ]);
  });

  it('compares up to four scenarios and refuses a fifth', () => {
    const scenario = (n: number): Scenario => ({
      id: `S-${n}`,
      name: `Scenario ${n}`,
      author: 'dana',
      createdAt: '2026-09-15',
      changes: [],
    });
    const columns = compareScenarios(inputOf(smallPlan()), [1, 2, 3, 4].map(scenario));
    expect(columns.map((c) => [c.id, c.result.totals.milestonesChanged])).toEqual([
      ['S-1', 0],
      ['S-2', 0],
      ['S-3', 0],
      ['S-4', 0],
    ]);
    const { code, problems } = refusal(() =>
      compareScenarios(inputOf(smallPlan()), [1, 2, 3, 4, 5].map(scenario)),
    );
    expect(code).toBe('scenario.too_many');
    expect(problems[0]!.path).toBe('$[4]');
  });

  it('names the scenario in a comparison’s problems', () => {
    const good: Scenario = {
      id: 'S-1',
      name: 'ok',
      author: 'dana',
      createdAt: '2026-09-15',
      changes: [],
    };
    const bad: Scenario = {
      ...good,
      id: 'S-2',
      changes: [{ kind: 'stop_initiative', initiative: 'I-Z' }],
    };
    const { problems } = refusal(() => compareScenarios(inputOf(smallPlan()), [good, bad]));
    expect(problems[0]!.path).toBe('$[1].changes[0].initiative');
  });
});
