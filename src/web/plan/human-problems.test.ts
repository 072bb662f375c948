import { describe, expect, it } from 'vitest';
import { humanPath, humanProblems } from './human-problems.ts';

const plan = {
  units: [{ id: 'IT' }],
  demands: [{ id: 'D-ERP-CUTOVER' }, { id: '' }, { id: 'D-LATE' }],
  milestones: [{ id: 'M-GOLIVE' }, { id: 'M-PURCH' }, {}, {}, { id: '' }],
  dependencies: [{ predecessor: 'M-GOLIVE', successor: 'M-PURCH' }],
  kpis: [{ id: 'K-DOWNTIME' }],
};

describe('humanPath', () => {
  it('says where in words, counting from one', () => {
    expect(humanPath('$.milestones[4].id', plan)).toBe('Milestone 5, its id');
    expect(humanPath('$.milestones[0].plannedDate', plan)).toBe(
      'Milestone M-GOLIVE, its planned date',
    );
    expect(humanPath('$.dependencies[0]', plan)).toBe('The dependency M-GOLIVE → M-PURCH');
    expect(humanPath('$.dependencies[3]')).toBe('Dependency 4');
    expect(humanPath('$.kpis[0].targets[1].value', plan)).toBe(
      'KPI K-DOWNTIME, target 2, its value',
    );
    expect(humanPath('$.organisation.currency')).toBe('The organisation, its currency');
    expect(humanPath('not a path')).toBe('not a path');
  });
});

describe('humanProblems', () => {
  it('says an empty id once, as a need, never with the JSON path', () => {
    const problems = humanProblems(
      [
        {
          code: 'plan.bad_value',
          message: 'id of milestone .milestones[4] must not be empty',
          path: '$.milestones[4].id',
        },
        {
          code: 'plan.bad_value',
          message: "'' is not a valid id (id of milestone .milestones[4]): ids have no spaces",
          path: '$.milestones[4].id',
        },
      ],
      plan,
    );
    expect(problems.map((p) => p.message)).toEqual(['Milestone 5 needs an id']);
  });

  it('puts the place in words before a message that names a path, and dates in the app format', () => {
    const [dangling, date] = humanProblems(
      [
        {
          code: 'plan.unknown_reference',
          message:
            "dependency M-NOPE->M-PURCH has the predecessor 'M-NOPE', but there is no milestone with that id",
          path: '$.dependencies[0].predecessor',
        },
        {
          code: 'plan.bad_date',
          message:
            "'2026-02-31' is not a real date (the planned date of milestone 'M-GOLIVE'): write YYYY-MM-DD, e.g. 2026-10-05",
          path: '$.milestones[0].plannedDate',
        },
      ],
      plan,
    );
    expect(dangling?.message).toBe(
      "The dependency M-GOLIVE → M-PURCH, its predecessor: dependency M-NOPE->M-PURCH has the predecessor 'M-NOPE', but there is no milestone with that id",
    );
    expect(date?.message).toMatch(
      /^Milestone M-GOLIVE, its planned date: .*write a date like 5 Oct 2026$/,
    );
    for (const p of [dangling, date]) expect(p?.message).not.toMatch(/\$\.|\[\d+\]/);
  });
});

describe('capacity and demands in words', () => {
  it('names the unit and the period of a negative capacity, and what was written', () => {
    const problems = humanProblems(
      [
        {
          code: 'plan.bad_value',
          message: "capacity.perWeek of unit 'IT' must not be negative, got -3",
          path: '$.units[0].capacity.perWeek',
        },
        {
          code: 'plan.bad_value',
          message: "capacity.periods['2026-12'] of unit 'IT' must not be negative, got -1",
          path: "$.units[0].capacity.periods['2026-12']",
        },
        {
          code: 'plan.bad_value',
          message: "capacity.perWeek of unit 'IT' must be a number, not nothing",
          path: '$.units[0].capacity.perWeek',
        },
      ],
      plan,
    );
    expect(problems.map((p) => p.message)).toEqual([
      'Unit IT: the capacity a week cannot be negative (you wrote -3)',
      'Unit IT: the capacity a week in 2026-12 cannot be negative (you wrote -1)',
      'Unit IT needs a capacity a week',
    ]);
  });

  it("says a demand's empty id, its amount and its timing by the row, never by a path", () => {
    const problems = humanProblems(
      [
        {
          code: 'plan.bad_value',
          message: 'id of demand .demands[1] must not be empty',
          path: '$.demands[1].id',
        },
        {
          code: 'plan.bad_value',
          message: "'' is not a valid id (id of demand .demands[1]): ids have no spaces",
          path: '$.demands[1].id',
        },
        {
          code: 'plan.bad_value',
          message: 'perWeek of demand .demands[1] must be more than 0, got 0',
          path: '$.demands[1].perWeek',
        },
        {
          code: 'plan.bad_value',
          message:
            "demand 'D-ERP-CUTOVER' does not say when it runs: give from and to (its first and last day), or the workItem whose run it follows",
          path: '$.demands[0]',
        },
        {
          code: 'plan.bad_value',
          message: "demand 'D-LATE' ends 2026-10-01, before it starts 2026-10-10",
          path: '$.demands[2].to',
        },
        {
          code: 'plan.bad_value',
          message:
            "demand 'D-LATE' has both a to (2026-10-10) and the work item 'ERP-1', whose forecast finish it follows: give from/to or workItem, not both",
          path: '$.demands[2].to',
        },
      ],
      plan,
    );
    expect(problems.map((p) => p.message)).toEqual([
      'Demand 2 needs an id',
      'Demand 2: the amount a week must be more than 0 (you wrote 0)',
      'Demand D-ERP-CUTOVER does not say when it runs: give its first and last day, or the work item whose run it follows',
      'Demand D-LATE ends 1 Oct 2026, before it starts 10 Oct 2026',
      'Demand D-LATE has both a last day (10 Oct 2026) and the work item ERP-1, whose forecast finish it follows: give a window or a work item, not both',
    ]);
    for (const p of problems) expect(p.message).not.toMatch(/\$\.|\[\d+\]|perWeek|workItem/);
  });
});
