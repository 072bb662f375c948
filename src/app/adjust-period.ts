import { assertMay } from '../core/access/policy.ts';
import { DomainError, fail } from '../core/errors.ts';
import {
  applyAdjustment,
  describeFigure,
  figureInPeriod,
  type FigureRef,
  type PeriodAdjustment,
} from '../core/governance/locked-periods.ts';
import { parsePeriod } from '../core/period.ts';
import { diffPlans } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { findClosedPeriod, insertAdjustment, listClosedPeriods } from '../store/period-store.ts';
import { writePlanChanges } from '../store/plan-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, planAudit, write } from './write.ts';

export interface AdjustmentRequest {
  figure: FigureRef;
  /** Added to the figure (negative lowers it). */
  amount: number;
  reason: string;
}

export interface AdjustmentResult {
  adjustment: PeriodAdjustment;
  from: number | null;
  to: number;
  /** Every closed period the adjustment was recorded in (a month and the closed quarter round it). */
  periods: string[];
}

/**
 * A finance controller corrects a figure of a closed period: an adjustment entry with a reason,
 * kept beside the frozen figure, and the plan's figure moved by the amount, in one write
 * (audited). The figure stays frozen at its new standing: frozen plus its adjustments.
 */
export async function adjustPeriod(
  ctx: AppContext,
  label: string,
  request: AdjustmentRequest,
  actor: ActorLike,
): Promise<AdjustmentResult> {
  const reason = request.reason.trim();
  if (reason === '')
    fail('request.invalid', 'an adjustment needs a reason: say why the figure moves', {
      path: '$.reason',
    });
  const written = await write(
    ctx,
    actor,
    async ({ tx, at, actor: by, audit, derive, snapshot }) => {
      const current = await snapshot();
      if (current === null)
        fail('period.not_closed', `${label} is not closed: there is no plan yet`, {
          path: '$.period',
        });
      assertMay(current.plan, by.id, { kind: 'period.adjust' });
      const closed = await findClosedPeriod(tx, label);
      const span = parsePeriod(label);
      if (closed === null || span === null)
        fail('period.not_closed', `${label} is not closed: change its figures as usual`, {
          path: '$.period',
        });
      const moved = applyAdjustment(current.plan, span, request.figure, request.amount);
      const problems = validatePlan(moved.plan);
      if (problems.length > 0) throw new DomainError(problems);
      const changes = diffPlans(current.plan, moved.plan);
      await writePlanChanges(tx, changes, at, by.id);
      // Recorded in every closed period that holds the figure, so each keeps it standing.
      const periods = (await listClosedPeriods(tx))
        .filter((c) => {
          const holder = parsePeriod(c.period);
          return holder !== null && figureInPeriod(holder, request.figure.period);
        })
        .map((c) => c.period);
      const adjustment: PeriodAdjustment = {
        period: label,
        figure: request.figure,
        amount: request.amount,
        reason,
        by: by.id,
        at: at.toISOString(),
      };
      for (const period of periods) await insertAdjustment(tx, { ...adjustment, period });
      audit({
        action: 'period.adjust',
        item: `period/${label}`,
        before: { figure: describeFigure(request.figure), value: moved.from },
        after: {
          figure: describeFigure(request.figure),
          value: moved.to,
          amount: request.amount,
          reason,
        },
      });
      audit(...planAudit(changes));
      derive();
      return { adjustment, from: moved.from, to: moved.to, periods };
    },
  );
  return written.value;
}
