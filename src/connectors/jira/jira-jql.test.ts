import { describe, expect, it } from 'vitest';
import {
  hasOrderBy,
  jqlSinceLiteral,
  planLinksJql,
  projectsJql,
  quoteJql,
  syncJql,
  wallClockMinute,
} from './jira-jql.ts';

describe('the sync JQL', () => {
  it('quotes values and lists projects', () => {
    expect(quoteJql('say "hi" \\ there')).toBe('"say \\"hi\\" \\\\ there"');
    expect(projectsJql(['ERP', 'OPS'])).toBe('project in ("ERP", "OPS")');
  });

  it('narrows the selection to what changed since, oldest change first', () => {
    expect(syncJql('project in ("ERP")', null)).toBe(
      '(project in ("ERP")) ORDER BY updated ASC, key ASC',
    );
    expect(syncJql('project = ERP OR key = X-1', '2026-09-14 09:05')).toBe(
      '(project = ERP OR key = X-1) AND updated >= "2026-09-14 09:05" ORDER BY updated ASC, key ASC',
    );
  });

  it('writes the since literal in the user zone, less the overlap, floored to the minute', () => {
    // 07:42:17.512Z is 09:42 in Berlin (summer time); less 5 minutes, seconds dropped.
    expect(jqlSinceLiteral('2026-09-15T07:42:17.512Z', 5, 'Europe/Berlin')).toBe(
      '2026-09-15 09:37',
    );
    expect(jqlSinceLiteral('2026-09-15T09:42:17.512+02:00', 0, 'America/New_York')).toBe(
      '2026-09-15 03:42',
    );
    // In winter Berlin is UTC+1.
    expect(jqlSinceLiteral('2026-01-15T10:00:59Z', 10, 'Europe/Berlin')).toBe('2026-01-15 10:50');
  });

  it('moves the literal back by the widest offset when the zone is unknown', () => {
    expect(jqlSinceLiteral('2026-09-15T14:00:00Z', 5, null)).toBe('2026-09-14 23:55');
    expect(jqlSinceLiteral('2026-09-15T14:00:00Z', 5, 'Not/AZone')).toBe('2026-09-14 23:55');
  });

  it('formats wall-clock minutes across a date line', () => {
    expect(wallClockMinute(new Date('2026-09-14T23:30:00Z'), 'Pacific/Auckland')).toBe(
      '2026-09-15 11:30',
    );
  });

  it('derives a selection from the plan: keys, epics and their children', () => {
    expect(planLinksJql(['ERP-17'], ['ERP-1'], 'cloud')).toBe(
      'issuekey in ("ERP-17") OR issuekey in ("ERP-1") OR parent in ("ERP-1")',
    );
    expect(planLinksJql([], ['ERP-1'], 'dc')).toBe(
      'issuekey in ("ERP-1") OR parent in ("ERP-1") OR "Epic Link" in ("ERP-1")',
    );
    expect(planLinksJql([], [], 'cloud')).toBeNull();
  });

  it('finds an ORDER BY outside quoted text only', () => {
    expect(hasOrderBy('project = ERP order  by key')).toBe(true);
    expect(hasOrderBy('summary ~ "order by"')).toBe(false);
    expect(hasOrderBy('project = BORDER')).toBe(false);
  });
});
