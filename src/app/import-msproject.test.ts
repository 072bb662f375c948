import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { buildErpScenario } from '../core/test-factories.ts';
import type { Database } from '../store/database.ts';
import { loadPlan } from '../store/plan-store.ts';
import { applyPlan } from './apply-plan.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { importMsProject } from './import-msproject.ts';

const FILE = fileURLToPath(
  new URL('../../test/fixtures/msproject/mspdirelations.xml', import.meta.url),
);

describe.each(TEST_DATABASES)('msproject import on $name', (kind) => {
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
  });

  it('adds the tasks as milestones of the initiative, once', async () => {
    const dry = await importMsProject(ctx, FILE, {
      initiative: 'I-ERP',
      dryRun: true,
      actor: 'test',
    });
    expect(dry.dryRun).toBe(true);
    expect((await loadPlan(db))!.milestones.some((m) => m.id === 'I-ERP-1')).toBe(false);

    const result = await importMsProject(ctx, FILE, { initiative: 'I-ERP', actor: 'test' });
    expect(result.milestones).toBe(5);
    expect(result.dependencies).toBe(4);
    expect(result.changes.filter((c) => c.action === 'created')).toHaveLength(9);
    const stored = (await loadPlan(db))!;
    expect(stored.milestones.find((m) => m.id === 'I-ERP-3')).toMatchObject({
      name: 'Task 3',
      initiative: 'I-ERP',
      plannedDate: '2006-09-25',
    });

    const again = await importMsProject(ctx, FILE, { initiative: 'I-ERP', actor: 'test' });
    expect(again.changes).toEqual([]);
  });

  it('dates milestones as MS Project does for split tasks and budget calendars', async () => {
    const corpus = (name: string): string =>
      fileURLToPath(
        new URL(`../../test/fixtures/reference/scheduling/mspdi-mpxj/${name}`, import.meta.url),
      );
    const planned = async (name: string): Promise<Record<string, string>> => {
      const result = await importMsProject(ctx, corpus(name), {
        initiative: 'I-ERP',
        dryRun: true,
        actor: 'test',
      });
      return Object.fromEntries(
        result.changes.flatMap((change) =>
          change.collection === 'milestones' && change.after !== undefined
            ? [[change.id, (change.after as { plannedDate: string }).plannedDate]]
            : [],
        ),
      );
    };
    // Split Task 1 (10 days of work over 13 working days) finishes on 9 October, as in MS Project.
    expect(await planned('mspdisplittask.xml')).toEqual({
      'I-ERP-1': '2006-10-09',
      'I-ERP-2': '2006-10-18',
    });
    // A budget resource's calendar has no working time; nothing works on it, so the file imports.
    expect(await planned('mspdiassignmentfields.xml')).toEqual({ 'I-ERP-1': '2011-07-18' });
  });

  it('refuses an initiative that does not exist', async () => {
    await expect(
      importMsProject(ctx, FILE, { initiative: 'I-NOPE', actor: 'test' }),
    ).rejects.toMatchObject({ code: 'plan.unknown_reference' });
  });
});
