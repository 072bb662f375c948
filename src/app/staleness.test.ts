import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import type { Database } from '../store/database.ts';
import { recordSyncFailure, recordSyncSuccess } from '../store/jira-site-store.ts';
import { listSignals } from '../store/signal-store.ts';
import { lockForWrite } from '../store/write-lock.ts';
import { pinnedClock } from './clock.ts';
import { recomputeSignals } from './derive.ts';
import { DEMO_AS_OF, DEMO_SOURCE, loadDemo } from './load-demo.ts';

describe.each(TEST_DATABASES)('staleness signals on $name', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await loadDemo({ db, clock: pinnedClock(DEMO_AS_OF) }, undefined);
  });
  afterAll(async () => {
    await db.close();
  });

  async function recompute(at: Date) {
    return db.transaction(async (tx) => {
      await lockForWrite(db, tx);
      return recomputeSignals(tx, DEMO_AS_OF, at);
    });
  }

  it('raises "data older than N minutes" on what depends on a site that went down, and resolves on catch-up', async () => {
    const t0 = new Date('2026-09-14T08:00:00Z');
    await recordSyncSuccess(db, DEMO_SOURCE, t0);
    await recordSyncFailure(db, DEMO_SOURCE, new Date('2026-09-14T08:10:00Z'), {
      code: 'jira.unreachable',
      message: 'connection refused',
    });
    // Twenty minutes in: not stale yet.
    expect((await recompute(new Date('2026-09-14T08:20:00Z'))).signals.raised).toEqual([]);
    // Forty minutes in: stale.
    const later = await recompute(new Date('2026-09-14T08:40:00Z'));
    expect(later.signals.raised).toEqual(['source.stale:demo']);
    const [signal] = (await listSignals(db)).filter((s) => s.kind === 'source.stale');
    expect(signal?.chain[0]?.text).toContain('data older than 30 minutes');
    expect(signal?.chain[0]?.text).toContain('connection refused');
    expect(signal?.chain.slice(1).map((s) => s.id)).toEqual(['M-GOLIVE']);
    expect(signal?.affectedOwners).toEqual(['priya']);
    // The site is back and a sync succeeds: the signal resolves.
    await recordSyncSuccess(db, DEMO_SOURCE, new Date('2026-09-14T08:45:00Z'));
    const back = await recompute(new Date('2026-09-14T08:46:00Z'));
    expect(back.signals.resolved).toEqual(['source.stale:demo']);
  });
});
