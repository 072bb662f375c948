import type { BudgetLine, Initiative, IsoDate, Kpi, PeriodLabel, Plan } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import { DomainError, fail, type Problem } from '../errors.ts';
import { parsePeriod, type Period } from '../period.ts';

/**
 * Locked periods (docs/GOVERNANCE.md "Locked periods"): a finance controller closes a month or a
 * quarter; its KPI actuals and budget lines are frozen as they stood, and the forecast as it
 * stood is kept beside them. A later write that would change a frozen figure is refused naming
 * the period and the figure; a correction is an adjustment by a controller with a reason.
 */

/** A budget line's figures: what a closing freezes and an adjustment corrects. */
export type BudgetField = 'plan' | 'committed' | 'actual';

/** One figure a closing freezes: a KPI's actual, or one figure of an initiative's budget line. */
export type FigureRef =
  | { kind: 'kpi_actual'; kpi: string; period: PeriodLabel }
  | { kind: 'budget'; initiative: string; period: PeriodLabel; line: BudgetField };

/** The frozen figures of a closed period, by entity id and figure period. */
export interface FrozenFigures {
  kpis: Record<string, Record<PeriodLabel, number>>;
  initiatives: Record<string, Record<PeriodLabel, BudgetLine>>;
}

/** The forecast as it stood at closing, for the figures of the period. */
export interface ForecastAtClosing {
  kpis: {
    kpi: string;
    period: PeriodLabel;
    target: number | null;
    actual: number | null;
    forecast: number;
    forecastAtPlan: number;
  }[];
  /** Milestones planned or forecast inside the period. */
  milestones: {
    milestone: string;
    plannedDate: IsoDate;
    forecastDate: IsoDate;
    complete: boolean;
  }[];
}

export interface ClosedPeriod {
  period: PeriodLabel;
  closedBy: string;
  /** The closer's name as the plan had it at closing. */
  closedByName: string;
  closedAt: string;
  figures: FrozenFigures;
  forecast: ForecastAtClosing;
}

export interface PeriodAdjustment {
  period: PeriodLabel;
  figure: FigureRef;
  /** Added to the frozen figure (negative to lower it). */
  amount: number;
  reason: string;
  by: string;
  at: string;
}

/** A frozen figure a write would change. */
export interface LockedChange {
  period: PeriodLabel;
  closedBy: string;
  closedAt: string;
  figure: FigureRef;
  /** What it stands at (frozen plus adjustments); null when it had none. */
  from: number | null;
  /** What the write would make it; null when the write removes it. */
  to: number | null;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const QUARTER = /^\d{4}-Q[1-4]$/;

/** A period that may be closed: a month (`2026-08`) or a quarter (`2026-Q3`); else a 400. */
export function parseClosablePeriod(label: string, path = '$.period'): Period {
  const period = MONTH.test(label) || QUARTER.test(label) ? parsePeriod(label) : null;
  if (period === null)
    fail(
      'plan.bad_period',
      `'${printable(label)}' is not a month (2026-08) or a quarter (2026-Q3): only those are closed`,
      { path },
    );
  return period;
}

/** True when a figure's period lies wholly inside the closed period (August inside Q3). */
export function figureInPeriod(closed: Period, label: PeriodLabel): boolean {
  const figure = parsePeriod(label);
  return figure !== null && figure.start >= closed.start && figure.end <= closed.end;
}

/** The KPI actuals and budget lines of the plan that fall inside the period. */
export function freezeFigures(
  plan: Pick<Plan, 'kpis' | 'initiatives'>,
  period: Period,
): FrozenFigures {
  const figures: FrozenFigures = { kpis: {}, initiatives: {} };
  for (const kpi of plan.kpis) {
    const inside = kpiFigures(kpi, period);
    if (Object.keys(inside).length > 0) figures.kpis[kpi.id] = inside;
  }
  for (const initiative of plan.initiatives) {
    const inside = budgetFigures(initiative, period);
    if (Object.keys(inside).length > 0) figures.initiatives[initiative.id] = inside;
  }
  return figures;
}

function kpiFigures(kpi: Kpi, period: Period): Record<PeriodLabel, number> {
  const inside: Record<PeriodLabel, number> = {};
  for (const [label, value] of Object.entries(kpi.actuals ?? {}))
    if (figureInPeriod(period, label)) inside[label] = value;
  return inside;
}

function budgetFigures(initiative: Initiative, period: Period): Record<PeriodLabel, BudgetLine> {
  const inside: Record<PeriodLabel, BudgetLine> = {};
  for (const [label, line] of Object.entries(initiative.budget ?? {}))
    if (figureInPeriod(period, label)) inside[label] = { ...line };
  return inside;
}

/** The derived KPI and milestone forecasts of the period, as they stand now. */
export function forecastAtClosing(state: DerivedState, period: Period): ForecastAtClosing {
  const kpis: ForecastAtClosing['kpis'] = [];
  for (const [id, forecast] of state.kpis)
    for (const p of forecast.periods)
      if (figureInPeriod(period, p.period))
        kpis.push({
          kpi: id,
          period: p.period,
          target: p.target,
          actual: p.actual,
          forecast: p.forecast,
          forecastAtPlan: p.forecastAtPlan,
        });
  const milestones: ForecastAtClosing['milestones'] = [];
  for (const [id, m] of state.milestones) {
    const inside = (d: IsoDate): boolean => d >= period.start && d <= period.end;
    if (inside(m.plannedDate) || inside(m.forecastDate))
      milestones.push({
        milestone: id,
        plannedDate: m.plannedDate,
        forecastDate: m.forecastDate,
        complete: m.complete,
      });
  }
  return { kpis, milestones };
}

/** Every frozen figure as a reference with its value. */
export function frozenEntries(figures: FrozenFigures): { figure: FigureRef; value: number }[] {
  const entries: { figure: FigureRef; value: number }[] = [];
  for (const [kpi, periods] of Object.entries(figures.kpis))
    for (const [period, value] of Object.entries(periods))
      entries.push({ figure: { kind: 'kpi_actual', kpi, period }, value });
  for (const [initiative, periods] of Object.entries(figures.initiatives))
    for (const [period, line] of Object.entries(periods))
      for (const field of BUDGET_FIELDS) {
        const value = line[field];
        if (value !== undefined)
          entries.push({ figure: { kind: 'budget', initiative, period, line: field }, value });
      }
  return entries;
}

export const BUDGET_FIELDS: readonly BudgetField[] = ['plan', 'committed', 'actual'];

/** A stable key per figure: two references with the same key name the same figure. */
export function figureKey(figure: FigureRef): string {
  return figure.kind === 'kpi_actual'
    ? JSON.stringify(['kpi', figure.kpi, figure.period])
    : JSON.stringify(['budget', figure.initiative, figure.period, figure.line]);
}

/** "the actual of K-OTD for 2026-08", "the committed budget of I-ERP for 2026-08". */
export function describeFigure(figure: FigureRef): string {
  return figure.kind === 'kpi_actual'
    ? `the actual of ${figure.kpi} for ${figure.period}`
    : `the ${figure.line} budget of ${figure.initiative} for ${figure.period}`;
}

/** A frozen figure with its adjustments: what the closed period holds it at now. */
export function standingValue(
  closed: ClosedPeriod,
  adjustments: readonly PeriodAdjustment[],
  figure: FigureRef,
): number | null {
  const key = figureKey(figure);
  const frozen = frozenEntries(closed.figures).find((e) => figureKey(e.figure) === key);
  const moved = adjustments.filter(
    (a) => a.period === closed.period && figureKey(a.figure) === key,
  );
  if (frozen === undefined && moved.length === 0) return null;
  return roundCents(moved.reduce((sum, a) => sum + a.amount, frozen?.value ?? 0));
}

/** The figure's value in a plan's KPIs and initiatives; null when there is none. */
export function figureValue(
  plan: Pick<Plan, 'kpis' | 'initiatives'>,
  figure: FigureRef,
): number | null {
  if (figure.kind === 'kpi_actual') {
    const kpi = plan.kpis.find((k) => k.id === figure.kpi);
    const value = kpi?.actuals?.[figure.period];
    return value ?? null;
  }
  const initiative = plan.initiatives.find((i) => i.id === figure.initiative);
  return initiative?.budget?.[figure.period]?.[figure.line] ?? null;
}

/**
 * Every figure of a closed period that `after` holds differently from the period's standing
 * figures (frozen plus adjustments). `touched` limits the look to the KPIs and initiatives a
 * write changed (`after` need only hold those); without it every one is looked at.
 */
export function lockedFigureChanges(
  closed: readonly ClosedPeriod[],
  adjustments: readonly PeriodAdjustment[],
  after: Pick<Plan, 'kpis' | 'initiatives'>,
  touched?: { kpis: ReadonlySet<string>; initiatives: ReadonlySet<string> },
): LockedChange[] {
  const changes: LockedChange[] = [];
  for (const period of closed) {
    const span = parsePeriod(period.period);
    if (span === null) continue;
    const standing = new Map<string, { figure: FigureRef; value: number | null }>();
    const looked = (figure: FigureRef): boolean =>
      touched === undefined ||
      (figure.kind === 'kpi_actual'
        ? touched.kpis.has(figure.kpi)
        : touched.initiatives.has(figure.initiative));
    const consider = (figure: FigureRef): void => {
      if (!looked(figure)) return;
      const key = figureKey(figure);
      if (!standing.has(key))
        standing.set(key, { figure, value: standingValue(period, adjustments, figure) });
    };
    for (const entry of frozenEntries(period.figures)) consider(entry.figure);
    for (const a of adjustments) if (a.period === period.period) consider(a.figure);
    for (const entry of frozenEntries(freezeFigures(after, span))) consider(entry.figure);
    for (const { figure, value } of standing.values()) {
      const now = figureValue(after, figure);
      if (!sameFigure(now, value))
        changes.push({
          period: period.period,
          closedBy: period.closedByName,
          closedAt: period.closedAt,
          figure,
          from: value,
          to: now,
        });
    }
  }
  return changes;
}

function sameFigure(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The refusal of a write that would change frozen figures: one problem per figure. */
export function lockedChangesError(changes: readonly LockedChange[]): DomainError {
  return new DomainError(changes.map(lockedChangeProblem));
}

export function lockedChangeProblem(change: LockedChange): Problem {
  const what = describeFigure(change.figure);
  const move =
    change.from === null
      ? `would be set to ${change.to} (it had none at closing)`
      : change.to === null
        ? `would be removed (it stands at ${change.from})`
        : `would change from ${change.from} to ${change.to}`;
  return {
    code: 'period.closed',
    message: `${change.period} is closed (by ${change.closedBy} on ${change.closedAt.slice(0, 10)}): ${what} ${move}; a controller can record an adjustment`,
    path: figurePath(change.figure),
  };
}

/** Where the figure sits in a plan: `$.kpis[K-OTD].actuals.2026-08`. */
export function figurePath(figure: FigureRef): string {
  return figure.kind === 'kpi_actual'
    ? `$.kpis[${figure.kpi}].actuals.${figure.period}`
    : `$.initiatives[${figure.initiative}].budget.${figure.period}.${figure.line}`;
}

/** Throws the refusal when the write would change a frozen figure. */
export function assertNoLockedChange(
  closed: readonly ClosedPeriod[],
  adjustments: readonly PeriodAdjustment[],
  after: Pick<Plan, 'kpis' | 'initiatives'>,
  touched?: { kpis: ReadonlySet<string>; initiatives: ReadonlySet<string> },
): void {
  const changes = lockedFigureChanges(closed, adjustments, after, touched);
  if (changes.length > 0) throw lockedChangesError(changes);
}

/**
 * The closed period that holds a month or quarter already (closing August inside a closed Q3 is
 * refused), or the same one closed twice.
 */
export function coveringClosedPeriod(
  closed: readonly Pick<ClosedPeriod, 'period' | 'closedByName' | 'closedAt'>[],
  period: Period,
): Pick<ClosedPeriod, 'period' | 'closedByName' | 'closedAt'> | undefined {
  return closed.find((c) => figureInPeriod(parsePeriod(c.period) ?? period, period.label));
}

/**
 * The plan with an adjustment's figure moved by `amount`; refused when the figure lies outside
 * the closed period or names nothing of the plan.
 */
export function applyAdjustment(
  plan: Plan,
  closed: Period,
  figure: FigureRef,
  amount: number,
): { plan: Plan; from: number | null; to: number } {
  if (!figureInPeriod(closed, figure.period))
    fail(
      'plan.bad_period',
      `${describeFigure(figure)} is not inside ${closed.label}: adjust it through the closed period that holds it`,
      { path: '$.figure.period' },
    );
  if (!Number.isFinite(amount) || amount === 0)
    fail('plan.bad_value', `the amount must be a finite number other than 0 (got ${amount})`, {
      path: '$.amount',
    });
  const next = structuredClone(plan);
  const from = figureValue(next, figure);
  const to = roundCents((from ?? 0) + amount);
  if (figure.kind === 'kpi_actual') {
    const kpi = next.kpis.find((k) => k.id === figure.kpi);
    if (kpi === undefined)
      fail('plan.unknown_reference', `the plan has no KPI '${printable(figure.kpi)}'`, {
        path: '$.figure.kpi',
      });
    kpi.actuals = { ...kpi.actuals, [figure.period]: to };
  } else {
    const initiative = next.initiatives.find((i) => i.id === figure.initiative);
    if (initiative === undefined)
      fail(
        'plan.unknown_reference',
        `the plan has no initiative '${printable(figure.initiative)}'`,
        { path: '$.figure.initiative' },
      );
    const line = initiative.budget[figure.period];
    if (line === undefined && figure.line !== 'plan')
      fail(
        'plan.bad_value',
        `${figure.initiative} has no budget line for ${figure.period}: adjust its plan figure first`,
        { path: '$.figure.line' },
      );
    initiative.budget = {
      ...initiative.budget,
      [figure.period]: { ...(line ?? { plan: 0 }), [figure.line]: to },
    };
  }
  return { plan: next, from, to };
}

/** Money and measures are kept to 1e-6: adding 0.1 ten times gives 1, not 0.9999999999999999. */
function roundCents(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** A label shown in a message: control characters out, long text cut. */
function printable(text: string): string {
  const clean = [...text]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      return code < 0x20 || code === 0x7f ? '?' : c;
    })
    .join('');
  return clean.length > 40 ? `${clean.slice(0, 40)}…` : clean;
}
