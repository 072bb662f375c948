import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workingCalendar } from '../../../test/support/engine-v1/working-calendar.ts';
import { addDays } from '../calendar.ts';
import type { Calendar, Dependency, DependencyType, Milestone } from '../domain/plan.ts';
import type { WorkItem } from '../domain/work-item.ts';
import {
  buildCalendar,
  buildDoneWorkItem,
  buildInitiative,
  buildMilestone,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../test-factories.ts';
import { computeState } from './compute-state.ts';

const DAY_ZERO = '2026-09-01';
const calendars: Calendar[] = [
  buildCalendar(),
  buildCalendar({
    id: 'short-week',
    workingDays: [1, 2, 3, 4],
    holidays: ['2026-10-05', '2026-12-24'],
  }),
];
const working = new Map(calendars.map((calendar) => [calendar.id, workingCalendar(calendar)]));

const workItemArb = fc.record({
  done: fc.boolean(),
  day: fc.option(fc.integer({ min: -30, max: 150 }), { nil: null }),
  blockers: fc.array(fc.nat(), { maxLength: 2 }),
});
const milestoneArb = fc.record({
  initiative: fc.constantFrom('I-STD', 'I-SHORT'),
  plannedDay: fc.integer({ min: 0, max: 150 }),
  work: fc.array(workItemArb, { maxLength: 3 }),
});
const dependencyArb = fc.record({
  from: fc.nat(),
  to: fc.nat(),
  type: fc.constantFrom<DependencyType>('FS', 'SS', 'FF', 'SF'),
  lagDays: fc.integer({ min: -5, max: 10 }),
});
const inputArb = fc.record({
  milestones: fc.array(milestoneArb, { minLength: 1, maxLength: 8 }),
  dependencies: fc.array(dependencyArb, { maxLength: 12 }),
  asOfDay: fc.integer({ min: 0, max: 60 }),
});

describe('forecastMilestones (property)', () => {
  it('never puts a milestone before what its dependencies or its open work require', () => {
    fc.assert(
      fc.property(inputArb, (generated) => {
        const workItems: WorkItem[] = [];
        const milestones: Milestone[] = generated.milestones.map((spec, m) => {
          const keys = spec.work.map((_, w) => `W-${m}-${w}`);
          spec.work.forEach((item, w) => {
            const date = item.day === null ? null : addDays(DAY_ZERO, item.day);
            const blockedBy = item.blockers.map((b) => {
              const other = generated.milestones[b % generated.milestones.length]!;
              return `W-${b % generated.milestones.length}-${other.work.length === 0 ? 0 : b % other.work.length}`;
            });
            workItems.push(
              item.done && date !== null
                ? buildDoneWorkItem(date, { key: keys[w]!, blockedBy })
                : buildWorkItem({ key: keys[w]!, dueDate: date, blockedBy }),
            );
          });
          return buildMilestone({
            id: `M-${m}`,
            initiative: spec.initiative,
            plannedDate: addDays(DAY_ZERO, spec.plannedDay),
            work: { keys, epics: [] },
          });
        });
        // Edges only from a lower to a higher index: acyclic, as the plan validator guarantees.
        const dependencies: Dependency[] = generated.dependencies
          .map((d) => ({ ...d, from: d.from % milestones.length, to: d.to % milestones.length }))
          .filter((d) => d.from < d.to)
          .map((d) => ({
            predecessor: `M-${d.from}`,
            successor: `M-${d.to}`,
            type: d.type,
            lagDays: d.lagDays,
          }));
        const state = computeState({
          plan: buildPlan({
            calendars,
            units: [buildUnit({ id: 'STD' }), buildUnit({ id: 'SHORT', calendar: 'short-week' })],
            initiatives: [
              buildInitiative({ id: 'I-STD', unit: 'STD' }),
              buildInitiative({ id: 'I-SHORT', unit: 'SHORT' }),
            ],
            milestones,
            dependencies,
          }),
          workItems,
          changes: {},
          asOf: addDays(DAY_ZERO, generated.asOfDay),
        });
        const initiativeOf = new Map(milestones.map((m) => [m.id, m.initiative]));
        const calendarOf = (milestoneId: string) =>
          working.get(initiativeOf.get(milestoneId) === 'I-SHORT' ? 'short-week' : 'standard')!;

        for (const dependency of dependencies) {
          const predecessor = state.milestones.get(dependency.predecessor)!.forecastDate;
          const successor = state.milestones.get(dependency.successor)!.forecastDate;
          const required = calendarOf(dependency.successor).addWorkingDays(
            predecessor,
            dependency.lagDays,
          );
          expect(successor >= required).toBe(true);
        }
        for (const milestone of milestones) {
          const forecast = state.milestones.get(milestone.id)!;
          for (const key of milestone.work.keys) {
            const item = state.workItems.get(key)!;
            if (!item.open || item.forecastFinish === null) continue;
            const next = calendarOf(milestone.id).nextWorkingDay(item.forecastFinish);
            expect(forecast.forecastDate >= next).toBe(true);
          }
          const slip = calendarOf(milestone.id).workingDaysBetween(
            milestone.plannedDate,
            forecast.forecastDate,
          );
          expect(forecast.slipWorkingDays).toBe(slip);
          expect(forecast.status.status === 'off_track').toBe(
            forecast.forecastDate > milestone.plannedDate,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
