import { addDays } from '../core/calendar.ts';
import type { Review } from '../core/domain/plan.ts';
import { packReach, type PackRow, type PackSection } from '../core/governance/review-pack.ts';
import type { Queryable } from '../store/database.ts';
import { listClosedPeriods } from '../store/period-store.ts';
import type { Snapshot } from './derive.ts';

/**
 * Sections other parts of governance add to every review pack (docs/GOVERNANCE.md "Review
 * cadence and packs"): the gates passed and the periods closed since the previous pack.
 */

/** What a section source is told: the previous pack (null: the first) and the pack's day. */
export interface SectionContext {
  tx: Queryable;
  snapshot: Snapshot;
  review: Review;
  previous: { date: string; publishedAt: string } | null;
}

/** How far back the first pack looks for gates passed. */
const FIRST_PACK_DAYS = 28;

/** Gates the review's initiatives passed since the previous meeting (the first: four weeks). */
export function gatesPassed(ctx: SectionContext): Promise<PackSection> {
  const { plan, state } = ctx.snapshot;
  const reach = packReach(plan, ctx.review);
  const from = ctx.previous?.date ?? addDays(state.asOf, -FIRST_PACK_DAYS);
  const rows: PackRow[] = [];
  for (const i of plan.initiatives) {
    if (!reach.initiatives.has(i.id)) continue;
    for (const p of i.stageHistory ?? []) {
      if (p.on <= from && ctx.previous !== null) continue;
      if (p.on < from || p.on > state.asOf) continue;
      const by =
        p.by === undefined ? '' : ` by ${plan.people.find((x) => x.id === p.by)?.name ?? p.by}`;
      rows.push({
        text: `${i.id} (${i.name}) reached ${p.stage.replace('_', ' ')} on ${p.on}${by}${p.decision === undefined ? '' : ` (${p.decision})`}${p.note === undefined ? '' : `: ${p.note}`}`,
        ref: { kind: 'initiative', id: i.id },
        figures: { stage: p.stage, on: p.on },
      });
    }
  }
  return Promise.resolve({
    id: 'gates',
    title: 'Gates passed',
    summary:
      rows.length === 0
        ? 'No gate passed.'
        : `${rows.length} gate${rows.length === 1 ? '' : 's'} passed.`,
    rows,
  });
}

/** Reporting periods closed since the previous pack (the first: every closed period). */
export async function periodsClosed(ctx: SectionContext): Promise<PackSection> {
  const closed = await listClosedPeriods(ctx.tx);
  const since = ctx.previous?.publishedAt ?? null;
  const rows: PackRow[] = closed
    .filter((c) => since === null || c.closedAt > since)
    .map((c) => ({
      text: `${c.period} closed by ${c.closedByName} on ${c.closedAt.slice(0, 10)}: its actuals, budgets and forecast are frozen`,
      figures: { period: c.period, closedAt: c.closedAt },
    }));
  return {
    id: 'periods',
    title: 'Periods closed',
    summary:
      rows.length === 0
        ? 'No period closed.'
        : `${rows.length} period${rows.length === 1 ? '' : 's'} closed.`,
    rows,
  };
}
