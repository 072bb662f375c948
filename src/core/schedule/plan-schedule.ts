import type { IsoDate, Plan } from '../domain/plan.ts';
import type { ScheduleInput } from './critical-path.ts';
import { dateOfDay, dayOf, MINUTES_PER_DAY, startOfDate, type Instant } from './local-time.ts';
import { allDayWeek, compileWorkingTime, type WorkingTime } from './working-time.ts';

/**
 * A plan as schedule input. Plans are made in days: every working day of a calendar is worked
 * all day, a milestone is a zero-duration activity at the end of its day, and a dependency's
 * lag is whole working days of the successor's calendar (the milestone's initiative's unit's
 * calendar, or the organisation's). A milestone cannot land before its planned date (its first
 * working day on or after it); dependencies push it later.
 */
export function scheduleInputFromPlan(plan: Plan): ScheduleInput {
  const calendars = plan.calendars.map((calendar) => ({
    id: calendar.id,
    name: calendar.name,
    week: allDayWeek(calendar.workingDays),
    exceptions: calendar.holidays.map((date) => ({ from: date, to: date, periods: [] })),
  }));
  const times = new Map(calendars.map((calendar) => [calendar.id, compileWorkingTime(calendar)]));
  const initiatives = new Map(plan.initiatives.map((initiative) => [initiative.id, initiative]));
  const units = new Map(plan.units.map((unit) => [unit.id, unit]));
  const calendarOfMilestone = (initiativeId: string): string => {
    const unit = units.get(initiatives.get(initiativeId)?.unit ?? '');
    return unit?.calendar ?? plan.organisation.defaultCalendar;
  };

  const activities = plan.milestones.map((milestone) => {
    const calendar = calendarOfMilestone(milestone.initiative);
    const time = times.get(calendar);
    return {
      id: milestone.id,
      duration: 0,
      calendar,
      constraint: {
        kind: 'start_no_earlier_than' as const,
        at:
          time === undefined
            ? endOfDate(milestone.plannedDate)
            : endOfWorkingDay(time, milestone.plannedDate),
      },
    };
  });
  const start = Math.min(
    ...activities.map((activity) => activity.constraint.at - MINUTES_PER_DAY),
    Number.POSITIVE_INFINITY,
  );
  return {
    start: Number.isFinite(start) ? start : 0,
    calendar: plan.organisation.defaultCalendar,
    calendars,
    activities,
    links: plan.dependencies.map((dependency) => ({
      predecessor: dependency.predecessor,
      successor: dependency.successor,
      type: dependency.type,
      lag: dependency.lagDays * MINUTES_PER_DAY,
    })),
    milestonesAtPeriodEnd: true,
  };
}

/** The working day a plan-schedule instant stands for: the day whose end it is (or follows). */
export function planDateOf(time: WorkingTime, instant: Instant): IsoDate {
  return dateOfDay(dayOf(time.previousWorkFinish(instant) - 1));
}

/** Slack of a plan schedule in working days. */
export function planWorkingDays(minutes: number): number {
  return minutes / MINUTES_PER_DAY;
}

function endOfDate(date: IsoDate): Instant {
  return startOfDate(date) + MINUTES_PER_DAY;
}

function endOfWorkingDay(time: WorkingTime, date: IsoDate): Instant {
  return time.nextWorkStart(startOfDate(date)) + MINUTES_PER_DAY;
}
