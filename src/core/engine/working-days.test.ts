import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { workingCalendar } from '../../../test/support/engine-v1/working-calendar.ts';
import { addDays } from '../calendar.ts';
import type { Weekday } from '../domain/plan.ts';
import { buildCalendar } from '../test-factories.ts';
import { dateOf, dayOf } from './day-numbers.ts';
import { prepareWorkingDays } from './working-days.ts';

const calendarArb = fc.record({
  workingDays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  holidays: fc.array(fc.integer({ min: -400, max: 400 }), { maxLength: 30 }),
});
const BASE = '2026-09-01';

describe('prepareWorkingDays (property)', () => {
  it('answers every question as the plain calendar does, across the years', () => {
    fc.assert(
      fc.property(
        calendarArb,
        fc.array(
          fc.record({
            from: fc.integer({ min: -3000, max: 3000 }),
            to: fc.integer({ min: -3000, max: 3000 }),
            n: fc.integer({ min: -400, max: 400 }),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        (spec, questions) => {
          const calendar = buildCalendar({
            workingDays: spec.workingDays as Weekday[],
            holidays: spec.holidays.map((offset) => addDays(BASE, offset)),
          });
          const plain = workingCalendar(calendar);
          const fast = prepareWorkingDays(calendar);
          for (const { from, to, n } of questions) {
            const a = addDays(BASE, from);
            const b = addDays(BASE, to);
            expect(dateOf(fast.onOrAfter(dayOf(a)))).toBe(plain.onOrAfter(a));
            expect(dateOf(fast.next(dayOf(a)))).toBe(plain.nextWorkingDay(a));
            expect(dateOf(fast.add(dayOf(a), n))).toBe(plain.addWorkingDays(a, n));
            expect(fast.between(dayOf(a), dayOf(b))).toBe(plain.workingDaysBetween(a, b));
            expect(fast.isWorking(dayOf(a))).toBe(plain.isWorkingDay(a));
          }
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  it('reads dates from their digits as the calendar module does', () => {
    for (const date of ['1970-01-01', '2000-02-29', '2026-09-14', '2099-12-31', '1969-12-31']) {
      expect(dateOf(dayOf(date))).toBe(date);
    }
  });
});
