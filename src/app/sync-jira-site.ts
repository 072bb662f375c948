import {
  createJiraClient,
  type JiraClientOptions,
  type JiraRetryNotice,
} from '../connectors/jira/jira-client.ts';
import {
  jqlSinceLiteral,
  planLinksJql,
  projectsJql,
  syncJql,
} from '../connectors/jira/jira-jql.ts';
import {
  discoverJiraFields,
  fetchJiraIssuePages,
  readJiraIdentity,
  type JiraIssuePage,
} from '../connectors/jira/jira-sync.ts';
import { DomainError } from '../core/errors.ts';
import {
  advanceSyncCursor,
  loadJiraSite,
  recordSyncFailure,
  recordSyncStart,
  recordSyncSuccess,
  type JiraSiteRecord,
} from '../store/jira-site-store.ts';
import { loadPlan } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import { ingestInWrite, type IngestCounts } from './ingest-work.ts';
import { sourceActor, write, type WriteOrigin } from './write.ts';
import { openJiraCredentials } from './jira-site-secrets.ts';

/**
 * Syncs one Jira site: fetch → normalise → ingest, one transaction per page.
 *
 * Each page is stored in one transaction together with the site's cursor (the latest `updated`
 * on the page). The pages come oldest change first, so a sync that dies half-way (a crash, a
 * kill, the site going down) leaves every page before the cursor stored and nothing after it;
 * the next sync asks again from the cursor less the overlap window, and whatever it sees twice
 * is recognised (same issue, same `updated`) and changes nothing. A failed sync is recorded on
 * the site, which is how staleness is known (`listStaleSources`).
 */

export type SyncProgress =
  | {
      kind: 'start';
      site: string;
      mode: 'initial' | 'incremental';
      jql: string;
      /** Who the credentials are on the site, and the zone JQL dates are read in. */
      user: string;
      timeZone: string | null;
    }
  | ({ kind: 'retry'; site: string } & JiraRetryNotice)
  | ({
      kind: 'page';
      site: string;
      page: number;
      issues: number;
      /** Data Center only: how many issues the search matched. */
      total: number | null;
      cursor: string | null;
    } & IngestCounts);

export interface SyncJiraSiteOptions {
  /** Ignores the cursor and reads everything the site selects again. */
  full?: boolean;
  onProgress?: (progress: SyncProgress) => void;
  /** HTTP tuning (timeouts, retries, the fetch to use); the site's own settings are kept. */
  http?: Omit<Partial<JiraClientOptions>, 'siteId' | 'baseUrl' | 'credentials' | 'onRetry'>;
  /** Who started the sync (the audit log's origin): the command line unless the server says so. */
  origin?: WriteOrigin;
}

export interface SyncJiraSiteResult extends IngestCounts {
  site: string;
  mode: 'initial' | 'incremental';
  /** The JQL of the first request. */
  jql: string;
  pages: number;
  issues: number;
  /** The site's cursor after the sync. */
  cursor: string | null;
  signals: { raised: string[]; changed: string[]; resolved: string[] };
}

/** Runs an initial (no cursor yet, or `full`) or incremental sync of the site. */
export async function syncJiraSite(
  ctx: AppContext,
  siteId: string,
  options: SyncJiraSiteOptions = {},
): Promise<SyncJiraSiteResult> {
  const site = await loadJiraSite(ctx.db, siteId);
  if (site === null) {
    throw new DomainError({
      code: 'jira.unknown_site',
      message: `there is no Jira site '${siteId}'; \`throughline jira site list\` shows the sites`,
      path: 'site',
    });
  }
  const credentials = await openJiraCredentials(ctx, site);
  if (credentials === null) {
    throw new DomainError({
      code: 'config.invalid',
      message: `Jira site '${site.id}' has no API credentials (it only receives webhooks); add them with \`throughline jira site add ${site.id} …\``,
      path: 'credentials',
    });
  }
  await recordSyncStart(ctx.db, site.id, ctx.clock.now());
  try {
    const result = await runSync(ctx, site, credentials, options);
    await recordSyncSuccess(ctx.db, site.id, ctx.clock.now());
    return result;
  } catch (error) {
    // Best effort: when the database itself is what failed, the original error says more.
    await recordSyncFailure(ctx.db, site.id, ctx.clock.now(), summarize(error)).catch(
      () => undefined,
    );
    throw error;
  }
}

async function runSync(
  ctx: AppContext,
  site: JiraSiteRecord,
  credentials: NonNullable<Awaited<ReturnType<typeof openJiraCredentials>>>,
  options: SyncJiraSiteOptions,
): Promise<SyncJiraSiteResult> {
  const progress = options.onProgress ?? (() => undefined);
  const client = createJiraClient({
    ...options.http,
    siteId: site.id,
    baseUrl: site.baseUrl,
    credentials,
    onRetry: (notice) => progress({ kind: 'retry', site: site.id, ...notice }),
  });
  const identity = await readJiraIdentity(client, site.kind);
  const fieldIds = await discoverJiraFields(client, site.kind, {
    startDate: site.config.startDateField,
    storyPoints: site.config.storyPointsFields,
    sprint: site.config.sprintField,
  });
  const selection = await selectionOf(ctx, site);
  const overlap = site.config.overlapMinutes;
  const jqlFrom = (since: string | null): string =>
    syncJql(selection, since === null ? null : jqlSinceLiteral(since, overlap, identity.timeZone));
  const cursor = options.full === true ? null : site.syncCursor;
  const mode = cursor === null ? 'initial' : 'incremental';
  const firstJql = jqlFrom(cursor);
  progress({
    kind: 'start',
    site: site.id,
    mode,
    jql: firstJql,
    user: identity.name,
    timeZone: identity.timeZone,
  });

  const totals = { applied: 0, duplicates: 0, stale: 0, pages: 0, issues: 0 };
  const signals = {
    raised: new Set<string>(),
    changed: new Set<string>(),
    resolved: new Set<string>(),
  };
  let latest = site.syncCursor;
  const pages = fetchJiraIssuePages(client, {
    kind: site.kind,
    source: site.id,
    jqlFrom,
    since: cursor,
    fieldIds,
    pageSize: site.config.pageSize,
    changesSince:
      cursor === null ? null : new Date(Date.parse(cursor) - overlap * 60_000).toISOString(),
  });
  for await (const page of pages) {
    const stored = await storePage(ctx, site.id, page, options.origin ?? { via: 'cli' });
    totals.pages += 1;
    totals.issues += page.events.length;
    totals.applied += stored.applied;
    totals.duplicates += stored.duplicates;
    totals.stale += stored.stale;
    for (const id of stored.signals.raised) signals.raised.add(id);
    for (const id of stored.signals.changed) signals.changed.add(id);
    for (const id of stored.signals.resolved) signals.resolved.add(id);
    if (
      page.latestUpdatedAt !== null &&
      (latest === null || Date.parse(page.latestUpdatedAt) > Date.parse(latest))
    ) {
      latest = new Date(page.latestUpdatedAt).toISOString();
    }
    progress({
      kind: 'page',
      site: site.id,
      page: page.number,
      issues: page.events.length,
      total: page.total,
      cursor: latest,
      applied: stored.applied,
      duplicates: stored.duplicates,
      stale: stored.stale,
    });
  }
  return {
    site: site.id,
    mode,
    jql: firstJql,
    pages: totals.pages,
    issues: totals.issues,
    applied: totals.applied,
    duplicates: totals.duplicates,
    stale: totals.stale,
    cursor: latest,
    signals: {
      raised: [...signals.raised],
      changed: [...signals.changed],
      resolved: [...signals.resolved],
    },
  };
}

/** One page and the cursor that follows it, in one transaction. */
async function storePage(
  ctx: AppContext,
  siteId: string,
  page: JiraIssuePage,
  origin: WriteOrigin,
): Promise<IngestCounts & { signals: SignalSync }> {
  const written = await write(ctx, sourceActor(`jira:${siteId}`, origin), async (scope) => {
    const stored = await ingestInWrite(scope, page.events, scope.at);
    if (page.latestUpdatedAt !== null)
      await advanceSyncCursor(scope.tx, siteId, page.latestUpdatedAt);
    return stored;
  });
  return { ...written.value, signals: written.signals };
}

/**
 * What the site syncs: its JQL; else `project in (…)` of its projects; else the work the plan
 * links to (milestones' keys and epics).
 */
async function selectionOf(ctx: AppContext, site: JiraSiteRecord): Promise<string> {
  if (site.config.jql !== null) return site.config.jql;
  if (site.config.projects.length > 0) return projectsJql(site.config.projects);
  const plan = await loadPlan(ctx.db);
  const keys = new Set<string>();
  const epics = new Set<string>();
  for (const milestone of plan?.milestones ?? []) {
    for (const key of milestone.work.keys) keys.add(key);
    for (const epic of milestone.work.epics) epics.add(epic);
  }
  const fromPlan = planLinksJql([...keys].sort(), [...epics].sort(), site.kind);
  if (fromPlan === null) {
    throw new DomainError({
      code: 'config.invalid',
      message: `Jira site '${site.id}' selects no work: give it projects or JQL (\`throughline jira site add ${site.id} --projects KEY…\`), or link milestones to Jira keys or epics in the plan`,
      path: 'config.projects',
    });
  }
  return fromPlan;
}

function summarize(error: unknown): { code: string; message: string } {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
