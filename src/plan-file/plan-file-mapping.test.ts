import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../core/domain/plan.ts';
import { PLAN_COLLECTIONS } from '../core/domain/plan.ts';
import { parsePlanText, readPlanFile } from './parse-plan-file.ts';
import { planFromFileObject, planToFileObject } from './plan-file-mapping.ts';
import { planToFileText } from './plan-file-text.ts';
import { checkPlanSchema, planSchema, planSchemaProblems } from './plan-schema.ts';

const DEMO = fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url));

/** A plan with every optional field set and no field at its default. */
function buildFullPlan(): Plan {
  return {
    organisation: {
      id: 'acme',
      name: 'Acme',
      defaultCalendar: 'std',
      currency: 'USD',
      capacityMeasure: 'people',
    },
    calendars: [
      { id: 'std', name: 'Mon–Fri', workingDays: [1, 2, 3, 4, 5], holidays: ['2026-12-25'] },
    ],
    units: [
      {
        id: 'IT',
        name: 'IT',
        calendar: 'std',
        capacity: { perWeek: 8, periods: { '2026-12': 5, '2026-Q4': 7.5 } },
      },
    ],
    people: [
      { id: 'priya', name: 'Priya Shah', title: 'IT lead', unit: 'IT', email: 'p@acme.example' },
    ],
    objectives: [
      {
        id: 'O-1',
        name: 'One',
        owner: 'priya',
        horizon: { start: '2026-01-01', end: '2026-12-31' },
        description: 'd',
      },
      { id: 'O-2', name: 'Two', owner: 'priya', parent: 'O-1' },
    ],
    kpis: [
      {
        id: 'K-1',
        name: 'K',
        owner: 'priya',
        unitOfMeasure: 'USD',
        direction: 'lower_is_better',
        baseline: 7,
        targets: { '2026': 5 },
        actuals: { '2026-03': 6 },
        objectives: ['O-1'],
      },
    ],
    initiatives: [
      {
        id: 'I-1',
        name: 'I',
        owner: 'priya',
        unit: 'IT',
        objectives: ['O-2'],
        budget: { '2026-H1': { plan: 10, committed: 5, actual: 1 } },
        currency: 'EUR',
      },
    ],
    milestones: [
      {
        id: 'M-1',
        name: 'M1',
        initiative: 'I-1',
        plannedDate: '2026-03-02',
        owner: 'priya',
        work: { keys: ['ERP-1'], epics: ['ERP-E'] },
      },
      {
        id: 'M-2',
        name: 'M2',
        initiative: 'I-1',
        plannedDate: '2026-04-01',
        work: { keys: [], epics: ['ERP-F'] },
      },
    ],
    dependencies: [{ predecessor: 'M-1', successor: 'M-2', type: 'SS', lagDays: -2 }],
    benefits: [{ id: 'B-1', milestone: 'M-2', kpi: 'K-1', amountPerWeek: 0.5, description: 'b' }],
    demands: [
      {
        id: 'D-1',
        initiative: 'I-1',
        unit: 'IT',
        perWeek: 2.5,
        from: '2026-01-05',
        to: '2026-02-27',
        milestone: 'M-1',
      },
      {
        id: 'D-2',
        initiative: 'I-1',
        unit: 'IT',
        perWeek: 1,
        from: '2026-03-02',
        workItem: 'ERP-1',
        milestone: 'M-2',
        after: ['D-1'],
      },
    ],
  };
}

describe('planToFileObject', () => {
  it('leaves out defaults and empty sections', () => {
    const plan = planFromFileObject({
      organisation: { id: 'a', name: 'A', defaultCalendar: 'c', currency: 'USD' },
      calendars: [{ id: 'c', name: 'C', workingDays: [1] }],
      milestones: [{ id: 'M', name: 'M', initiative: 'I', plannedDate: '2026-01-05' }],
      dependencies: [{ predecessor: 'M', successor: 'M' }],
    });
    expect(plan.milestones[0]?.work).toEqual({ keys: [], epics: [] });
    expect(plan.demands).toEqual([]);
    expect(planToFileObject(plan)).toEqual({
      organisation: { id: 'a', name: 'A', defaultCalendar: 'c', currency: 'USD' },
      calendars: [{ id: 'c', name: 'C', workingDays: [1] }],
      milestones: [{ id: 'M', name: 'M', initiative: 'I', plannedDate: '2026-01-05' }],
      dependencies: [{ predecessor: 'M', successor: 'M' }],
    });
    const file = planToFileObject(buildFullPlan());
    expect(file.milestones?.[1]?.work).toEqual({ epics: ['ERP-F'] });
  });

  it('copies capacity and demand fields the core keeps optional as they are, both ways', () => {
    const file = {
      organisation: { id: 'a', name: 'A', defaultCalendar: 'c', currency: 'USD' },
      units: [{ id: 'U', name: 'U', capacity: { perWeek: 3 } }],
      demands: [{ id: 'D', initiative: 'I', unit: 'U', perWeek: 1, workItem: 'K-1' }],
    };
    const plan = planFromFileObject(file);
    // No measure, periods, window or links are invented: their absence means something.
    expect(plan.organisation).toEqual(file.organisation);
    expect(plan.units).toEqual(file.units);
    expect(plan.demands).toEqual(file.demands);
    expect(planToFileObject(plan)).toEqual(file);
  });

  it('keeps every field that is set, in a shape the schema accepts', () => {
    const plan = buildFullPlan();
    const file = planToFileObject(plan);
    expect(planSchemaProblems(file)).toEqual([]);
    // No field set in the plan is lost on the way out and back.
    expect(planFromFileObject(file)).toEqual(plan);
    for (const collection of PLAN_COLLECTIONS) {
      expect(file[collection]).toEqual(expect.any(Array));
    }
  });

  it('exports the demo plan as YAML and JSON that read back to the same plan', async () => {
    const { plan } = await readPlanFile(DEMO);
    for (const format of ['yaml', 'json'] as const) {
      const text = planToFileText(plan, format);
      expect(parsePlanText(text, `export.${format}`).plan).toEqual(plan);
    }
    const yaml = planToFileText(plan, 'yaml');
    expect(yaml).not.toContain('lagDays: 0');
    expect(yaml).not.toContain('epics');
    expect(checkPlanSchema(planToFileObject(plan))).toBe(true);
  });
});

describe('the published plan schema', () => {
  /** Every property schema under `properties`, with where it is. */
  function properties(node: unknown, at = '#'): [string, Record<string, unknown>][] {
    if (typeof node !== 'object' || node === null) return [];
    const found: [string, Record<string, unknown>][] = [];
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key === 'properties' && typeof value === 'object' && value !== null) {
        for (const [name, schema] of Object.entries(value as Record<string, unknown>)) {
          found.push([`${at}/properties/${name}`, schema as Record<string, unknown>]);
        }
      }
      found.push(...properties(value, `${at}/${key}`));
    }
    return found;
  }

  it('gives every property a title and a description', () => {
    const all = properties(planSchema);
    expect(all.length).toBeGreaterThan(50);
    for (const [where, schema] of all) {
      expect(typeof schema.title, where).toBe('string');
      expect(typeof schema.description, where).toBe('string');
    }
  });

  it('refuses unknown fields in every object', () => {
    const defs = planSchema.$defs as Record<string, Record<string, unknown>>;
    const objects = [planSchema, ...Object.values(defs)].filter(
      (schema) => schema.type === 'object' && schema.properties !== undefined,
    );
    expect(objects.length).toBeGreaterThan(10);
    for (const schema of objects) expect(schema.additionalProperties).toBe(false);
  });

  it('lists the same sections as the core Plan', () => {
    const sections = Object.keys(planSchema.properties as object).filter((k) => k !== '$schema');
    expect(sections).toEqual(['organisation', ...PLAN_COLLECTIONS, 'decisionRights', 'reviews']);
  });
});
