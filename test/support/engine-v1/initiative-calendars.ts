import type { Calendar, IsoDate, Plan } from '../../../src/core/domain/plan.ts';
import { workingCalendar, type WorkingCalendar } from './working-calendar.ts';
import { fail } from '../../../src/core/errors.ts';

/**
 * Resolves the working calendar that dates an initiative's milestones: its unit's calendar, else
 * the organisation's default. Each calendar is prepared once, whatever the number of initiatives.
 */
export function initiativeCalendars(plan: Plan): (initiativeId: string) => WorkingCalendar {
  const calendars = new Map<string, Calendar>();
  for (const calendar of plan.calendars) calendars.set(calendar.id, calendar);
  const prepared = new Map<string, WorkingCalendar>();
  const prepare = (id: string, path: string): WorkingCalendar => {
    const known = prepared.get(id);
    if (known !== undefined) return known;
    const calendar = calendars.get(id);
    if (calendar === undefined) {
      return fail('plan.unknown_reference', `Calendar ${id} does not exist`, { path });
    }
    const working = memoizedCalendar(workingCalendar(calendar));
    prepared.set(id, working);
    return working;
  };
  const fallback = prepare(plan.organisation.defaultCalendar, '$.organisation.defaultCalendar');

  const unitCalendars = new Map<string, WorkingCalendar>();
  plan.units.forEach((unit, position) => {
    if (unit.calendar !== undefined) {
      unitCalendars.set(unit.id, prepare(unit.calendar, `$.units[${position}].calendar`));
    }
  });
  const unitOfInitiative = new Map<string, string>();
  for (const initiative of plan.initiatives) unitOfInitiative.set(initiative.id, initiative.unit);

  return (initiativeId) => {
    const unit = unitOfInitiative.get(initiativeId);
    return (unit === undefined ? undefined : unitCalendars.get(unit)) ?? fallback;
  };
}

/**
 * Wraps a working calendar so that repeated questions are answered from memory: a portfolio asks
 * the same few hundred dates again and again, and each fresh answer parses and prints a date.
 */
function memoizedCalendar(calendar: WorkingCalendar): WorkingCalendar {
  // Nested maps rather than a combined key: building "date|n" would cost a string per question.
  const next = new Map<IsoDate, IsoDate>();
  const added = new Map<IsoDate, Map<number, IsoDate>>();
  const between = new Map<IsoDate, Map<IsoDate, number>>();
  return {
    id: calendar.id,
    isWorkingDay: (date) => calendar.isWorkingDay(date),
    onOrAfter: (date) => calendar.onOrAfter(date),
    nextWorkingDay(date) {
      let answer = next.get(date);
      if (answer === undefined) {
        answer = calendar.nextWorkingDay(date);
        next.set(date, answer);
      }
      return answer;
    },
    addWorkingDays(date, n) {
      let byCount = added.get(date);
      if (byCount === undefined) {
        byCount = new Map();
        added.set(date, byCount);
      }
      let answer = byCount.get(n);
      if (answer === undefined) {
        answer = calendar.addWorkingDays(date, n);
        byCount.set(n, answer);
      }
      return answer;
    },
    workingDaysBetween(from, to) {
      let byTo = between.get(from);
      if (byTo === undefined) {
        byTo = new Map();
        between.set(from, byTo);
      }
      let answer = byTo.get(to);
      if (answer === undefined) {
        answer = calendar.workingDaysBetween(from, to);
        byTo.set(to, answer);
      }
      return answer;
    },
  };
}
