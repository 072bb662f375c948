import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../core/errors.ts';
import type { WorkItem } from '../../core/domain/work-item.ts';
import {
  BLOCKS_LINK_TYPE,
  buildJiraIssue,
  buildJiraLink,
  buildJiraSearchPage,
  buildJiraStatus,
  buildJiraWebhook,
} from './jira-payload.factory.ts';
import { compareIngestOrder, normalizeJiraIssue, normalizeJiraPayload } from './normalize-jira.ts';
import type { JiraIngestEntry, JiraUpsertEntry } from './normalize-jira.ts';

// Reference data: see test/fixtures/reference/README.md for sources.
const REFERENCE = new URL('../../../test/fixtures/reference/jira/', import.meta.url);

function readReference(path: string): unknown {
  return JSON.parse(readFileSync(new URL(path, REFERENCE), 'utf8'));
}

const WEBHOOK_FILE = 'webhooks/jira_issue_updated.status-changed.mobitel.json';
const SEARCH_EXAMPLE_FILE = 'openapi-examples/search-jql.GET.200.example.json';

function onlyUpsert(entries: JiraIngestEntry[]): JiraUpsertEntry {
  expect(entries).toHaveLength(1);
  const [entry] = entries;
  if (entry?.op !== 'upsert') throw new Error(`expected one upsert, got ${JSON.stringify(entry)}`);
  return entry;
}

/** The DomainError a call throws; fails the test when it throws nothing or something else. */
function errorOf(call: () => unknown): DomainError {
  try {
    call();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('normalizeJiraPayload: the real webhook delivery (mobitel-ltd/jira-to-matrix fixture)', () => {
  const delivery = readReference(WEBHOOK_FILE);
  const batch = normalizeJiraPayload(delivery, { source: 'jira', file: WEBHOOK_FILE });
  const entry = onlyUpsert(batch.entries);

  it('is read as a webhook and gives the issue as a work item', () => {
    expect(batch.kind).toBe('webhook');
    expect(entry.item).toEqual<WorkItem>({
      key: 'INDEV-6',
      source: 'jira',
      sourceId: '11442',
      summary: 'Prueba de creación de tareas en un proyecto público',
      status: 'In Progress',
      statusCategory: 'in_progress',
      issueType: 'Tarea',
      dueDate: null,
      // customfield_10015 holds an object on that site: not a start date, and not an error.
      startDate: null,
      doneDate: null,
      parentKey: null,
      blockedBy: [],
      blocks: ['INDEV-7'],
      links: [],
      assignee: 'Иванов Иван Иванович',
      updatedAt: '2019-01-30T15:51:33.199+03:00',
    });
  });

  it('turns the status changelog into a status change, dated by the issue (the logged timestamp has no zone)', () => {
    expect(entry.change).toEqual({
      key: 'INDEV-6',
      at: '2019-01-30T15:51:33.199+03:00',
      kind: 'updated',
      changes: [{ field: 'status', label: 'status', from: 'To Do', to: 'In Progress' }],
    });
  });

  it('orders it by the issue update and the changelog id, and keys it by the delivery', () => {
    expect(entry.order).toEqual({
      updatedAt: '2019-01-30T15:51:33.199+03:00',
      changelogId: 34911,
    });
    expect(entry.dedupeKey).toBe('jira:issue_updated:11442:2019-1-30 15:51:34,870:34911');
  });

  it('refuses a start-date field that was named explicitly but holds no date', () => {
    const error = errorOf(() =>
      normalizeJiraPayload(delivery, {
        source: 'jira',
        file: WEBHOOK_FILE,
        startDateField: 'customfield_10015',
      }),
    );
    expect(error.code).toBe('jira.bad_payload');
    expect(error.problems[0]?.path).toBe('$.issue.fields.customfield_10015');
  });
});

describe("normalizeJiraPayload: Atlassian's /rest/api/3/search/jql example", () => {
  const example = readReference(SEARCH_EXAMPLE_FILE);

  it('is recognised as a search page, but refused: it was fetched without the fields a work item needs', () => {
    // The example asks for no `fields` (the default is `id` only) and puts a placeholder `1`
    // in `updated`; a work item without a summary, status or update time would be made up.
    const error = errorOf(() =>
      normalizeJiraPayload(example, { source: 'jira', file: SEARCH_EXAMPLE_FILE }),
    );
    expect(error.code).toBe('jira.bad_payload');
    expect(error.problems.map((p) => p.path)).toEqual([
      '$.issues[0].fields.summary',
      '$.issues[0].fields.status',
      '$.issues[0].fields.updated',
    ]);
    expect(error.message).toBe(
      `${SEARCH_EXAMPLE_FILE}: $.issues[0].fields.summary is missing (and 2 more)`,
    );
    expect(error.problems[2]?.message).toBe(
      `${SEARCH_EXAMPLE_FILE}: $.issues[0].fields.updated has the wrong type: expected a string, got number 1`,
    );
  });

  it('normalises once the fields a sync requests are present', () => {
    const page = structuredClone(example) as { issues: { fields: Record<string, unknown> }[] };
    const [issue] = page.issues;
    if (issue === undefined) throw new Error('the example has an issue');
    Object.assign(issue.fields, {
      summary: 'Main order flow broken',
      status: buildJiraStatus('new'),
      updated: '2021-01-18T23:45:00.000+0000',
    });
    const batch = normalizeJiraPayload(page, { source: 'jira' });
    expect(batch.kind).toBe('search_page');
    const entry = onlyUpsert(batch.entries);
    expect(entry.item).toEqual<WorkItem>({
      key: 'ED-1',
      source: 'jira',
      sourceId: '10002',
      summary: 'Main order flow broken',
      status: 'To Do',
      statusCategory: 'todo',
      dueDate: null,
      startDate: null,
      doneDate: null,
      parentKey: null,
      blockedBy: [],
      blocks: [],
      // "Dependent" links are not read as blocking: see jira-links.ts.
      links: [
        { relation: 'is depended by', key: 'PR-2' },
        { relation: 'depends on', key: 'PR-3' },
      ],
      assignee: null,
      updatedAt: '2021-01-18T23:45:00.000+00:00',
    });
    expect(entry.change).toBeNull();
    expect(entry.order).toEqual({ updatedAt: '2021-01-18T23:45:00.000+00:00', changelogId: null });
    expect(entry.dedupeKey).toBe('snapshot:10002:2021-01-18T23:45:00.000+0000');
  });
});

describe('normalizeJiraIssue', () => {
  it('maps the status categories', () => {
    const category = (key: 'new' | 'indeterminate' | 'done') =>
      normalizeJiraIssue(buildJiraIssue({ fields: { status: buildJiraStatus(key) } }), {
        source: 'jira',
      }).statusCategory;
    expect([category('new'), category('indeterminate'), category('done')]).toEqual([
      'todo',
      'in_progress',
      'done',
    ]);
  });

  it('dates completion by the resolution, else the move to Done, else the last update, in the site’s own day', () => {
    const done = (fields: Record<string, unknown>) =>
      normalizeJiraIssue(
        buildJiraIssue({ fields: { status: buildJiraStatus('done'), ...fields } }),
        { source: 'jira' },
      ).doneDate;
    // 00:30 in Berlin is still the previous day in UTC: the site's day counts.
    expect(done({ resolutiondate: '2026-09-10T00:30:00.000+0200' })).toBe('2026-09-10');
    expect(
      done({ resolutiondate: null, statuscategorychangedate: '2026-09-08T17:00:00.000+0200' }),
    ).toBe('2026-09-08');
    expect(
      done({
        resolutiondate: null,
        statuscategorychangedate: null,
        updated: '2026-09-07T12:00:00.000+0200',
      }),
    ).toBe('2026-09-07');
  });

  it('has no done date for work that is not done, even with a resolution date', () => {
    const item = normalizeJiraIssue(
      buildJiraIssue({ fields: { resolutiondate: '2026-09-10T16:20:00.000+0200' } }),
      { source: 'jira' },
    );
    expect(item.doneDate).toBeNull();
  });

  it('reads the start date from the default field or the one named', () => {
    const fromDefault = normalizeJiraIssue(
      buildJiraIssue({ fields: { customfield_10015: '2026-09-01' } }),
      { source: 'jira' },
    );
    expect(fromDefault.startDate).toBe('2026-09-01');
    const fromNamed = normalizeJiraIssue(
      buildJiraIssue({ fields: { customfield_10015: null, customfield_10200: '2026-08-03' } }),
      { source: 'jira', startDateField: 'customfield_10200' },
    );
    expect(fromNamed.startDate).toBe('2026-08-03');
  });

  it('reads parent, assignee and Blocks links in both directions', () => {
    const item = normalizeJiraIssue(
      buildJiraIssue({
        fields: {
          parent: { id: '10001', key: 'ERP-1', fields: { summary: 'ERP migration, plant 1' } },
          assignee: null,
          issuelinks: [
            buildJiraLink(BLOCKS_LINK_TYPE, { inwardIssue: 'ERP-40' }),
            buildJiraLink(BLOCKS_LINK_TYPE, { outwardIssue: 'ERP-43' }),
          ],
        },
      }),
      { source: 'jira' },
    );
    expect(item).toMatchObject({
      parentKey: 'ERP-1',
      assignee: null,
      blockedBy: ['ERP-40'],
      blocks: ['ERP-43'],
      links: [],
    });
  });

  it('refuses an issue whose fields are not an object, whichever start-date field is named', () => {
    const issue = { id: '10042', key: 'ERP-42', fields: null };
    for (const options of [
      { source: 'jira' },
      { source: 'jira', startDateField: 'customfield_10200' },
    ]) {
      const error = errorOf(() => normalizeJiraIssue(issue, options));
      expect(error.problems.map((p) => p.path)).toEqual(['$.fields']);
    }
  });

  it('names the path of a bad field without the payload prefix', () => {
    const error = errorOf(() =>
      normalizeJiraIssue(buildJiraIssue({ fields: { status: { name: 'Open' } } }), {
        source: 'jira',
        file: 'issue.json',
      }),
    );
    expect(error.problems[0]?.path).toBe('$.fields.status.statusCategory');
    expect(error.message).toBe('issue.json: $.fields.status.statusCategory is missing');
  });
});

describe('normalizeJiraPayload: webhook changelogs', () => {
  it('maps a due-date change to a dueDate FieldChange read from the raw values', () => {
    const delivery = buildJiraWebhook({
      changelog: {
        id: '50117',
        items: [
          {
            field: 'duedate',
            fieldtype: 'jira',
            fieldId: 'duedate',
            from: '2026-10-02',
            fromString: '2026-10-02 00:00:00.0',
            to: '2026-10-23',
            toString: '2026-10-23 00:00:00.0',
          },
        ],
      },
    });
    const entry = onlyUpsert(normalizeJiraPayload(delivery, { source: 'jira' }).entries);
    expect(entry.change).toEqual({
      key: 'ERP-42',
      at: '2026-09-15T07:42:17.512Z',
      kind: 'updated',
      changes: [{ field: 'dueDate', label: 'duedate', from: '2026-10-02', to: '2026-10-23' }],
    });
    expect(entry.order.changelogId).toBe(50117);
    expect(entry.dedupeKey).toBe('jira:issue_updated:10042:1789458137512:50117');
  });

  it('maps start date, parent, links, summary and anything else', () => {
    const item = (field: string, fieldId: string | undefined, from: string | null, to: string) => ({
      field,
      fieldtype: fieldId?.startsWith('customfield') === true ? 'custom' : 'jira',
      ...(fieldId === undefined ? {} : { fieldId }),
      from: null,
      fromString: from,
      to: null,
      toString: to,
    });
    const delivery = buildJiraWebhook({
      changelog: {
        id: '50200',
        items: [
          {
            field: 'Start date',
            fieldtype: 'custom',
            fieldId: 'customfield_10015',
            from: null,
            fromString: null,
            to: '2026-09-01',
            toString: '1/Sep/26',
          },
          item('Epic Link', 'customfield_10014', 'ERP-1', 'ERP-2'),
          item('IssueParentAssociation', 'parent', null, 'ERP-1'),
          item('Link', undefined, null, 'This issue is blocked by ERP-40'),
          item('summary', 'summary', 'Train users', 'Train key users'),
          item('labels', 'labels', '', 'plant-1'),
        ],
      },
    });
    const entry = onlyUpsert(normalizeJiraPayload(delivery, { source: 'jira' }).entries);
    expect(entry.change?.changes).toEqual([
      { field: 'startDate', label: 'Start date', from: null, to: '2026-09-01' },
      { field: 'parent', label: 'Epic Link', from: 'ERP-1', to: 'ERP-2' },
      { field: 'parent', label: 'IssueParentAssociation', from: null, to: 'ERP-1' },
      { field: 'links', label: 'Link', from: null, to: 'This issue is blocked by ERP-40' },
      { field: 'summary', label: 'summary', from: 'Train users', to: 'Train key users' },
      { field: 'other', label: 'labels', from: null, to: 'plant-1' },
    ]);
  });

  it('reads a created delivery without a changelog', () => {
    const delivery = buildJiraWebhook({ webhookEvent: 'jira:issue_created', changelog: undefined });
    const entry = onlyUpsert(normalizeJiraPayload(delivery, { source: 'jira' }).entries);
    expect(entry.change).toEqual({
      key: 'ERP-42',
      at: '2026-09-15T07:42:17.512Z',
      kind: 'created',
      changes: [],
    });
    expect(entry.order.changelogId).toBeNull();
    expect(entry.dedupeKey).toBe('jira:issue_created:10042:1789458137512:');
  });

  it('reads a deleted delivery as a deletion ordered at delivery time', () => {
    const delivery = buildJiraWebhook({
      webhookEvent: 'jira:issue_deleted',
      changelog: undefined,
      // A deletion only needs the identity and the last update; the rest is not checked.
      issue: { id: '10042', key: 'ERP-42', fields: { updated: '2026-09-12T10:15:30.123+0200' } },
    });
    const batch = normalizeJiraPayload(delivery, { source: 'jira' });
    expect(batch.entries).toEqual<JiraIngestEntry[]>([
      {
        op: 'delete',
        key: 'ERP-42',
        source: 'jira',
        sourceId: '10042',
        change: { key: 'ERP-42', at: '2026-09-15T07:42:17.512Z', kind: 'deleted', changes: [] },
        order: { updatedAt: '2026-09-15T07:42:17.512Z', changelogId: null },
        dedupeKey: 'jira:issue_deleted:10042:1789458137512:',
      },
    ]);
  });

  it('accepts epoch milliseconds written as a string', () => {
    const delivery = buildJiraWebhook({ timestamp: '1789458137512' });
    const entry = onlyUpsert(normalizeJiraPayload(delivery, { source: 'jira' }).entries);
    expect(entry.change?.at).toBe('2026-09-15T07:42:17.512Z');
  });
});

describe('normalizeJiraPayload: search pages', () => {
  it('gives one snapshot per issue, with no change', () => {
    const page = buildJiraSearchPage(
      [buildJiraIssue(), buildJiraIssue({ id: '10043', key: 'ERP-43' })],
      { nextPageToken: 'CAEaAggD' },
    );
    const batch = normalizeJiraPayload(page, { source: 'jira' });
    expect(batch.kind).toBe('search_page');
    expect(batch.entries.map((e) => [e.op, e.change, e.dedupeKey])).toEqual([
      ['upsert', null, 'snapshot:10042:2026-09-12T10:15:30.123+0200'],
      ['upsert', null, 'snapshot:10043:2026-09-12T10:15:30.123+0200'],
    ]);
  });
});

describe('compareIngestOrder', () => {
  it('compares update times as instants, whatever their offsets', () => {
    const berlin = { updatedAt: '2026-09-15T09:42:17.512+02:00', changelogId: null };
    const utcLater = { updatedAt: '2026-09-15T07:42:17.513Z', changelogId: null };
    expect(compareIngestOrder(berlin, utcLater)).toBe(-1);
    expect(compareIngestOrder(utcLater, berlin)).toBe(1);
    expect(
      compareIngestOrder(berlin, { updatedAt: '2026-09-15T07:42:17.512Z', changelogId: null }),
    ).toBe(0);
  });

  it('breaks ties by changelog id, a snapshot coming before any change', () => {
    const at = '2026-09-15T07:42:17.512Z';
    expect(
      compareIngestOrder(
        { updatedAt: at, changelogId: 50117 },
        { updatedAt: at, changelogId: 50118 },
      ),
    ).toBe(-1);
    expect(
      compareIngestOrder({ updatedAt: at, changelogId: null }, { updatedAt: at, changelogId: 1 }),
    ).toBe(-1);
  });
});

describe('normalizeJiraPayload: bad payloads', () => {
  const file = 'deliveries/bad.json';
  const badPath = (json: unknown): string | undefined => {
    const error = errorOf(() => normalizeJiraPayload(json, { source: 'jira', file }));
    expect(error.code).toBe('jira.bad_payload');
    expect(error.problems.every((p) => p.code === 'jira.bad_payload' && p.file === file)).toBe(
      true,
    );
    expect(error.message.startsWith(`${file}: ${error.problems[0]?.path ?? '?'} `)).toBe(true);
    return error.problems[0]?.path;
  };

  it('refuses what is not a JSON object', () => {
    expect(badPath([buildJiraIssue()])).toBe('$');
    expect(badPath('jira:issue_updated')).toBe('$');
    expect(badPath(null)).toBe('$');
    expect(errorOf(() => normalizeJiraPayload([], { source: 'jira', file })).message).toBe(
      `${file}: $ is an array, expected a JSON object: a /rest/api/3/search/jql page or an issue webhook delivery`,
    );
  });

  it('refuses an object that is neither a search page nor a webhook delivery', () => {
    expect(badPath(buildJiraIssue())).toBe('$');
    expect(badPath({ startAt: 0, total: 0, values: [] })).toBe('$');
  });

  it('refuses a webhook event it does not understand', () => {
    const delivery = buildJiraWebhook({ webhookEvent: 'comment_created' });
    expect(badPath(delivery)).toBe('$.webhookEvent');
    expect(errorOf(() => normalizeJiraPayload(delivery, { source: 'jira', file })).message).toBe(
      `${file}: $.webhookEvent is "comment_created", expected one of "jira:issue_created", "jira:issue_updated", "jira:issue_deleted"`,
    );
  });

  it('refuses an issue without a key', () => {
    const issue = buildJiraIssue();
    delete issue.key;
    expect(badPath(buildJiraWebhook({ issue }))).toBe('$.issue.key');
    expect(badPath(buildJiraSearchPage([buildJiraIssue(), issue]))).toBe('$.issues[1].key');
  });

  it('refuses a due date of the wrong type or format', () => {
    const numeric = buildJiraWebhook({ issue: buildJiraIssue({ fields: { duedate: 20261023 } }) });
    expect(badPath(numeric)).toBe('$.issue.fields.duedate');
    expect(errorOf(() => normalizeJiraPayload(numeric, { source: 'jira', file })).message).toBe(
      `${file}: $.issue.fields.duedate has the wrong type: expected a string, got number 20261023`,
    );
    const european = buildJiraWebhook({
      issue: buildJiraIssue({ fields: { duedate: '23/10/2026' } }),
    });
    expect(badPath(european)).toBe('$.issue.fields.duedate');
  });

  it('refuses a status category it does not know and an update time without a zone', () => {
    const status = { name: 'Odd', statusCategory: { key: 'blocked' } };
    expect(badPath(buildJiraWebhook({ issue: buildJiraIssue({ fields: { status } }) }))).toBe(
      '$.issue.fields.status.statusCategory.key',
    );
    const zoneless = buildJiraIssue({ fields: { updated: '2026-09-12T10:15:30.123' } });
    expect(badPath(buildJiraSearchPage([zoneless]))).toBe('$.issues[0].fields.updated');
  });

  it('refuses a delivery timestamp or changelog id of the wrong kind', () => {
    expect(badPath(buildJiraWebhook({ timestamp: { ms: 1 } }))).toBe('$.timestamp');
    expect(badPath(buildJiraWebhook({ changelog: { id: 'x1', items: [] } }))).toBe(
      '$.changelog.id',
    );
  });

  it('lists a few problems, not all of them', () => {
    const broken = {
      id: 1,
      key: 2,
      fields: { summary: 3, status: 4, updated: 5, duedate: 6, parent: 7 },
    };
    const error = errorOf(() =>
      normalizeJiraPayload(buildJiraSearchPage([broken]), { source: 'jira', file }),
    );
    expect(error.problems).toHaveLength(5);
    expect(error.problems[4]?.message).toMatch(/\(2 further problems not listed\)$/);
  });
});
