import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackFetch } from '../../../test/support/loopback-fetch.ts';
import { createJiraClient } from './jira-client.ts';
import { jqlSinceLiteral, projectsJql, syncJql } from './jira-jql.ts';
import {
  chooseJiraFields,
  fetchJiraIssuePages,
  jiraRequestFields,
  type JiraFieldIds,
} from './jira-sync.ts';
import { startJiraStandIn, type JiraStandIn } from './stand-in/jira-stand-in.ts';
import { defaultFields } from './stand-in/stand-in-issues.ts';

describe('choosing the fields of a site', () => {
  it('finds the start date, story points and sprint on a Cloud site by name and type', () => {
    const ids = chooseJiraFields(defaultFields('cloud'));
    expect(ids).toEqual<JiraFieldIds>({
      startDate: { id: 'customfield_10015', strict: true },
      storyPoints: ['customfield_10016'],
      sprint: 'customfield_10020',
      epicLink: null,
    });
    expect(jiraRequestFields(ids)).toEqual([
      'summary',
      'status',
      'issuetype',
      'duedate',
      'resolutiondate',
      'statuscategorychangedate',
      'parent',
      'issuelinks',
      'assignee',
      'created',
      'updated',
      'customfield_10015',
      'customfield_10016',
      'customfield_10020',
    ]);
  });

  it('finds the epic link on Data Center, and takes configured ids over what it finds', () => {
    const found = chooseJiraFields(defaultFields('dc'));
    expect(found).toMatchObject({
      storyPoints: ['customfield_10106'],
      sprint: 'customfield_10101',
      epicLink: 'customfield_10100',
      // No field called "Start date": the usual Cloud id is read only when it holds a date.
      startDate: { id: 'customfield_10015', strict: false },
    });
    expect(
      chooseJiraFields(defaultFields('dc'), {
        startDate: 'customfield_10200',
        storyPoints: ['customfield_1', 'customfield_2'],
        sprint: 'customfield_3',
      }),
    ).toMatchObject({
      startDate: { id: 'customfield_10200', strict: true },
      storyPoints: ['customfield_1', 'customfield_2'],
      sprint: 'customfield_3',
    });
  });
});

describe('Data Center offset paging over a result that changes', () => {
  let standIn: JiraStandIn;
  let now = Date.parse('2026-09-14T08:00:00Z');
  const net = loopbackFetch();

  beforeAll(async () => {
    standIn = await startJiraStandIn({
      kind: 'dc',
      credentials: { token: 'pat' },
      now: () => new Date(now),
    });
    for (let n = 1; n <= 9; n += 1) {
      now += 60_000;
      standIn.issues.add({ key: `ERP-${n}` });
    }
  });
  afterAll(async () => {
    await standIn.close();
    net.expectNoStrayCalls();
  });

  it('notices an issue moving under it and reads again, so nothing is skipped', async () => {
    // Right after the first page, ERP-1 changes: it moves to the end, everything shifts left, and
    // plain offset paging would skip ERP-4.
    standIn.setDelay(({ searchPage }) => {
      if (searchPage === 1) {
        now += 600_000;
        standIn.issues.update('ERP-1', { summary: 'changed during the sync' });
      }
      return 0;
    });
    const client = createJiraClient({
      siteId: 'shift',
      baseUrl: standIn.url,
      credentials: { kind: 'bearer', token: 'pat' },
      fetch: net.fetch,
    });
    const seen: string[] = [];
    for await (const page of fetchJiraIssuePages(client, {
      kind: 'dc',
      source: 'shift',
      jqlFrom: (since) =>
        syncJql(projectsJql(['ERP']), since === null ? null : jqlSinceLiteral(since, 0, 'UTC')),
      since: null,
      fieldIds: chooseJiraFields(standIn.fields),
      pageSize: 3,
      changesSince: null,
    })) {
      seen.push(...page.events.map((e) => e.item.key));
    }
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: 9 }, (_, i) => `ERP-${i + 1}`)));
    const searches = standIn.exchanges.filter((e) => e.path === '/rest/api/2/search');
    // Page 1 at 0; page 2 at 2 finds ERP-4 where ERP-3 should be; the pass starts again from
    // ERP-3's minute.
    expect(searches[1]?.query.startAt).toEqual(['2']);
    expect(searches[2]?.query.startAt).toEqual(['0']);
    expect(searches[2]?.query.jql?.[0]).toContain('updated >= "2026-09-14 08:03"');
    expect(seen.filter((k) => k === 'ERP-1')).toHaveLength(2);
  });
});
