import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import { buildErpScenario } from '../core/test-factories.ts';
import { listAudit } from '../store/audit-store.ts';
import type { Database } from '../store/database.ts';
import { listPlanHistory, loadPlan } from '../store/plan-store.ts';
import { listSignals } from '../store/signal-store.ts';
import { applyPlan } from './apply-plan.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { createLiveModel } from './live-model.ts';
import { cliActor, write } from './write.ts';

/** The one write path: all of a write commits, with its audit entries, or none of it does. */
describe.each(TEST_DATABASES)('write on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  const scenario = buildErpScenario();
  const actor = { id: 'priya', origin: { via: 'api' as const, ip: '10.0.0.7' } };

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(scenario.asOf), model: createLiveModel() };
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    ctx.model?.invalidate();
    await applyPlan(ctx, scenario.plan, { actor: cliActor('test') });
  });

  const audit = () => listAudit(db, { limit: 10_000 });

  it('stores the actor with the plan history and the audit log, with the origin', async () => {
    const moved = structuredClone(scenario.plan);
    moved.milestones[0]!.plannedDate = '2026-12-01';
    await applyPlan(ctx, moved, { actor });
    const history = await listPlanHistory(db);
    expect(history[0]).toMatchObject({ actor: 'priya' });
    const entries = (await audit()).filter((e) => e.actor === 'priya');
    expect(entries.map((e) => e.action)).toEqual(['plan.apply', 'plan.update']);
    expect(entries[1]).toMatchObject({
      item: `milestones/${moved.milestones[0]!.id}`,
      before: { plannedDate: scenario.plan.milestones[0]!.plannedDate },
      after: { plannedDate: '2026-12-01' },
      origin: { via: 'api', ip: '10.0.0.7' },
    });
  });

  it('leaves nothing behind on a dry run, and the model forgets what it saw', async () => {
    const before = await audit();
    const moved = structuredClone(scenario.plan);
    moved.milestones[0]!.plannedDate = '2026-12-01';
    const dry = await applyPlan(ctx, moved, { actor, dryRun: true });
    expect(dry.changes).toHaveLength(1);
    expect(await audit()).toEqual(before);
    expect((await loadPlan(db))?.milestones[0]?.plannedDate).toBe(
      scenario.plan.milestones[0]!.plannedDate,
    );
    expect(ctx.model?.current()).toBeNull();
  });

  it('commits nothing of a write that fails part-way: no audit entry, no plan change, no signal', async () => {
    const before = { audit: await audit(), signals: await listSignals(db, true) };
    const failure = await write(ctx, actor, async ({ tx, at, audit: note, derive }) => {
      await tx.query(`UPDATE plan_entity SET data = jsonb_set(data, '{name}', '"x"')`);
      note({ action: 'plan.update', item: 'objectives/O-1' });
      derive();
      void at;
      throw new Error('the body failed');
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(await audit()).toEqual(before.audit);
    expect(await listSignals(db, true)).toEqual(before.signals);
    expect((await loadPlan(db))?.objectives[0]?.name).toBe(scenario.plan.objectives[0]!.name);
  });

  it('derives once at the end, or when the body settles first, and gives back what moved', async () => {
    const slipped = structuredClone(scenario.plan);
    // A KPI target out of reach raises a signal in the same write.
    const kpi = slipped.kpis[0]!;
    const period = Object.keys(kpi.targets)[0]!;
    kpi.targets[period] = kpi.direction === 'lower_is_better' ? -1e12 : 1e12;
    const written = await write(ctx, actor, async (scope) => {
      const result = await applyPlanInside(scope, slipped);
      const settled = await scope.settle();
      return { result, raisedWhileWriting: [...settled.signals.raised] };
    });
    expect(written.value.raisedWhileWriting.length).toBeGreaterThan(0);
    expect(written.signals.raised).toEqual(written.value.raisedWhileWriting);
  });
});

/** A plan apply's body, as a composition inside someone else's write. */
async function applyPlanInside(
  scope: Parameters<Parameters<typeof write>[2]>[0],
  plan: ReturnType<typeof buildErpScenario>['plan'],
): Promise<number> {
  const { commitPlanFigures } = await import('./commit-plan-figures.ts');
  const stored = await loadPlan(scope.tx);
  if (stored === null) throw new Error('no plan');
  return (await commitPlanFigures(scope, stored, plan)).length;
}
