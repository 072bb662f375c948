import { isIsoDate } from '../../core/calendar.ts';
import type { Sprint } from '../../core/domain/work-item.ts';
import { tryParseJiraTimestamp } from './jira-timestamp.ts';

/**
 * Reads Jira Software's sprint field. Its id differs per site (found through the field list by
 * its type, `com.pyxis.greenhopper.jira:gh-sprint`), and so does its shape: Cloud sends objects
 * (`{ id, name, state: "active", startDate, endDate, … }`); older Data Center versions send
 * strings (`com.atlassian.greenhopper.service.sprint.Sprint@1f[id=1,state=ACTIVE,name=Sprint 1,
 * startDate=2016-06-06T14:44:50.869+10:00,…]`). An issue carried over lists every sprint it was
 * in; the one that counts is the active one, else the next future one, else the last closed.
 */

/** The JSON schema type Jira gives its sprint field. */
export const JIRA_SPRINT_FIELD_TYPE = 'com.pyxis.greenhopper.jira:gh-sprint';

const STATE_RANK: Record<Sprint['state'], number> = { active: 0, future: 1, closed: 2 };

/** The sprint the issue is planned in now, or null when the field holds none (or nothing readable). */
export function normalizeJiraSprint(value: unknown): Sprint | null {
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  const sprints = list.flatMap((entry) => {
    const sprint = typeof entry === 'string' ? fromLegacyString(entry) : fromObject(entry);
    return sprint === null ? [] : [sprint];
  });
  sprints.sort((a, b) => {
    const byState = STATE_RANK[a.state] - STATE_RANK[b.state];
    if (byState !== 0) return byState;
    // Among future sprints the earliest comes next; among closed ones the latest was the last.
    const byEnd = (a.endDate ?? '').localeCompare(b.endDate ?? '');
    return a.state === 'closed' ? -byEnd : byEnd;
  });
  return sprints[0] ?? null;
}

function fromObject(entry: unknown): Sprint | null {
  if (entry === null || typeof entry !== 'object') return null;
  const record = entry as Record<string, unknown>;
  return build(record.name, record.state, record.startDate, record.endDate);
}

function fromLegacyString(text: string): Sprint | null {
  const body = /\[(.*)\]\s*$/s.exec(text)?.[1];
  if (body === undefined) return null;
  const fields = new Map<string, string>();
  // Values may hold commas (a sprint named "Sprint 3, hardening"): split on ",key=" only.
  for (const part of body.split(/,(?=[A-Za-z]+=)/)) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  return build(
    fields.get('name'),
    fields.get('state'),
    fields.get('startDate'),
    fields.get('endDate'),
  );
}

function build(name: unknown, state: unknown, start: unknown, end: unknown): Sprint | null {
  if (typeof name !== 'string' || name === '' || typeof state !== 'string') return null;
  const normalState = state.toLowerCase();
  if (normalState !== 'active' && normalState !== 'future' && normalState !== 'closed') return null;
  return { name, state: normalState, startDate: dateOf(start), endDate: dateOf(end) };
}

function dateOf(value: unknown): string | null {
  if (typeof value !== 'string' || value === '' || value === '<null>') return null;
  const iso = tryParseJiraTimestamp(value);
  if (iso !== null) return iso.slice(0, 10);
  const day = value.slice(0, 10);
  return isIsoDate(day) ? day : null;
}
