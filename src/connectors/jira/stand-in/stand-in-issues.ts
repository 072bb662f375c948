import { offsetMs } from './stand-in-jql.ts';

/**
 * The stand-in's issues, fields and history: the state a Jira site would hold, shaped as Jira
 * Cloud (REST v3) and Data Center (REST v2) send it. Changing an issue moves its `updated` and
 * appends a changelog entry, as Jira does, so that syncs and webhooks see the same history.
 */

export type Json = Record<string, unknown>;

export interface StandInHistory {
  id: string;
  created: string;
  items: Json[];
}

export interface StandInIssue {
  id: string;
  key: string;
  fields: Json;
  histories: StandInHistory[];
}

/** A field of `GET /rest/api/{2,3}/field`, as the official `FieldDetails` schema has it. */
export interface StandInField {
  id: string;
  key: string;
  name: string;
  custom: boolean;
  orderable: boolean;
  navigable: boolean;
  searchable: boolean;
  clauseNames: string[];
  schema?: { type: string; system?: string; custom?: string; customId?: number; items?: string };
}

function systemField(id: string, name: string, type: string, items?: string): StandInField {
  return {
    id,
    key: id,
    name,
    custom: false,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [id],
    schema: { type, system: id, ...(items === undefined ? {} : { items }) },
  };
}

function customField(
  customId: number,
  name: string,
  type: string,
  custom: string,
  items?: string,
): StandInField {
  const id = `customfield_${customId}`;
  return {
    id,
    key: id,
    name,
    custom: true,
    orderable: true,
    navigable: true,
    searchable: true,
    clauseNames: [`cf[${customId}]`, name],
    schema: { type, custom, customId, ...(items === undefined ? {} : { items }) },
  };
}

const SYSTEM_FIELDS: StandInField[] = [
  systemField('summary', 'Summary', 'string'),
  systemField('status', 'Status', 'status'),
  systemField('issuetype', 'Issue Type', 'issuetype'),
  systemField('duedate', 'Due date', 'date'),
  systemField('resolutiondate', 'Resolved', 'datetime'),
  systemField('statuscategorychangedate', 'Status Category Changed', 'datetime'),
  systemField('parent', 'Parent', 'issuelink'),
  systemField('issuelinks', 'Linked Issues', 'array', 'issuelinks'),
  systemField('assignee', 'Assignee', 'user'),
  systemField('created', 'Created', 'datetime'),
  systemField('updated', 'Updated', 'datetime'),
  systemField('project', 'Project', 'project'),
];

/** The custom fields of a Cloud site as Jira Software sets them up (the demo payloads' ids). */
export const CLOUD_CUSTOM_FIELDS: StandInField[] = [
  customField(
    10015,
    'Start date',
    'date',
    'com.atlassian.jira.plugin.system.customfieldtypes:datepicker',
  ),
  customField(
    10016,
    'Story point estimate',
    'number',
    'com.pyxis.greenhopper.jira:jsw-story-points',
  ),
  customField(10020, 'Sprint', 'array', 'com.pyxis.greenhopper.jira:gh-sprint', 'json'),
];

/** The custom fields of a Data Center site with Jira Software: epic link, sprint, story points. */
export const DC_CUSTOM_FIELDS: StandInField[] = [
  customField(10100, 'Epic Link', 'any', 'com.pyxis.greenhopper.jira:gh-epic-link'),
  customField(10101, 'Sprint', 'array', 'com.pyxis.greenhopper.jira:gh-sprint', 'string'),
  customField(
    10106,
    'Story Points',
    'number',
    'com.atlassian.jira.plugin.system.customfieldtypes:float',
  ),
  customField(10200, 'Target start', 'date', 'com.atlassian.jpo:jpo-custom-field-baseline-start'),
];

/** Every field of a site of the kind. */
export function defaultFields(kind: 'cloud' | 'dc'): StandInField[] {
  return [...SYSTEM_FIELDS, ...(kind === 'cloud' ? CLOUD_CUSTOM_FIELDS : DC_CUSTOM_FIELDS)];
}

/** A Jira REST timestamp of an instant in a zone: `2026-09-14T10:00:00.000+0200`. */
export function formatJiraTimestamp(at: Date, timeZone: string): string {
  const offset = offsetMs(at.getTime(), timeZone);
  const local = new Date(at.getTime() + offset).toISOString().slice(0, 23);
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}${mm}`;
}

export const STATUSES = {
  'To Do': {
    id: '10000',
    name: 'To Do',
    statusCategory: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  },
  'In Progress': {
    id: '3',
    name: 'In Progress',
    statusCategory: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  },
  Done: {
    id: '10001',
    name: 'Done',
    statusCategory: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
  },
} as const;

export type StandInStatusName = keyof typeof STATUSES;

/** What a test says about a new issue; everything else gets Jira's defaults. */
export interface NewStandInIssue {
  key: string;
  id?: string;
  summary?: string;
  status?: StandInStatusName;
  fields?: Json;
}

/** The issues of one stand-in site, and the operations a test or a demo performs on them. */
export interface StandInIssueStore {
  all(): StandInIssue[];
  get(key: string): StandInIssue | undefined;
  add(issue: NewStandInIssue): StandInIssue;
  /** Loads issues exactly as a search page or a webhook carried them (the demo's files). */
  load(issues: readonly Json[]): void;
  /** Changes fields as a person would: `updated` moves and a changelog entry records it. */
  update(key: string, changes: Json): StandInIssue;
  remove(key: string): StandInIssue;
}

export function createIssueStore(options: {
  timeZone: string;
  now: () => Date;
  fields: readonly StandInField[];
}): StandInIssueStore {
  const issues = new Map<string, StandInIssue>();
  let nextId = 10_000;
  let nextHistoryId = 50_000;
  const stamp = (): string => formatJiraTimestamp(options.now(), options.timeZone);

  function must(key: string): StandInIssue {
    const issue = issues.get(key);
    if (issue === undefined) throw new Error(`the stand-in has no issue ${key}`);
    return issue;
  }

  return {
    all: () => [...issues.values()],
    get: (key) => issues.get(key),
    add(spec) {
      nextId += 1;
      const id = spec.id ?? String(nextId);
      const now = stamp();
      const project = spec.key.split('-')[0] ?? spec.key;
      const issue: StandInIssue = {
        id,
        key: spec.key,
        fields: {
          summary: spec.summary ?? `Issue ${spec.key}`,
          status: structuredClone(STATUSES[spec.status ?? 'To Do']),
          issuetype: { id: '10001', name: 'Task', subtask: false },
          project: { id: '10000', key: project, name: project },
          duedate: null,
          resolutiondate: null,
          statuscategorychangedate: now,
          parent: null,
          issuelinks: [],
          assignee: null,
          created: now,
          updated: now,
          ...structuredClone(spec.fields ?? {}),
        },
        histories: [],
      };
      issues.set(spec.key, issue);
      return issue;
    },
    load(list) {
      for (const raw of list) {
        const issue = raw as { id?: unknown; key?: unknown; fields?: unknown };
        if (typeof issue.id !== 'string' || typeof issue.key !== 'string') {
          throw new Error('every issue the stand-in loads needs a string id and key');
        }
        issues.set(issue.key, {
          id: issue.id,
          key: issue.key,
          fields: structuredClone((issue.fields ?? {}) as Json),
          histories: [],
        });
      }
    },
    update(key, changes) {
      const issue = must(key);
      const items: Json[] = [];
      for (const [fieldId, to] of Object.entries(changes)) {
        const from = issue.fields[fieldId] ?? null;
        if (JSON.stringify(from) === JSON.stringify(to)) continue;
        items.push(changeItem(fieldId, from, to, options.fields));
        issue.fields[fieldId] = structuredClone(to);
      }
      const now = stamp();
      const status = changes.status as { statusCategory?: { key?: string } } | undefined;
      if (status !== undefined) issue.fields.statuscategorychangedate = now;
      issue.fields.updated = now;
      nextHistoryId += 1;
      if (items.length > 0)
        issue.histories.push({ id: String(nextHistoryId), created: now, items });
      return issue;
    },
    remove(key) {
      const issue = must(key);
      issues.delete(key);
      return issue;
    },
  };
}

/** A changelog item as Jira writes it; properties Jira would send as null are left out (the spec has them as plain strings). */
function changeItem(
  fieldId: string,
  from: unknown,
  to: unknown,
  fields: readonly StandInField[],
): Json {
  const field = fields.find((f) => f.id === fieldId);
  const item: Json = {
    field: field?.custom === true ? field.name : fieldId,
    fieldId,
    fieldtype: field?.custom === true ? 'custom' : 'jira',
  };
  const raw = (value: unknown): string | null => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const record = value as { id?: unknown; key?: unknown };
    if (typeof record.id === 'string' || typeof record.id === 'number') return String(record.id);
    if (typeof record.key === 'string') return record.key;
    return JSON.stringify(value);
  };
  const shown = (value: unknown): string | null => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string')
      return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value} 00:00:00.0` : value;
    if (typeof value === 'number') return String(value);
    const record = value as { name?: unknown; key?: unknown };
    if (typeof record.name === 'string') return record.name;
    if (typeof record.key === 'string') return record.key;
    return JSON.stringify(value);
  };
  const values: Record<string, string | null> = {
    from: raw(from),
    fromString: shown(from),
    to: raw(to),
    toString: shown(to),
  };
  for (const [name, value] of Object.entries(values)) {
    if (value !== null)
      Object.defineProperty(item, name, { value, enumerable: true, writable: true });
  }
  return item;
}
