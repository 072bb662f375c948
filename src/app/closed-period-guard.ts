import type { Initiative, Kpi } from '../core/domain/plan.ts';
import { assertNoLockedChange } from '../core/governance/locked-periods.ts';
import type { Queryable } from '../store/database.ts';
import {
  closedPeriodsAndPlanVersion,
  listAdjustments,
  listClosedPeriods,
} from '../store/period-store.ts';

/** The write path's look at closed periods: taken before the body, checked before the commit. */
export interface ClosedPeriodGuard {
  /** Refuses the whole write (`period.closed`) when it changed a frozen figure. */
  check: () => Promise<void>;
}

/**
 * Null when no period is closed (one statement per write). Otherwise notes the plan's version, so
 * the check reads back only the KPIs and initiatives the write changed, whichever door it came
 * through: a plan apply, an import, a push, a decision applied to the plan, a sync.
 */
export async function guardClosedPeriods(tx: Queryable): Promise<ClosedPeriodGuard | null> {
  const { closed, planVersion: version } = await closedPeriodsAndPlanVersion(tx);
  if (closed === 0) return null;
  return {
    check: async () => {
      const touched = await tx.query<{ collection: 'kpis' | 'initiatives'; entity_id: string }>(
        `SELECT DISTINCT collection, entity_id FROM plan_change
         WHERE seq > $1 AND collection IN ('kpis', 'initiatives')`,
        [version],
      );
      if (touched.length === 0) return;
      const kpiIds = touched.filter((t) => t.collection === 'kpis').map((t) => t.entity_id);
      const initiativeIds = touched
        .filter((t) => t.collection === 'initiatives')
        .map((t) => t.entity_id);
      const rows = await tx.query<{ collection: string; data: unknown }>(
        `SELECT collection, data FROM plan_entity
         WHERE (collection = 'kpis' AND id = ANY($1::text[]))
            OR (collection = 'initiatives' AND id = ANY($2::text[]))`,
        [kpiIds, initiativeIds],
      );
      const parse = <T>(data: unknown): T =>
        (typeof data === 'string' ? JSON.parse(data) : data) as T;
      const after = {
        kpis: rows.filter((r) => r.collection === 'kpis').map((r) => parse<Kpi>(r.data)),
        initiatives: rows
          .filter((r) => r.collection === 'initiatives')
          .map((r) => parse<Initiative>(r.data)),
      };
      assertNoLockedChange(await listClosedPeriods(tx), await listAdjustments(tx), after, {
        kpis: new Set(kpiIds),
        initiatives: new Set(initiativeIds),
      });
    },
  };
}
