import { describe, expect, it } from 'vitest';
import { JqlError, parseJql, type StandInIssueView } from './stand-in-jql.ts';

function issue(
  key: string,
  updated: string,
  fields: Record<string, unknown> = {},
): StandInIssueView {
  return { id: key.replace(/\D/g, ''), key, fields: { updated, ...fields } };
}

const UTC = { timeZone: 'UTC', epicLinkField: 'customfield_10100' };

describe('the stand-in JQL', () => {
  const a = issue('ERP-2', '2026-09-14T10:04:59.999+0000', {
    project: { key: 'ERP' },
    parent: { key: 'ERP-1' },
  });
  const b = issue('ERP-10', '2026-09-14T10:05:00.000+0000', {
    project: { key: 'ERP' },
    customfield_10100: 'ERP-1',
  });
  const c = issue('OPS-1', '2026-09-14T12:06:00.000+0200', { project: { key: 'OPS' } });

  it('reads date literals at minute precision in the user zone', () => {
    const q = parseJql('updated >= "2026-09-14 10:05"', UTC);
    expect([a, b, c].filter((i) => q.matches(i)).map((i) => i.key)).toEqual(['ERP-10', 'OPS-1']);
    const berlin = parseJql('updated >= "2026-09-14 12:05"', { ...UTC, timeZone: 'Europe/Berlin' });
    expect([a, b, c].filter((i) => berlin.matches(i)).map((i) => i.key)).toEqual([
      'ERP-10',
      'OPS-1',
    ]);
  });

  it('combines clauses and sorts', () => {
    const q = parseJql(
      '(project in ("ERP") AND NOT key = ERP-2) OR project = OPS ORDER BY updated DESC',
      UTC,
    );
    expect(
      [a, b, c]
        .filter((i) => q.matches(i))
        .sort((x, y) => q.compare(x, y))
        .map((i) => i.key),
    ).toEqual(['OPS-1', 'ERP-10']);
    const byKey = parseJql('project = ERP ORDER BY key ASC', UTC);
    expect([b, a].sort((x, y) => byKey.compare(x, y)).map((i) => i.key)).toEqual([
      'ERP-2',
      'ERP-10',
    ]);
  });

  it('follows parents and epic links', () => {
    const q = parseJql('parent in (ERP-1) OR "Epic Link" in (ERP-1)', UTC);
    expect([a, b, c].filter((i) => q.matches(i)).map((i) => i.key)).toEqual(['ERP-2', 'ERP-10']);
  });

  it('refuses what it cannot judge, in Jira words', () => {
    expect(() => parseJql('labels = x', UTC)).toThrow(JqlError);
    expect(() => parseJql('labels = x', UTC)).toThrow(/Field 'labels' does not exist/);
    expect(() => parseJql('updated >= "-5d"', UTC)).toThrow(/Date value '-5d'/);
    expect(() => parseJql('project = "ERP', UTC)).toThrow(/not closed/);
    expect(() => parseJql('project = ERP ORDER BY summary', UTC)).toThrow(/sort/);
  });
});
