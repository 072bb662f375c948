import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import type { WorkItem, WorkItemEvent } from '../core/domain/work-item.ts';
import { buildErpScenario, buildWorkItem } from '../core/test-factories.ts';
import type { Database } from '../store/database.ts';
import { loadWorkHistory } from '../store/history-store.ts';
import { applyPlan } from './apply-plan.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot } from './derive.ts';
import { explainWithHistory } from './explain-entity.ts';
import { ingestWorkItemEvents } from './ingest-work.ts';

let sequence = 0;
function upsert(item: WorkItem): WorkItemEvent {
  sequence += 1;
  return {
    op: 'upsert',
    item,
    change: null,
    order: { updatedAt: item.updatedAt, changelogId: sequence },
    dedupeKey: `test:${item.key}:${sequence}`,
  };
}

/** An ERP item that went in progress on `started` and was done `days` later. */
function completed(n: number, started: string, days: number): WorkItemEvent[] {
  const startDay = Date.parse(`${started}T00:00:00Z`);
  const doneDate = new Date(startDay + days * 86_400_000).toISOString().slice(0, 10);
  const key = `ERP-${100 + n}`;
  return [
    upsert(
      buildWorkItem({
        key,
        updatedAt: `${started}T09:00:00.000+00:00`,
        statusCategory: 'in_progress',
      }),
    ),
    upsert(
      buildWorkItem({
        key,
        status: 'Done',
        statusCategory: 'done',
        doneDate,
        updatedAt: `${doneDate}T17:00:00.000+00:00`,
      }),
    ),
  ];
}

describe.each(TEST_DATABASES)('explaining with the teams history on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  const scenario = buildErpScenario();

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(scenario.asOf) };
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await applyPlan(ctx, scenario.plan, { actor: 'test' });
    await ingestWorkItemEvents(ctx, scenario.workItems.map(upsert));
  });

  it('says the history is too thin rather than inventing dates', async () => {
    const snapshot = await deriveSnapshot(db, scenario.asOf);
    const explained = await explainWithHistory(db, snapshot!, 'M-PURCH');
    expect(explained.probabilistic).toEqual({
      insufficient: {
        reason: 'insufficient_history',
        team: 'ERP',
        completed: 1,
        needed: 10,
        milestone: 'M-GOLIVE',
      },
    });
    expect(explained.explanation.at(-1)?.text).toBe(
      'No probabilistic dates: team ERP has 1 completed work item in its history, 10 needed (its work holds up M-GOLIVE, upstream)',
    );
  });

  it('draws P50/P85/P95 from the completed work of the team, reproducibly', async () => {
    const events = Array.from({ length: 14 }, (_, n) =>
      completed(n, `2026-0${6 + (n % 3)}-${String(3 + n).padStart(2, '0')}`, 2 + (n % 5)),
    ).flat();
    await ingestWorkItemEvents(ctx, events);
    const history = await loadWorkHistory(db, scenario.asOf);
    expect(history.teams['ERP']).toMatchObject({ completed: 15 });
    expect(history.teams['ERP']?.cycleTimes).toHaveLength(14);
    expect(history.teams['ERP']?.cycleTimes.slice(0, 5)).toEqual([2, 3, 4, 5, 6]);

    const snapshot = await deriveSnapshot(db, scenario.asOf);
    const explained = await explainWithHistory(db, snapshot!, 'M-GOLIVE');
    const forecast = explained.probabilistic;
    if (forecast === undefined || 'insufficient' in forecast) throw new Error('expected dates');
    expect(forecast.samples).toBe(1000);
    expect(forecast.p50 <= forecast.p85 && forecast.p85 <= forecast.p95).toBe(true);
    expect(forecast.p50 > scenario.asOf).toBe(true);
    expect(explained.explanation.at(-1)?.rule).toBe('milestone.probabilistic');
    const again = await explainWithHistory(db, snapshot!, 'M-GOLIVE');
    expect(again.probabilistic).toEqual(forecast);
    // Other entities are explained as they were: no history is read for them.
    const kpi = await explainWithHistory(db, snapshot!, 'K-SAVINGS');
    expect(kpi.probabilistic).toBeUndefined();
  });
});
