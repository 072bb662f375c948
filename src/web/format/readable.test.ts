import { afterEach, describe, expect, it } from 'vitest';
import { onProductClock, productNow, productOffset, setProductDay } from './clock.ts';
import { formatAge, formatDays, parseDate, readableText } from './format.ts';

describe('readableText', () => {
  it('says ISO dates in the one date format and unlabelled days as calendar days', () => {
    expect(readableText('ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 days)')).toBe(
      'ERP-17 due date moved 2 Oct 2026 → 23 Oct 2026 (+21 calendar days)',
    );
    expect(readableText('M-GOLIVE forecast 2026-10-26, +15 working days (plan 2026-10-05)')).toBe(
      'M-GOLIVE forecast 26 Oct 2026, +15 working days (plan 5 Oct 2026)',
    );
    expect(readableText('IT is at 167% in weeks 41–43 (2026-W41)')).toBe(
      'IT is at 167% in weeks 41–43 (2026-W41)',
    );
    expect(readableText('late by 1 day, 1 working day, 3 calendar days')).toBe(
      'late by 1 calendar day, 1 working day, 3 calendar days',
    );
  });
});

describe('formatDays', () => {
  it('always names the kind of day', () => {
    expect(formatDays(21, 'calendar')).toBe('+21 calendar days');
    expect(formatDays(-1, 'working')).toBe('−1 working day');
    expect(formatDays(3, 'working', false)).toBe('3 working days');
  });
});

describe('parseDate', () => {
  it('reads the app format, the US order and ISO; refuses days that do not exist', () => {
    expect(parseDate('5 Oct 2026')).toBe('2026-10-05');
    expect(parseDate(' 5 October 2026 ')).toBe('2026-10-05');
    expect(parseDate('Oct 5, 2026')).toBe('2026-10-05');
    expect(parseDate('2026-10-05')).toBe('2026-10-05');
    expect(parseDate('31 Feb 2026')).toBeNull();
    expect(parseDate('5 Foo 2026')).toBeNull();
    expect(parseDate('')).toBeNull();
  });
});

describe('the product clock', () => {
  afterEach(() => setProductDay(null));
  const wall = Date.parse('2026-12-06T20:09:32Z');

  it('is the wall clock when nothing is pinned', () => {
    expect(productOffset(wall, null)).toBe(0);
    expect(productNow(wall, '2026-12-06')).toBe(wall);
  });

  it('moves wall-clock stamps onto the pinned day, and leaves the work’s own times', () => {
    const day = '2026-09-14';
    // 83 days back (counted on the server's clock, UTC days), at the reader's own time of day
    // (whatever their zone, across a daylight-saving change too).
    const local = (ms: number): number[] => {
      const d = new Date(ms);
      return [d.getHours(), d.getMinutes(), d.getSeconds()];
    };
    const now = productNow(wall, day);
    expect(local(now)).toEqual(local(wall));
    expect(Math.abs(now - Date.parse('2026-09-14T20:09:32Z'))).toBeLessThanOrEqual(3_600_000);
    expect(onProductClock(wall, wall, day)).toBe(now);
    const jiraUpdate = Date.parse('2026-09-11T09:00:00Z');
    expect(onProductClock(jiraUpdate, wall, day)).toBe(jiraUpdate);
  });

  it('says ages on the product clock: never "86 days ago" on a day pinned three days later', () => {
    setProductDay('2026-09-14');
    expect(formatAge('2026-09-11T20:09:32Z', wall)).toBe('3 days ago');
    expect(formatAge('2026-12-06T20:00:00Z', wall)).toBe('10 min ago');
  });
});
