import { clearedFor, visibility, type Visibility } from '../core/access/policy.ts';
import { parseDateOrInstant, isIsoDate } from '../core/calendar.ts';
import type { IsoDate, Plan } from '../core/domain/plan.ts';
import type { KpiPeriodForecast } from '../core/domain/state.ts';
import type { WorkItem, WorkItemChange } from '../core/domain/work-item.ts';
import { computeState } from '../core/engine/compute-state.ts';
import { createEngine, type Engine, type EngineEvent } from '../core/engine/engine.ts';
import { fail } from '../core/errors.ts';
import { groupIncidents } from '../core/incidents/group-incidents.ts';
import type { Incident } from '../core/incidents/incident.ts';
import { assemblePlan, type PlanEntity } from '../core/plan/diff-plan.ts';
import {
  firstPlanWriteAt,
  listPlanChangesUntil,
  listWorkDeliveriesUntil,
  loadOpenSignalsKnownAt,
  loadPlanKnownAt,
  loadWorkKnownAt,
} from '../store/history-read.ts';
import type { StoredSignal } from '../store/signal-store.ts';
import type { AppContext } from './context.ts';
import { readPlan, type Snapshot } from './derive.ts';
import { workLinksOf, type Viewer } from './viewer.ts';

/**
 * "What did we believe at time T": the plan as it stood, the work items as we knew them, the
 * forecasts the engine derives from them and the signals we had then, all read back from the
 * append-only history. Separate from "as of" (the day a forecast is computed for): a known-at
 * read computes as of the day of T, unless "as of" is pinned (`--as-of`, THROUGHLINE_AS_OF, the
 * demo's pinned date), which then holds for the past as it does for now.
 */

/** The longest text accepted as a known-at instant. */
const MAX_INSTANT_LENGTH = 64;

/**
 * Reads a known-at instant: `2026-09-14T10:00:00Z`, `2026-09-14T12:00+02:00`, or a date, which
 * means the end of that day (UTC): everything known on it. Errors name `param`.
 */
export function parseKnownAt(text: string, param: string): Date {
  const shown = text.length > MAX_INSTANT_LENGTH ? `${text.slice(0, MAX_INSTANT_LENGTH)}…` : text;
  const printable = JSON.stringify(shown);
  if (text.length === 0 || text.length > MAX_INSTANT_LENGTH)
    fail(
      'history.bad_instant',
      `${param} ${printable} is not an instant: write it 2026-09-14T10:00:00Z (or with an offset, or a date for the end of that day)`,
      { path: param },
    );
  const at = parseDateOrInstant(text);
  if (at === null)
    fail(
      'history.bad_instant',
      `${param} ${printable} is not an instant: write it 2026-09-14T10:00:00Z (or with an offset, or a date for the end of that day)`,
      { path: param },
    );
  return isIsoDate(text) ? new Date(at.getTime() + 86_400_000 - 1) : at;
}

/** What was known at an instant: the snapshot then, and the signals open then. */
export interface KnownAt {
  knownAt: string;
  asOf: IsoDate;
  snapshot: Snapshot;
  signals: StoredSignal[];
}

/** The day a known-at read derives "as of": given, pinned, or the day of the instant. */
export function knownAtAsOf(ctx: AppContext, at: Date, asOf?: IsoDate): IsoDate {
  if (asOf !== undefined) return asOf;
  if (ctx.clock.pinned) return ctx.clock.asOf();
  return at.toISOString().slice(0, 10);
}

/**
 * The plan, the work, the derived state and the open signals as known at `at`. Refused before
 * the first plan was written (naming `param` and the first write's instant) and after now.
 */
export async function readKnownAt(
  ctx: AppContext,
  at: Date,
  options: { param?: string; asOf?: IsoDate } = {},
): Promise<KnownAt> {
  const param = options.param ?? 'knownAt';
  const first = await firstPlanWriteAt(ctx.db);
  if (first === null)
    fail('not_found', `${param}: no plan has been applied yet, so nothing was known at any time`, {
      path: param,
    });
  if (at.getTime() < first.getTime())
    fail(
      'history.before_first_write',
      `${param} ${at.toISOString()} is before the first write: the plan was first applied at ${first.toISOString()}`,
      { path: param },
    );
  const now = ctx.clock.now();
  if (at.getTime() > now.getTime())
    fail(
      'history.bad_instant',
      `${param} ${at.toISOString()} is in the future (now is ${now.toISOString()}): nothing is known about it yet`,
      { path: param },
    );
  const plan = await loadPlanKnownAt(ctx.db, at);
  if (plan === null)
    fail('not_found', `${param}: there was no plan at ${at.toISOString()}`, { path: param });
  const work = await loadWorkKnownAt(ctx.db, at);
  const asOf = knownAtAsOf(ctx, at, options.asOf);
  const state = computeState({ plan, workItems: work.items, changes: work.changes, asOf });
  const signals = await loadOpenSignalsKnownAt(ctx.db, at);
  return {
    knownAt: at.toISOString(),
    asOf,
    snapshot: { plan, workItems: work.items, state },
    signals,
  };
}

/**
 * A person's view of the past: the access policy applied to the plan as it stood (with the
 * incidents and work links of then). A person who is not in that plan is seen with their roles
 * of now; and an initiative the person may not see now stays hidden in the past too, even where
 * it was not yet confidential then.
 */
export async function knownAtViewer(
  ctx: AppContext,
  personId: string,
  known: KnownAt,
): Promise<Viewer> {
  const { plan: past, state, workItems } = known.snapshot;
  const current = await readPlan(ctx);
  const person = current?.people.find((p) => p.id === personId) ?? null;
  const barredNow = new Set(
    (current?.initiatives ?? []).filter((i) => !clearedFor(current!, person, i)).map((i) => i.id),
  );
  const policyPlan: Plan = {
    ...past,
    people:
      person !== null && !past.people.some((p) => p.id === personId)
        ? [...past.people, person]
        : past.people,
    initiatives: past.initiatives.map((i) =>
      barredNow.has(i.id) && i.owner !== personId ? { ...i, confidential: { people: [] } } : i,
    ),
  };
  const incidents: Incident[] = groupIncidents(past, state, known.signals);
  const seen: Visibility = visibility(policyPlan, personId, {
    incidents,
    workLinks: workLinksOf(past, workItems),
  });
  return { snapshot: known.snapshot, seen, incidents };
}

/** One moment of a KPI's forecast history: its forecast per target period as then derived. */
export interface ForecastPoint {
  /** The write that moved it (its instant). */
  at: string;
  /** The day the forecast was derived for. */
  asOf: IsoDate;
  /** What that write changed: the plan, the work, or both. */
  cause: 'plan' | 'work' | 'plan+work';
  periods: { period: string; forecast: number; target: number; actual: number | null }[];
}

export interface KpiForecastHistory {
  kpi: string;
  name: string;
  unitOfMeasure: string;
  direction: string;
  /** The target periods, in order, with their current target. */
  targets: { period: string; target: number }[];
  /** The forecast after each write that moved it, oldest first. */
  points: ForecastPoint[];
  /** Writes the history holds that changed the plan or the work (each was recomputed). */
  writes: number;
  /** True when only the latest `limit` writes were recomputed (older ones were replayed only). */
  truncated: boolean;
}

/** How many writes a forecast history recomputes the engine at, at most (the latest ones). */
export const FORECAST_HISTORY_LIMIT = 500;

/**
 * How a KPI's forecast for each target period moved over time. The history holds every plan
 * change and every work-item delivery with the instant of its write: the replay walks them in
 * order and, at each write that changed the plan or the work, derives the state as it was then
 * (the engine in full on a plan change or a new day, incrementally for work), keeping a point
 * whenever the KPI's forecast or target for a target period differs from the previous point.
 */
export async function kpiForecastHistory(
  ctx: AppContext,
  kpiId: string,
  options: { until?: Date; limit?: number; asOf?: IsoDate } = {},
): Promise<KpiForecastHistory> {
  const until = options.until ?? ctx.clock.now();
  const limit = Math.max(1, options.limit ?? FORECAST_HISTORY_LIMIT);
  const planRows = await listPlanChangesUntil(ctx.db, until);
  const workRows = await listWorkDeliveriesUntil(ctx.db, until);
  const instants = [...new Set([...planRows, ...workRows].map((r) => r.at.getTime()))].sort(
    (a, b) => a - b,
  );
  const firstComputed = instants.length > limit ? instants[instants.length - limit]! : -Infinity;

  const entities = new Map<string, PlanEntity>();
  const items = new Map<string, WorkItem>();
  const lastChange = new Map<string, WorkItemChange>();
  const holders = new Map<string, number>();
  let plan: Plan | null = null;
  let engine: Engine | null = null;
  let engineAsOf: IsoDate | null = null;
  let stale = true;
  const points: ForecastPoint[] = [];
  let p = 0;
  let w = 0;
  for (const instant of instants) {
    let planMoved = false;
    while (p < planRows.length && planRows[p]!.at.getTime() === instant) {
      const row = planRows[p++]!;
      const id = `${row.collection}\u0000${row.id}`;
      if (row.action === 'removed') entities.delete(id);
      else entities.set(id, { collection: row.collection, id: row.id, data: row.after });
      planMoved = true;
    }
    const events: EngineEvent[] = [];
    while (w < workRows.length && workRows[w]!.at.getTime() === instant) {
      const row = workRows[w++]!;
      const id = `${row.source}\u0000${row.key}`;
      const held = items.has(id);
      if (row.change !== null) lastChange.set(id, row.change);
      if (row.data === null) {
        if (held) {
          items.delete(id);
          holders.set(row.key, (holders.get(row.key) ?? 1) - 1);
        }
        events.push({ op: 'delete', key: row.key, change: null });
        if ((holders.get(row.key) ?? 0) > 0) stale = true;
      } else {
        if (!held) holders.set(row.key, (holders.get(row.key) ?? 0) + 1);
        items.set(id, row.data);
        events.push({ op: 'upsert', item: row.data, change: lastChange.get(id) ?? null });
        if ((holders.get(row.key) ?? 0) > 1) stale = true;
      }
    }
    if (planMoved) {
      plan = assemblePlan(
        [...entities.values()].sort((a, b) =>
          a.collection === b.collection ? compare(a.id, b.id) : compare(a.collection, b.collection),
        ),
      );
      stale = true;
    }
    if (plan === null) continue;
    if (instant < firstComputed) {
      stale = true;
      continue;
    }
    const at = new Date(instant);
    const asOf = knownAtAsOf(ctx, at, options.asOf);
    if (stale || engine === null || engineAsOf !== asOf) {
      const sorted = [...items.entries()].sort(([a], [b]) => compare(a, b));
      const changes: Record<string, WorkItemChange> = {};
      for (const [id, item] of sorted) {
        const change = lastChange.get(id);
        if (change !== undefined) changes[item.key] = change;
      }
      engine = createEngine({ plan, workItems: sorted.map(([, i]) => i), changes, asOf });
      engineAsOf = asOf;
      stale = false;
    } else {
      for (const event of events) engine.apply(event);
    }
    const derived = engine.state.kpis.get(kpiId);
    if (derived === undefined) continue;
    const periods = derived.periods
      .filter((x): x is KpiPeriodForecast & { target: number } => x.target !== null)
      .map((x) => ({ period: x.period, forecast: x.forecast, target: x.target, actual: x.actual }));
    const previous = points[points.length - 1];
    if (previous !== undefined && JSON.stringify(previous.periods) === JSON.stringify(periods))
      continue;
    points.push({
      at: at.toISOString(),
      asOf,
      cause: planMoved && events.length > 0 ? 'plan+work' : planMoved ? 'plan' : 'work',
      periods,
    });
  }
  const kpi = plan?.kpis.find((k) => k.id === kpiId);
  if (kpi === undefined || plan === null)
    fail('not_found', `there is no KPI '${kpiId}'`, { path: 'id' });
  return {
    kpi: kpi.id,
    name: kpi.name,
    unitOfMeasure: kpi.unitOfMeasure,
    direction: kpi.direction,
    targets: Object.entries(kpi.targets)
      .map(([period, target]) => ({ period, target }))
      .sort((a, b) => compare(a.period, b.period)),
    points,
    writes: instants.length,
    truncated: instants.length > limit,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
