/**
 * The JQL the sync sends. Two facts of Jira shape it: JQL date literals have minute precision,
 * and they are read in the time zone of the user the request is made as (the profile's zone, as
 * `/myself` reports it), not in UTC. An incremental sync therefore asks for
 * `updated >= "<cursor − overlap, floored to the minute, in the user's zone>"` and sorts by
 * `updated`, so that a sync that stops half-way can resume from the last page it stored.
 */

/** The widest offset from UTC any zone has: the margin used when the user's zone is unknown. */
const WIDEST_OFFSET_MINUTES = 14 * 60;

/** A JQL string literal: `"…"` with quotes and backslashes escaped. */
export function quoteJql(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `project in ("ERP", "OPS")`: what a site syncs when only its projects are configured. */
export function projectsJql(projectKeys: readonly string[]): string {
  return `project in (${projectKeys.map(quoteJql).join(', ')})`;
}

/**
 * The work the plan links to, by key and by epic or parent: `issuekey in (…) OR parent in (…)`,
 * plus `"Epic Link" in (…)` on Data Center, where stories hang off their epic through that field.
 * Null when the plan links to nothing.
 */
export function planLinksJql(
  keys: readonly string[],
  epics: readonly string[],
  kind: 'cloud' | 'dc',
): string | null {
  const clauses: string[] = [];
  if (keys.length > 0) clauses.push(`issuekey in (${keys.map(quoteJql).join(', ')})`);
  if (epics.length > 0) {
    const list = epics.map(quoteJql).join(', ');
    clauses.push(`issuekey in (${list})`, `parent in (${list})`);
    if (kind === 'dc') clauses.push(`"Epic Link" in (${list})`);
  }
  return clauses.length === 0 ? null : clauses.join(' OR ');
}

/** True when the JQL has its own ORDER BY, which the sync must set itself. */
export function hasOrderBy(jql: string): boolean {
  return /\border\s+by\b/i.test(jql.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""'));
}

/**
 * The JQL of one sync: the site's selection, narrowed to what changed since `since` (a JQL date
 * literal) when there is one, oldest change first.
 */
export function syncJql(selection: string, since: string | null): string {
  const where =
    since === null ? `(${selection})` : `(${selection}) AND updated >= ${quoteJql(since)}`;
  return `${where} ORDER BY updated ASC, key ASC`;
}

/**
 * The JQL date literal (`2026-09-14 09:05`) from which an incremental sync asks again: the
 * cursor less the overlap window, floored to the minute, as a wall-clock time in the user's
 * time zone. With no known zone it is written in UTC and moved back by the widest offset there
 * is, so that no zone can make it later than meant.
 */
export function jqlSinceLiteral(
  cursor: string,
  overlapMinutes: number,
  timeZone: string | null,
): string {
  const zone = timeZone !== null && isTimeZone(timeZone) ? timeZone : null;
  const margin = zone === null ? WIDEST_OFFSET_MINUTES : 0;
  const since = new Date(Date.parse(cursor) - (overlapMinutes + margin) * 60_000);
  return wallClockMinute(since, zone ?? 'UTC');
}

/** True when the runtime knows the IANA time zone name. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** `yyyy-MM-dd HH:mm` of an instant as a clock in the zone shows it (seconds dropped). */
export function wallClockMinute(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}
