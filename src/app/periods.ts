import {
  describeFigure,
  type ClosedPeriod,
  type FigureRef,
  type PeriodAdjustment,
  figureKey,
  frozenEntries,
  standingValue,
} from '../core/governance/locked-periods.ts';
import { fail } from '../core/errors.ts';
import { parsePeriod } from '../core/period.ts';
import { findClosedPeriod, listAdjustments, listClosedPeriods } from '../store/period-store.ts';
import type { AppContext } from './context.ts';

/** Whether the reader sees a KPI, an initiative or a milestone (the access policy's answer). */
export type Sight = (kind: 'kpi' | 'initiative' | 'milestone', id: string) => boolean;

function seesFigure(sees: Sight, figure: FigureRef): boolean {
  return figure.kind === 'kpi_actual'
    ? sees('kpi', figure.kpi)
    : sees('initiative', figure.initiative);
}

/** A closed period as listed: which, by whom, when, how many figures it froze. */
export interface ClosedPeriodSummary {
  period: string;
  closedBy: string;
  closedByName: string;
  closedAt: string;
  figures: number;
  adjustments: number;
}

/** One frozen figure with its adjustments beside it and where it stands now. */
export interface FrozenFigureView {
  figure: FigureRef;
  label: string;
  /** As frozen at closing; null when the period had none and an adjustment added it. */
  frozen: number | null;
  adjustments: PeriodAdjustment[];
  /** Frozen plus adjustments. */
  standing: number | null;
}

export interface PeriodView extends Omit<ClosedPeriod, 'figures'> {
  figures: FrozenFigureView[];
  adjustments: PeriodAdjustment[];
}

/** The closed periods, oldest closing first. */
export async function listPeriods(ctx: AppContext): Promise<ClosedPeriodSummary[]> {
  const [closed, adjustments] = await Promise.all([
    listClosedPeriods(ctx.db),
    listAdjustments(ctx.db),
  ]);
  return closed.map((c) => ({
    period: c.period,
    closedBy: c.closedBy,
    closedByName: c.closedByName,
    closedAt: c.closedAt,
    figures: frozenEntries(c.figures).length,
    adjustments: adjustments.filter((a) => a.period === c.period).length,
  }));
}

/** A closed period: its frozen figures with their adjustments beside them, and the forecast then. */
export async function showPeriod(
  ctx: AppContext,
  label: string,
  sees: Sight = () => true,
): Promise<PeriodView> {
  if (parsePeriod(label) === null)
    fail(
      'plan.bad_period',
      `'${label.slice(0, 40)}' is not a reporting period (2026-08, 2026-Q3)`,
      {
        path: '$.period',
      },
    );
  const closed = await findClosedPeriod(ctx.db, label);
  if (closed === null) fail('period.not_closed', `${label} is not closed`, { path: '$.period' });
  const adjustments = (await listAdjustments(ctx.db, label)).filter((a) =>
    seesFigure(sees, a.figure),
  );
  const seen = new Map<string, FigureRef>();
  for (const e of frozenEntries(closed.figures))
    if (seesFigure(sees, e.figure)) seen.set(figureKey(e.figure), e.figure);
  for (const a of adjustments)
    if (!seen.has(figureKey(a.figure))) seen.set(figureKey(a.figure), a.figure);
  const frozen = new Map(frozenEntries(closed.figures).map((e) => [figureKey(e.figure), e.value]));
  const figures = [...seen.entries()].map(([key, figure]) => ({
    figure,
    label: describeFigure(figure),
    frozen: frozen.get(key) ?? null,
    adjustments: adjustments.filter((a) => figureKey(a.figure) === key),
    standing: standingValue(closed, adjustments, figure),
  }));
  return {
    period: closed.period,
    closedBy: closed.closedBy,
    closedByName: closed.closedByName,
    closedAt: closed.closedAt,
    forecast: {
      kpis: closed.forecast.kpis.filter((k) => sees('kpi', k.kpi)),
      milestones: closed.forecast.milestones.filter((m) => sees('milestone', m.milestone)),
    },
    figures,
    adjustments,
  };
}
