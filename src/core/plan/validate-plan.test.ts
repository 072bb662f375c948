import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain/plan.ts';
import { DomainError } from '../errors.ts';
import { assertValidPlan, validatePlan } from './validate-plan.ts';

/** A small valid plan (the seed's story); tests break one thing at a time. */
function buildPlan(): Plan {
  return {
    organisation: { id: 'acme', name: 'Acme', defaultCalendar: 'std', currency: 'USD' },
    calendars: [{ id: 'std', name: 'Mon–Fri', workingDays: [1, 2, 3, 4, 5], holidays: [] }],
    units: [
      { id: 'IT', name: 'IT' },
      { id: 'OPS', name: 'Operations' },
    ],
    people: [
      { id: 'dana', name: 'Dana Whitfield', unit: 'OPS' },
      { id: 'marco', name: 'Marco Rossi', unit: 'OPS' },
      { id: 'priya', name: 'Priya Shah', unit: 'IT' },
    ],
    objectives: [
      {
        id: 'O-COST',
        name: 'Cut cost',
        owner: 'dana',
        horizon: { start: '2026-01-01', end: '2026-12-31' },
      },
      { id: 'O-PROC', name: 'Buy better', owner: 'marco', parent: 'O-COST' },
    ],
    kpis: [
      {
        id: 'K-SAVINGS',
        name: 'Savings',
        owner: 'marco',
        unitOfMeasure: 'USD',
        direction: 'higher_is_better',
        baseline: 0,
        targets: { '2026-Q4': 1_200_000 },
        actuals: {},
        objectives: ['O-COST'],
      },
    ],
    initiatives: [
      {
        id: 'I-ERP',
        name: 'ERP',
        owner: 'priya',
        unit: 'IT',
        objectives: ['O-COST'],
        budget: { '2026-Q4': { plan: 100, committed: 50 } },
      },
      {
        id: 'I-PROC',
        name: 'Procurement',
        owner: 'marco',
        unit: 'OPS',
        objectives: [],
        budget: {},
      },
    ],
    milestones: [
      {
        id: 'M-A',
        name: 'A',
        initiative: 'I-ERP',
        plannedDate: '2026-10-05',
        work: { keys: ['ERP-17'], epics: [] },
      },
      {
        id: 'M-B',
        name: 'B',
        initiative: 'I-PROC',
        plannedDate: '2026-10-19',
        work: { keys: [], epics: [] },
      },
      {
        id: 'M-C',
        name: 'C',
        initiative: 'I-PROC',
        plannedDate: '2026-11-02',
        work: { keys: [], epics: [] },
      },
    ],
    dependencies: [
      { predecessor: 'M-A', successor: 'M-B', type: 'FS', lagDays: 10 },
      { predecessor: 'M-B', successor: 'M-C', type: 'FS', lagDays: 0 },
    ],
    benefits: [{ id: 'B-1', milestone: 'M-B', kpi: 'K-SAVINGS', amountPerWeek: 120_000 }],
  };
}

function codesAndPaths(plan: Plan): [string, string | undefined][] {
  return validatePlan(plan).map((p) => [p.code, p.path]);
}

describe('validatePlan', () => {
  it('accepts a valid plan', () => {
    expect(validatePlan(buildPlan())).toEqual([]);
    expect(() => assertValidPlan(buildPlan())).not.toThrow();
  });

  it('rejects a unit as owner: accountability is binary', () => {
    const plan = buildPlan();
    plan.initiatives[0]!.owner = 'IT';
    const problems = validatePlan(plan);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'plan.owner_not_a_person',
      path: '$.initiatives[0].owner',
    });
    expect(problems[0]?.message).toContain(
      "'IT' is a unit, not a person: accountability is binary, name one person",
    );
  });

  it('rejects a committee as owner', () => {
    const plan = buildPlan();
    plan.objectives[0]!.owner = 'Steering Committee';
    const [problem] = validatePlan(plan);
    expect(problem).toMatchObject({
      code: 'plan.owner_not_a_person',
      path: '$.objectives[0].owner',
    });
    expect(problem?.message).toMatch(
      /'Steering Committee' is not a person.*accountability is binary/,
    );
  });

  it('rejects an owner naming two people, a list or nobody', () => {
    const plan = buildPlan();
    plan.kpis[0]!.owner = 'dana, marco';
    (plan.milestones[0] as { owner?: unknown }).owner = ['dana', 'marco'];
    plan.objectives[1]!.owner = '';
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['plan.owner_not_a_person', '$.objectives[1].owner'],
      ['plan.owner_not_a_person', '$.kpis[0].owner'],
      ['plan.owner_not_a_person', '$.milestones[0].owner'],
    ]);
    expect(problems[0]?.message).toContain("objective 'O-PROC' has no owner");
    expect(problems[1]?.message).toContain("'dana, marco' names 2 people");
    expect(problems[2]?.message).toContain('is a list');
  });

  it('suggests the likely person for a mistyped owner', () => {
    const plan = buildPlan();
    plan.kpis[0]!.owner = 'Marco';
    expect(validatePlan(plan)[0]?.message).toContain("did you mean 'marco'?");
  });

  it('names the missing id and the kind it should be for every dangling reference', () => {
    const plan = buildPlan();
    plan.organisation.defaultCalendar = 'nope';
    plan.units[0]!.calendar = 'it-cal';
    plan.people[0]!.unit = 'SALES';
    plan.objectives[1]!.parent = 'O-GONE';
    plan.kpis[0]!.objectives = ['O-CST'];
    plan.initiatives[0]!.objectives = ['I-PROC'];
    plan.initiatives[0]!.unit = 'ITX';
    plan.milestones[0]!.initiative = 'I-NONE';
    plan.dependencies[0]!.predecessor = 'M-Z';
    plan.benefits[0]!.milestone = 'M-Y';
    plan.benefits[0]!.kpi = 'K-X';
    const problems = validatePlan(plan);
    expect(problems.every((p) => p.code === 'plan.unknown_reference')).toBe(true);
    expect(problems.map((p) => p.path)).toEqual([
      '$.organisation.defaultCalendar',
      '$.units[0].calendar',
      '$.people[0].unit',
      '$.objectives[1].parent',
      '$.kpis[0].objectives[0]',
      '$.initiatives[0].unit',
      '$.initiatives[0].objectives[0]',
      '$.milestones[0].initiative',
      '$.dependencies[0].predecessor',
      '$.benefits[0].milestone',
      '$.benefits[0].kpi',
    ]);
    const messages = problems.map((p) => p.message);
    expect(messages[4]).toBe(
      "KPI 'K-SAVINGS' measures the objective 'O-CST', but there is no objective with that id (did you mean 'O-COST'?)",
    );
    expect(messages[6]).toContain("'I-PROC' is an initiative, not an objective");
    expect(messages[8]).toContain("predecessor 'M-Z', but there is no milestone with that id");
  });

  it('rejects duplicate ids, and a person sharing an id with a unit', () => {
    const plan = buildPlan();
    plan.kpis.push({ ...plan.kpis[0]! });
    plan.people.push({ id: 'IT', name: 'Ian Tate', unit: 'IT' });
    plan.dependencies.push({ predecessor: 'M-A', successor: 'M-B', type: 'SS', lagDays: 0 });
    expect(codesAndPaths(plan)).toEqual([
      ['plan.duplicate_id', '$.kpis[1].id'],
      ['plan.duplicate_id', '$.people[3].id'],
      ['plan.duplicate_id', '$.dependencies[2]'],
    ]);
    expect(validatePlan(plan)[0]?.message).toBe(
      "duplicate KPI id 'K-SAVINGS': $.kpis[0] already has it",
    );
  });

  it('names a dependency cycle in order, starting at its first dependency', () => {
    const plan = buildPlan();
    plan.dependencies.push({ predecessor: 'M-C', successor: 'M-A', type: 'FS', lagDays: 0 });
    const problems = validatePlan(plan);
    expect(problems).toEqual([
      {
        code: 'plan.cycle',
        path: '$.dependencies[0]',
        message: 'dependency cycle: M-A → M-B → M-C → M-A',
      },
    ]);
  });

  it('names a milestone that depends on itself, and each separate cycle', () => {
    const plan = buildPlan();
    plan.dependencies = [
      { predecessor: 'M-C', successor: 'M-C', type: 'FS', lagDays: 0 },
      { predecessor: 'M-A', successor: 'M-B', type: 'FS', lagDays: 0 },
      { predecessor: 'M-B', successor: 'M-A', type: 'SS', lagDays: 0 },
    ];
    const messages = validatePlan(plan).map((p) => p.message);
    expect(messages).toHaveLength(2);
    expect(messages).toContain('dependency cycle: M-C → M-C');
    expect(messages).toContain('dependency cycle: M-A → M-B → M-A');
  });

  it('finds a cycle in a long chain without overflowing the stack', () => {
    const plan = buildPlan();
    const n = 20_000;
    plan.milestones = Array.from({ length: n }, (_, i) => ({
      id: `M${i}`,
      name: `M${i}`,
      initiative: 'I-ERP',
      plannedDate: '2026-10-05',
      work: { keys: [], epics: [] },
    }));
    plan.dependencies = plan.milestones.map((m, i) => ({
      predecessor: m.id,
      successor: `M${(i + 1) % n}`,
      type: 'FS' as const,
      lagDays: 0,
    }));
    plan.benefits = [];
    const problems = validatePlan(plan);
    expect(problems).toHaveLength(1);
    const cycle = [...plan.milestones.map((m) => m.id), 'M0'].join(' → ');
    expect(problems[0]?.message).toBe(`dependency cycle: ${cycle}`);
  });

  it('rejects an objective tree that loops', () => {
    const plan = buildPlan();
    plan.objectives[0]!.parent = 'O-PROC';
    expect(validatePlan(plan)).toEqual([
      {
        code: 'plan.cycle',
        path: '$.objectives[0].parent',
        message: 'objective cycle: O-COST → O-PROC → O-COST (each names the next as its parent)',
      },
    ]);
  });

  it('rejects dates that are not real days', () => {
    const plan = buildPlan();
    plan.milestones[0]!.plannedDate = '2026-02-30';
    plan.milestones[1]!.plannedDate = 'next week';
    plan.calendars[0]!.holidays = ['2026-13-01'];
    plan.objectives[0]!.horizon = { start: '2026-12-31', end: '2026-01-01' };
    expect(codesAndPaths(plan)).toEqual([
      ['plan.bad_date', '$.calendars[0].holidays[0]'],
      ['plan.bad_value', '$.objectives[0].horizon'],
      ['plan.bad_date', '$.milestones[0].plannedDate'],
      ['plan.bad_date', '$.milestones[1].plannedDate'],
    ]);
    expect(validatePlan(plan)[2]?.message).toContain("'2026-02-30' is not a real date");
  });

  it('rejects period labels that are not reporting periods', () => {
    const plan = buildPlan();
    plan.kpis[0]!.targets = { '2026-Q5': 1, '2026-13': 2, 'Q4 2026': 3, '2026-H2': 4 };
    plan.initiatives[0]!.budget = { FY26: { plan: 1 } };
    expect(codesAndPaths(plan)).toEqual([
      ['plan.bad_period', "$.kpis[0].targets['2026-Q5']"],
      ['plan.bad_period', "$.kpis[0].targets['2026-13']"],
      ['plan.bad_period', "$.kpis[0].targets['Q4 2026']"],
      ['plan.bad_period', '$.initiatives[0].budget.FY26'],
    ]);
  });

  it('rejects numbers that are not finite, a calendar without working days and bad enums', () => {
    const plan = buildPlan();
    plan.kpis[0]!.baseline = Number.NaN;
    plan.kpis[0]!.actuals = { '2026-Q3': Number.POSITIVE_INFINITY };
    plan.initiatives[0]!.budget = { '2026-Q4': { plan: 10, actual: Number.NaN } };
    plan.benefits[0]!.amountPerWeek = Number.NEGATIVE_INFINITY;
    plan.calendars[0]!.workingDays = [];
    plan.dependencies[0]!.lagDays = 1.5;
    (plan.dependencies[1] as { type: string }).type = 'XX';
    (plan.kpis[0] as { direction: string }).direction = 'up';
    plan.organisation.currency = 'usd';
    plan.units[1]!.name = ' ';
    plan.people[2]!.id = 'priya shah';
    plan.initiatives[0]!.owner = 'priya shah';
    expect(codesAndPaths(plan)).toEqual([
      ['plan.bad_value', '$.units[1].name'],
      ['plan.bad_value', '$.people[2].id'],
      ['plan.bad_value', '$.organisation.currency'],
      ['plan.bad_value', '$.calendars[0].workingDays'],
      ['plan.bad_value', '$.kpis[0].direction'],
      ['plan.bad_value', '$.kpis[0].baseline'],
      ['plan.bad_value', "$.kpis[0].actuals['2026-Q3']"],
      ['plan.bad_value', "$.initiatives[0].budget['2026-Q4'].actual"],
      ['plan.bad_value', '$.dependencies[0].lagDays'],
      ['plan.bad_value', '$.dependencies[1].type'],
      ['plan.bad_value', '$.benefits[0].amountPerWeek'],
    ]);
  });

  it('reports every problem at once, and assertValidPlan throws them all', () => {
    const plan = buildPlan();
    plan.objectives[0]!.owner = 'OPS';
    plan.kpis[0]!.objectives = ['O-NONE'];
    plan.milestones[2]!.plannedDate = '2026-02-29';
    plan.dependencies.push({ predecessor: 'M-C', successor: 'M-B', type: 'FS', lagDays: 0 });
    const codes = validatePlan(plan).map((p) => p.code);
    expect(codes).toEqual([
      'plan.owner_not_a_person',
      'plan.unknown_reference',
      'plan.bad_date',
      'plan.cycle',
    ]);
    try {
      assertValidPlan(plan);
      expect.unreachable('assertValidPlan should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).problems.map((p) => p.code)).toEqual(codes);
      expect((error as DomainError).code).toBe('plan.owner_not_a_person');
    }
  });
});
