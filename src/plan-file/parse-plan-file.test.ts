import { fileURLToPath } from 'node:url';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Problem } from '../core/errors.ts';
import { DomainError } from '../core/errors.ts';
import { parsePlanText, readPlanFile } from './parse-plan-file.ts';
import { planToFileObject } from './plan-file-mapping.ts';
import { planToFileText } from './plan-file-text.ts';

const DEMO = fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url));

/** A small valid plan; each test breaks it in one place. */
const BASE = `organisation: { id: acme, name: Acme, defaultCalendar: std, currency: USD }
calendars:
  - { id: std, name: Mon-Fri, workingDays: [1, 2, 3, 4, 5] }
units:
  - { id: IT, name: IT }
  - { id: OPS, name: Operations }
people:
  - { id: dana, name: Dana Whitfield, unit: OPS }
  - { id: marco, name: Marco Rossi, unit: OPS }
  - { id: priya, name: Priya Shah, unit: IT }
objectives:
  - id: O-COST
    name: Cut cost
    owner: dana
kpis:
  - id: K-SAVINGS
    name: Savings
    owner: marco
    unitOfMeasure: USD
    direction: higher_is_better
    targets: { 2026-Q4: 1200000 }
    objectives: [O-COST]
initiatives:
  - id: I-ERP
    name: ERP migration
    owner: priya
    unit: IT
    objectives: [O-COST]
milestones:
  - id: M-A
    name: Go-live
    initiative: I-ERP
    plannedDate: 2026-10-05
    work: { keys: [ERP-17] }
  - id: M-B
    name: Purchasing
    initiative: I-ERP
    plannedDate: 2026-10-19
  - id: M-C
    name: Roll-out
    initiative: I-ERP
    plannedDate: 2026-11-02
dependencies:
  - predecessor: M-A
    successor: M-B
    lagDays: 10
  - predecessor: M-B
    successor: M-C
benefits:
  - { id: B-1, milestone: M-B, kpi: K-SAVINGS, amountPerWeek: 120000 }
`;

/** BASE with one exact piece of text replaced (the replacement must happen). */
function withChange(from: string, to: string, text = BASE): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

/** The 1-based line of the first line containing `needle` (the n-th when given). */
function lineOf(text: string, needle: string, nth = 1): number {
  let seen = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]?.includes(needle)) {
      seen += 1;
      if (seen === nth) return i + 1;
    }
  }
  throw new Error(`no line with ${needle}`);
}

function problemsOf(text: string, fileName = 'plan.yaml'): Problem[] {
  try {
    parsePlanText(text, fileName);
  } catch (error) {
    if (error instanceof DomainError) return [...error.problems];
    throw error;
  }
  throw new Error('the plan was accepted');
}

function onlyProblem(text: string, fileName = 'plan.yaml'): Problem {
  const problems = problemsOf(text, fileName);
  expect(problems).toHaveLength(1);
  return problems[0] as Problem;
}

describe('parsePlanText: good plans', () => {
  it('reads the base plan and fills the defaults', () => {
    const { plan, format } = parsePlanText(BASE, 'plan.yaml');
    expect(format).toBe('yaml');
    expect(plan.calendars[0]?.holidays).toEqual([]);
    expect(plan.kpis[0]).toMatchObject({
      baseline: 0,
      actuals: {},
      targets: { '2026-Q4': 1200000 },
    });
    expect(plan.initiatives[0]?.budget).toEqual({});
    expect(plan.milestones[0]?.work).toEqual({ keys: ['ERP-17'], epics: [] });
    expect(plan.milestones[1]?.work).toEqual({ keys: [], epics: [] });
    expect(plan.dependencies).toEqual([
      { predecessor: 'M-A', successor: 'M-B', type: 'FS', lagDays: 10 },
      { predecessor: 'M-B', successor: 'M-C', type: 'FS', lagDays: 0 },
    ]);
  });

  it('returns a source map that places later problems on their line', () => {
    const { sourceMap } = parsePlanText(BASE, 'plan.yaml');
    expect(sourceMap.locate('$.kpis[0].owner')).toEqual({
      line: lineOf(BASE, 'owner: marco'),
      column: 5,
    });
    // A default the file left out resolves to the nearest written part.
    expect(sourceMap.locate('$.kpis[0].actuals')?.line).toBe(lineOf(BASE, 'id: K-SAVINGS'));
  });

  it('reads the demo plan clean, with the seed story in it', async () => {
    const { plan } = await readPlanFile(DEMO);
    expect(plan.organisation).toEqual({
      id: 'acme',
      name: 'Acme Manufacturing',
      defaultCalendar: 'std',
      currency: 'USD',
      capacityMeasure: 'FTE',
    });
    expect(plan.kpis.find((k) => k.id === 'K-SAVINGS')).toEqual({
      id: 'K-SAVINGS',
      name: 'Realised cost savings',
      owner: 'marco',
      unitOfMeasure: 'USD',
      direction: 'higher_is_better',
      baseline: 0,
      targets: { '2026-Q4': 1200000 },
      actuals: {},
      objectives: ['O-COST'],
    });
    expect(plan.milestones.find((m) => m.id === 'M-GOLIVE')).toMatchObject({
      initiative: 'I-ERP',
      plannedDate: '2026-10-05',
      work: { keys: ['ERP-17', 'ERP-18'], epics: [] },
    });
    expect(plan.dependencies).toContainEqual({
      predecessor: 'M-GOLIVE',
      successor: 'M-PURCH',
      type: 'FS',
      lagDays: 10,
    });
    expect(plan.benefits).toContainEqual({
      id: 'B-PURCH-SAVINGS',
      milestone: 'M-PURCH',
      kpi: 'K-SAVINGS',
      amountPerWeek: 120000,
      description: expect.any(String) as unknown,
    });
  });

  it('gives the same plan from JSON as from YAML', async () => {
    const yamlText = await readFile(DEMO, 'utf8');
    const jsonText = JSON.stringify(parse(yamlText), null, 2);
    const fromYaml = parsePlanText(yamlText, 'plan.yaml').plan;
    const fromJson = parsePlanText(jsonText, 'plan.json');
    expect(fromJson.format).toBe('json');
    expect(fromJson.plan).toEqual(fromYaml);
    expect(fromYaml.units.map((u) => u.id)).toEqual(['IT', 'OPS', 'FIN']);
  });

  it('reads a hand-written JSON plan like its YAML twin', () => {
    const json = `{
  "organisation": { "id": "acme", "name": "Acme", "defaultCalendar": "std", "currency": "USD" },
  "calendars": [{ "id": "std", "name": "Mon-Fri", "workingDays": [1, 2, 3, 4, 5] }],
  "units": [{ "id": "OPS", "name": "Operations" }],
  "people": [{ "id": "dana", "name": "Dana", "unit": "OPS" }],
  "objectives": [{ "id": "O-1", "name": "One", "owner": "dana" }],
  "kpis": [{ "id": "K-1", "name": "K", "owner": "dana", "unitOfMeasure": "%",
             "direction": "lower_is_better", "targets": { "2026": 5 }, "objectives": ["O-1"] }]
}`;
    const yaml = `organisation: { id: acme, name: Acme, defaultCalendar: std, currency: USD }
calendars: [{ id: std, name: Mon-Fri, workingDays: [1, 2, 3, 4, 5] }]
units: [{ id: OPS, name: Operations }]
people: [{ id: dana, name: Dana, unit: OPS }]
objectives: [{ id: O-1, name: One, owner: dana }]
kpis:
  - id: K-1
    name: K
    owner: dana
    unitOfMeasure: '%'
    direction: lower_is_better
    targets: { 2026: 5 }
    objectives: [O-1]
`;
    const fromJson = parsePlanText(json, 'plan.json').plan;
    expect(fromJson).toEqual(parsePlanText(yaml, 'plan.yml').plan);
    expect(fromJson.kpis[0]?.targets).toEqual({ '2026': 5 });
  });
});

describe('parsePlanText: bad plans name the file, line and JSON path', () => {
  it('names a dependency cycle in order', () => {
    const text = withChange('benefits:', '  - predecessor: M-C\n    successor: M-A\nbenefits:');
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.cycle',
      file: 'plan.yaml',
      path: '$.dependencies[0]',
      line: lineOf(text, 'predecessor: M-A'),
      column: 5,
      message: 'dependency cycle: M-A → M-B → M-C → M-A',
    });
  });

  it('rejects a committee as owner', () => {
    const text = withChange('    owner: dana\n', '    owner: Steering Committee\n');
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.owner_not_a_person',
      path: '$.objectives[0].owner',
      line: lineOf(text, 'owner: Steering Committee'),
    });
    expect(problem.message).toContain("'Steering Committee' is not a person");
    expect(problem.message).toContain('accountability is binary');
  });

  it('rejects a unit as owner', () => {
    const text = withChange('owner: priya', 'owner: IT');
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.owner_not_a_person',
      path: '$.initiatives[0].owner',
      line: lineOf(text, 'owner: IT'),
    });
    expect(problem.message).toContain(
      "'IT' is a unit, not a person: accountability is binary, name one person",
    );
  });

  it('rejects a list as owner, before any other rule', () => {
    const text = withChange('owner: marco', 'owner: [marco, dana]');
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.owner_not_a_person',
      path: '$.kpis[0].owner',
      line: lineOf(text, 'owner: [marco, dana]'),
    });
    expect(problem.message).toMatch(/is a list \(marco, dana\).*accountability is binary/);
  });

  it('rejects a missing owner', () => {
    const text = withChange('    owner: priya\n', '');
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.owner_not_a_person',
      path: '$.initiatives[0]',
      line: lineOf(text, 'id: I-ERP'),
    });
  });

  it('names a dangling reference and what it should be', () => {
    const text = withChange('objectives: [O-COST]', 'objectives: [O-GROWTH]');
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.unknown_reference',
      path: '$.kpis[0].objectives[0]',
      line: lineOf(text, 'objectives: [O-GROWTH]'),
      column: 18,
    });
    expect(problem.message).toBe(
      "KPI 'K-SAVINGS' measures the objective 'O-GROWTH', but there is no objective with that id",
    );
  });

  it('rejects a date that does not exist', () => {
    const text = withChange('plannedDate: 2026-10-05', 'plannedDate: 2026-02-30');
    expect(onlyProblem(text)).toMatchObject({
      code: 'plan.bad_date',
      path: '$.milestones[0].plannedDate',
      line: lineOf(text, '2026-02-30'),
      message: expect.stringContaining("'2026-02-30' is not a real date") as unknown,
    });
  });

  it('rejects a date that is not a date at all', () => {
    const text = withChange('plannedDate: 2026-10-19', 'plannedDate: next week');
    expect(onlyProblem(text)).toMatchObject({
      code: 'plan.bad_date',
      path: '$.milestones[1].plannedDate',
      line: lineOf(text, 'next week'),
      message: expect.stringContaining("'next week' is not a date") as unknown,
    });
  });

  it('rejects an unknown field, suggesting the likely one', () => {
    const text = withChange(
      '    unitOfMeasure: USD\n',
      '    unitOfMeasure: USD\n    colour: red\n',
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.unknown_field',
      path: '$.kpis[0].colour',
      line: lineOf(text, 'colour: red'),
      column: 5,
    });
    expect(problem.message).toContain("unknown field 'colour' in KPI 'K-SAVINGS'");
    const typo = onlyProblem(
      withChange('    name: ERP migration\n', '    name: ERP\n    ownr: x\n'),
    );
    expect(typo.message).toContain("did you mean 'owner'?");
    const section = onlyProblem(`${BASE}kpi: []\n`);
    expect(section).toMatchObject({ code: 'plan.unknown_field', path: '$.kpi' });
    expect(section.message).toContain("unknown section 'kpi' in the plan (did you mean 'kpis'?)");
  });

  it('reports a YAML syntax error with its line', () => {
    const text = withChange(
      'objectives: [O-COST]\ninitiatives:',
      'objectives: [O-COST\ninitiatives:',
    );
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ code: 'file.parse', file: 'plan.yaml' });
    expect(problems[0]?.message).toMatch(/^YAML syntax error: /);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(lineOf(text, '[O-COST\n'.trim()));
  });

  it('reports a YAML key given twice as a syntax error', () => {
    const text = withChange('    name: Savings\n', '    name: Savings\n    name: Savings again\n');
    expect(problemsOf(text)[0]).toMatchObject({
      code: 'file.parse',
      line: lineOf(text, 'name: Savings again'),
    });
  });

  it('reports a JSON syntax error with its line', () => {
    const text = '{\n  "organisation": {\n    "id": "acme",\n  }\n}\n';
    const problem = onlyProblem(text, 'plan.json');
    expect(problem).toMatchObject({ code: 'file.parse', file: 'plan.json' });
    expect(problem.message).toMatch(/^JSON syntax error: /);
    expect(problem.line).toBe(4);
  });

  it('places problems in JSON files on their line too', () => {
    const json = JSON.stringify(parse(withChange('owner: priya', 'owner: OPS')), null, 2);
    const problem = onlyProblem(json, 'plan.json');
    expect(problem).toMatchObject({
      code: 'plan.owner_not_a_person',
      path: '$.initiatives[0].owner',
      line: lineOf(json, '"owner": "OPS"'),
    });
  });

  it('rejects duplicate ids', () => {
    const text = withChange(
      '  - { id: priya, name: Priya Shah, unit: IT }\n',
      '  - { id: priya, name: Priya Shah, unit: IT }\n  - { id: dana, name: Dana Two, unit: IT }\n',
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.duplicate_id',
      path: '$.people[3].id',
      line: lineOf(text, 'Dana Two'),
    });
    expect(problem.message).toBe("duplicate person id 'dana': $.people[0] already has it");
  });

  it('rejects a period label that is not a period', () => {
    const text = withChange('targets: { 2026-Q4: 1200000 }', 'targets: { 2026-Q5: 1200000 }');
    expect(onlyProblem(text)).toMatchObject({
      code: 'plan.bad_period',
      path: "$.kpis[0].targets['2026-Q5']",
      line: lineOf(text, '2026-Q5'),
    });
  });

  it('reports every domain problem at once, in file order', () => {
    let text = withChange('owner: priya', 'owner: IT');
    text = withChange('    owner: dana\n', '    owner: Steering Committee\n', text);
    text = withChange('objectives: [O-COST]', 'objectives: [O-NONE]', text);
    text = withChange('plannedDate: 2026-11-02', 'plannedDate: 2026-02-30', text);
    text = withChange('benefits:', '  - { predecessor: M-C, successor: M-A }\nbenefits:', text);
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['plan.owner_not_a_person', '$.objectives[0].owner', lineOf(text, 'Steering Committee')],
      ['plan.unknown_reference', '$.kpis[0].objectives[0]', lineOf(text, 'O-NONE')],
      ['plan.owner_not_a_person', '$.initiatives[0].owner', lineOf(text, 'owner: IT')],
      ['plan.bad_date', '$.milestones[2].plannedDate', lineOf(text, '2026-02-30')],
      ['plan.cycle', '$.dependencies[0]', lineOf(text, 'predecessor: M-A')],
    ]);
    expect(problems.every((p) => p.file === 'plan.yaml')).toBe(true);
  });

  it('reports every schema problem at once', () => {
    let text = withChange('owner: marco', 'owner: [marco]');
    text = withChange('plannedDate: 2026-10-19', 'plannedDate: soon', text);
    text = withChange('    unit: IT\n', '    unit: IT\n    colour: red\n', text);
    text = withChange('direction: higher_is_better', 'direction: up', text);
    text = withChange('workingDays: [1, 2, 3, 4, 5]', 'workingDays: []', text);
    text = withChange('amountPerWeek: 120000', 'amountPerWeek: lots', text);
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.code, p.path])).toEqual([
      ['plan.bad_value', '$.calendars[0].workingDays'],
      ['plan.owner_not_a_person', '$.kpis[0].owner'],
      ['plan.bad_value', '$.kpis[0].direction'],
      ['plan.unknown_field', '$.initiatives[0].colour'],
      ['plan.bad_date', '$.milestones[1].plannedDate'],
      ['plan.schema', '$.benefits[0].amountPerWeek'],
    ]);
    expect(problems.every((p) => p.line !== undefined)).toBe(true);
    expect(problems[2]?.message).toBe(
      "'up' is not a valid direction of KPI 'K-SAVINGS': use one of higher_is_better, lower_is_better",
    );
    expect(problems[5]?.message).toBe(
      "amountPerWeek of benefit 'B-1' must be a number, not 'lots'",
    );
  });

  it('names a missing required field', () => {
    const text = withChange('    unitOfMeasure: USD\n', '');
    expect(onlyProblem(text)).toMatchObject({
      code: 'plan.schema',
      path: '$.kpis[0]',
      line: lineOf(text, 'id: K-SAVINGS'),
      message: "KPI 'K-SAVINGS' is missing the required field 'unitOfMeasure'",
    });
  });

  it('refuses an empty file and a file that is not a mapping', () => {
    expect(onlyProblem('# nothing yet\n')).toMatchObject({ code: 'plan.schema', path: '$' });
    expect(onlyProblem('- a\n- b\n').message).toContain('must be a mapping of sections');
  });
});

/** BASE with a capacity measure, a unit's capacity and demands of both timings. */
const WITH_DEMANDS = `${BASE.replace(
  'currency: USD }',
  'currency: USD, capacityMeasure: FTE }',
).replace(
  '  - { id: IT, name: IT }\n',
  `  - id: IT
    name: IT
    capacity:
      perWeek: 10
      periods: { 2026-12: 6, 2026-Q4: 8.5, 2027: 12, 2026-W41: 9 }
`,
)}demands:
  - id: D-BUILD
    initiative: I-ERP
    unit: IT
    perWeek: 4
    from: 2026-09-01
    to: 2026-10-02
    milestone: M-A
  - id: D-CUTOVER
    initiative: I-ERP
    unit: OPS
    perWeek: 2.5
    workItem: ERP-17
    from: 2026-10-01
    milestone: M-B
    after: [D-BUILD]
`;

describe('parsePlanText: capacity and demands', () => {
  it('reads the capacity measure, unit capacity and demands as written', () => {
    const { plan } = parsePlanText(WITH_DEMANDS, 'plan.yaml');
    expect(plan.organisation.capacityMeasure).toBe('FTE');
    expect(plan.units[0]).toEqual({
      id: 'IT',
      name: 'IT',
      capacity: {
        perWeek: 10,
        periods: { '2026-12': 6, '2026-Q4': 8.5, '2027': 12, '2026-W41': 9 },
      },
    });
    expect(plan.units[1]).toEqual({ id: 'OPS', name: 'Operations' });
    expect(plan.demands).toEqual([
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
        unit: 'OPS',
        perWeek: 2.5,
        workItem: 'ERP-17',
        from: '2026-10-01',
        milestone: 'M-B',
        after: ['D-BUILD'],
      },
    ]);
  });

  it('round-trips: read, write and read again give the same plan and the same file', () => {
    const { plan } = parsePlanText(WITH_DEMANDS, 'plan.yaml');
    // Written as it was read: the file sets no field to its default.
    expect(planToFileObject(plan)).toEqual(parse(WITH_DEMANDS));
    for (const format of ['yaml', 'json'] as const) {
      const text = planToFileText(plan, format);
      expect(parsePlanText(text, `export.${format}`).plan).toEqual(plan);
    }
    expect(planToFileText(plan, 'yaml')).toContain('demands:');
  });

  it('places a demand that gives both a to and a work item on the line of its to', () => {
    const text = withChange(
      '    from: 2026-10-01\n',
      '    from: 2026-10-01\n    to: 2026-10-30\n',
      WITH_DEMANDS,
    );
    const problem = onlyProblem(text);
    expect(problem).toMatchObject({
      code: 'plan.bad_value',
      file: 'plan.yaml',
      path: '$.demands[1].to',
      line: lineOf(text, 'to: 2026-10-30'),
      column: 5,
    });
    expect(problem.message).toContain(
      "demand 'D-CUTOVER' has both a to (2026-10-30) and the work item 'ERP-17'",
    );
    expect(problem.message).toContain('give from/to or workItem, not both');
  });

  it('places a demand with no timing on its entry, and a ring of demands on its link', () => {
    let text = withChange('    from: 2026-09-01\n    to: 2026-10-02\n', '', WITH_DEMANDS);
    text = withChange('    milestone: M-A\n', '    milestone: M-A\n    after: [D-CUTOVER]\n', text);
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.code, p.path, p.line, p.column])).toEqual([
      ['plan.bad_value', '$.demands[0]', lineOf(text, 'id: D-BUILD'), 5],
      ['plan.cycle', '$.demands[0].after[0]', lineOf(text, 'after: [D-CUTOVER]'), 13],
    ]);
    expect(problems[0]?.message).toContain("demand 'D-BUILD' does not say when it runs");
    expect(problems[1]?.message).toBe(
      'demand cycle: D-BUILD → D-CUTOVER → D-BUILD (each lists the next in its after)',
    );
  });

  it('names a demand reference to nothing on its line', () => {
    const text = withChange(
      '    unit: OPS\n    perWeek',
      '    unit: SALES\n    perWeek',
      WITH_DEMANDS,
    );
    expect(onlyProblem(text)).toMatchObject({
      code: 'plan.unknown_reference',
      path: '$.demands[1].unit',
      line: lineOf(text, 'unit: SALES'),
      column: 5,
      message:
        "demand 'D-CUTOVER' takes capacity of the unit 'SALES', but there is no unit with that id",
    });
  });

  it('checks capacity and demands against the schema first, with lines', () => {
    let text = withChange('capacityMeasure: FTE', "capacityMeasure: ''", WITH_DEMANDS);
    text = withChange('      perWeek: 10\n', '      perWeek: -1\n', text);
    text = withChange('2026-Q4: 8.5', '2026-Q5: 8.5', text);
    text = withChange('    perWeek: 4\n', '    perWeek: 0\n    hours: 4\n', text);
    text = withChange('workItem: ERP-17', 'workItem: ERP 17', text);
    const problems = problemsOf(text);
    expect(problems.map((p) => [p.code, p.path, p.line])).toEqual([
      ['plan.bad_value', '$.organisation.capacityMeasure', 1],
      ['plan.bad_value', '$.units[0].capacity.perWeek', lineOf(text, 'perWeek: -1')],
      ['plan.bad_period', "$.units[0].capacity.periods['2026-Q5']", lineOf(text, '2026-Q5')],
      ['plan.bad_value', '$.demands[0].perWeek', lineOf(text, 'perWeek: 0')],
      ['plan.unknown_field', '$.demands[0].hours', lineOf(text, 'hours: 4')],
      ['plan.bad_value', '$.demands[1].workItem', lineOf(text, 'ERP 17')],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'capacityMeasure of the organisation must not be empty',
      "capacity.perWeek of unit 'IT' must not be negative, got -1",
      "'2026-Q5' in capacity.periods of unit 'IT' is not a reporting period or an ISO week: write 2026, 2026-H1, 2026-Q4, 2026-10 or 2026-W41",
      "perWeek of demand 'D-BUILD' must be more than 0, got 0",
      "unknown field 'hours' in demand 'D-BUILD'; allowed: id, initiative, unit, perWeek, from, to, workItem, milestone, after",
      "'ERP 17' is not a work item key such as ERP-17 (workItem of demand 'D-CUTOVER'): keys have no spaces",
    ]);
  });
});

describe('readPlanFile', () => {
  it('names a missing file', async () => {
    await expect(readPlanFile('no/such/plan.yaml')).rejects.toMatchObject({
      code: 'file.not_found',
      message: "plan file 'no/such/plan.yaml' not found",
    });
  });

  it('refuses a file whose format it cannot tell', async () => {
    await expect(readPlanFile('plan.txt')).rejects.toMatchObject({ code: 'file.parse' });
  });

  it('throws DomainError, never a raw error, for a bad file', async () => {
    await expect(readPlanFile(fileURLToPath(import.meta.url), 'yaml')).rejects.toBeInstanceOf(
      DomainError,
    );
  });
});

describe('plan files with text the store cannot hold', () => {
  it('refuses a milestone id of 201 characters at its line, by the schema', () => {
    const text = BASE.replace('id: O-COST', `id: O-${'C'.repeat(199)}`);
    const error = refusal(() => parsePlanText(text, 'long.yaml'));
    expect(error.problems[0]).toMatchObject({
      code: 'plan.bad_value',
      path: '$.objectives[0].id',
      file: 'long.yaml',
      line: 12,
      message: 'id of objective .objectives[0] is 201 characters long: at most 200 are allowed',
    });
  });

  it('refuses a NUL character written as a YAML escape, at its line', () => {
    const text = BASE.replace('name: Cut cost', 'name: "Cut\\0cost"');
    const error = refusal(() => parsePlanText(text, 'nul.yaml'));
    expect(error.problems).toEqual([
      {
        code: 'plan.bad_value',
        message: 'this value contains a NUL character (\\u0000) at character 4',
        path: '$.objectives[0].name',
        file: 'nul.yaml',
        line: 13,
        column: 5,
      },
    ]);
  });
});

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parsePlanText: decision rights', () => {
  it('reads the demo rights and refuses an unknown field with its line', async () => {
    const { plan } = await readPlanFile(
      fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url)),
    );
    expect(plan.decisionRights?.map((r) => [r.id, r.person ?? r.role])).toEqual([
      ['R-ERP-SLIP', 'priya'],
      ['R-OPS-MONEY', 'marco'],
      ['R-COST', 'dana'],
      ['R-STOP', 'executive'],
    ]);
    const text = `organisation: { id: a, name: A, defaultCalendar: std, currency: USD }
calendars: [{ id: std, name: S, workingDays: [1, 2, 3, 4, 5] }]
decisionRights:
  - id: R-X
    role: executive
    maxWeeks: 2
`;
    expect(() => parsePlanText(text, 'p.yaml')).toThrow(DomainError);
    try {
      parsePlanText(text, 'p.yaml');
    } catch (error) {
      const first = (error as DomainError).problems[0]!;
      expect([first.code, first.line, first.path]).toEqual([
        'plan.unknown_field',
        6,
        '$.decisionRights[0].maxWeeks',
      ]);
    }
  });
});
