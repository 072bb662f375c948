import { isIsoDate } from '../../core/calendar.ts';

/**
 * Jira's REST timestamps (`2019-01-30T15:51:33.199+0300`) write the offset without a colon,
 * which ISO 8601's extended format and `Date.parse` do not accept. These helpers turn them
 * into ISO 8601 text that keeps the site's own offset, so the date part stays the day the
 * people at the site saw.
 */

const JIRA_TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The ISO 8601 form of a Jira timestamp, or null when the text is not one. */
export function tryParseJiraTimestamp(text: string): string | null {
  const match = JIRA_TIMESTAMP.exec(text);
  if (match === null) return null;
  const [, date = '', hours = '', minutes = '', seconds = '00', fraction = '', offset = ''] = match;
  if (!isIsoDate(date)) return null;
  if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) return null;
  const zone = isoOffset(offset);
  if (zone === null) return null;
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  return `${date}T${hours}:${minutes}:${seconds}.${millis}${zone}`;
}

function isoOffset(offset: string): string | null {
  if (offset === 'Z') return 'Z';
  const digits = offset.replace(':', '');
  const hours = Number(digits.slice(1, 3));
  const minutes = Number(digits.slice(3, 5));
  if (hours > 14 || minutes > 59) return null;
  return `${digits.slice(0, 3)}:${digits.slice(3, 5)}`;
}

/** True when the text is a Jira (or ISO 8601) timestamp with a time-zone offset. */
export function isJiraTimestamp(text: string): boolean {
  return tryParseJiraTimestamp(text) !== null;
}

/**
 * The ISO 8601 form of a Jira timestamp, keeping its offset:
 * `2019-01-30T15:51:33.199+0300` → `2019-01-30T15:51:33.199+03:00`. Throws a RangeError for
 * text that is not a timestamp with an offset (a time without a zone names no instant).
 */
export function parseJiraTimestamp(text: string): string {
  const iso = tryParseJiraTimestamp(text);
  if (iso === null) {
    throw new RangeError(`not a Jira timestamp with an offset: ${JSON.stringify(text)}`);
  }
  return iso;
}

/** The ISO 8601 instant (UTC) of epoch milliseconds, as webhook deliveries carry them. */
export function epochMillisToIso(millis: number): string {
  return new Date(millis).toISOString();
}
