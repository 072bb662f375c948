import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import type { DerivedState } from '../core/domain/state.ts';
import type { WorkItemEvent } from '../core/domain/work-item.ts';
import { buildWorkItem } from '../core/test-factories.ts';
import type { Database } from '../store/database.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot } from './derive.ts';
import { ingestWorkItemEvents } from './ingest-work.ts';
import { createLiveModel } from './live-model.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from './load-demo.ts';

/** Every derived figure and signal, in a form two states can be compared by. */
function figures(state: DerivedState): unknown {
  return JSON.parse(
    JSON.stringify({
      asOf: state.asOf,
      workItems: [...state.workItems],
      milestones: [...state.milestones],
      kpis: [...state.kpis],
      initiatives: [...state.initiatives],
      objectives: [...state.objectives],
      capacity: state.capacity,
      signals: state.signals,
    }),
  );
}

async function deliveries(file: string): Promise<WorkItemEvent[]> {
  const payload: unknown = JSON.parse(await readFile(file, 'utf8'));
  return normalizeJiraPayload(payload, { source: DEMO_SOURCE, file }).entries;
}

describe.each(TEST_DATABASES)('the live model on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await loadDemo(ctx, undefined);
  });

  /** Refreshes the model and checks it against a state derived in full from the database. */
  async function refreshAndCompare(model: ReturnType<typeof createLiveModel>) {
    const refresh = await model.refresh(db, DEMO_AS_OF);
    const full = await deriveSnapshot(db, DEMO_AS_OF);
    expect(refresh.snapshot).not.toBeNull();
    expect(figures(refresh.snapshot!.state)).toEqual(figures(full!.state));
    expect(refresh.snapshot!.workItems).toEqual(full!.workItems);
    return refresh;
  }

  it('follows work-item events through the engine and stays equal to a full derive', async () => {
    // Every change incremental: a loaded machine would otherwise make a full recompute look
    // cheaper than one step, and a full recompute does not say what moved.
    const model = createLiveModel({ fullRecomputeBudgetMs: 0 });
    const first = await refreshAndCompare(model);
    expect(first.moved).toBeNull();
    expect(first.planChanged).toBe(true);

    // ERP-17 slips: the engine says what moved, and only that.
    await ingestWorkItemEvents(ctx, await deliveries(DEMO_FILES.erp17Slip));
    const slip = await refreshAndCompare(model);
    expect(slip.changedKeys).toEqual(['ERP-17']);
    expect(slip.moved).toMatchObject({
      workItems: ['ERP-17'],
      milestones: expect.arrayContaining(['M-GOLIVE', 'M-PURCH']) as string[],
      kpis: expect.arrayContaining(['K-SAVINGS']) as string[],
      // The slip keeps IT's cutover team busy into the weeks others need IT.
      capacity: true,
    });
    expect(slip.snapshot!.state.signals.map((s) => s.id)).toContain('milestone.slipped:M-GOLIVE');
    expect(slip.snapshot!.state.signals.map((s) => s.id)).toContain(
      'capacity.over_allocated:IT:2026-W41',
    );
    // Untouched work is not reported as moved.
    expect(slip.moved!.workItems).not.toContain('ERP-20');

    // A new item, blocked by ERP-17, under the ERP epic; then ERP-20 goes away; then the restore.
    const blocked = buildWorkItem({
      key: 'ERP-30',
      source: DEMO_SOURCE,
      sourceId: '30030',
      parentKey: 'ERP-1',
      dueDate: '2026-09-30',
      blockedBy: ['ERP-17'],
      updatedAt: '2026-09-15T11:00:00.000+00:00',
    });
    await ingestWorkItemEvents(ctx, [
      {
        op: 'upsert',
        item: blocked,
        change: null,
        order: { updatedAt: blocked.updatedAt, changelogId: null },
        dedupeKey: 'test:erp-30',
      },
    ]);
    const added = await refreshAndCompare(model);
    expect(added.moved?.workItems).toEqual(['ERP-30']);
    // Who sees a child of a linked epic is read from the model's parent lookup.
    expect(model.parentOf('ERP-30')).toBe('ERP-1');
    expect(model.parentOf('ERP-1')).toBeNull();
    expect(model.parentOf('NOPE-1')).toBeNull();

    await ingestWorkItemEvents(ctx, [
      {
        op: 'delete',
        key: 'ERP-20',
        source: DEMO_SOURCE,
        sourceId: '10020',
        change: {
          key: 'ERP-20',
          at: '2026-09-15T12:00:00.000+00:00',
          kind: 'deleted',
          changes: [],
        },
        order: { updatedAt: '2026-09-15T12:00:00.000+00:00', changelogId: null },
        dedupeKey: 'test:erp-20:deleted',
      },
    ]);
    const deleted = await refreshAndCompare(model);
    expect(deleted.moved?.workItems).toContain('ERP-20');
    expect(deleted.snapshot!.workItems.map((w) => w.key)).not.toContain('ERP-20');
    // ERP-17 came from the store's first load, under the ERP-1 epic.
    expect(model.parentOf('ERP-17')).toBe('ERP-1');

    await ingestWorkItemEvents(ctx, await deliveries(DEMO_FILES.erp17Restored));
    const restored = await refreshAndCompare(model);
    expect(restored.moved?.milestones).toContain('M-GOLIVE');
    expect(restored.snapshot!.state.signals.map((s) => s.id)).not.toContain(
      'milestone.slipped:M-GOLIVE',
    );

    // Nothing new: nothing moves, the snapshot stays.
    const idle = await model.refresh(db, DEMO_AS_OF);
    expect(idle.changedKeys).toEqual([]);
    expect(idle.moved).toBeNull();
    expect(idle.snapshot).toBe(restored.snapshot);
  });

  it('derives in full again on a new day and after being invalidated', async () => {
    const model = createLiveModel();
    await refreshAndCompare(model);
    const nextDay = await model.refresh(db, '2026-09-15');
    expect(nextDay.moved).toBeNull();
    expect(nextDay.snapshot!.state.asOf).toBe('2026-09-15');
    model.invalidate();
    expect(model.current()).toBeNull();
    const again = await refreshAndCompare(model);
    expect(again.planChanged).toBe(true);
  });
});
