/**
 * Test factories for Jira payloads: the smallest shapes Jira Cloud sends that the connector
 * reads, with overrides. For tests only.
 */

type Json = Record<string, unknown>;

const STATUS = {
  new: { name: 'To Do', statusCategory: { id: 2, key: 'new', name: 'To Do' } },
  indeterminate: {
    name: 'In Progress',
    statusCategory: { id: 4, key: 'indeterminate', name: 'In Progress' },
  },
  done: { name: 'Done', statusCategory: { id: 3, key: 'done', name: 'Done' } },
} as const;

/** A Jira status object of a category, as `fields.status` holds it. */
export function buildJiraStatus(category: keyof typeof STATUS): Json {
  return structuredClone(STATUS[category]);
}

/** A Jira issue link as `fields.issuelinks[]` holds it. */
export function buildJiraLink(
  type: { name: string; inward: string; outward: string },
  side: { inwardIssue: string } | { outwardIssue: string },
): Json {
  const [which, key] = Object.entries(side)[0] ?? ['outwardIssue', ''];
  return { id: '10900', type: { id: '10000', ...type }, [which]: { id: '10999', key } };
}

export const BLOCKS_LINK_TYPE = { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' };

/** An issue as `/rest/api/3/search/jql` returns it; `fields` overrides merge into the defaults. */
export function buildJiraIssue(overrides: { id?: string; key?: string; fields?: Json } = {}): Json {
  return {
    id: overrides.id ?? '10042',
    key: overrides.key ?? 'ERP-42',
    self: 'https://example.atlassian.net/rest/api/3/issue/10042',
    fields: {
      summary: 'Train key users',
      status: buildJiraStatus('indeterminate'),
      issuetype: { id: '10001', name: 'Task' },
      duedate: '2026-10-30',
      customfield_10015: null,
      resolutiondate: null,
      statuscategorychangedate: '2026-09-01T09:00:00.000+0200',
      issuelinks: [],
      assignee: { accountId: '712020:abc', displayName: 'Anna Keller' },
      updated: '2026-09-12T10:15:30.123+0200',
      created: '2026-08-01T08:00:00.000+0200',
      ...overrides.fields,
    },
  };
}

/** A webhook delivery of an issue event, with epoch-millisecond `timestamp`. */
export function buildJiraWebhook(overrides: Json = {}): Json {
  return {
    timestamp: 1_789_458_137_512,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_updated',
    issue: buildJiraIssue(),
    changelog: { id: '50001', items: [] },
    ...overrides,
  };
}

/** A `/rest/api/3/search/jql` page. */
export function buildJiraSearchPage(issues: Json[], overrides: Json = {}): Json {
  return { issues, isLast: true, ...overrides };
}
