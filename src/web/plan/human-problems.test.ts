import { describe, expect, it } from 'vitest';
import { humanPath, humanProblems } from './human-problems.ts';

const plan = {
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
