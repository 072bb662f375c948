import { assertMay } from '../core/access/policy.ts';
import { fail } from '../core/errors.ts';
import {
  type ClosedPeriod,
  coveringClosedPeriod,
  forecastAtClosing,
  freezeFigures,
  frozenEntries,
  parseClosablePeriod,
} from '../core/governance/locked-periods.ts';
import { findClosedPeriod, insertClosedPeriod, listClosedPeriods } from '../store/period-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, write } from './write.ts';

/**
 * A finance controller closes a month or a quarter, in one write: its KPI actuals and budget
 * lines are frozen as they stand, with the KPI and milestone forecasts of the period as they
 * stand; audited. Closing the same period twice, or a month inside a closed quarter, is refused.
 */
export async function closePeriod(
  ctx: AppContext,
  label: string,
  actor: ActorLike,
): Promise<ClosedPeriod> {
  const period = parseClosablePeriod(label);
  const written = await write(ctx, actor, async ({ tx, at, actor: by, audit, snapshot }) => {
    const current = await snapshot();
    if (current === null)
      fail('plan.bad_period', `there is no plan yet: ${label} has no figures to close`, {
        path: '$.period',
      });
    assertMay(current.plan, by.id, { kind: 'period.close' });
    const covering = coveringClosedPeriod(await listClosedPeriods(tx), period);
    if (covering !== undefined) alreadyClosed(label, covering);
    const closed: ClosedPeriod = {
      period: label,
      closedBy: by.id,
      closedByName: current.plan.people.find((p) => p.id === by.id)?.name ?? by.id,
      closedAt: at.toISOString(),
      figures: freezeFigures(current.plan, period),
      forecast: forecastAtClosing(current.state, period),
    };
    // A close that raced this one and got there first (the writers' lock makes it rare).
    if (!(await insertClosedPeriod(tx, closed))) alreadyClosed(label, closed);
    audit({
      action: 'period.close',
      item: `period/${label}`,
      after: {
        figures: frozenEntries(closed.figures).length,
        kpiForecasts: closed.forecast.kpis.length,
        milestoneForecasts: closed.forecast.milestones.length,
      },
    });
    return closed;
  });
  return written.value;
}

function alreadyClosed(
  label: string,
  covering: Pick<ClosedPeriod, 'period' | 'closedByName' | 'closedAt'>,
): never {
  const inside = covering.period === label ? '' : ` inside ${covering.period}, which`;
  fail(
    'period.already_closed',
    `${label} is${inside} closed already (by ${covering.closedByName} on ${covering.closedAt.slice(0, 10)}): a closed period stays closed; correct a figure with an adjustment`,
    { path: '$.period' },
  );
}

/** Closes the period unless it is closed already (the demo's August, loaded again). */
export async function ensurePeriodClosed(
  ctx: AppContext,
  label: string,
  actor: ActorLike,
): Promise<void> {
  if ((await findClosedPeriod(ctx.db, label)) === null) await closePeriod(ctx, label, actor);
}
