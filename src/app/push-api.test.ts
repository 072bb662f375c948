import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { resetImportTables, storedState } from '../../test/support/import-helpers.ts';
import { DomainError } from '../core/errors.ts';
import type { Database } from '../store/database.ts';
import { listPlanHistory, loadPlan } from '../store/plan-store.ts';
import { loadWorkItems } from '../store/work-item-store.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { loadDemo } from './load-demo.ts';
import { pushKpiActuals, pushWorkItems, type PushWorkItemsRequest } from './push-api.ts';

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const workBatch: PushWorkItemsRequest = {
  source: 'servicenow',
  items: [
    {
      key: 'CHG-1042',
      summary: 'Cut over purchasing interfaces',
      status: 'Scheduled',
      statusCategory: 'in_progress',
      dueDate: '2026-10-09',
      updatedAt: '2026-09-14T09:30:00+02:00',
    },
    {
      key: 'CHG-1043',
      summary: 'Retire the old PO printer',
      status: 'Closed',
      statusCategory: 'done',
      doneDate: '2026-09-12',
      updatedAt: '2026-09-12T16:00:00Z',
    },
  ],
};

describe.each(TEST_DATABASES)('the push API on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock('2026-09-14') };
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await resetImportTables(db);
    await loadDemo(ctx, undefined);
  });

  it('sets KPI actuals in one commit and recomputes the signals', async () => {
    const answer = await pushKpiActuals(
      ctx,
      {
        source: 'bi-warehouse',
        actuals: [
          { kpi: 'K-OTD', period: '2026-Q3', value: 85 },
          { kpi: 'K-DOWNTIME', period: '2026-Q3', value: 112 },
        ],
      },
      { actor: 'sam' },
    );
    expect(answer).toMatchObject({
      statusCode: 200,
      replayed: false,
      body: {
        source: 'bi-warehouse',
        received: 2,
        changed: 1,
        unchanged: 1,
        figureChanges: [
          {
            collection: 'kpis',
            id: 'K-OTD',
            field: 'actuals',
            period: '2026-Q3',
            from: 96,
            to: 85,
          },
        ],
        changes: [{ collection: 'kpis', id: 'K-OTD', action: 'updated', fields: ['actuals'] }],
        signals: { raised: ['kpi.misses_target:K-OTD:2026-Q3'], changed: [], resolved: [] },
      },
    });
    expect((await listPlanHistory(db, 1))[0]).toMatchObject({ entityId: 'K-OTD', actor: 'sam' });
  });

  it('the same key twice: one effect, the same answer', async () => {
    const request = { actuals: [{ kpi: 'K-OTD', period: '2026-Q4', value: 91 }] };
    const first = await pushKpiActuals(ctx, request, { actor: 'sam', idempotencyKey: 'k-1' });
    const stateAfterFirst = await storedState(db);
    const second = await pushKpiActuals(ctx, request, { actor: 'sam', idempotencyKey: 'k-1' });
    expect(second.replayed).toBe(true);
    expect(second.statusCode).toBe(first.statusCode);
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    expect(await storedState(db)).toEqual(stateAfterFirst);
    expect((await listPlanHistory(db, 100_000)).filter((h) => h.actor === 'sam')).toHaveLength(1);

    // Without a key the same request is simply applied again: it changes nothing the second time.
    const unkeyed = await pushKpiActuals(ctx, request, { actor: 'sam' });
    expect(unkeyed).toMatchObject({ replayed: false, body: { changed: 0, unchanged: 1 } });
  });

  it('refuses a key reused for another request, and keeps keys per caller', async () => {
    await pushKpiActuals(
      ctx,
      { actuals: [{ kpi: 'K-OTD', period: '2026-Q4', value: 91 }] },
      { actor: 'sam', idempotencyKey: 'k-1' },
    );
    const error = await refusal(
      pushKpiActuals(
        ctx,
        { actuals: [{ kpi: 'K-OTD', period: '2026-Q4', value: 92 }] },
        { actor: 'sam', idempotencyKey: 'k-1' },
      ),
    );
    expect(error.code).toBe('push.idempotency_key_reused');
    expect(error.message).toMatch(
      /^the Idempotency-Key 'k-1' was used on .* for a different request/,
    );
    const other = await pushKpiActuals(
      ctx,
      { actuals: [{ kpi: 'K-OTD', period: '2026-Q4', value: 92 }] },
      { actor: 'lena', idempotencyKey: 'k-1' },
    );
    expect(other).toMatchObject({ replayed: false, body: { changed: 1 } });
    expect((await loadPlan(db))?.kpis.find((k) => k.id === 'K-OTD')?.actuals['2026-Q4']).toBe(92);
  });

  it('refuses a batch with one bad entry whole, naming each by JSON path; the key stays unused', async () => {
    const before = await storedState(db);
    const error = await refusal(
      pushKpiActuals(
        ctx,
        {
          actuals: [
            { kpi: 'K-OTD', period: '2026-Q4', value: 91 },
            { kpi: 'K-OTF', period: '2026-Q4', value: 1 },
            { kpi: 'K-OTD', period: '2026-Q4', value: 93 },
          ],
        },
        { actor: 'sam', idempotencyKey: 'k-2' },
      ),
    );
    expect(error.problems).toEqual([
      {
        code: 'plan.unknown_reference',
        message: "$.actuals[1].kpi: no kpi 'K-OTF' in the plan (did you mean 'K-OTD'?)",
        path: '$.actuals[1].kpi',
      },
      {
        code: 'plan.bad_value',
        message: '$.actuals[2] sets the same actual as $.actuals[0] (K-OTD 2026-Q4)',
        path: '$.actuals[2]',
      },
    ]);
    expect(await storedState(db)).toEqual(before);
    // Fixed and sent again with the same key, it applies.
    const fixed = await pushKpiActuals(
      ctx,
      { actuals: [{ kpi: 'K-OTD', period: '2026-Q4', value: 91 }] },
      { actor: 'sam', idempotencyKey: 'k-2' },
    );
    expect(fixed.replayed).toBe(false);
  });

  it('mirrors pushed work items; a retried key replays, a repeated item is a duplicate, an older one stale', async () => {
    const first = await pushWorkItems(ctx, workBatch, { actor: 'sam', idempotencyKey: 'w-1' });
    expect(first.body).toMatchObject({
      source: 'servicenow',
      received: 2,
      applied: 2,
      duplicates: 0,
      stale: 0,
    });
    const items = (await loadWorkItems(db)).filter((w) => w.source === 'servicenow');
    expect(items.find((w) => w.key === 'CHG-1042')).toMatchObject({
      dueDate: '2026-10-09',
      statusCategory: 'in_progress',
      updatedAt: '2026-09-14T07:30:00.000Z',
    });
    expect(items.find((w) => w.key === 'CHG-1043')).toMatchObject({ doneDate: '2026-09-12' });

    const replay = await pushWorkItems(ctx, workBatch, { actor: 'sam', idempotencyKey: 'w-1' });
    expect(replay).toEqual({ ...first, replayed: true });

    const again = await pushWorkItems(ctx, workBatch, { actor: 'sam', idempotencyKey: 'w-2' });
    expect(again.body).toMatchObject({ applied: 0, duplicates: 2 });
    const older = await pushWorkItems(
      ctx,
      {
        source: 'servicenow',
        items: [
          { ...workBatch.items[0]!, dueDate: '2026-09-30', updatedAt: '2026-09-13T00:00:00Z' },
        ],
      },
      { actor: 'sam' },
    );
    expect(older.body).toMatchObject({ applied: 0, stale: 1 });
    expect((await loadWorkItems(db)).find((w) => w.key === 'CHG-1042')?.dueDate).toBe('2026-10-09');

    const gone = await pushWorkItems(
      ctx,
      {
        source: 'servicenow',
        items: [{ key: 'CHG-1043', deleted: true, updatedAt: '2026-09-14T12:00:00Z' }],
      },
      { actor: 'sam' },
    );
    expect(gone.body).toMatchObject({ applied: 1 });
    expect((await loadWorkItems(db)).map((w) => w.key)).not.toContain('CHG-1043');
  });

  it('refuses work items it cannot read, naming each place', async () => {
    const error = await refusal(
      pushWorkItems(
        ctx,
        {
          source: 'servicenow',
          items: [
            { key: 'A-1', updatedAt: '2026-09-14T10:00:00' },
            {
              key: 'A-2',
              summary: 's',
              status: 'Done',
              statusCategory: 'done',
              dueDate: '2026-02-30',
              updatedAt: '2026-09-14T10:00:00Z',
            },
          ],
        },
        { actor: 'sam' },
      ),
    );
    expect(error.problems.map((p) => p.message)).toEqual([
      "$.items[0].updatedAt '2026-09-14T10:00:00' is not an instant with a zone, e.g. 2026-09-14T10:00:00Z",
      "$.items[1].dueDate '2026-02-30' is not a real date written YYYY-MM-DD",
      '$.items[1].doneDate is needed when the status category is done',
    ]);
  });
});
