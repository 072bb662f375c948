import type { z } from 'zod';
import type { WorkItemUpsert } from '../../core/domain/work-item.ts';
import { DomainError, type Problem } from '../../core/errors.ts';
import type { JiraClient } from './jira-client.ts';
import { isTimeZone } from './jira-jql.ts';
import {
  DEFAULT_START_DATE_FIELD,
  jiraFieldListSchema,
  jiraMyselfSchema,
  jiraSearchJqlEnvelopeSchema,
  jiraSearchStartAtEnvelopeSchema,
} from './jira-payload.schema.ts';
import type { JiraField } from './jira-payload.schema.ts';
import { badPayloadFromSchema } from './jira-payload-problems.ts';
import { JIRA_SPRINT_FIELD_TYPE } from './jira-sprint.ts';
import { normalizeJiraSearchIssue, type NormalizeJiraIssueOptions } from './normalize-jira.ts';

/**
 * Reading a Jira site's issues page by page, for an initial or an incremental sync.
 *
 * - Cloud: `GET /rest/api/3/search/jql`, paged with `nextPageToken` (no `total`); the old
 *   `/rest/api/{2,3}/search` answers 410 there.
 * - Data Center: `GET /rest/api/2/search`, paged with `startAt` and `total`. Offset paging over
 *   a live result can skip an issue when one on an earlier page changes (it moves to the end and
 *   everything after it shifts one place forward), so each page asks again for the last issue
 *   of the page before; when that issue is no longer there, the pass starts over from the last
 *   page it delivered.
 *
 * Both ask for the fields listed explicitly (the default is `id` only on Cloud and every
 * navigable field on Data Center) and `expand=changelog` for the history. The pages come out as
 * work-item events; nothing here touches the store.
 */

export type JiraSiteKind = 'cloud' | 'dc';

/** The API version path of a site kind: Cloud speaks v3, Data Center v2. */
export function apiPathOf(kind: JiraSiteKind): '/rest/api/3' | '/rest/api/2' {
  return kind === 'cloud' ? '/rest/api/3' : '/rest/api/2';
}

/** Who the credentials are on the site. */
export interface JiraIdentity {
  name: string;
  /** The profile's time zone: JQL dates are read in it. Null when the site does not say. */
  timeZone: string | null;
}

/** `GET /myself`: checks the credentials and learns the time zone JQL dates are read in. */
export async function readJiraIdentity(
  client: JiraClient,
  kind: JiraSiteKind,
): Promise<JiraIdentity> {
  const path = `${apiPathOf(kind)}/myself`;
  const me = parseResponse(jiraMyselfSchema, await client.getJson(path), client, path);
  const zone = me.timeZone ?? null;
  return {
    name: me.displayName ?? me.name ?? me.accountId ?? 'unknown user',
    timeZone: zone !== null && isTimeZone(zone) ? zone : null,
  };
}

/** Which site fields hold what the work item needs; the site configuration may name them. */
export interface JiraFieldChoice {
  startDate?: string | null;
  storyPoints?: readonly string[] | null;
  sprint?: string | null;
}

/** The field ids of one site, found through `/field` where the configuration does not say. */
export interface JiraFieldIds {
  /** The start-date field, and whether it is known to hold a date (else read only when it does). */
  startDate: { id: string; strict: boolean };
  storyPoints: string[];
  sprint: string | null;
  epicLink: string | null;
}

const STORY_POINT_NAMES = ['story points', 'story point estimate'];
const EPIC_LINK_TYPE = 'com.pyxis.greenhopper.jira:gh-epic-link';

/** `GET /field`: finds the sprint, story-point, start-date and epic-link fields of the site. */
export async function discoverJiraFields(
  client: JiraClient,
  kind: JiraSiteKind,
  choice: JiraFieldChoice = {},
): Promise<JiraFieldIds> {
  const path = `${apiPathOf(kind)}/field`;
  const fields = parseResponse(jiraFieldListSchema, await client.getJson(path), client, path);
  return chooseJiraFields(fields, choice);
}

/** What field choice reads of an entry of `/field`. */
export type JiraFieldSummary = Pick<JiraField, 'id' | 'name'> & {
  schema?: { type?: string | null; custom?: string | null } | null;
};

/** The field ids from a site's field list and the configuration (which wins). */
export function chooseJiraFields(
  fields: readonly JiraFieldSummary[],
  choice: JiraFieldChoice = {},
): JiraFieldIds {
  const byName = (name: string): JiraFieldSummary | undefined =>
    fields.find((f) => f.name.trim().toLowerCase() === name);
  const startByName = byName('start date');
  const startDate =
    choice.startDate !== undefined && choice.startDate !== null
      ? { id: choice.startDate, strict: true }
      : startByName !== undefined && startByName.schema?.type === 'date'
        ? { id: startByName.id, strict: true }
        : { id: DEFAULT_START_DATE_FIELD, strict: false };
  const storyPoints =
    choice.storyPoints !== undefined && choice.storyPoints !== null
      ? [...choice.storyPoints]
      : STORY_POINT_NAMES.flatMap((name) => {
          const field = byName(name);
          return field === undefined ? [] : [field.id];
        });
  const sprint =
    choice.sprint !== undefined && choice.sprint !== null
      ? choice.sprint
      : (fields.find((f) => f.schema?.custom === JIRA_SPRINT_FIELD_TYPE)?.id ?? null);
  const epicLink = fields.find((f) => f.schema?.custom === EPIC_LINK_TYPE)?.id ?? null;
  return { startDate, storyPoints, sprint, epicLink };
}

/** The `fields` a sync asks for: what the work item is made of, and nothing else. */
export function jiraRequestFields(ids: JiraFieldIds): string[] {
  const fields = [
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
    ids.startDate.id,
    ...ids.storyPoints,
    ...(ids.sprint === null ? [] : [ids.sprint]),
    ...(ids.epicLink === null ? [] : [ids.epicLink]),
  ];
  return [...new Set(fields)];
}

/** The normaliser's options for a site's field ids. */
export function normalizeOptionsFor(source: string, ids: JiraFieldIds): NormalizeJiraIssueOptions {
  return {
    source,
    ...(ids.startDate.strict ? { startDateField: ids.startDate.id } : {}),
    storyPointsFields: ids.storyPoints,
    ...(ids.sprint === null ? {} : { sprintField: ids.sprint }),
    ...(ids.epicLink === null ? {} : { epicLinkField: ids.epicLink }),
  };
}

export interface JiraPageRequest {
  kind: JiraSiteKind;
  source: string;
  /** The JQL of a pass that starts at an instant (the cursor less the overlap), or from the start. */
  jqlFrom(since: string | null): string;
  /** Where the pass starts: an ISO instant, or null for everything. */
  since: string | null;
  fieldIds: JiraFieldIds;
  /** Issues per page (Jira may send fewer). */
  pageSize: number;
  /** See `normalizeJiraSearchIssue`: changes after this instant become each entry's change. */
  changesSince: string | null;
}

/** One page of a sync, normalised. */
export interface JiraIssuePage {
  /** 1, 2, … within this sync. */
  number: number;
  events: WorkItemUpsert[];
  /** The latest `updated` on the page (ISO 8601), the cursor once the page is stored. */
  latestUpdatedAt: string | null;
  /** Data Center only: how many issues the search matched. */
  total: number | null;
  /** The JQL of the request that returned the page. */
  jql: string;
}

/** The issues of a sync, page by page. Throws `jira.*` errors; a bad issue is `jira.bad_response`. */
export async function* fetchJiraIssuePages(
  client: JiraClient,
  request: JiraPageRequest,
): AsyncGenerator<JiraIssuePage> {
  if (request.kind === 'cloud') yield* cloudPages(client, request);
  else yield* dataCenterPages(client, request);
}

async function* cloudPages(
  client: JiraClient,
  request: JiraPageRequest,
): AsyncGenerator<JiraIssuePage> {
  const path = '/rest/api/3/search/jql';
  const jql = request.jqlFrom(request.since);
  const fields = jiraRequestFields(request.fieldIds);
  let token: string | undefined;
  for (let number = 1; ; number += 1) {
    const json = await client.getJson(path, {
      jql,
      nextPageToken: token,
      maxResults: request.pageSize,
      fields,
      expand: 'changelog',
    });
    const page = parseResponse(jiraSearchJqlEnvelopeSchema, json, client, path);
    yield toPage(number, page.issues, request, client, `${path} page ${number}`, null, jql);
    const next = page.nextPageToken ?? null;
    if (page.isLast === true || next === null || page.issues.length === 0) return;
    token = next;
  }
}

async function* dataCenterPages(
  client: JiraClient,
  request: JiraPageRequest,
): AsyncGenerator<JiraIssuePage> {
  const path = '/rest/api/2/search';
  const fields = jiraRequestFields(request.fieldIds);
  let since = request.since;
  let jql = request.jqlFrom(since);
  let startAt = 0;
  let lastKey: string | null = null;
  let latest: string | null = null;
  let number = 1;
  let restarts = 0;
  for (;;) {
    const json = await client.getJson(path, {
      jql,
      startAt,
      maxResults: request.pageSize,
      fields,
      expand: 'changelog',
    });
    const envelope = parseResponse(jiraSearchStartAtEnvelopeSchema, json, client, path);
    let issues = envelope.issues;
    if (lastKey !== null) {
      // A site that changes faster than we can read it would restart us forever: after enough
      // restarts we read on, and the next sync's overlap window picks up what moved.
      if (keyOf(issues[0]) !== lastKey && restarts < MAX_RESTARTS) {
        restarts += 1;
        // The result moved under us: start the pass again from the last page delivered.
        since = latest ?? since;
        jql = request.jqlFrom(since);
        startAt = 0;
        lastKey = null;
        continue;
      }
      if (keyOf(issues[0]) === lastKey) issues = issues.slice(1);
    }
    const page = toPage(
      number,
      issues,
      request,
      client,
      `${path} page ${number}`,
      envelope.total,
      jql,
    );
    number += 1;
    if (page.latestUpdatedAt !== null) latest = maxInstant(latest, page.latestUpdatedAt);
    yield page;
    const fetched = envelope.startAt + envelope.issues.length;
    if (envelope.issues.length === 0 || fetched >= envelope.total) return;
    lastKey = keyOf(envelope.issues[envelope.issues.length - 1]);
    // Ask again for the page's last issue: finding it first on the next page proves nothing shifted.
    startAt = lastKey === null ? fetched : fetched - 1;
  }
}

const MAX_RESTARTS = 20;

function keyOf(issue: unknown): string | null {
  if (issue === null || typeof issue !== 'object') return null;
  const key = (issue as { key?: unknown }).key;
  return typeof key === 'string' ? key : null;
}

function toPage(
  number: number,
  issues: readonly unknown[],
  request: JiraPageRequest,
  client: JiraClient,
  where: string,
  total: number | null,
  jql: string,
): JiraIssuePage {
  const options = normalizeOptionsFor(request.source, request.fieldIds);
  const events = issues.map((issue, index) => {
    const label = `Jira site '${client.siteId}', ${where}, issue ${keyOf(issue) ?? `#${index + 1}`}`;
    try {
      return normalizeJiraSearchIssue(issue, {
        ...options,
        file: label,
        changesSince: request.changesSince,
      });
    } catch (error) {
      throw asBadResponse(error);
    }
  });
  let latest: string | null = null;
  for (const event of events) latest = maxInstant(latest, event.item.updatedAt);
  return { number, events, latestUpdatedAt: latest, total, jql };
}

function maxInstant(a: string | null, b: string): string {
  return a === null || Date.parse(b) > Date.parse(a) ? b : a;
}

/** A site's answer that fails its schema is the site's problem, not the caller's input. */
function asBadResponse(error: unknown): unknown {
  if (!(error instanceof DomainError) || error.code !== 'jira.bad_payload') return error;
  return new DomainError(error.problems.map((p): Problem => ({ ...p, code: 'jira.bad_response' })));
}

function parseResponse<T>(
  schema: z.ZodType<T>,
  json: unknown,
  client: JiraClient,
  path: string,
): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  throw asBadResponse(
    badPayloadFromSchema(parsed.error, json, `Jira site '${client.siteId}', GET ${path}`),
  );
}
