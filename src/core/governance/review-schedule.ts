import type { IsoDate, Review, WeekdayName } from '../domain/plan.ts';
import { addDays, weekday } from '../calendar.ts';

/**
 * When a review meets (docs/GOVERNANCE.md "Review cadence and packs"): each meeting is a local
 * date and time in the review's time zone (UTC when it names none), and the instant that is.
 * Pure: "now" is always a parameter.
 */

/** One meeting of a review. */
export interface ReviewOccurrence {
  review: string;
  /** The meeting's local date: it names the occurrence (`2026-09-14`). */
  date: IsoDate;
  /** Its local time, `HH:MM`. */
  at: string;
  timeZone: string;
  /** The instant it starts, ISO in UTC. */
  instant: string;
}

const WEEKDAYS: readonly WeekdayName[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];

const MS_PER_MINUTE = 60_000;
/** Far enough back to find a monthly meeting on the 31st. */
const LOOK_BACK_DAYS = 70;

/** The zone a review meets in. */
export function zoneOf(review: Pick<Review, 'timeZone'>): string {
  return review.timeZone ?? 'UTC';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The local wall-clock time of an instant in a zone, as milliseconds read as if UTC. */
function localMs(utcMs: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(utcMs))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day, parts.hour, parts.minute);
}

/** The instant (UTC ms) at which a local date and time happen in a zone. */
export function zonedInstant(date: IsoDate, at: string, zone: string): number {
  const local = Date.parse(`${date}T${at}:00Z`);
  const guess = local - (localMs(local, zone) - local);
  // Once more, for a zone whose offset changes between the guess and the answer.
  return local - (localMs(guess, zone) - guess);
}

/** The local date of an instant in a zone. */
export function localDate(utcMs: number, zone: string): IsoDate {
  return new Date(localMs(utcMs, zone)).toISOString().slice(0, 10);
}

function lastDayOfMonth(date: IsoDate): number {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Whether the review meets on a local date. */
export function meetsOn(review: Review, date: IsoDate): boolean {
  const cadence = review.cadence;
  if (cadence.every === 'week') return WEEKDAYS[weekday(date) - 1] === cadence.weekday;
  const day = Number(date.slice(8, 10));
  return day === Math.min(cadence.day, lastDayOfMonth(date));
}

/** The review's meeting on a local date (whether or not it meets that day: the caller asks). */
export function occurrenceOn(review: Review, date: IsoDate): ReviewOccurrence {
  const zone = zoneOf(review);
  const at = review.cadence.at;
  return {
    review: review.id,
    date,
    at,
    timeZone: zone,
    instant: new Date(zonedInstant(date, at, zone)).toISOString(),
  };
}

/**
 * The latest meeting that has started by `nowMs` (null when none in the last ten weeks, which
 * cannot happen for a valid cadence). With `byDate`, the latest meeting on or before that local
 * date, whatever its hour: a pinned clock (the demo) knows the day, not the hour.
 */
export function latestOccurrence(
  review: Review,
  now: { instantMs: number } | { byDate: IsoDate },
): ReviewOccurrence | null {
  const zone = zoneOf(review);
  const start = 'byDate' in now ? now.byDate : localDate(now.instantMs, zone);
  for (let back = 0; back <= LOOK_BACK_DAYS; back += 1) {
    const date = addDays(start, -back);
    if (!meetsOn(review, date)) continue;
    const occurrence = occurrenceOn(review, date);
    if ('instantMs' in now && Date.parse(occurrence.instant) > now.instantMs) continue;
    return occurrence;
  }
  return null;
}

/** The next meeting after `nowMs` (or after the local date `byDate`). */
export function nextOccurrence(
  review: Review,
  now: { instantMs: number } | { byDate: IsoDate },
): ReviewOccurrence | null {
  const zone = zoneOf(review);
  const start = 'byDate' in now ? addDays(now.byDate, 1) : localDate(now.instantMs, zone);
  for (let ahead = 0; ahead <= LOOK_BACK_DAYS; ahead += 1) {
    const date = addDays(start, ahead);
    if (!meetsOn(review, date)) continue;
    const occurrence = occurrenceOn(review, date);
    if ('instantMs' in now && Date.parse(occurrence.instant) <= now.instantMs) continue;
    return occurrence;
  }
  return null;
}

/** The cadence in words: `Mondays at 09:00 (Europe/Berlin)`, `monthly on day 1 at 10:00 (UTC)`. */
export function cadenceText(review: Review): string {
  const c = review.cadence;
  const zone = zoneOf(review);
  if (c.every === 'week') {
    const day = `${c.weekday.charAt(0).toUpperCase()}${c.weekday.slice(1)}s`;
    return `${day} at ${c.at} (${zone})`;
  }
  return `monthly on day ${c.day} at ${c.at} (${zone})`;
}

/** Minutes between two instants (ISO), for "published n minutes after the meeting started". */
export function minutesBetween(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / MS_PER_MINUTE);
}
