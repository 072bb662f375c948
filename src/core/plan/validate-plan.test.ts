import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain/plan.ts';
import { DomainError } from '../errors.ts';
import { MAX_ID_LENGTH } from '../storable-text.ts';
import { assertValidPlan, validatePlan } from './validate-plan.ts';

/** A small valid plan (the seed's story); tests break one thing at a time. */
function buildPlan(): Plan {
  return {
    organisation: {
      id: 'acme',
      name: 'Acme',
      defaultCalendar: 'std',
      currency: 'USD',
      capacityMeasure: 'FTE',
    },
    calendars: [{ id: 'std', name: 'Mon–Fri', workingDays: [1, 2, 3, 4, 5], holidays: [] }],
    units: [
      { id: 'IT', name: 'IT', capacity: { perWeek: 10, periods: { '2026-12': 6, '2027': 0 } } },
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
    // One demand of each timing: a fixed window, a work item with a start, a work item alone.
    demands: [
      {
        id: 'D-BUILD',
        initiative: 'I-ERP',
        unit: 'IT',
        perWeek: 4,
        from: '2026-09-01',
        to: '2026-10-02',
        milestone: 'M-A',
      },
      {
        id: 'D-CUTOVER',
        initiative: 'I-ERP',
        unit: 'IT',
        perWeek: 2,
        workItem: 'ERP-17',
        from: '2026-10-01',
        after: ['D-BUILD'],
      },
      {
        id: 'D-PURCH',
        initiative: 'I-PROC',
        unit: 'OPS',
        perWeek: 1.5,
        workItem: 'PROC-3',
        milestone: 'M-B',
        after: ['D-CUTOVER'],
      },
    ],
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
    plan.demands = [];
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

describe('validatePlan: capacity and demands', () => {
  it('rejects a blank capacity measure', () => {
    const plan = buildPlan();
    plan.organisation.capacityMeasure = ' ';
    expect(validatePlan(plan)).toEqual([
      {
        code: 'plan.bad_value',
        path: '$.organisation.capacityMeasure',
        message:
          "the capacity measure of organisation 'acme' must name what capacity is counted in, e.g. FTE, not ' '",
      },
    ]);
  });

  it('rejects a unit capacity that is negative, not finite or for something not a period', () => {
    const plan = buildPlan();
    plan.units[0]!.capacity = { perWeek: -1, periods: { '2026-Q5': 4, '2026-12': -2 } };
    plan.units[1]!.capacity = { perWeek: Number.NaN, periods: { '2026-H2': Infinity } };
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['plan.bad_value', '$.units[0].capacity.perWeek'],
      ['plan.bad_period', "$.units[0].capacity.periods['2026-Q5']"],
      ['plan.bad_value', "$.units[0].capacity.periods['2026-12']"],
      ['plan.bad_value', '$.units[1].capacity.perWeek'],
      ['plan.bad_value', "$.units[1].capacity.periods['2026-H2']"],
    ]);
    const messages = problems.map((p) => p.message);
    expect(messages[0]).toBe("the weekly capacity of unit 'IT' must not be negative, got -1");
    expect(messages[1]).toBe(
      "'2026-Q5' in the capacity periods of unit 'IT' is not a reporting period or an ISO week: write 2026, 2026-H1, 2026-Q4, 2026-10 or 2026-W41",
    );
    expect(messages[2]).toBe(
      "the weekly capacity of unit 'IT' in 2026-12 must not be negative, got -2",
    );
    expect(messages[3]).toBe("the weekly capacity of unit 'OPS' must be a finite number, got NaN");
    expect(messages[4]).toContain("unit 'OPS' in 2026-H2 must be a finite number");
  });

  it('takes ISO weeks as capacity periods, but only weeks the year has, and nowhere else', () => {
    const plan = buildPlan();
    // 2026 has 53 ISO weeks; 2027 has 52.
    plan.units[0]!.capacity = {
      perWeek: 5,
      periods: { '2026-W53': 4, '2027-W53': 4, '2026-W41': 9 },
    };
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['plan.bad_period', "$.units[0].capacity.periods['2027-W53']"],
    ]);
  });

  it('accepts a unit with no capacity, or zero capacity in a freeze', () => {
    const plan = buildPlan();
    plan.units[0]!.capacity = { perWeek: 0 };
    delete plan.units[1]!.capacity;
    expect(validatePlan(plan)).toEqual([]);
  });

  it('checks demand ids like any other: present, without spaces, once', () => {
    const plan = buildPlan();
    const build = plan.demands[0]!;
    plan.demands.push({ ...build, id: 'D BUILD' }, { ...build, id: '' }, { ...build });
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['plan.bad_value', '$.demands[3].id'],
      ['plan.bad_value', '$.demands[4].id'],
      ['plan.duplicate_id', '$.demands[5].id'],
    ]);
    expect(problems[0]?.message).toBe("demand id 'D BUILD' must not contain spaces");
    expect(problems[1]?.message).toBe('every demand needs an id');
    expect(problems[2]?.message).toBe("duplicate demand id 'D-BUILD': $.demands[0] already has it");
  });

  it('names the initiative, unit, milestone or demand a demand refers to that is not there', () => {
    const plan = buildPlan();
    plan.demands[0]!.initiative = 'I-ERB';
    plan.demands[0]!.unit = 'D-PURCH';
    plan.demands[1]!.milestone = 'M-Z';
    plan.demands[2]!.after = ['D-CUTOVER', 'D-BIULD'];
    const problems = validatePlan(plan);
    expect(problems.every((p) => p.code === 'plan.unknown_reference')).toBe(true);
    expect(problems.map((p) => p.path)).toEqual([
      '$.demands[0].initiative',
      '$.demands[0].unit',
      '$.demands[1].milestone',
      '$.demands[2].after[1]',
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      "demand 'D-BUILD' is work of the initiative 'I-ERB', but there is no initiative with that id (did you mean 'I-ERP'?)",
      "demand 'D-BUILD' takes capacity of the unit 'D-PURCH', but 'D-PURCH' is a demand, not a unit",
      "demand 'D-CUTOVER' delivers the milestone 'M-Z', but there is no milestone with that id (did you mean 'M-A'?)",
      "demand 'D-PURCH' waits for the demand 'D-BIULD', but there is no demand with that id (did you mean 'D-BUILD'?)",
    ]);
  });

  it("rejects a milestone of another initiative than the demand's", () => {
    const plan = buildPlan();
    plan.demands[0]!.milestone = 'M-C';
    expect(validatePlan(plan)).toEqual([
      {
        code: 'plan.bad_value',
        path: '$.demands[0].milestone',
        message:
          "demand 'D-BUILD' delivers the milestone 'M-C' of initiative 'I-PROC', but the demand is work of initiative 'I-ERP': name a milestone of 'I-ERP'",
      },
    ]);
  });

  it('rejects a perWeek that is not more than zero, or not a number', () => {
    const plan = buildPlan();
    plan.demands[0]!.perWeek = 0;
    plan.demands[1]!.perWeek = -0.5;
    plan.demands[2]!.perWeek = Number.POSITIVE_INFINITY;
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path, p.message])).toEqual([
      [
        'plan.bad_value',
        '$.demands[0].perWeek',
        "perWeek of demand 'D-BUILD' must be more than 0, got 0",
      ],
      [
        'plan.bad_value',
        '$.demands[1].perWeek',
        "perWeek of demand 'D-CUTOVER' must be more than 0, got -0.5",
      ],
      [
        'plan.bad_value',
        '$.demands[2].perWeek',
        "perWeek of demand 'D-PURCH' must be a finite number, got Infinity",
      ],
    ]);
  });

  it('needs a demand to say when it runs: from and to, or a work item', () => {
    const plan = buildPlan();
    delete plan.demands[0]!.from;
    delete plan.demands[0]!.to;
    delete plan.demands[2]!.workItem;
    plan.demands[2]!.from = '2026-11-01';
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['plan.bad_value', '$.demands[0]'],
      ['plan.bad_value', '$.demands[2].to'],
    ]);
    expect(problems[0]?.message).toBe(
      "demand 'D-BUILD' does not say when it runs: give from and to (its first and last day), or the workItem whose run it follows",
    );
    expect(problems[1]?.message).toBe(
      "demand 'D-PURCH' has a from but no to: give its last day too, or the workItem whose run it follows",
    );
    delete plan.demands[2]!.from;
    plan.demands[2]!.to = '2026-11-30';
    expect(validatePlan(plan)[1]).toEqual({
      code: 'plan.bad_value',
      path: '$.demands[2].from',
      message:
        "demand 'D-PURCH' has a to but no from: give its first day too, or the workItem whose run it follows",
    });
  });

  it('refuses a to with a work item, whose forecast finish ends the demand', () => {
    const plan = buildPlan();
    plan.demands[1]!.to = '2026-10-30';
    expect(validatePlan(plan)).toEqual([
      {
        code: 'plan.bad_value',
        path: '$.demands[1].to',
        message:
          "demand 'D-CUTOVER' has both a to (2026-10-30) and the work item 'ERP-17', whose forecast finish it follows: give from/to or workItem, not both",
      },
    ]);
  });

  it('rejects dates that are not real days, a window that ends before it starts, a bad key', () => {
    const plan = buildPlan();
    plan.demands[0]!.to = '2026-08-31';
    plan.demands[1]!.from = '2026-02-30';
    plan.demands[2]!.workItem = 'PROC 3';
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['plan.bad_value', '$.demands[0].to'],
      ['plan.bad_date', '$.demands[1].from'],
      ['plan.bad_value', '$.demands[2].workItem'],
    ]);
    expect(problems[0]?.message).toBe(
      "demand 'D-BUILD' ends 2026-08-31, before it starts 2026-09-01",
    );
    expect(problems[1]?.message).toBe(
      "'2026-02-30' is not a real date (the start of demand 'D-CUTOVER'): write YYYY-MM-DD, e.g. 2026-10-05",
    );
    expect(problems[2]?.message).toBe(
      "work item key 'PROC 3' of demand 'D-PURCH' must be a key such as ERP-17",
    );
  });

  it('accepts a window of one day', () => {
    const plan = buildPlan();
    plan.demands[0]!.to = plan.demands[0]!.from;
    expect(validatePlan(plan)).toEqual([]);
  });

  it('rejects a demand that waits for itself or lists a demand twice', () => {
    const plan = buildPlan();
    plan.demands[1]!.after = ['D-BUILD', 'D-CUTOVER', 'D-BUILD'];
    expect(validatePlan(plan)).toEqual([
      {
        code: 'plan.cycle',
        path: '$.demands[1].after[1]',
        message: "demand 'D-CUTOVER' waits for itself: its after lists its own id 'D-CUTOVER'",
      },
      {
        code: 'plan.bad_value',
        path: '$.demands[1].after[2]',
        message: "the after of demand 'D-CUTOVER' lists 'D-BUILD' twice",
      },
    ]);
  });

  it('names a ring of demands waiting for each other, from its first link', () => {
    const plan = buildPlan();
    plan.demands[0]!.after = ['D-PURCH'];
    expect(validatePlan(plan)).toEqual([
      {
        code: 'plan.cycle',
        path: '$.demands[0].after[0]',
        message:
          'demand cycle: D-BUILD → D-PURCH → D-CUTOVER → D-BUILD (each lists the next in its after)',
      },
    ]);
  });

  it('names each separate ring of demands once', () => {
    const plan = buildPlan();
    plan.demands.push(
      { id: 'D-X', initiative: 'I-PROC', unit: 'OPS', perWeek: 1, workItem: 'X-1', after: ['D-Y'] },
      { id: 'D-Y', initiative: 'I-PROC', unit: 'OPS', perWeek: 1, workItem: 'X-2', after: ['D-X'] },
    );
    plan.demands[1]!.after = ['D-BUILD', 'D-PURCH'];
    const problems = validatePlan(plan);
    expect(problems.map((p) => [p.code, p.path, p.message])).toEqual([
      [
        'plan.cycle',
        '$.demands[1].after[1]',
        'demand cycle: D-CUTOVER → D-PURCH → D-CUTOVER (each lists the next in its after)',
      ],
      [
        'plan.cycle',
        '$.demands[3].after[0]',
        'demand cycle: D-X → D-Y → D-X (each lists the next in its after)',
      ],
    ]);
  });
});

describe('validatePlan on text the store cannot hold', () => {
  it('refuses an id longer than MAX_ID_LENGTH in any id field, without quoting it', () => {
    const plan = buildPlan();
    const long = 'M'.repeat(MAX_ID_LENGTH + 1);
    plan.organisation.id = 'a'.repeat(2 * 1024 * 1024);
    plan.milestones[0]!.work.keys.push(long);
    const problems = validatePlan(plan);
    expect(problems.map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'plan.bad_value', path: '$.organisation.id' },
      {
        code: 'plan.bad_value',
        path: `$.milestones[0].work.keys[${plan.milestones[0]!.work.keys.length - 1}]`,
      },
    ]);
    expect(problems[0]!.message).toBe(
      `this id is ${2 * 1024 * 1024} characters long: ids have at most ${MAX_ID_LENGTH}`,
    );
  });

  it('accepts an id of exactly MAX_ID_LENGTH characters', () => {
    const plan = buildPlan();
    plan.organisation.id = 'a'.repeat(MAX_ID_LENGTH);
    expect(validatePlan(plan)).toEqual([]);
  });

  it('refuses a NUL character or an unpaired surrogate, naming the JSON path', () => {
    const plan = buildPlan();
    plan.objectives[1]!.description = 'buy\u0000better';
    expect(validatePlan(plan)).toEqual([
      {
        code: 'plan.bad_value',
        message: 'this value contains a NUL character (\\u0000) at character 4',
        path: '$.objectives[1].description',
      },
    ]);
    const other = buildPlan();
    other.kpis[0]!.targets = { '2026-Q4': 1, 'odd \ud800': 2 };
    expect(validatePlan(other)[0]).toMatchObject({
      code: 'plan.bad_value',
      path: '$.kpis[0].targets',
    });
  });
});

describe('validatePlan: decision rights', () => {
  it('accepts rights held by a person or a role, scoped to things the plan has', () => {
    const plan = buildPlan();
    plan.decisionRights = [
      { id: 'R-SLIP', person: 'priya', kinds: ['replan'], maxSlipWeeks: 2, kpisOnTarget: true },
      { id: 'R-COST', person: 'dana', objectives: ['O-COST'] },
      { id: 'R-STOP', role: 'executive', kinds: ['stop'] },
    ];
    expect(validatePlan(plan)).toEqual([]);
  });

  it('names the place of every wrong right at once', () => {
    const plan = buildPlan();
    plan.decisionRights = [
      { id: 'R-A', person: 'nobody', objectives: ['O-NONE'] },
      { id: 'R-A', person: 'dana', role: 'executive' },
      { id: 'R-B', maxAmount: -5 },
      { id: 'R-C', person: 'dana', kinds: ['stopp' as 'stop'] },
    ];
    const problems = validatePlan(plan).map((p) => [p.code, p.path]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['plan.unknown_reference', '$.decisionRights[0].person'],
        ['plan.unknown_reference', '$.decisionRights[0].objectives[0]'],
        ['plan.duplicate_id', '$.decisionRights[1].id'],
        ['plan.owner_not_a_person', '$.decisionRights[1]'],
        ['plan.bad_value', '$.decisionRights[2]'],
        ['plan.bad_value', '$.decisionRights[2].maxAmount'],
        ['plan.bad_value', '$.decisionRights[3].kinds[0]'],
      ]),
    );
  });
});

describe('validatePlan with derivedFrom (a scenario of the plan)', () => {
  /** A plan derived from `base` with one milestone replaced by a changed copy. */
  function withMilestone(base: Plan, change: object): Plan {
    return {
      ...base,
      milestones: base.milestones.map((m, k) => (k === 1 ? { ...m, ...change } : m)),
    };
  }

  it('finds unstorable text in a changed entity at the same place as a whole search', () => {
    const base = buildPlan();
    const derived = withMilestone(base, { name: 'go\u0000live' });
    const problems = validatePlan(derived, { derivedFrom: base });
    expect(problems).toEqual(validatePlan(derived));
    expect(problems[0]?.path).toBe('$.milestones[1].name');
  });

  it('counts the nesting depth of a changed entity as deep as the plan holds it', () => {
    const base = buildPlan();
    let deep: unknown = 'x';
    for (let level = 0; level < 62; level += 1) deep = { d: deep };
    const derived = withMilestone(base, { extra: deep });
    expect(validatePlan(derived, { derivedFrom: base })).toEqual(validatePlan(derived));
    expect(validatePlan(derived)[0]?.message).toMatch(/nested deeper/);
  });

  it('still checks every other rule on unchanged entities and changed ones alike', () => {
    const base = buildPlan();
    const derived = withMilestone(base, { plannedDate: '2026-02-30', owner: 'nobody' });
    const problems = validatePlan(derived, { derivedFrom: base });
    expect(problems).toEqual(validatePlan(derived));
    expect(problems.map((p) => p.code)).toEqual(['plan.bad_date', 'plan.owner_not_a_person']);
  });
});
