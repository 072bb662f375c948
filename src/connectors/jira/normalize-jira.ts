import type { z } from 'zod';
import { isIsoDate } from '../../core/calendar.ts';
import { DomainError } from '../../core/errors.ts';
import { findUnstorable } from '../../core/storable-text.ts';
import type {
  FieldChange,
  StatusCategory,
  WorkItem,
  WorkItemChange,
  WorkItemDelete,
  WorkItemEvent,
  WorkItemUpsert,
} from '../../core/domain/work-item.ts';
import { normalizeJiraLinks } from './jira-links.ts';
import { normalizeJiraSprint } from './jira-sprint.ts';
import {
  DEFAULT_START_DATE_FIELD,
  JIRA_ISSUE_WEBHOOK_EVENTS,
  jiraIssueChangelogSchema,
  jiraIssueDeletedWebhookSchema,
  jiraIssueSchema,
  jiraIssueWebhookSchema,
  jiraSearchPageSchema,
  jiraWebhookEnvelopeSchema,
} from './jira-payload.schema.ts';
import type {
  JiraChangelogHistory,
  JiraChangelogItem,
  JiraIssue,
  JiraIssueSchemaOptions,
  JiraIssueWebhookEvent,
  JiraStatusCategoryKey,
} from './jira-payload.schema.ts';
import { badPayload, badPayloadFromSchema, describeValue } from './jira-payload-problems.ts';
import { epochMillisToIso, parseJiraTimestamp, tryParseJiraTimestamp } from './jira-timestamp.ts';

/**
 * The Jira edge: turns a saved Jira Cloud REST v3 payload (a `/rest/api/3/search/jql` page or
 * an issue webhook delivery) into work items, changes and the ordering facts a store needs to
 * apply them idempotently. Nothing returned from here carries a Jira field name.
 */

export interface NormalizeJiraIssueOptions {
  /** The connector site the item comes from, e.g. `jira`. */
  source: string;
  /**
   * The id of the site's "Start date" field. When given, it must hold a date or null; when
   * left out, {@link DEFAULT_START_DATE_FIELD} is read if it holds a date and ignored if not.
   */
  startDateField?: string;
  /** The file the issue came from, named in error messages. */
  file?: string;
  /**
   * The ids of the fields holding story points, most preferred first (sites have "Story Points"
   * and "Story point estimate"). When given, the work item carries `storyPoints`.
   */
  storyPointsFields?: readonly string[];
  /** The id of Jira Software's sprint field on the site. When given, the item carries `sprint`. */
  sprintField?: string;
  /**
   * The id of the "Epic Link" field (Data Center and older Cloud sites), read as the parent when
   * the issue has no `parent`.
   */
  epicLinkField?: string;
}

export interface NormalizeJiraSearchIssueOptions extends NormalizeJiraIssueOptions {
  /**
   * Changes the issue's history records after this instant (ISO 8601) become the entry's
   * change. Null for an initial sync: the entry is then a snapshot that says nothing moved.
   */
  changesSince: string | null;
}

export type NormalizeJiraPayloadOptions = NormalizeJiraIssueOptions;

/** Jira entries are the core's work-item events: nothing past this edge sees Jira's shapes. */
export type JiraUpsertEntry = WorkItemUpsert;
export type JiraDeleteEntry = WorkItemDelete;
export type JiraIngestEntry = WorkItemEvent;

export interface JiraIngestBatch {
  kind: 'search_page' | 'webhook';
  entries: JiraIngestEntry[];
}

const STATUS_CATEGORIES: Record<JiraStatusCategoryKey, StatusCategory> = {
  new: 'todo',
  indeterminate: 'in_progress',
  done: 'done',
  // "No Category": statuses nobody sorted, which Jira itself shows like To Do.
  undefined: 'todo',
};

export { compareIngestOrder } from '../../core/domain/work-item.ts';

/** The work item of one Jira issue (as the REST API or a webhook sends it); throws `jira.bad_payload`. */
export function normalizeJiraIssue(issue: unknown, options: NormalizeJiraIssueOptions): WorkItem {
  const parsed = jiraIssueSchema(schemaOptions(options)).safeParse(issue);
  if (!parsed.success) throw badPayloadFromSchema(parsed.error, issue, options.file);
  return toWorkItem(parsed.data, options);
}

/**
 * The entries of a saved Jira payload: a `/rest/api/3/search/jql` page (snapshots) or a
 * `jira:issue_created|updated|deleted` delivery. Anything else, or a payload that fails its
 * schema, throws `jira.bad_payload` naming the file and the JSON path of the first bad field.
 */
export function normalizeJiraPayload(
  json: unknown,
  options: NormalizeJiraPayloadOptions,
): JiraIngestBatch {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw badPayload(
      [],
      `is ${describeValue(json)}, expected a JSON object: a /rest/api/3/search/jql page or an issue webhook delivery`,
      options.file,
    );
  }
  // What PostgreSQL cannot store (NUL, lone surrogates, huge keys) is refused here, at the edge
  // every entry point shares, rather than by the database half-way through a write.
  const unstorable = findUnstorable(json);
  if (unstorable !== null) {
    throw new DomainError({
      code: 'jira.bad_payload',
      message: `${options.file ?? 'Jira payload'}: ${unstorable.path} ${unstorable.reason}`,
      path: unstorable.path,
      ...(options.file === undefined ? {} : { file: options.file }),
    });
  }
  if ('webhookEvent' in json) return normalizeWebhook(json, options);
  if ('issues' in json) return normalizeSearchPage(json, options);
  throw badPayload(
    [],
    'is not a Jira payload this version understands: expected a /rest/api/3/search/jql page ' +
      `({ "issues": [...] }) or an issue webhook delivery ({ "webhookEvent": ${JIRA_ISSUE_WEBHOOK_EVENTS.map((e) => `"${e}"`).join(' | ')}, "issue": {...} })`,
    options.file,
  );
}

/**
 * The event of one issue as a live search returns it (`fields` listed, `expand=changelog`): the
 * item, the changes its history records since `changesSince`, and its place in the issue's
 * history (last updated, then the latest changelog id), so that a webhook for the same change
 * and a later search that sees it again both find it already applied. Throws `jira.bad_payload`.
 */
export function normalizeJiraSearchIssue(
  issue: unknown,
  options: NormalizeJiraSearchIssueOptions,
): WorkItemUpsert {
  const parsed = jiraIssueSchema(schemaOptions(options)).safeParse(issue);
  if (!parsed.success) throw badPayloadFromSchema(parsed.error, issue, options.file);
  const item = toWorkItem(parsed.data, options);
  const changelog = jiraIssueChangelogSchema.safeParse(parsed.data.changelog ?? {});
  if (!changelog.success) {
    throw badPayloadFromSchema(changelog.error, parsed.data.changelog, options.file, ['changelog']);
  }
  const histories = [...(changelog.data.histories ?? [])]
    .map((h) => ({ history: h, at: parseJiraTimestamp(h.created), id: Number(h.id) }))
    // Jira lists the newest first; the change reads oldest first.
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.id - b.id);
  const latest = histories[histories.length - 1];
  return {
    op: 'upsert',
    item,
    change: changeSince(item, parsed.data, histories, options),
    order: { updatedAt: item.updatedAt, changelogId: latest?.id ?? null },
    dedupeKey: `sync:${options.source}:${parsed.data.id}:${parsed.data.fields.updated}`,
  };
}

function changeSince(
  item: WorkItem,
  issue: JiraIssue,
  histories: readonly { history: JiraChangelogHistory; at: string }[],
  options: NormalizeJiraSearchIssueOptions,
): WorkItemChange | null {
  if (options.changesSince === null) return null;
  const since = Date.parse(options.changesSince);
  const recent = histories.filter((h) => Date.parse(h.at) > since);
  const created =
    issue.fields.created === undefined || issue.fields.created === null
      ? null
      : parseJiraTimestamp(issue.fields.created);
  const isNew = created !== null && Date.parse(created) > since;
  const last = recent[recent.length - 1];
  if (last === undefined && !isNew) return null;
  return {
    key: item.key,
    at: last?.at ?? created ?? item.updatedAt,
    kind: isNew ? 'created' : 'updated',
    changes: recent.flatMap((h) => h.history.items.map((i) => toFieldChange(i, options))),
  };
}

function normalizeSearchPage(json: object, options: NormalizeJiraPayloadOptions): JiraIngestBatch {
  const page = parseOrFail(jiraSearchPageSchema(schemaOptions(options)), json, options.file);
  const entries = page.issues.map((issue): JiraUpsertEntry => {
    const item = toWorkItem(issue, options);
    return {
      op: 'upsert',
      item,
      change: null,
      order: { updatedAt: item.updatedAt, changelogId: null },
      dedupeKey: `snapshot:${issue.id}:${issue.fields.updated}`,
    };
  });
  return { kind: 'search_page', entries };
}

function normalizeWebhook(json: object, options: NormalizeJiraPayloadOptions): JiraIngestBatch {
  const { webhookEvent } = parseOrFail(jiraWebhookEnvelopeSchema, json, options.file);
  if (webhookEvent === 'jira:issue_deleted') {
    const delivery = parseOrFail(jiraIssueDeletedWebhookSchema, json, options.file);
    const { issue, changelog } = delivery;
    const lastUpdated = parseJiraTimestamp(issue.fields.updated);
    const deliveredAt = deliveryInstant(delivery.timestamp);
    // The deletion happened at delivery time, after the last update: ordering it there lets
    // it win over that update even when both arrive out of order.
    const deletedAt =
      deliveredAt !== null && Date.parse(deliveredAt) > Date.parse(lastUpdated)
        ? deliveredAt
        : lastUpdated;
    const entry: JiraDeleteEntry = {
      op: 'delete',
      key: issue.key,
      source: options.source,
      sourceId: issue.id,
      change: {
        key: issue.key,
        at: deliveredAt ?? lastUpdated,
        kind: 'deleted',
        changes: (changelog?.items ?? []).map((i) => toFieldChange(i, options)),
      },
      order: { updatedAt: deletedAt, changelogId: changelogIdOf(changelog?.id) },
      dedupeKey: dedupeKeyOf(webhookEvent, issue.id, delivery.timestamp, changelog?.id),
    };
    return { kind: 'webhook', entries: [entry] };
  }
  const delivery = parseOrFail(jiraIssueWebhookSchema(schemaOptions(options)), json, options.file);
  const { issue, changelog } = delivery;
  const item = toWorkItem(issue, options);
  const entry: JiraUpsertEntry = {
    op: 'upsert',
    item,
    change: {
      key: item.key,
      // A delivery whose timestamp names no instant (a logged copy) falls back to the
      // issue's own last-updated time, which Jira sets in the same transaction.
      at: deliveryInstant(delivery.timestamp) ?? item.updatedAt,
      kind: changeKindOf(delivery.webhookEvent),
      changes: (changelog?.items ?? []).map((i) => toFieldChange(i, options)),
    },
    order: { updatedAt: item.updatedAt, changelogId: changelogIdOf(changelog?.id) },
    dedupeKey: dedupeKeyOf(webhookEvent, issue.id, delivery.timestamp, changelog?.id),
  };
  return { kind: 'webhook', entries: [entry] };
}

function toWorkItem(issue: JiraIssue, options: NormalizeJiraIssueOptions): WorkItem {
  const { fields } = issue;
  const statusCategory = STATUS_CATEGORIES[fields.status.statusCategory.key];
  const startValue = fields[options.startDateField ?? DEFAULT_START_DATE_FIELD];
  return {
    key: issue.key,
    source: options.source,
    sourceId: issue.id,
    summary: fields.summary,
    status: fields.status.name,
    statusCategory,
    ...(fields.issuetype?.name === undefined ? {} : { issueType: fields.issuetype.name }),
    dueDate: fields.duedate ?? null,
    startDate: typeof startValue === 'string' && isIsoDate(startValue) ? startValue : null,
    doneDate: statusCategory === 'done' ? doneDateOf(fields) : null,
    parentKey: fields.parent?.key ?? null,
    ...normalizeJiraLinks(fields.issuelinks ?? []),
    assignee: fields.assignee?.displayName ?? null,
    updatedAt: parseJiraTimestamp(fields.updated),
    ...(options.sprintField === undefined
      ? {}
      : { sprint: normalizeJiraSprint(fields[options.sprintField]) }),
    ...(options.storyPointsFields === undefined
      ? {}
      : { storyPoints: storyPointsOf(fields, options.storyPointsFields) }),
    ...(fields.parent?.key === undefined && options.epicLinkField !== undefined
      ? { parentKey: epicLinkOf(fields[options.epicLinkField]) }
      : {}),
  };
}

/** The first configured story-points field that holds a number; custom fields are not checked. */
function storyPointsOf(fields: JiraIssue['fields'], ids: readonly string[]): number | null {
  for (const id of ids) {
    const value = fields[id];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return null;
}

function epicLinkOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The day it was done, as the site saw it: resolved, else moved to Done, else last touched. */
function doneDateOf(fields: JiraIssue['fields']): string {
  const when = fields.resolutiondate ?? fields.statuscategorychangedate ?? fields.updated;
  return parseJiraTimestamp(when).slice(0, 10);
}

function toFieldChange(item: JiraChangelogItem, options: NormalizeJiraIssueOptions): FieldChange {
  const field = changedFieldOf(item, options.startDateField ?? DEFAULT_START_DATE_FIELD);
  // Dates are read from the raw values (`2026-10-23`); the display strings carry a time
  // (`2026-10-23 00:00:00.0`) or a locale format. Everything else reads best as displayed.
  const isDate = field === 'dueDate' || field === 'startDate';
  const from = isDate ? dateOrRaw(item.from) : textOrNull(item.fromString ?? item.from);
  const to = isDate ? dateOrRaw(item.to) : textOrNull(item.toString ?? item.to);
  return { field, label: item.field, from, to };
}

function changedFieldOf(item: JiraChangelogItem, startDateField: string): FieldChange['field'] {
  const id = item.fieldId?.toLowerCase() ?? '';
  const name = item.field.toLowerCase();
  const is = (...names: string[]): boolean => names.includes(id) || names.includes(name);
  if (is('duedate')) return 'dueDate';
  if (is('status')) return 'status';
  if (is(startDateField.toLowerCase(), 'start date')) return 'startDate';
  if (is('parent', 'epic link', 'issueparentassociation')) return 'parent';
  if (is('link', 'issuelinks')) return 'links';
  if (is('summary')) return 'summary';
  return 'other';
}

function dateOrRaw(value: string | null | undefined): string | null {
  const text = textOrNull(value);
  if (text === null) return null;
  const datePart = text.slice(0, 10);
  return isIsoDate(datePart) ? datePart : text;
}

function textOrNull(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function changeKindOf(event: JiraIssueWebhookEvent): WorkItemChange['kind'] {
  if (event === 'jira:issue_created') return 'created';
  if (event === 'jira:issue_deleted') return 'deleted';
  return 'updated';
}

/** A delivery's timestamp as an ISO instant, or null when it names none (a zone-less string). */
function deliveryInstant(timestamp: number | string): string | null {
  if (typeof timestamp === 'number') return epochMillisOrNull(timestamp);
  if (/^\d+$/.test(timestamp)) return epochMillisOrNull(Number(timestamp));
  return tryParseJiraTimestamp(timestamp);
}

const LATEST_DATE_MS = 8_640_000_000_000_000;

function epochMillisOrNull(millis: number): string | null {
  return Number.isSafeInteger(millis) && millis <= LATEST_DATE_MS ? epochMillisToIso(millis) : null;
}

function changelogIdOf(id: string | number | null | undefined): number | null {
  return id === undefined || id === null ? null : Number(id);
}

function dedupeKeyOf(
  event: JiraIssueWebhookEvent,
  issueId: string,
  timestamp: number | string,
  changelogId: string | number | null | undefined,
): string {
  return `${event}:${issueId}:${timestamp}:${changelogId ?? ''}`;
}

function schemaOptions(options: NormalizeJiraIssueOptions): JiraIssueSchemaOptions {
  return options.startDateField === undefined
    ? {}
    : { startDateField: options.startDateField, strictStartDate: true };
}

function parseOrFail<T>(schema: z.ZodType<T>, json: unknown, file: string | undefined): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw badPayloadFromSchema(parsed.error, json, file);
  return parsed.data;
}
