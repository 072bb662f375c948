import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import type { Plan } from '../core/domain/plan.ts';
import type { WorkItem, WorkItemEvent } from '../core/domain/work-item.ts';
import { DomainError } from '../core/errors.ts';
import { buildErpScenario, buildDueDateChange } from '../core/test-factories.ts';
import type { Database } from '../store/database.ts';
import { listPlanHistory, loadPlan } from '../store/plan-store.ts';
import { listSignalHistory, listSignals } from '../store/signal-store.ts';
import {
  loadWorkItemHistory,
  loadWorkItems,
  loadWorkItemsKnownAt,
} from '../store/work-item-store.ts';
import { applyPlan } from './apply-plan.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { ingestWorkItemEvents } from './ingest-work.ts';

function upsert(
  item: WorkItem,
  changelogId: number | null,
  dedupeKey: string,
  dueFrom?: string,
): WorkItemEvent {
  return {
    op: 'upsert',
    item,
    change:
      dueFrom === undefined
        ? null
        : buildDueDateChange(item.key, dueFrom, item.dueDate, item.updatedAt),
    order: { updatedAt: item.updatedAt, changelogId },
    dedupeKey,
  };
}

describe.each(TEST_DATABASES)('use-cases on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  const scenario = buildErpScenario();
  const erp17 = scenario.workItems.find((w) => w.key === 'ERP-17');
  const erp18 = scenario.workItems.find((w) => w.key === 'ERP-18');
  if (erp17 === undefined || erp18 === undefined) throw new Error('scenario lacks ERP-17/18');
  const slipped: WorkItem = {
    ...erp17,
    dueDate: '2026-10-23',
    updatedAt: '2026-09-15T10:00:00.000+00:00',
  };
  const slipEvent = upsert(slipped, 50117, 'hook:erp-17:slip', '2026-10-02');

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(scenario.asOf) };
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
  });

  async function loadScenario(): Promise<void> {
    await applyPlan(ctx, scenario.plan, { actor: 'test' });
    await ingestWorkItemEvents(ctx, [
      upsert(erp17!, null, 'snap:17'),
      upsert(erp18!, null, 'snap:18'),
    ]);
  }

  it('applies a plan, and a second apply of the same plan changes nothing', async () => {
    const first = await applyPlan(ctx, scenario.plan, { actor: 'test' });
    expect(first.changes.filter((c) => c.action === 'created')).toHaveLength(first.changes.length);
    expect(first.changes.map((c) => `${c.collection}/${c.id}`)).toContain('milestones/M-GOLIVE');
    const second = await applyPlan(ctx, scenario.plan, { actor: 'test' });
    expect(second.changes).toEqual([]);
    expect(await loadPlan(db)).toEqual(await loadPlan(db));
    expect((await loadPlan(db))?.milestones.map((m) => m.id)).toEqual(['M-GOLIVE', 'M-PURCH']);
  });

  it('reports field-level updates and keeps them in the plan history', async () => {
    await applyPlan(ctx, scenario.plan, { actor: 'test' });
    const moved: Plan = {
      ...scenario.plan,
      milestones: scenario.plan.milestones.map((m) =>
        m.id === 'M-PURCH' ? { ...m, plannedDate: '2026-10-26' } : m,
      ),
    };
    const result = await applyPlan(ctx, moved, { actor: 'priya' });
    expect(result.changes).toEqual([
      expect.objectContaining({
        collection: 'milestones',
        id: 'M-PURCH',
        action: 'updated',
        fields: ['plannedDate'],
      }),
    ]);
    const history = await listPlanHistory(db);
    expect(history[0]).toMatchObject({ entityId: 'M-PURCH', action: 'updated', actor: 'priya' });
  });

  it('refuses an invalid plan whole: the stored plan is exactly as it was', async () => {
    await applyPlan(ctx, scenario.plan, { actor: 'test' });
    const before = await loadPlan(db);
    const historyBefore = await listPlanHistory(db);
    const broken: Plan = {
      ...scenario.plan,
      // A valid-looking change next to a cycle: neither may land.
      objectives: scenario.plan.objectives.map((o) => ({ ...o, name: 'Renamed' })),
      dependencies: [
        ...scenario.plan.dependencies,
        { predecessor: 'M-PURCH', successor: 'M-GOLIVE', type: 'FS', lagDays: 0 },
      ],
    };
    const error = await applyPlan(ctx, broken, { actor: 'test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('plan.cycle');
    expect(await loadPlan(db)).toEqual(before);
    expect(await listPlanHistory(db)).toEqual(historyBefore);
  });

  it('prunes only when asked, and a dry run changes nothing', async () => {
    await applyPlan(ctx, scenario.plan, { actor: 'test' });
    const smaller: Plan = { ...scenario.plan, benefits: [] };
    expect((await applyPlan(ctx, smaller, { actor: 'test' })).changes).toEqual([]);
    const dry = await applyPlan(ctx, smaller, { actor: 'test', prune: true, dryRun: true });
    expect(dry.changes.map((c) => `${c.action} ${c.id}`)).toEqual(['removed B-SAVINGS']);
    expect((await loadPlan(db))?.benefits).toHaveLength(1);
    await applyPlan(ctx, smaller, { actor: 'test', prune: true });
    expect((await loadPlan(db))?.benefits).toEqual([]);
  });

  it('raises the KPI signal when ERP-17 slips, and resolves it when it is restored', async () => {
    await loadScenario();
    expect(await listSignals(db)).toEqual([]);
    const result = await ingestWorkItemEvents(ctx, [slipEvent]);
    expect(result).toMatchObject({ applied: 1, duplicates: 0, stale: 0 });
    expect(result.signals.raised).toContain('kpi.misses_target:K-SAVINGS:2026-Q4');
    const [kpiSignal] = (await listSignals(db)).filter((s) => s.kind === 'kpi.misses_target');
    expect(kpiSignal?.chain.map((s) => s.id)).toEqual([
      'ERP-17',
      'M-GOLIVE',
      'M-PURCH',
      'K-SAVINGS',
      'O-COST',
    ]);
    expect(kpiSignal?.affectedOwners).toEqual(['priya', 'marco', 'dana']);

    const restored: WorkItem = { ...erp17, updatedAt: '2026-09-16T10:00:00.000+00:00' };
    const back = await ingestWorkItemEvents(ctx, [
      upsert(restored, 50142, 'hook:erp-17:back', '2026-10-23'),
    ]);
    expect(back.signals.resolved).toContain('kpi.misses_target:K-SAVINGS:2026-Q4');
    expect(await listSignals(db)).toEqual([]);
    const history = await listSignalHistory(db, 'kpi.misses_target:K-SAVINGS:2026-Q4');
    expect(history.map((h) => h.event)).toEqual(['raised', 'resolved']);
  });

  it('changes nothing on a duplicate delivery', async () => {
    await loadScenario();
    await ingestWorkItemEvents(ctx, [slipEvent]);
    const signalsBefore = await listSignals(db);
    const again = await ingestWorkItemEvents(ctx, [slipEvent]);
    expect(again).toMatchObject({ applied: 0, duplicates: 1, stale: 0 });
    expect(await listSignals(db)).toEqual(signalsBefore);
    expect(await loadWorkItemHistory(db, 'ERP-17')).toHaveLength(2);
  });

  it('does not roll an item back when an older update arrives after a newer one', async () => {
    await loadScenario();
    await ingestWorkItemEvents(ctx, [slipEvent]);
    const older: WorkItem = {
      ...erp17,
      dueDate: '2026-10-09',
      updatedAt: '2026-09-15T09:00:00.000+00:00',
    };
    const late = await ingestWorkItemEvents(ctx, [
      upsert(older, 50100, 'hook:erp-17:older', '2026-10-02'),
    ]);
    expect(late).toMatchObject({ applied: 0, stale: 1 });
    expect((await loadWorkItems(db)).find((w) => w.key === 'ERP-17')?.dueDate).toBe('2026-10-23');
    const history = await loadWorkItemHistory(db, 'ERP-17');
    expect(history.map((h) => h.outcome)).toEqual(['applied', 'applied', 'stale']);
  });

  it('orders same-instant updates by change-log id', async () => {
    await loadScenario();
    const at = '2026-09-15T10:00:00.000+00:00';
    const second = upsert({ ...erp17, dueDate: '2026-10-16', updatedAt: at }, 2, 'h:2');
    const first = upsert({ ...erp17, dueDate: '2026-10-09', updatedAt: at }, 1, 'h:1');
    await ingestWorkItemEvents(ctx, [second, first]);
    expect((await loadWorkItems(db)).find((w) => w.key === 'ERP-17')?.dueDate).toBe('2026-10-16');
  });

  it('keeps a deleted item deleted when an older update arrives late', async () => {
    await loadScenario();
    const deletion: WorkItemEvent = {
      op: 'delete',
      key: 'ERP-17',
      source: 'jira',
      sourceId: '10017',
      change: { key: 'ERP-17', at: '2026-09-16T08:00:00.000Z', kind: 'deleted', changes: [] },
      order: { updatedAt: '2026-09-16T08:00:00.000Z', changelogId: null },
      dedupeKey: 'hook:erp-17:deleted',
    };
    await ingestWorkItemEvents(ctx, [deletion, slipEvent]);
    expect((await loadWorkItems(db)).map((w) => w.key)).toEqual(['ERP-18']);
  });

  it('answers what we knew at an earlier time', async () => {
    await loadScenario();
    const between = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await ingestWorkItemEvents(ctx, [slipEvent]);
    const then = await loadWorkItemsKnownAt(db, between);
    expect(then.find((w) => w.key === 'ERP-17')?.dueDate).toBe('2026-10-02');
    const now = await loadWorkItemsKnownAt(db, new Date());
    expect(now.find((w) => w.key === 'ERP-17')?.dueDate).toBe('2026-10-23');
  });

  it('ingests a batch whole or not at all', async () => {
    await loadScenario();
    const poisoned = {
      ...slipEvent,
      dedupeKey: 'x'.repeat(10),
      order: { updatedAt: 'not a time', changelogId: 1 },
    };
    await expect(
      ingestWorkItemEvents(ctx, [
        upsert({ ...erp18, summary: 'renamed', updatedAt: '2026-09-20T00:00:00Z' }, 9, 'ok'),
        poisoned,
      ]),
    ).rejects.toThrow();
    expect((await loadWorkItems(db)).find((w) => w.key === 'ERP-18')?.summary).toBe(erp18.summary);
  });

  it('keeps history append-only', async () => {
    await loadScenario();
    await ingestWorkItemEvents(ctx, [slipEvent]);
    await expect(db.query('UPDATE plan_change SET actor = $1', ['mallory'])).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query('DELETE FROM work_item_history')).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM signal_history')).rejects.toThrow(/append-only/);
    expect((await listSignalHistory(db)).length).toBeGreaterThan(0);
  });
});
