import type {
  ClosedPeriod,
  FigureRef,
  ForecastAtClosing,
  FrozenFigures,
  PeriodAdjustment,
} from '../core/governance/locked-periods.ts';
import type { Queryable } from './database.ts';

/**
 * Closed periods and their adjustments (migration 017): both append-only. A closing keeps the
 * frozen figures and the forecast as it stood; the closer's name rides with the figures so a
 * refusal names them even after they left the plan.
 */

interface ClosedPeriodRow {
  period: string;
  closed_by: string;
  closed_at: Date | string;
  figures: { figures: FrozenFigures; closedByName?: string } | string;
  forecast: ForecastAtClosing | string;
}

interface AdjustmentRow {
  seq: string | number;
  period: string;
  figure: FigureRef | string;
  amount: number | string;
  reason: string;
  adjusted_by: string;
  adjusted_at: Date | string;
}

function json<T>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function toClosed(row: ClosedPeriodRow): ClosedPeriod {
  const stored = json(row.figures);
  return {
    period: row.period,
    closedBy: row.closed_by,
    closedByName: stored.closedByName ?? row.closed_by,
    closedAt: iso(row.closed_at),
    figures: stored.figures,
    forecast: json(row.forecast),
  };
}

/** Every closed period, oldest closing first. */
export async function listClosedPeriods(db: Queryable): Promise<ClosedPeriod[]> {
  const rows = await db.query<ClosedPeriodRow>(
    'SELECT period, closed_by, closed_at, figures, forecast FROM closed_period ORDER BY closed_at, period',
  );
  return rows.map(toClosed);
}

/**
 * The write path's first look, in one statement: how many periods are closed, and the plan's
 * version (its latest change, 0 before any) as it stands before the write's body.
 */
export async function closedPeriodsAndPlanVersion(
  db: Queryable,
): Promise<{ closed: number; planVersion: number }> {
  const rows = await db.query<{ n: string | number; version: string | number | null }>(
    `SELECT (SELECT count(*) FROM closed_period) AS n,
            (SELECT max(seq) FROM plan_change) AS version`,
  );
  return { closed: Number(rows[0]?.n ?? 0), planVersion: Number(rows[0]?.version ?? 0) };
}

export async function findClosedPeriod(
  db: Queryable,
  period: string,
): Promise<ClosedPeriod | null> {
  const rows = await db.query<ClosedPeriodRow>(
    'SELECT period, closed_by, closed_at, figures, forecast FROM closed_period WHERE period = $1',
    [period],
  );
  const row = rows[0];
  return row === undefined ? null : toClosed(row);
}

/** Stores a closing; false when the period was closed already (by a write that got there first). */
export async function insertClosedPeriod(tx: Queryable, closed: ClosedPeriod): Promise<boolean> {
  const rows = await tx.query<{ period: string }>(
    `INSERT INTO closed_period (period, closed_by, closed_at, figures, forecast)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) ON CONFLICT (period) DO NOTHING RETURNING period`,
    [
      closed.period,
      closed.closedBy,
      closed.closedAt,
      JSON.stringify({ figures: closed.figures, closedByName: closed.closedByName }),
      JSON.stringify(closed.forecast),
    ],
  );
  return rows.length === 1;
}

/** Adjustments, oldest first; of one period when named. */
export async function listAdjustments(db: Queryable, period?: string): Promise<PeriodAdjustment[]> {
  const rows = await db.query<AdjustmentRow>(
    `SELECT seq, period, figure, amount, reason, adjusted_by, adjusted_at FROM period_adjustment
     ${period === undefined ? '' : 'WHERE period = $1'} ORDER BY seq`,
    period === undefined ? [] : [period],
  );
  return rows.map((row) => ({
    period: row.period,
    figure: json(row.figure),
    amount: Number(row.amount),
    reason: row.reason,
    by: row.adjusted_by,
    at: iso(row.adjusted_at),
  }));
}

export async function insertAdjustment(tx: Queryable, adjustment: PeriodAdjustment): Promise<void> {
  await tx.query(
    `INSERT INTO period_adjustment (period, figure, amount, reason, adjusted_by, adjusted_at)
     VALUES ($1, $2::jsonb, $3, $4, $5, $6)`,
    [
      adjustment.period,
      JSON.stringify(adjustment.figure),
      adjustment.amount,
      adjustment.reason,
      adjustment.by,
      adjustment.at,
    ],
  );
}
