import { z } from 'zod';
import { isIsoDate } from '../../core/calendar.ts';
import { MAX_ID_LENGTH } from '../../core/storable-text.ts';
import { isJiraTimestamp } from './jira-timestamp.ts';

/**
 * The shapes of the Jira Cloud REST v3 payloads this connector reads: an issue, a
 * `/rest/api/3/search/jql` page and the issue webhook deliveries. Objects are loose: Jira
 * sends many more fields (and every site has its own custom fields), and only the ones named
 * here are checked. Only this folder may see these shapes.
 */

/** Jira Cloud's "Start date" field on most sites; a site can name another one. */
export const DEFAULT_START_DATE_FIELD = 'customfield_10015';

const jiraDate = z.string().refine(isIsoDate, 'expected a date written YYYY-MM-DD');

const jiraTimestamp = z
  .string()
  .refine(isJiraTimestamp, 'expected a Jira timestamp like 2019-01-30T15:51:33.199+0300');

/** Jira's status categories: `undefined` is "No Category", which some old statuses still have. */
export const JIRA_STATUS_CATEGORY_KEYS = ['new', 'indeterminate', 'done', 'undefined'] as const;

export type JiraStatusCategoryKey = (typeof JIRA_STATUS_CATEGORY_KEYS)[number];

/** An issue id or key: stored and indexed, so bounded like every id. */
const issueIdText = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH, { error: `is longer than ${MAX_ID_LENGTH} characters` });

const issueRef = z.looseObject({ key: issueIdText });

export const jiraIssueLinkSchema = z.looseObject({
  type: z.looseObject({ name: z.string(), inward: z.string(), outward: z.string() }),
  inwardIssue: issueRef.optional(),
  outwardIssue: issueRef.optional(),
});

const baseIssueFields = z.looseObject({
  summary: z.string(),
  status: z.looseObject({
    name: z.string(),
    statusCategory: z.looseObject({ key: z.enum(JIRA_STATUS_CATEGORY_KEYS) }),
  }),
  issuetype: z.looseObject({ name: z.string() }).nullish(),
  duedate: jiraDate.nullish(),
  resolutiondate: jiraTimestamp.nullish(),
  statuscategorychangedate: jiraTimestamp.nullish(),
  parent: issueRef.nullish(),
  issuelinks: z.array(jiraIssueLinkSchema).nullish(),
  assignee: z.looseObject({ displayName: z.string() }).nullish(),
  updated: jiraTimestamp,
  created: jiraTimestamp.nullish(),
});

export interface JiraIssueSchemaOptions {
  /** The id of the field holding the start date; {@link DEFAULT_START_DATE_FIELD} when absent. */
  startDateField?: string;
  /**
   * When true the start-date field must hold a date or null. Off for the default field id,
   * which is only a guess: on some sites `customfield_10015` is something else entirely (the
   * reference webhook has an object there), and a wrong guess must not stop the sync.
   */
  strictStartDate?: boolean;
}

const looseIssueSchema = z.looseObject({
  id: issueIdText,
  key: issueIdText,
  fields: baseIssueFields,
});

/** The schema of an issue as `/rest/api/3/search/jql` and the webhooks send it. */
export function jiraIssueSchema(options: JiraIssueSchemaOptions = {}): typeof looseIssueSchema {
  if (options.strictStartDate !== true) return looseIssueSchema;
  const field = options.startDateField ?? DEFAULT_START_DATE_FIELD;
  return looseIssueSchema.check((ctx) => {
    const value = ctx.value.fields[field];
    if (value === undefined || value === null) return;
    if (typeof value === 'string' && isIsoDate(value)) return;
    ctx.issues.push({
      code: 'custom',
      input: value,
      path: ['fields', field],
      message: `expected the start date field ${field} to hold a date written YYYY-MM-DD or null`,
    });
  });
}

export type JiraIssue = z.output<typeof looseIssueSchema>;
export type JiraIssueLink = z.output<typeof jiraIssueLinkSchema>;

/** A page of `GET/POST /rest/api/3/search/jql` (token paging: no `total`, no `startAt`). */
export function jiraSearchPageSchema(options: JiraIssueSchemaOptions = {}) {
  return z.looseObject({
    issues: z.array(jiraIssueSchema(options)),
    nextPageToken: z.string().nullish(),
    isLast: z.boolean().nullish(),
  });
}

export type JiraSearchPage = z.output<ReturnType<typeof jiraSearchPageSchema>>;

/** The issue webhook events this connector understands. */
export const JIRA_ISSUE_WEBHOOK_EVENTS = [
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
] as const;

export type JiraIssueWebhookEvent = (typeof JIRA_ISSUE_WEBHOOK_EVENTS)[number];

/** Just enough of a delivery to pick the schema for the rest of it. */
export const jiraWebhookEnvelopeSchema = z.looseObject({
  webhookEvent: z.enum(JIRA_ISSUE_WEBHOOK_EVENTS),
});

const changelogItem = z.looseObject({
  field: z.string(),
  fieldId: z.string().nullish(),
  from: z.string().nullish(),
  fromString: z.string().nullish(),
  to: z.string().nullish(),
  toString: z.string().nullish(),
});

export type JiraChangelogItem = z.output<typeof changelogItem>;

const changelog = z.looseObject({
  id: z.union(
    [z.string().regex(/^\d+$/, 'expected a numeric changelog id'), z.number().int().nonnegative()],
    {
      error: 'expected a numeric changelog id',
    },
  ),
  items: z.array(changelogItem),
});

/**
 * A delivery's `timestamp`: epoch milliseconds on a real delivery. A string is tolerated
 * because logged or re-serialised deliveries (like the reference file) carry one.
 */
const deliveryTimestamp = z.union([z.number().int().nonnegative(), z.string().min(1)], {
  error: 'expected epoch milliseconds (a number)',
});

/** `jira:issue_created` / `jira:issue_updated`: the issue as it is after the change. */
export function jiraIssueWebhookSchema(options: JiraIssueSchemaOptions = {}) {
  // Made once per set of options: building a zod schema (and compiling its first parse) costs
  // far more than a parse, and every webhook delivery is parsed with one.
  const key = `${options.strictStartDate === true ? 'strict' : 'loose'}:${options.startDateField ?? ''}`;
  const known = webhookSchemas.get(key);
  if (known !== undefined) return known;
  const made = buildIssueWebhookSchema(options);
  if (webhookSchemas.size < 64) webhookSchemas.set(key, made);
  return made;
}

function buildIssueWebhookSchema(options: JiraIssueSchemaOptions) {
  return z.looseObject({
    timestamp: deliveryTimestamp,
    webhookEvent: z.enum(['jira:issue_created', 'jira:issue_updated']),
    issue: jiraIssueSchema(options),
    changelog: changelog.nullish(),
  });
}

const webhookSchemas = new Map<string, ReturnType<typeof buildIssueWebhookSchema>>();

export type JiraIssueWebhook = z.output<ReturnType<typeof jiraIssueWebhookSchema>>;

/**
 * `jira:issue_deleted`: only what a deletion needs is checked, so that a deletion is never
 * refused because of a field the store is about to forget anyway.
 */
export const jiraIssueDeletedWebhookSchema = z.looseObject({
  timestamp: deliveryTimestamp,
  webhookEvent: z.literal('jira:issue_deleted'),
  issue: z.looseObject({
    id: issueIdText,
    key: issueIdText,
    fields: z.looseObject({ updated: jiraTimestamp }),
  }),
  changelog: changelog.nullish(),
});

export type JiraIssueDeletedWebhook = z.output<typeof jiraIssueDeletedWebhookSchema>;

const historyId = z.union(
  [z.string().regex(/^\d+$/, 'expected a numeric changelog id'), z.number().int().nonnegative()],
  { error: 'expected a numeric changelog id' },
);

/** One entry of an issue's history, as `expand=changelog` adds it to a search result. */
export const jiraChangelogHistorySchema = z.looseObject({
  id: historyId,
  created: jiraTimestamp,
  items: z.array(changelogItem),
});

export type JiraChangelogHistory = z.output<typeof jiraChangelogHistorySchema>;

/** `issue.changelog` of a search result with `expand=changelog` (a page of the recent history). */
export const jiraIssueChangelogSchema = z.looseObject({
  histories: z.array(jiraChangelogHistorySchema).nullish(),
});

/**
 * The envelope of a Cloud `GET /rest/api/3/search/jql` page: the issues are checked one by one
 * afterwards, so that a problem names the issue it is in.
 */
export const jiraSearchJqlEnvelopeSchema = z.looseObject({
  issues: z.array(z.unknown()),
  nextPageToken: z.string().nullish(),
  isLast: z.boolean().nullish(),
});

/** The envelope of a Data Center `GET /rest/api/2/search` page (offset paging with a total). */
export const jiraSearchStartAtEnvelopeSchema = z.looseObject({
  startAt: z.number().int().nonnegative(),
  maxResults: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  issues: z.array(z.unknown()),
});

/** One entry of `GET /rest/api/{2,3}/field`. */
export const jiraFieldSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  custom: z.boolean().nullish(),
  schema: z
    .looseObject({
      type: z.string().nullish(),
      custom: z.string().nullish(),
      items: z.string().nullish(),
      system: z.string().nullish(),
    })
    .nullish(),
});

export type JiraField = z.output<typeof jiraFieldSchema>;

export const jiraFieldListSchema = z.array(jiraFieldSchema);

/** `GET /rest/api/{2,3}/myself`: who we are on the site, and the time zone JQL dates are read in. */
export const jiraMyselfSchema = z.looseObject({
  accountId: z.string().nullish(),
  name: z.string().nullish(),
  displayName: z.string().nullish(),
  timeZone: z.string().nullish(),
});

export type JiraMyself = z.output<typeof jiraMyselfSchema>;
