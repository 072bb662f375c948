import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors.ts';
import { buildJiraIssue } from './jira-payload.factory.ts';
import { normalizeJiraSearchIssue } from './normalize-jira.ts';

const history = (id: string, created: string, items: Record<string, unknown>[]) => ({
  id,
  author: { accountId: 'x', displayName: 'Anna Keller' },
  created,
  items,
});

const dueMoved = {
  field: 'duedate',
  fieldtype: 'jira',
  fieldId: 'duedate',
  from: '2026-10-02',
  fromString: '2026-10-02 00:00:00.0',
  to: '2026-10-23',
  toString: '2026-10-23 00:00:00.0',
};
const statusMoved = {
  field: 'status',
  fieldtype: 'jira',
  fieldId: 'status',
  from: '10000',
  fromString: 'To Do',
  to: '3',
  toString: 'In Progress',
};

function searchIssue() {
  return {
    ...buildJiraIssue({ fields: { updated: '2026-09-15T09:42:17.512+0200' } }),
    // Jira lists the newest history first.
    changelog: {
      startAt: 0,
      maxResults: 2,
      total: 2,
      histories: [
        history('50117', '2026-09-15T09:42:17.512+0200', [dueMoved]),
        history('50100', '2026-09-01T09:00:00.000+0200', [statusMoved]),
      ],
    },
  };
}

describe('normalizeJiraSearchIssue', () => {
  it('orders the event by last update, then the latest changelog id, and keys it per site', () => {
    const event = normalizeJiraSearchIssue(searchIssue(), { source: 'acme', changesSince: null });
    expect(event.order).toEqual({ updatedAt: '2026-09-15T09:42:17.512+02:00', changelogId: 50117 });
    expect(event.dedupeKey).toBe('sync:acme:10042:2026-09-15T09:42:17.512+0200');
    // An initial sync is a snapshot: it says nothing moved.
    expect(event.change).toBeNull();
    expect(event.item.key).toBe('ERP-42');
  });

  it('reports the history since the last sync as the change, oldest first', () => {
    const since = normalizeJiraSearchIssue(searchIssue(), {
      source: 'acme',
      changesSince: '2026-08-31T00:00:00Z',
    });
    expect(since.change).toEqual({
      key: 'ERP-42',
      at: '2026-09-15T09:42:17.512+02:00',
      kind: 'updated',
      changes: [
        { field: 'status', label: 'status', from: 'To Do', to: 'In Progress' },
        { field: 'dueDate', label: 'duedate', from: '2026-10-02', to: '2026-10-23' },
      ],
    });
    const later = normalizeJiraSearchIssue(searchIssue(), {
      source: 'acme',
      changesSince: '2026-09-10T00:00:00Z',
    });
    expect(later.change?.changes.map((c) => c.field)).toEqual(['dueDate']);
    expect(
      normalizeJiraSearchIssue(searchIssue(), {
        source: 'acme',
        changesSince: '2026-09-16T00:00:00Z',
      }).change,
    ).toBeNull();
  });

  it('marks an issue created since the last sync as created', () => {
    const issue = buildJiraIssue({
      fields: { created: '2026-09-14T08:00:00.000+0000', updated: '2026-09-14T08:00:00.000+0000' },
    });
    const event = normalizeJiraSearchIssue(issue, {
      source: 'acme',
      changesSince: '2026-09-14T07:00:00Z',
    });
    expect(event.change).toMatchObject({
      kind: 'created',
      at: '2026-09-14T08:00:00.000+00:00',
      changes: [],
    });
    expect(event.order.changelogId).toBeNull();
  });

  it('reads the sprint, story points and the epic link when the site has them', () => {
    const issue = buildJiraIssue({
      fields: {
        customfield_10016: null,
        customfield_10106: 5,
        customfield_10101: [
          'com.atlassian.greenhopper.service.sprint.Sprint@1[id=3,rapidViewId=1,state=ACTIVE,name=Cutover 3,startDate=2026-09-07T09:00:00.000+02:00,endDate=2026-09-18T17:00:00.000+02:00,completeDate=<null>,sequence=3]',
        ],
        customfield_10100: 'ERP-1',
      },
    });
    const event = normalizeJiraSearchIssue(issue, {
      source: 'dc',
      changesSince: null,
      storyPointsFields: ['customfield_10016', 'customfield_10106'],
      sprintField: 'customfield_10101',
      epicLinkField: 'customfield_10100',
    });
    expect(event.item.storyPoints).toBe(5);
    expect(event.item.sprint).toEqual({
      name: 'Cutover 3',
      state: 'active',
      startDate: '2026-09-07',
      endDate: '2026-09-18',
    });
    expect(event.item.parentKey).toBe('ERP-1');
  });

  it('keeps the parent over the epic link, and adds no sprint or points when not asked', () => {
    const issue = buildJiraIssue({
      fields: { parent: { key: 'ERP-9' }, customfield_10100: 'ERP-1' },
    });
    const event = normalizeJiraSearchIssue(issue, {
      source: 'dc',
      changesSince: null,
      epicLinkField: 'customfield_10100',
    });
    expect(event.item.parentKey).toBe('ERP-9');
    expect('sprint' in event.item).toBe(false);
    expect('storyPoints' in event.item).toBe(false);
  });

  it('refuses a history entry it cannot read, naming the place', () => {
    const bad = searchIssue();
    bad.changelog.histories[0] = history('x', 'yesterday', []);
    try {
      normalizeJiraSearchIssue(bad, { source: 'acme', changesSince: null, file: 'page 1' });
      expect.unreachable('a bad history must be refused');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).problems[0]?.path).toBe('$.changelog.histories[0].id');
    }
  });
});
