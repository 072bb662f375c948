import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validatePlan } from '../../core/plan/validate-plan.ts';
import { scheduleCriticalPath } from '../../core/schedule/critical-path.ts';
import { planDateOf, scheduleInputFromPlan } from '../../core/schedule/plan-schedule.ts';
import { compileWorkingTime } from '../../core/schedule/working-time.ts';
import { buildErpScenario } from '../../core/test-factories.ts';
import { normalizeMsProjectXml } from './mspdi.ts';
import { planEntitiesFromMsProject } from './mspdi-plan.ts';
import { scheduleInputFromMsProject } from './mspdi-schedule.ts';

const REFERENCE = new URL('../../../test/fixtures/reference/scheduling/mspdi/', import.meta.url);

function entitiesOf(name: string) {
  const plan = normalizeMsProjectXml(
    readFileSync(new URL(`${name}.xml`, REFERENCE), 'utf8'),
    `${name}.xml`,
  );
  const input = scheduleInputFromMsProject(plan);
  return planEntitiesFromMsProject(plan, input, scheduleCriticalPath(input), {
    initiative: 'I-ERP',
  });
}

describe('an MS Project plan as milestones and dependencies', () => {
  it('dates an as-late-as-possible task where MS Project schedules it, at its late finish', () => {
    const xml = readFileSync(new URL('mspdirelations.xml', REFERENCE), 'utf8');
    // Task 5 (a day of slack) made as late as possible: it moves to the project's last day.
    const alap = xml.replace(
      /(<Task>\s*<UID>5<\/UID>[\s\S]*?<ConstraintType>)0(<\/ConstraintType>)/,
      '$11$2',
    );
    expect(alap).not.toBe(xml);
    const plan = normalizeMsProjectXml(alap, 'alap.xml');
    const input = scheduleInputFromMsProject(plan);
    const schedule = scheduleCriticalPath(input);
    const task5 = schedule.activities.find((a) => a.id === '5')!;
    const { milestones } = planEntitiesFromMsProject(plan, input, schedule, {
      initiative: 'I-ERP',
    });
    expect(task5.finish).toBe(task5.lateFinish);
    expect(milestones.find((m) => m.id === 'I-ERP-5')!.plannedDate).toBe('2006-09-25');
  });

  it('makes each task a milestone at its finish, and each link a dependency between finishes', () => {
    const { milestones, dependencies } = entitiesOf('mspdirelations');
    expect(milestones.map((m) => [m.id, m.name, m.plannedDate])).toEqual([
      ['I-ERP-1', 'Task 1', '2006-09-21'],
      ['I-ERP-2', 'Task 2', '2006-09-22'],
      ['I-ERP-3', 'Task 3', '2006-09-25'],
      ['I-ERP-4', 'Task 4', '2006-09-25'],
      ['I-ERP-5', 'Task 5', '2006-09-22'],
    ]);
    expect(milestones.every((m) => m.initiative === 'I-ERP')).toBe(true);
    expect(dependencies).toEqual([
      { predecessor: 'I-ERP-1', successor: 'I-ERP-2', type: 'FS', lagDays: 1 },
      { predecessor: 'I-ERP-2', successor: 'I-ERP-3', type: 'FS', lagDays: 1 },
      { predecessor: 'I-ERP-3', successor: 'I-ERP-4', type: 'FS', lagDays: 0 },
      { predecessor: 'I-ERP-4', successor: 'I-ERP-5', type: 'FS', lagDays: -1 },
    ]);
  });

  for (const name of ['mspdirelations', 'sample', 'task-links-project2019-mspdi']) {
    it(`${name}: the imported plan is valid and schedules back to the same dates`, () => {
      const scenario = buildErpScenario();
      const { milestones, dependencies } = entitiesOf(name);
      const plan = {
        ...scenario.plan,
        milestones: [...scenario.plan.milestones, ...milestones],
        dependencies: [...scenario.plan.dependencies, ...dependencies],
      };
      expect(validatePlan(plan)).toEqual([]);
      const input = scheduleInputFromPlan(plan);
      const schedule = scheduleCriticalPath(input);
      const time = compileWorkingTime(input.calendars.find((c) => c.id === input.calendar)!);
      const dates = new Map(schedule.activities.map((a) => [a.id, planDateOf(time, a.earlyStart)]));
      for (const milestone of milestones)
        expect(dates.get(milestone.id)).toBe(milestone.plannedDate);
    });
  }
});
