import { applyPlan } from '../src/app/apply-plan.ts';
import type { AppContext } from '../src/app/context.ts';
import { ingestWorkItemEvents } from '../src/app/ingest-work.ts';
import { loadDemo } from '../src/app/load-demo.ts';
import type { Plan } from '../src/core/domain/plan.ts';
import type { WorkItem, WorkItemEvent } from '../src/core/domain/work-item.ts';
import { loadPlan } from '../src/store/plan-store.ts';
import { generatePortfolio } from './portfolio.ts';

/**
 * Loads the demo into a migrated database, then applies a generated portfolio of `milestones`
 * milestones × 10 work items (seed 7) over it and ingests its work in batches of 5,000, as a
 * source would; answers what it stored.
 */
export async function seedDemoPortfolio(
  ctx: AppContext,
  milestones: number,
): Promise<{ plan: Plan; workItems: WorkItem[] }> {
  await loadDemo(ctx, undefined);
  const demo = await loadPlan(ctx.db);
  if (demo === null) throw new Error('the demo did not load');
  const portfolio = generatePortfolio(demo, milestones, 10, 7);
  await applyPlan(ctx, portfolio.plan, { actor: 'bench' });
  for (let i = 0; i < portfolio.workItems.length; i += 5000) {
    const events: WorkItemEvent[] = portfolio.workItems.slice(i, i + 5000).map((item) => ({
      op: 'upsert',
      item,
      change: null,
      order: { updatedAt: item.updatedAt, changelogId: null },
      dedupeKey: `seed:${item.key}`,
    }));
    await ingestWorkItemEvents(ctx, events);
  }
  return portfolio;
}
