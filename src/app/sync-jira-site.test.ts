import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { loopbackFetch } from '../../test/support/loopback-fetch.ts';
import { jqlSinceLiteral } from '../connectors/jira/jira-jql.ts';
import { startJiraStandIn, type JiraStandIn } from '../connectors/jira/stand-in/jira-stand-in.ts';
import { DomainError } from '../core/errors.ts';
import { buildErpScenario } from '../core/test-factories.ts';
import type { Database } from '../store/database.ts';
import { listStaleSources, loadJiraSite } from '../store/jira-site-store.ts';
import { createSecretBox } from '../store/secret-box.ts';
import { listSignals } from '../store/signal-store.ts';
import { loadLatestChanges, loadWorkItems } from '../store/work-item-store.ts';
import { addJiraSite, type AddJiraSiteInput } from './add-jira-site.ts';
import { applyPlan } from './apply-plan.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import {
  DEMO_STAND_IN_CREDENTIALS,
  DEMO_STAND_IN_TIME_ZONE,
  DEMO_WEBHOOK_SECRET,
  ensureDemoJiraSite,
} from './demo-jira-site.ts';
import { findJiraWebhookSecret, openJiraCredentials } from './jira-site-secrets.ts';
import { DEMO_FILES, loadDemo } from './load-demo.ts';
import { syncJiraSite, type SyncJiraSiteOptions, type SyncProgress } from './sync-jira-site.ts';

const RAW_TOKEN = 'ATATT3xFfGF0-raw-api-token-that-must-never-be-stored';
const RAW_SECRET = 'whsec-raw-webhook-secret-never-stored';
const EMAIL = 'sync@acme.example';
const T0 = Date.parse('2026-09-10T08:00:00.000Z');

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe.each(TEST_DATABASES)('syncing a Jira site on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  let standIn: JiraStandIn;
  /** The stand-in's clock: issue timestamps, moved by the tests. */
  let jiraNow = T0;
  const net = loopbackFetch();
  const fastRetries: SyncJiraSiteOptions['http'] = {
    fetch: net.fetch,
    maxAttempts: 2,
    backoffBaseMs: 10,
  };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock('2026-09-14'), secrets: createSecretBox(randomBytes(32)) };
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await db.exec('DELETE FROM jira_site');
    jiraNow = T0;
    standIn = await startJiraStandIn({
      kind: 'cloud',
      credentials: { email: EMAIL, apiToken: RAW_TOKEN },
      timeZone: 'Europe/Berlin',
      now: () => new Date(jiraNow),
    });
  });
  afterEach(async () => {
    await standIn.close();
    net.expectNoStrayCalls();
  });

  /** Adds issues ERP-from … ERP-to, one minute apart. */
  function addIssues(from: number, to: number): void {
    for (let n = from; n <= to; n += 1) {
      jiraNow += 60_000;
      standIn.issues.add({ key: `ERP-${n}`, fields: { duedate: '2026-11-30' } });
    }
  }

  async function addCloudSite(overrides: Partial<AddJiraSiteInput> = {}): Promise<void> {
    await addJiraSite(ctx, {
      id: 'acme',
      kind: 'cloud',
      baseUrl: standIn.url,
      credentials: { kind: 'basic', email: EMAIL, apiToken: RAW_TOKEN },
      webhookSecret: RAW_SECRET,
      projects: ['ERP'],
      pageSize: 10,
      ...overrides,
    });
  }

  const searches = () => standIn.exchanges.filter((e) => e.path === '/rest/api/3/search/jql');

  it('reads everything in pages first, then only what changed, with nothing doubled', async () => {
    addIssues(1, 25);
    await addCloudSite();
    const first = await syncJiraSite(ctx, 'acme', { http: fastRetries });
    expect(first).toMatchObject({
      mode: 'initial',
      pages: 3,
      issues: 25,
      applied: 25,
      duplicates: 0,
    });
    expect(first.jql).toBe('(project in ("ERP")) ORDER BY updated ASC, key ASC');
    expect(searches().map((s) => s.query.nextPageToken === undefined)).toEqual([
      true,
      false,
      false,
    ]);
    expect(await loadWorkItems(db)).toHaveLength(25);
    const cursor = new Date(T0 + 25 * 60_000).toISOString();
    expect(first.cursor).toBe(cursor);
    expect((await loadJiraSite(db, 'acme'))?.syncCursor).toBe(cursor);

    // An hour later in Jira: one issue slips and is done, one is new.
    jiraNow += 3_600_000;
    standIn.issues.update('ERP-3', {
      duedate: '2026-12-18',
      status: { id: '10001', name: 'Done', statusCategory: { id: 3, key: 'done', name: 'Done' } },
    });
    addIssues(26, 26);
    standIn.clearExchanges();
    const second = await syncJiraSite(ctx, 'acme', { http: fastRetries });
    const since = jqlSinceLiteral(cursor, 5, 'Europe/Berlin');
    expect(second.jql).toBe(
      `(project in ("ERP")) AND updated >= "${since}" ORDER BY updated ASC, key ASC`,
    );
    expect(searches()[0]?.query.jql).toEqual([second.jql]);
    expect(second.mode).toBe('incremental');
    expect(second.applied).toBe(2);
    // The overlap window reads a few issues again; they are recognised and change nothing.
    expect(second.duplicates).toBe(second.issues - 2);
    expect(second.duplicates).toBeGreaterThan(0);

    const items = await loadWorkItems(db);
    expect(items).toHaveLength(26);
    const erp3 = items.find((i) => i.key === 'ERP-3');
    expect(erp3).toMatchObject({ dueDate: '2026-12-18', statusCategory: 'done', status: 'Done' });
    // The change comes from the issue's changelog: the cause chain can start there.
    const changes = await loadLatestChanges(db);
    expect(changes['ERP-3']?.changes).toEqual(
      expect.arrayContaining([
        { field: 'dueDate', label: 'duedate', from: '2026-11-30', to: '2026-12-18' },
      ]),
    );
    const history = await db.query<{ key: string; n: number }>(
      `SELECT key, count(*)::int AS n FROM work_item_history GROUP BY key HAVING count(*) > 1`,
    );
    expect(history).toEqual([{ key: 'ERP-3', n: 2 }]);

    const third = await syncJiraSite(ctx, 'acme', { http: fastRetries });
    expect(third.applied).toBe(0);
    expect(third.issues).toBe(third.duplicates);
  });

  it('survives a 429 storm mid-sync, honouring each Retry-After', async () => {
    addIssues(1, 12);
    await addCloudSite({ pageSize: 5 });
    const progress: SyncProgress[] = [];
    const result = await syncJiraSite(ctx, 'acme', {
      http: { fetch: net.fetch },
      onProgress: (p) => {
        progress.push(p);
        if (p.kind === 'page' && p.page === 1) standIn.rateLimit(3, 1);
      },
    });
    expect(result).toMatchObject({ pages: 3, issues: 12, applied: 12 });
    expect(await loadWorkItems(db)).toHaveLength(12);
    const statuses = standIn.exchanges.map((e) => e.status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    const retries = progress.filter((p) => p.kind === 'retry');
    expect(retries).toHaveLength(3);
    expect(retries.every((r) => r.kind === 'retry' && r.retryAfter && r.waitMs >= 1000)).toBe(true);
    // Nobody knocked again before the site said so.
    const at = standIn.exchanges.map((e) => e.at);
    standIn.exchanges.forEach((e, i) => {
      if (e.status === 429)
        expect((at[i + 1] ?? Infinity) - (at[i] ?? 0)).toBeGreaterThanOrEqual(1000);
    });
  });

  it('records an outage as staleness, keeps the data it had, and catches up when Jira is back', async () => {
    addIssues(1, 10);
    await addCloudSite();
    await syncJiraSite(ctx, 'acme', { http: fastRetries });
    const before = await loadWorkItems(db);

    // Jira goes down; work goes on there.
    await standIn.setOutage('refuse');
    jiraNow += 600_000;
    standIn.issues.update('ERP-2', { duedate: '2026-12-01' });
    standIn.issues.update('ERP-7', { summary: 'Renamed while we could not see' });
    addIssues(11, 12);
    const down = await errorOf(syncJiraSite(ctx, 'acme', { http: fastRetries }));
    expect(down.code).toBe('jira.unreachable');
    expect(down.message).toContain('connection refused');
    expect(await loadWorkItems(db)).toEqual(before);
    const failed = await loadJiraSite(db, 'acme');
    expect(failed?.lastError).toEqual({ code: 'jira.unreachable', message: down.message });
    const later = new Date(ctx.clock.now().getTime() + 31 * 60_000);
    const stale = await listStaleSources(db, later, 30);
    expect(stale).toMatchObject([
      { source: 'acme', lastError: { code: 'jira.unreachable' }, syncCursor: failed?.syncCursor },
    ]);
    expect(stale[0]?.staleMinutes).toBeGreaterThanOrEqual(31);

    // It comes back answering 503 with Retry-After for a while: still down.
    await standIn.setOutage('503', 1);
    expect((await errorOf(syncJiraSite(ctx, 'acme', { http: fastRetries }))).message).toContain(
      '503',
    );

    await standIn.setOutage(null);
    const caughtUp = await syncJiraSite(ctx, 'acme', { http: fastRetries });
    expect(caughtUp.applied).toBe(4);
    const items = await loadWorkItems(db);
    expect(items).toHaveLength(12);
    expect(items.find((i) => i.key === 'ERP-2')?.dueDate).toBe('2026-12-01');
    expect(items.find((i) => i.key === 'ERP-7')?.summary).toBe('Renamed while we could not see');
    expect(await listStaleSources(db, new Date(ctx.clock.now().getTime() + 60_000), 30)).toEqual(
      [],
    );
    expect((await loadJiraSite(db, 'acme'))?.lastError).toBeNull();
  });

  it('keeps credentials and the webhook secret encrypted at rest, and opens them for use', async () => {
    await addCloudSite();
    const row = await db.query<{ credentials_sealed: string; webhook_secret_sealed: string }>(
      'SELECT credentials_sealed, webhook_secret_sealed FROM jira_site',
    );
    expect(row[0]?.credentials_sealed).toMatch(/^v1\./);
    expect(row[0]?.webhook_secret_sealed).toMatch(/^v1\./);
    // Nowhere in the database: every table, every row, as text.
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toContain('jira_site');
    for (const { table_name } of tables) {
      const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
      for (const { row } of rows) {
        expect(row).not.toContain(RAW_TOKEN);
        expect(row).not.toContain(RAW_SECRET);
      }
    }
    const site = await loadJiraSite(db, 'acme');
    if (site === null) throw new Error('no site');
    expect(await openJiraCredentials(ctx, site)).toEqual({
      kind: 'basic',
      email: EMAIL,
      apiToken: RAW_TOKEN,
    });
    expect(await findJiraWebhookSecret(ctx, 'acme')).toBe(RAW_SECRET);
    // Another installation's key cannot open them.
    const elsewhere = { ...ctx, secrets: createSecretBox(randomBytes(32)) };
    expect((await errorOf(findJiraWebhookSecret(elsewhere, 'acme'))).code).toBe('config.invalid');
  });

  it('reports refused credentials without retrying, and records the failure', async () => {
    await addCloudSite({ credentials: { kind: 'basic', email: EMAIL, apiToken: 'wrong' } });
    const error = await errorOf(syncJiraSite(ctx, 'acme', { http: fastRetries }));
    expect(error.code).toBe('jira.auth_failed');
    expect(standIn.exchanges).toHaveLength(1);
    expect((await loadJiraSite(db, 'acme'))?.lastError?.code).toBe('jira.auth_failed');
  });

  it('syncs the work the plan links to when the site names no projects or JQL', async () => {
    const scenario = buildErpScenario();
    await applyPlan(ctx, scenario.plan, { actor: 'test' });
    addIssues(15, 20);
    await addCloudSite({ projects: [] });
    const result = await syncJiraSite(ctx, 'acme', { http: fastRetries });
    // The scenario's go-live milestone links ERP-17 and ERP-18.
    expect(result.jql).toBe('(issuekey in ("ERP-17", "ERP-18")) ORDER BY updated ASC, key ASC');
    expect((await loadWorkItems(db)).map((i) => i.key).sort()).toEqual(['ERP-17', 'ERP-18']);
  });

  it('refuses bad site settings all at once, and names unknown sites', async () => {
    const error = await errorOf(
      addJiraSite(ctx, {
        id: 'Bad Id',
        kind: 'dc',
        baseUrl: 'ftp://x?y',
        credentials: { kind: 'basic', email: EMAIL, apiToken: 'x' },
        projects: ['erp'],
        jql: 'project = ERP ORDER BY key',
        overlapMinutes: -1,
      }),
    );
    expect(error.problems.map((p) => p.path)).toEqual([
      'id',
      'baseUrl',
      'credentials',
      'projects[0]',
      'jql',
      'overlapMinutes',
    ]);
    expect((await errorOf(syncJiraSite(ctx, 'nope'))).code).toBe('jira.unknown_site');
    expect((await errorOf(findJiraWebhookSecret(ctx, 'nope'))).code).toBe('webhook.unknown_site');
  });

  it('gives the demo its site with demo-secret, and a slip found by sync raises the ERP signal', async () => {
    await standIn.close();
    const page = JSON.parse(await readFile(DEMO_FILES.jiraSnapshot, 'utf8')) as {
      issues: Record<string, unknown>[];
    };
    // The demo's Jira, as `throughline jira stand-in --demo` serves it, on a free port.
    jiraNow = Date.parse('2026-09-15T07:42:17.512Z');
    standIn = await startJiraStandIn({
      kind: 'cloud',
      credentials: {
        email: DEMO_STAND_IN_CREDENTIALS.email,
        apiToken: DEMO_STAND_IN_CREDENTIALS.apiToken,
      },
      timeZone: DEMO_STAND_IN_TIME_ZONE,
      issues: page.issues,
      now: () => new Date(jiraNow),
    });
    await loadDemo(ctx, undefined);
    // The demo loader may already have made it.
    expect(['created', 'exists']).toContain(await ensureDemoJiraSite(ctx));
    expect(await ensureDemoJiraSite(ctx)).toBe('exists');
    expect(await findJiraWebhookSecret(ctx, 'demo')).toBe(DEMO_WEBHOOK_SECRET);
    await db.query('UPDATE jira_site SET base_url = $1 WHERE id = $2', [standIn.url, 'demo']);

    // The same issues the demo loaded from its saved page: nothing new.
    const initial = await syncJiraSite(ctx, 'demo', { http: fastRetries });
    expect(initial).toMatchObject({ issues: 6, applied: 0, stale: 6 });
    expect(await listSignals(db)).toEqual([]);

    standIn.issues.update('ERP-17', { duedate: '2026-10-23' });
    const slip = await syncJiraSite(ctx, 'demo', { http: fastRetries });
    expect(slip.applied).toBe(1);
    expect(slip.signals.raised.length).toBeGreaterThan(0);
    const signals = await listSignals(db);
    const kpi = signals.find((s) => s.kind.startsWith('kpi'));
    expect(kpi?.chain[0]?.text).toContain('ERP-17');
    expect(kpi?.chain[0]?.text).toContain('2026-10-23');

    // Configuring the demo site for real makes it an ordinary site with sealed secrets.
    await addJiraSite(ctx, {
      id: 'demo',
      kind: 'cloud',
      baseUrl: standIn.url,
      credentials: { kind: 'basic', email: EMAIL, apiToken: RAW_TOKEN },
      webhookSecret: RAW_SECRET,
      projects: ['ERP'],
    });
    expect(await findJiraWebhookSecret(ctx, 'demo')).toBe(RAW_SECRET);
    expect((await loadJiraSite(db, 'demo'))?.demo).toBe(false);
  });
});

describe('syncing a Jira Data Center site', () => {
  let db: Database;
  let ctx: AppContext;
  let standIn: JiraStandIn;
  const net = loopbackFetch();

  beforeAll(async () => {
    db = await openTestDatabase({ name: 'pglite' });
    ctx = { db, clock: pinnedClock('2026-09-14'), secrets: createSecretBox(randomBytes(32)) };
    standIn = await startJiraStandIn({
      kind: 'dc',
      credentials: { token: 'dc-personal-access-token' },
    });
  });
  afterAll(async () => {
    await standIn.close();
    await db.close();
  });

  it('uses the bearer PAT and startAt paging, and reads epic links, sprints and story points', async () => {
    standIn.issues.add({
      key: 'ERP-1',
      summary: 'Epic',
      fields: { issuetype: { id: '10000', name: 'Epic' } },
    });
    for (let n = 2; n <= 8; n += 1) {
      standIn.issues.add({
        key: `ERP-${n}`,
        fields: {
          customfield_10100: 'ERP-1',
          customfield_10106: n,
          customfield_10101: [
            `com.atlassian.greenhopper.service.sprint.Sprint@3f[id=4,rapidViewId=2,state=ACTIVE,name=Cutover 4,goal=,startDate=2026-09-07T09:00:00.000+02:00,endDate=2026-09-18T17:00:00.000+02:00,completeDate=<null>,sequence=4]`,
          ],
        },
      });
    }
    await addJiraSite(ctx, {
      id: 'plant-dc',
      kind: 'dc',
      baseUrl: `${standIn.url}/`,
      credentials: { kind: 'bearer', token: 'dc-personal-access-token' },
      projects: ['ERP'],
      pageSize: 3,
    });
    const result = await syncJiraSite(ctx, 'plant-dc', { http: { fetch: net.fetch } });
    net.expectNoStrayCalls();
    expect(result).toMatchObject({ mode: 'initial', issues: 8, applied: 8 });
    const exchanges = standIn.exchanges;
    expect(
      exchanges.every((e) => e.headers.authorization === 'Bearer dc-personal-access-token'),
    ).toBe(true);
    expect(exchanges.map((e) => e.path)).not.toContain('/rest/api/3/search/jql');
    const searches = exchanges.filter((e) => e.path === '/rest/api/2/search');
    expect(searches.map((e) => e.query.startAt?.[0])).toEqual(['0', '2', '4', '6']);
    const items = await loadWorkItems(db);
    expect(items).toHaveLength(8);
    expect(items.find((i) => i.key === 'ERP-5')).toMatchObject({
      parentKey: 'ERP-1',
      storyPoints: 5,
      sprint: {
        name: 'Cutover 4',
        state: 'active',
        startDate: '2026-09-07',
        endDate: '2026-09-18',
      },
    });
  });

  it('tells a Cloud site configured as Data Center that the old search is gone', async () => {
    const cloud = await startJiraStandIn({ kind: 'cloud', credentials: { token: 'pat' } });
    try {
      cloud.issues.add({ key: 'ERP-1' });
      await addJiraSite(ctx, {
        id: 'misconfigured',
        kind: 'dc',
        baseUrl: cloud.url,
        credentials: { kind: 'bearer', token: 'pat' },
        projects: ['ERP'],
      });
      const error = await errorOf(
        syncJiraSite(ctx, 'misconfigured', { http: { fetch: net.fetch } }),
      );
      expect(error.code).toBe('jira.refused');
      expect(error.message).toContain('answered 410');
      expect(error.message).toContain('/rest/api/3/search/jql');
    } finally {
      await cloud.close();
    }
  });
});
