import type { IsoDate, PeriodLabel } from './domain/plan.ts';
import { fromDayNumber, isIsoDate } from './calendar.ts';
import { mondayOfWeek, weekIndex } from './schedule/iso-week.ts';

/** A reporting period with its first and last calendar day (both inclusive). */
export interface Period {
  label: PeriodLabel;
  start: IsoDate;
  end: IsoDate;
}

const PERIOD = /^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$/;

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function span(
  year: number,
  firstMonth: number,
  lastMonth: number,
): { start: IsoDate; end: IsoDate } {
  return {
    start: `${year}-${pad(firstMonth)}-01`,
    end: `${year}-${pad(lastMonth)}-${pad(lastDayOfMonth(year, lastMonth))}`,
  };
}

/** Parses `2026`, `2026-H2`, `2026-Q4` or `2026-10` into its days; null when it is none of them. */
export function parsePeriod(label: string): Period | null {
  const match = PERIOD.exec(label);
  if (match === null) return null;
  const year = Number(match[1]);
  const part = match[2];
  if (part === undefined) return { label, ...span(year, 1, 12) };
  if (part.startsWith('H')) {
    const half = Number(part.slice(1));
    return { label, ...span(year, half * 6 - 5, half * 6) };
  }
  if (part.startsWith('Q')) {
    const quarter = Number(part.slice(1));
    return { label, ...span(year, quarter * 3 - 2, quarter * 3) };
  }
  const month = Number(part);
  if (month < 1 || month > 12) return null;
  return { label, ...span(year, month, month) };
}

/** True when the date falls inside the period. */
export function periodContains(period: Period, date: IsoDate): boolean {
  return isIsoDate(date) && date >= period.start && date <= period.end;
}

/**
 * A period a unit's capacity may be planned in: a reporting period, or an ISO week (`2026-W41`,
 * Monday to Sunday) for a few weeks of extra people or a holiday dip. Null when it is neither.
 */
export function parseCapacityPeriod(label: string): Period | null {
  const reporting = parsePeriod(label);
  if (reporting !== null) return reporting;
  const week = weekIndex(label);
  if (week === undefined) return null;
  const monday = mondayOfWeek(week);
  return { label, start: fromDayNumber(monday), end: fromDayNumber(monday + 6) };
}
