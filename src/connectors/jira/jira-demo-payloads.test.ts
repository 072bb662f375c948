import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { WorkItem } from '../../core/domain/work-item.ts';
import { compareIngestOrder, normalizeJiraPayload } from './normalize-jira.ts';
import type { JiraIngestBatch, JiraUpsertEntry } from './normalize-jira.ts';

// The demo payloads in demo/jira/ (see demo/jira/README.md for the story they tell).
const DEMO = new URL('../../../demo/jira/', import.meta.url);

function normalizeDemo(name: string): JiraIngestBatch {
  const json: unknown = JSON.parse(readFileSync(new URL(name, DEMO), 'utf8'));
  return normalizeJiraPayload(json, { source: 'jira', file: `demo/jira/${name}` });
}

function upserts(batch: JiraIngestBatch): JiraUpsertEntry[] {
  return batch.entries.map((entry) => {
    if (entry.op !== 'upsert') throw new Error(`unexpected ${entry.op} of ${entry.key}`);
    return entry;
  });
}

const item = (fields: Partial<WorkItem> & Pick<WorkItem, 'key' | 'sourceId'>): WorkItem => ({
  source: 'jira',
  summary: '',
  status: 'In Progress',
  statusCategory: 'in_progress',
  issueType: 'Task',
  dueDate: null,
  startDate: null,
  doneDate: null,
  parentKey: null,
  blockedBy: [],
  blocks: [],
  links: [],
  assignee: null,
  updatedAt: '',
  ...fields,
});

const ERP_17 = item({
  key: 'ERP-17',
  sourceId: '10017',
  summary: 'Data migration cutover',
  dueDate: '2026-10-02',
  startDate: '2026-08-24',
  parentKey: 'ERP-1',
  assignee: 'Anna Keller',
  updatedAt: '2026-09-11T17:04:55.218+02:00',
});

describe('demo/jira/search-initial.json', () => {
  const batch = normalizeDemo('search-initial.json');

  it('is a search page of the ERP project, one snapshot per issue', () => {
    expect(batch.kind).toBe('search_page');
    expect(upserts(batch).map((e) => [e.change, e.order.changelogId])).toEqual(
      Array.from({ length: 6 }, () => [null, null]),
    );
  });

  it('normalises to exactly the expected work items', () => {
    expect(upserts(batch).map((e) => e.item)).toEqual<WorkItem[]>([
      item({
        key: 'ERP-1',
        sourceId: '10001',
        summary: 'ERP migration, plant 1',
        issueType: 'Epic',
        startDate: '2026-03-02',
        assignee: 'Mei Lin',
        updatedAt: '2026-09-08T11:30:12.904+02:00',
      }),
      ERP_17,
      item({
        key: 'ERP-18',
        sourceId: '10018',
        summary: 'Cutover rehearsal',
        status: 'Done',
        statusCategory: 'done',
        dueDate: '2026-09-11',
        startDate: '2026-08-31',
        doneDate: '2026-09-10',
        parentKey: 'ERP-1',
        assignee: 'Tomás Ribeiro',
        updatedAt: '2026-09-10T16:20:03.112+02:00',
      }),
      item({
        key: 'ERP-20',
        sourceId: '10020',
        summary: 'Warehouse label printer drivers',
        status: 'To Do',
        statusCategory: 'todo',
        dueDate: '2026-11-13',
        links: [{ relation: 'relates to', key: 'ERP-22' }],
        updatedAt: '2026-09-03T08:47:10.330+02:00',
      }),
      item({
        key: 'ERP-21',
        sourceId: '10021',
        summary: 'Vendor master data cleansing',
        status: 'Done',
        statusCategory: 'done',
        dueDate: '2026-09-05',
        startDate: '2026-08-17',
        doneDate: '2026-09-04',
        blocks: ['ERP-22'],
        assignee: 'Jonas Weber',
        updatedAt: '2026-09-04T11:05:44.517+02:00',
      }),
      item({
        key: 'ERP-22',
        sourceId: '10022',
        summary: 'Archive legacy AS/400 reports',
        status: 'To Do',
        statusCategory: 'todo',
        blockedBy: ['ERP-21'],
        links: [{ relation: 'relates to', key: 'ERP-20' }],
        updatedAt: '2026-09-02T15:22:08.001+02:00',
      }),
    ]);
  });

  it('links no other issue to the milestone work (ERP-1, ERP-17, ERP-18)', () => {
    const milestoneKeys = ['ERP-1', 'ERP-17', 'ERP-18'];
    for (const { item: workItem } of upserts(batch)) {
      const linked = [
        ...workItem.blockedBy,
        ...workItem.blocks,
        ...workItem.links.map((l) => l.key),
      ];
      expect(
        linked.filter((key) => milestoneKeys.includes(key)),
        workItem.key,
      ).toEqual([]);
    }
  });

  it('was last updated before 2026-09-14', () => {
    for (const { item: workItem } of upserts(batch)) {
      expect(Date.parse(workItem.updatedAt)).toBeLessThan(Date.parse('2026-09-14T00:00:00Z'));
    }
  });
});

describe('demo/jira/erp-17-due-date-moved.json and erp-17-due-date-restored.json', () => {
  const initial = upserts(normalizeDemo('search-initial.json')).find(
    (e) => e.item.key === 'ERP-17',
  );
  const [moved] = upserts(normalizeDemo('erp-17-due-date-moved.json'));
  const [restored] = upserts(normalizeDemo('erp-17-due-date-restored.json'));

  it('moves ERP-17 to 2026-10-23 on 2026-09-15', () => {
    expect(moved).toEqual<JiraUpsertEntry>({
      op: 'upsert',
      item: { ...ERP_17, dueDate: '2026-10-23', updatedAt: '2026-09-15T09:42:17.512+02:00' },
      change: {
        key: 'ERP-17',
        at: '2026-09-15T07:42:17.512Z',
        kind: 'updated',
        changes: [{ field: 'dueDate', label: 'duedate', from: '2026-10-02', to: '2026-10-23' }],
      },
      order: { updatedAt: '2026-09-15T09:42:17.512+02:00', changelogId: 50117 },
      dedupeKey: 'jira:issue_updated:10017:1789458137512:50117',
    });
  });

  it('moves it back to 2026-10-02 on 2026-09-17', () => {
    expect(restored).toEqual<JiraUpsertEntry>({
      op: 'upsert',
      item: { ...ERP_17, dueDate: '2026-10-02', updatedAt: '2026-09-17T14:05:41.208+02:00' },
      change: {
        key: 'ERP-17',
        at: '2026-09-17T12:05:41.208Z',
        kind: 'updated',
        changes: [{ field: 'dueDate', label: 'duedate', from: '2026-10-23', to: '2026-10-02' }],
      },
      order: { updatedAt: '2026-09-17T14:05:41.208+02:00', changelogId: 50142 },
      dedupeKey: 'jira:issue_updated:10017:1789646741208:50142',
    });
  });

  it('replays in order: snapshot, then move, then restore', () => {
    if (initial === undefined || moved === undefined || restored === undefined) {
      throw new Error('every demo file holds ERP-17');
    }
    expect(compareIngestOrder(initial.order, moved.order)).toBe(-1);
    expect(compareIngestOrder(moved.order, restored.order)).toBe(-1);
  });
});
