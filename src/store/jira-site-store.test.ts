import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import type { Database } from './database.ts';
import {
  advanceSyncCursor,
  claimSyncLease,
  listJiraSites,
  listStaleSources,
  loadJiraSite,
  recordSyncFailure,
  recordSyncStart,
  recordSyncSuccess,
  releaseSyncLease,
  saveJiraSite,
  type JiraSiteInput,
} from './jira-site-store.ts';

function site(id: string, overrides: Partial<JiraSiteInput> = {}): JiraSiteInput {
  return {
    id,
    kind: 'cloud',
    baseUrl: `https://${id}.atlassian.net`,
    authKind: 'basic',
    credentialsSealed: 'v1.sealed',
    webhookSecretSealed: null,
    demo: false,
    config: {
      projects: ['ERP'],
      jql: null,
      startDateField: null,
      storyPointsFields: null,
      sprintField: null,
      overlapMinutes: 5,
      pageSize: 100,
    },
    ...overrides,
  };
}

const at = (iso: string): Date => new Date(iso);

describe.each(TEST_DATABASES)('the Jira site store on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await db.exec('DELETE FROM jira_site');
  });

  it('creates a site, and replacing its configuration keeps its cursor and sync history', async () => {
    expect(await saveJiraSite(db, site('acme'), at('2026-09-01T00:00:00Z'))).toBe('created');
    await advanceSyncCursor(db, 'acme', '2026-09-14T10:00:00.000+02:00');
    await recordSyncSuccess(db, 'acme', at('2026-09-14T09:00:00Z'));
    expect(
      await saveJiraSite(
        db,
        site('acme', { baseUrl: 'https://acme2.atlassian.net' }),
        at('2026-09-15T00:00:00Z'),
      ),
    ).toBe('updated');
    const loaded = await loadJiraSite(db, 'acme');
    expect(loaded).toMatchObject({
      id: 'acme',
      baseUrl: 'https://acme2.atlassian.net',
      syncCursor: '2026-09-14T08:00:00.000Z',
      lastSuccessAt: '2026-09-14T09:00:00.000Z',
      createdAt: '2026-09-01T00:00:00.000Z',
      updatedAt: '2026-09-15T00:00:00.000Z',
      config: { projects: ['ERP'], overlapMinutes: 5 },
    });
    expect(await loadJiraSite(db, 'nope')).toBeNull();
    await saveJiraSite(db, site('beta'), at('2026-09-01T00:00:00Z'));
    expect((await listJiraSites(db)).map((s) => s.id)).toEqual(['acme', 'beta']);
  });

  it('only ever moves the cursor forward', async () => {
    await saveJiraSite(db, site('acme'), at('2026-09-01T00:00:00Z'));
    await advanceSyncCursor(db, 'acme', '2026-09-14T10:00:00.000Z');
    await advanceSyncCursor(db, 'acme', '2026-09-13T10:00:00.000Z');
    expect((await loadJiraSite(db, 'acme'))?.syncCursor).toBe('2026-09-14T10:00:00.000Z');
    await advanceSyncCursor(db, 'acme', '2026-09-14T10:00:00.001Z');
    expect((await loadJiraSite(db, 'acme'))?.syncCursor).toBe('2026-09-14T10:00:00.001Z');
  });

  it('lists the sites whose data is older than the threshold', async () => {
    const created = at('2026-09-14T08:00:00Z');
    await saveJiraSite(db, site('fresh'), created);
    await saveJiraSite(db, site('old'), created);
    await saveJiraSite(db, site('down'), created);
    await saveJiraSite(db, site('never-tried'), created);
    await saveJiraSite(db, site('never-worked'), created);
    await recordSyncSuccess(db, 'fresh', at('2026-09-14T09:50:00Z'));
    await recordSyncSuccess(db, 'old', at('2026-09-14T09:00:00Z'));
    await recordSyncSuccess(db, 'down', at('2026-09-14T09:10:00Z'));
    await recordSyncStart(db, 'down', at('2026-09-14T09:55:00Z'));
    await recordSyncFailure(db, 'down', at('2026-09-14T09:55:01Z'), {
      code: 'jira.unreachable',
      message: 'connection refused',
    });
    await recordSyncFailure(db, 'never-worked', at('2026-09-14T08:01:00Z'), {
      code: 'jira.auth_failed',
      message: '401',
    });
    const stale = await listStaleSources(db, at('2026-09-14T10:00:00Z'), 30);
    expect(stale.map((s) => [s.source, s.staleMinutes, s.lastError?.code ?? null])).toEqual([
      ['down', 50, 'jira.unreachable'],
      ['never-worked', 120, 'jira.auth_failed'],
      ['old', 60, null],
    ]);
    // Back up: a success after the failure clears the error and the staleness.
    await recordSyncSuccess(db, 'down', at('2026-09-14T09:58:00Z'));
    expect(
      (await listStaleSources(db, at('2026-09-14T10:00:00Z'), 30)).map((s) => s.source),
    ).toEqual(['never-worked', 'old']);
    expect((await loadJiraSite(db, 'down'))?.lastError).toBeNull();
  });

  it('lends the sync lease to one owner at a time, until it expires', async () => {
    await saveJiraSite(db, site('acme'), at('2026-09-01T00:00:00Z'));
    const t0 = at('2026-09-14T10:00:00Z');
    const until = at('2026-09-14T10:01:00Z');
    expect(await claimSyncLease(db, 'acme', 'instance-a', t0, until)).toBe(true);
    expect(await claimSyncLease(db, 'acme', 'instance-b', t0, until)).toBe(false);
    expect(await claimSyncLease(db, 'acme', 'instance-a', t0, at('2026-09-14T10:02:00Z'))).toBe(
      true,
    );
    expect(
      await claimSyncLease(
        db,
        'acme',
        'instance-b',
        at('2026-09-14T10:02:00Z'),
        at('2026-09-14T10:03:00Z'),
      ),
    ).toBe(true);
    await releaseSyncLease(db, 'acme', 'instance-a');
    expect((await loadJiraSite(db, 'acme'))?.leaseOwner).toBe('instance-b');
    await releaseSyncLease(db, 'acme', 'instance-b');
    expect((await loadJiraSite(db, 'acme'))?.leaseOwner).toBeNull();
  });
});
