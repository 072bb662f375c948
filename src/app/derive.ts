import type { IsoDate, Plan } from '../core/domain/plan.ts';
import type { DerivedState, Signal } from '../core/domain/state.ts';
import type { WorkItem, WorkItemChange } from '../core/domain/work-item.ts';
import type { Queryable } from '../store/database.ts';
import { autoOpenDecisions } from './auto-open-decisions.ts';
import { governanceSignalsOf } from './governance-signals.ts';
import { moneySignals, openStopDecisions } from './value-signals.ts';
import type { AppContext } from './context.ts';
import { appendEvents, type LiveEvent } from '../store/event-log-store.ts';
import { type FigureKind, recordFigureFreshness } from '../store/figure-freshness-store.ts';
import { loadPlan } from '../store/plan-store.ts';
import { listStaleSources } from '../store/jira-site-store.ts';
import { type SignalSync, syncSignals } from '../store/signal-store.ts';
import { type StateChanges, movedCount, signalAudience } from './live-events.ts';
import { createLiveModel, type LiveModel } from './live-model.ts';

/** The plan, the work and what the engine derives from them as of a day. */
export interface Snapshot {
  plan: Plan;
  workItems: WorkItem[];
  state: DerivedState;
  /**
   * Each work item's latest change, by key, as the engine took them (what `loadLatestChanges`
   * reads from the store); a live model's snapshot has them, made when first read.
   */
  readonly changes?: Record<string, WorkItemChange>;
}

/**
 * The plan as this process's live model holds it (kept current by every write and by other
 * instances' events), or read from the store when there is no model or it has not loaded yet.
 */
export async function readPlan(ctx: AppContext): Promise<Plan | null> {
  return ctx.model?.current()?.plan ?? (await loadPlan(ctx.db));
}

/**
 * Loads the plan and the work and derives the state; null before any plan was applied. Always
 * through a live model: the server's (only what changed since its last look is read), or a
 * throwaway one that loads everything (the CLI, a test).
 */
export async function deriveSnapshot(
  db: Queryable,
  asOf: IsoDate,
  model: LiveModel = createLiveModel(),
): Promise<Snapshot | null> {
  return (await model.refresh(db, asOf)).snapshot;
}

const NO_SIGNAL_CHANGE: SignalSync = { raised: [], changed: [], resolved: [] };

export interface RecomputeOptions {
  model?: LiveModel | undefined;
  /** When the change happened at its source and when we received it (reality latency). */
  sourceChangedAt?: string | null;
  receivedAt?: string | null;
  /** Wake other app instances (PostgreSQL NOTIFY) when the transaction commits. */
  notify?: boolean;
  /** A source whose last successful read is older than this raises a staleness signal. */
  staleAfterMinutes?: number;
  /**
   * May leave the decisions due to open by themselves to the opener after the commit, when the
   * model says pricing their options would hold up the write (a server's big portfolio).
   */
  deferDecisions?: boolean;
  /** The plan's entities the write changed itself: the `state` event names them. */
  named?: NamedEntities;
}

/** Plan entities by kind, as a `state` event names them. */
export type NamedEntities = Partial<
  Record<'objectives' | 'kpis' | 'initiatives' | 'milestones', readonly string[]>
>;

const NAMED_KINDS = ['objectives', 'kpis', 'initiatives', 'milestones'] as const;

/** Both lists of named entities in one. */
export function mergeNamed(a: NamedEntities, b: NamedEntities): NamedEntities {
  const merged: NamedEntities = {};
  for (const kind of NAMED_KINDS) {
    const ids = [...(a[kind] ?? []), ...(b[kind] ?? [])];
    if (ids.length > 0) merged[kind] = [...new Set(ids)];
  }
  return merged;
}

/** A state change with the entities the write named itself added to what the engine moved. */
function withNamed(changes: StateChanges, named: NamedEntities | undefined): StateChanges {
  if (named === undefined) return changes;
  const out = { ...changes };
  for (const kind of NAMED_KINDS) {
    const ids = named[kind];
    if (ids !== undefined && ids.length > 0)
      out[kind] = [...new Set([...out[kind], ...ids])].sort();
  }
  return out;
}

/** How old a source's data may get before its dependents are told (minutes). */
export const DEFAULT_STALE_AFTER_MINUTES = 30;

/**
 * Derives the state inside a write, makes the stored signals match it, opens the decisions of
 * incidents beyond the rights of the person they reach, and appends the live events (signals
 * raised, changed, resolved; figures that moved) in the same transaction.
 */
export async function recomputeSignals(
  tx: Queryable,
  asOf: IsoDate,
  at: Date,
  options: RecomputeOptions = {},
): Promise<{ snapshot: Snapshot | null; signals: SignalSync; decisions: string[] }> {
  const model = options.model ?? createLiveModel();
  const { snapshot, moved, full, changedKeys } = await model.refresh(tx, asOf);
  if (snapshot === null) return { snapshot, signals: NO_SIGNAL_CHANGE, decisions: [] };
  // Sources that went quiet raise their own signal: "data older than N minutes".
  const threshold = options.staleAfterMinutes ?? DEFAULT_STALE_AFTER_MINUTES;
  const stale = (await listStaleSources(tx, at, threshold)).map((s) => ({
    source: s.source,
    thresholdMinutes: threshold,
    lastSuccessAt: s.lastSuccessAt,
    lastError: s.lastError === null ? null : s.lastError.message,
  }));
  const computed = [...snapshot.state.signals, ...model.stalenessSignals(stale)];
  // Benefits below their promise and budget overruns (docs/GOVERNANCE.md).
  computed.push(...(await moneySignals(tx, snapshot)));
  // Initiatives past a gate they never passed (docs/GOVERNANCE.md "Stage gates").
  computed.push(...governanceSignalsOf(snapshot.plan));
  const signals = await syncSignals(tx, computed, at, model.signalCache);
  // An incident beyond the rights of the person it reaches opens its decision in this write;
  // where the engine moved no signal since the last look, none can have become due.
  const decisions = await autoOpenDecisions(
    tx,
    snapshot,
    at,
    model.autoOpenLedger,
    options.deferDecisions === true && model.pricingOutsideWrites(),
  );
  // Where value does not materialise and the return turned negative: stop or continue.
  decisions.push(...(await openStopDecisions(tx, snapshot, computed, at)));
  // The engine's own list of what moved is the only diff; a state derived in full says "all".
  const engineChanged = full
    ? fullChange(snapshot.state.asOf, changedKeys)
    : moved === null || movedCount(moved) === 0
      ? null
      : moved;
  const changed =
    engineChanged === null && Object.keys(options.named ?? {}).length === 0
      ? null
      : withNamed(engineChanged ?? emptyChange(snapshot.state.asOf), options.named);
  const events = liveEventsOf(snapshot, computed, changed, signals, options);
  if (events.length > 0) await appendEvents(tx, events, at, options.notify === true);
  if (changed !== null && changed.all !== true) {
    await recordFigureFreshness(tx, figuresOf(changed), {
      sourceChangedAt: options.sourceChangedAt ?? null,
      receivedAt: options.receivedAt ?? null,
      visibleAt: at,
    });
  }
  return { snapshot, signals, decisions };
}

/**
 * The change of a state derived in full: any figure may have moved (the web app reloads what it
 * shows), and nothing says which; the work items this refresh read as changed are named.
 */
function fullChange(asOf: string, changedKeys: readonly string[]): StateChanges {
  return {
    asOf,
    all: true,
    milestones: [],
    kpis: [],
    initiatives: [],
    objectives: [],
    workItems: [...new Set(changedKeys)].sort(),
  };
}

/** A change naming nothing yet. */
function emptyChange(asOf: string): StateChanges {
  return { asOf, milestones: [], kpis: [], initiatives: [], objectives: [], workItems: [] };
}

/** The derived figures a change moved (work items are mirrors: their times are on the item). */
function figuresOf(changed: StateChanges): { kind: FigureKind; id: string }[] {
  return [
    ...changed.milestones.map((id) => ({ kind: 'milestone' as const, id })),
    ...changed.kpis.map((id) => ({ kind: 'kpi' as const, id })),
    ...changed.initiatives.map((id) => ({ kind: 'initiative' as const, id })),
    ...changed.objectives.map((id) => ({ kind: 'objective' as const, id })),
  ];
}

function liveEventsOf(
  snapshot: Snapshot,
  computed: readonly Signal[],
  changed: StateChanges | null,
  sync: SignalSync,
  options: RecomputeOptions,
): LiveEvent[] {
  const latency = {
    sourceChangedAt: options.sourceChangedAt ?? null,
    receivedAt: options.receivedAt ?? null,
  };
  const byId = new Map(computed.map((s) => [s.id, s]));
  const events: LiveEvent[] = [];
  const signalEvent = (
    action: 'raised' | 'changed' | 'resolved',
    signal: Signal | undefined,
  ): void => {
    if (signal === undefined) return;
    events.push({
      kind: 'signal',
      data: { action, signal },
      ...signalAudience(snapshot.plan, signal),
      ...latency,
    });
  };
  for (const id of sync.raised) signalEvent('raised', byId.get(id));
  for (const id of sync.changed) signalEvent('changed', byId.get(id));
  for (const id of sync.resolved) signalEvent('resolved', sync.resolvedSignals?.[id]);
  if (changed !== null)
    events.push({ kind: 'state', data: changed, owners: [], units: [], ...latency });
  return events;
}
