import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import type { WorkItemEvent } from '../core/domain/work-item.ts';
import { listAudit } from '../store/audit-store.ts';
import type { Database } from '../store/database.ts';
import { listDecisions } from '../store/decision-store.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { ingestWorkItemEvents } from './ingest-work.ts';
import { createLiveModel } from './live-model.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from './load-demo.ts';

async function deliveries(file: string): Promise<WorkItemEvent[]> {
  const payload: unknown = JSON.parse(await readFile(file, 'utf8'));
  return normalizeJiraPayload(payload, { source: DEMO_SOURCE, file }).entries;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Decisions that open by themselves: inside the write on a small portfolio; after the commit,
 * once no write runs, where pricing would hold up the write (forced here with a budget of 0).
 */
describe.each(TEST_DATABASES)('decisions opening by themselves on $name', (kind) => {
  let db: Database;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await loadDemo({ db, clock: pinnedClock(DEMO_AS_OF) }, undefined);
  });

  it('opens DEC-1 inside the ingest that raises the ERP-17 incident', async () => {
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF), model: createLiveModel() };
    await ingestWorkItemEvents(ctx, await deliveries(DEMO_FILES.erp17Slip));
    const decisions = await listDecisions(db);
    expect(decisions.map((d) => [d.id, d.openedBy, d.incident])).toEqual([
      ['DEC-1', 'engine', 'incident:work_item:ERP-17'],
    ]);
  });

  it('opens it after the commit, priced as in the write, when pricing costs too much for a write', async () => {
    const model = createLiveModel({ inWritePricingMs: 0, openerQuietMs: 500 });
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF), model };
    await ingestWorkItemEvents(ctx, await deliveries(DEMO_FILES.erp17Slip));
    // Committed without it: the write left it due, to open once no write has run for 500 ms.
    expect(await listDecisions(db)).toEqual([]);
    expect(model.autoOpenLedger.deferred).toBe(true);
    const after = await until(
      () => listDecisions(db),
      (list) => list.length > 0,
    );
    expect(after.map((d) => [d.id, d.openedBy, d.incident, d.status])).toEqual([
      ['DEC-1', 'engine', 'incident:work_item:ERP-17', 'open'],
    ]);
    // Priced and weighed as one opened in the write: the engine's options, Dana decides.
    const inWrite = createLiveModel();
    await resetDatabase(db);
    await loadDemo({ db, clock: pinnedClock(DEMO_AS_OF) }, undefined);
    await ingestWorkItemEvents(
      { db, clock: pinnedClock(DEMO_AS_OF), model: inWrite },
      await deliveries(DEMO_FILES.erp17Slip),
    );
    const [expected] = await listDecisions(db);
    const [opened] = after;
    expect(opened!.decider).toEqual(expected!.decider);
    expect(opened!.options.map((o) => [o.title, o.changes, o.effect])).toEqual(
      expected!.options.map((o) => [o.title, o.changes, o.effect]),
    );
    expect(opened!.dueDate).toBe(expected!.dueDate);
  });

  it('opens it once, by engine, with its audit entry; a write that moves no signal looks no more', async () => {
    const model = createLiveModel({ inWritePricingMs: 0, openerQuietMs: 50 });
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF), model };
    const slip = await deliveries(DEMO_FILES.erp17Slip);
    await ingestWorkItemEvents(ctx, slip);
    await until(
      () => listDecisions(db),
      (list) => list.length > 0,
    );
    // The same delivery again, and time for the opener: nothing more opens.
    await ingestWorkItemEvents(ctx, slip);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const decisions = await listDecisions(db);
    expect(decisions.map((d) => d.id)).toEqual(['DEC-1']);
    const audit = await listAudit(db, { limit: 10_000 });
    const opened = audit.filter((e) => e.action === 'decision.open');
    expect(opened.map((e) => [e.item, e.actor])).toEqual([['decision/DEC-1', 'engine']]);
    expect(model.autoOpenLedger.settledAt).toBe(model.autoOpenLedger.epoch);
  });
});
