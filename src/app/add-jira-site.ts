import type { JiraCredentials } from '../connectors/jira/jira-client.ts';
import { hasOrderBy } from '../connectors/jira/jira-jql.ts';
import { DomainError, type Problem } from '../core/errors.ts';
import {
  loadJiraSite,
  saveJiraSite,
  type JiraSiteConfig,
  type JiraSiteInput,
  type JiraSiteKind,
  type JiraSiteRecord,
} from '../store/jira-site-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, write } from './write.ts';
import { credentialsPurpose, secretsOf, webhookSecretPurpose } from './jira-site-secrets.ts';

/** A Jira site as configured by an operator. */
export interface AddJiraSiteInput {
  /** Throughline's name for the site: the work items' `source` and the `/hooks/jira/{site}` path. */
  id: string;
  kind: JiraSiteKind;
  baseUrl: string;
  /** Basic (Cloud: e-mail + API token), bearer (Data Center: personal access token), or none. */
  credentials: JiraCredentials | null;
  /** The secret Jira signs webhooks with; undefined keeps the one the site has. */
  webhookSecret?: string | null;
  projects?: string[];
  jql?: string | null;
  startDateField?: string | null;
  storyPointsFields?: string[] | null;
  sprintField?: string | null;
  overlapMinutes?: number;
  pageSize?: number;
}

/** A site as it may be shown: never a secret, only whether there is one. */
export interface JiraSiteView {
  id: string;
  kind: JiraSiteKind;
  baseUrl: string;
  authKind: JiraSiteRecord['authKind'];
  hasCredentials: boolean;
  hasWebhookSecret: boolean;
  demo: boolean;
  config: JiraSiteConfig;
  syncCursor: string | null;
  lastSyncStartedAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  lastError: JiraSiteRecord['lastError'];
}

/** The shown form of a stored site. */
export function viewJiraSite(site: JiraSiteRecord): JiraSiteView {
  return {
    id: site.id,
    kind: site.kind,
    baseUrl: site.baseUrl,
    authKind: site.authKind,
    hasCredentials: site.demo || site.credentialsSealed !== null,
    hasWebhookSecret: site.demo || site.webhookSecretSealed !== null,
    demo: site.demo,
    config: site.config,
    syncCursor: site.syncCursor,
    lastSyncStartedAt: site.lastSyncStartedAt,
    lastSuccessAt: site.lastSuccessAt,
    lastFailureAt: site.lastFailureAt,
    lastError: site.lastError,
  };
}

const SITE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const PROJECT_KEY = /^[A-Z][A-Z0-9_]{0,254}$/;
const FIELD_ID = /^[A-Za-z0-9_.-]+$/;

/**
 * Adds a Jira site, or replaces the configuration of the site with that id (its sync cursor and
 * history stay). Credentials and the webhook secret are sealed before they are stored. Every
 * problem with the input is reported at once (`config.invalid`, naming the field).
 */
export async function addJiraSite(
  ctx: AppContext,
  input: AddJiraSiteInput,
  actor: ActorLike = 'cli',
): Promise<{ action: 'created' | 'updated'; site: JiraSiteView }> {
  const problems = checkInput(input);
  if (problems.length > 0) throw new DomainError(problems);
  const secrets = secretsOf(ctx);
  const existing = await loadJiraSite(ctx.db, input.id);
  const webhookSecretSealed =
    input.webhookSecret === undefined
      ? existing !== null && !existing.demo
        ? existing.webhookSecretSealed
        : null
      : input.webhookSecret === null
        ? null
        : await secrets.seal(input.webhookSecret, webhookSecretPurpose(input.id));
  const config: JiraSiteConfig = {
    projects: input.projects ?? [],
    jql: input.jql ?? null,
    startDateField: input.startDateField ?? null,
    storyPointsFields: input.storyPointsFields ?? null,
    sprintField: input.sprintField ?? null,
    overlapMinutes: input.overlapMinutes ?? 5,
    pageSize: input.pageSize ?? 100,
  };
  const sealedCredentials =
    input.credentials === null
      ? null
      : await secrets.seal(JSON.stringify(input.credentials), credentialsPurpose(input.id));
  const site: JiraSiteInput = {
    id: input.id,
    kind: input.kind,
    baseUrl: input.baseUrl.replace(/\/+$/, ''),
    authKind: input.credentials?.kind ?? 'none',
    credentialsSealed: sealedCredentials,
    webhookSecretSealed,
    demo: false,
    config,
  };
  const written = await write(ctx, actor, async ({ tx, at, audit }) => {
    const saved = await saveJiraSite(tx, site, at);
    // Secrets are never logged: only whether they are set.
    audit({
      action: `site.${saved === 'created' ? 'create' : 'update'}`,
      item: `site/${input.id}`,
      after: {
        kind: site.kind,
        baseUrl: site.baseUrl,
        authKind: site.authKind,
        credentials: sealedCredentials === null ? 'none' : 'set',
        webhookSecret: webhookSecretSealed === null ? 'none' : 'set',
        config,
      },
    });
    return saved;
  });
  const action = written.value;
  const stored = await loadJiraSite(ctx.db, input.id);
  if (stored === null) throw new Error(`site ${input.id} vanished after saving`);
  return { action, site: viewJiraSite(stored) };
}

function checkInput(input: AddJiraSiteInput): Problem[] {
  const problems: Problem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ code: 'config.invalid', message, path });
  };
  if (!SITE_ID.test(input.id)) {
    problem(
      'id',
      `site id '${input.id}' must be lower-case letters, digits, '-' or '_' (it names the webhook URL /hooks/jira/{site})`,
    );
  }
  let url: URL | null = null;
  try {
    url = new URL(input.baseUrl);
  } catch {
    problem('baseUrl', `'${input.baseUrl}' is not a URL; expected e.g. https://acme.atlassian.net`);
  }
  if (url !== null) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      problem('baseUrl', `'${input.baseUrl}' must be an http(s) URL`);
    } else if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
      problem(
        'baseUrl',
        `'${input.baseUrl}' must be the site's base URL, without credentials, query or fragment`,
      );
    }
  }
  const credentials = input.credentials;
  if (credentials !== null) {
    if (input.kind === 'cloud' && credentials.kind !== 'basic') {
      problem('credentials', 'a Jira Cloud site takes an e-mail and an API token (basic auth)');
    }
    if (input.kind === 'dc' && credentials.kind !== 'bearer') {
      problem('credentials', 'a Jira Data Center site takes a personal access token (bearer)');
    }
    if (
      credentials.kind === 'basic' &&
      (credentials.email.trim() === '' || credentials.apiToken === '')
    ) {
      problem('credentials', 'basic auth needs both the e-mail and the API token');
    }
    if (credentials.kind === 'bearer' && credentials.token === '') {
      problem('credentials', 'the personal access token is empty');
    }
  }
  if (
    input.webhookSecret !== undefined &&
    input.webhookSecret !== null &&
    input.webhookSecret.length < 8
  ) {
    problem('webhookSecret', 'a webhook secret needs at least 8 characters');
  }
  for (const [i, key] of (input.projects ?? []).entries()) {
    if (!PROJECT_KEY.test(key))
      problem(`projects[${i}]`, `'${key}' is not a Jira project key (e.g. ERP)`);
  }
  const jql = input.jql ?? null;
  if (jql !== null) {
    if (jql.trim() === '') problem('jql', 'the JQL is empty');
    else if (hasOrderBy(jql)) {
      problem(
        'jql',
        'leave ORDER BY out of the JQL: the sync orders by `updated` to resume where it stopped',
      );
    }
  }
  for (const [path, id] of [
    ['startDateField', input.startDateField],
    ['sprintField', input.sprintField],
    ...(input.storyPointsFields ?? []).map((f, i) => [`storyPointsFields[${i}]`, f] as const),
  ] as const) {
    if (id !== undefined && id !== null && !FIELD_ID.test(id)) {
      problem(path, `'${id}' is not a Jira field id (e.g. customfield_10015)`);
    }
  }
  const overlap = input.overlapMinutes ?? 5;
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > 1440) {
    problem(
      'overlapMinutes',
      `the overlap window must be whole minutes from 0 to 1440, not ${overlap}`,
    );
  }
  const pageSize = input.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
    problem('pageSize', `the page size must be a whole number from 1 to 5000, not ${pageSize}`);
  }
  return problems;
}
