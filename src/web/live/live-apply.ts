import { sightOf, type SignalFrame, type StateKind } from '../../contract/live-events.ts';
import type {
  DerivedStatus,
  InboxSignal,
  InitiativeView,
  KpiView,
  MilestoneView,
  ObjectiveView,
  StateView,
  Status,
} from '../api/types.ts';
import { formatDate, formatValue, STATUS_LABEL } from '../format/format.ts';

/**
 * The live feed applied to what the app holds: a `state` event's entities (fetched by id from
 * `POST /api/v1/state/entities`) merged into the held strategic view, a `signal` event applied to
 * the held signal list, and what each moved, in words, for the notices and the highlights.
 * Pure: the live store does the fetching.
 */

/** An objective's own fields (what sits under it is kept by the merge). */
export type ObjectiveFields = Omit<ObjectiveView, 'kpis' | 'initiatives' | 'children'>;
/** An initiative's own fields (its milestones are kept by the merge). */
export type InitiativeFields = Omit<InitiativeView, 'milestones'>;

/** `POST /api/v1/state/entities`: the named entities as the reader may see them now. */
export interface StateEntities {
  asOf: string;
  openSignals: number;
  /** Which entities the reader's view shows now (`sightOf`): the merged view must show the same. */
  sight: string;
  objectives: ObjectiveFields[];
  kpis: KpiView[];
  initiatives: InitiativeFields[];
  milestones: MilestoneView[];
  /** Ids the reader may not see, or that no longer exist: dropped from the view. */
  removed: Record<StateKind, string[]>;
}

/** What an applied change moved: the ids to highlight, readable lines, the worst new status. */
export interface AppliedChange {
  ids: string[];
  lines: string[];
  tone: Status | 'info';
}

/** The order lines are listed in: what leaders read first. */
const RANK = { objective: 0, kpi: 1, signal: 2, milestone: 3, initiative: 4 } as const;
const SEVERITY: Record<Status, number> = { on_track: 0, at_risk: 1, off_track: 2 };

/** `ERP go-live, plant 1 (M-GOLIVE)`: the name first, the code after it. */
export function named(name: string, id: string): string {
  return name === '' || name === id ? id : `${name} (${id})`;
}

/** Plain JSON data equal, value by value. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  const left = Object.entries(a);
  const right = b as Record<string, unknown>;
  return (
    left.length === Object.keys(b).length &&
    left.every(([key, value]) => key in right && same(value, right[key]))
  );
}

/** The list mapped; the same array when no item changed or was dropped. */
function mapKept<T>(list: T[], next: (item: T) => T | null): T[] {
  let changed = false;
  const out: T[] = [];
  for (const item of list) {
    const mapped = next(item);
    if (mapped !== item) changed = true;
    if (mapped !== null) out.push(mapped);
  }
  return changed ? out : list;
}

/**
 * Collects what moved in the order the notices list it (objectives, KPIs, signals, milestones,
 * initiatives; within each, statuses, then forecasts, then figures, each in view order).
 */
export class Describer {
  private readonly statuses: { rank: number; line: string }[] = [];
  private readonly forecasts: { rank: number; line: string }[] = [];
  private readonly figures: { rank: number; line: string }[] = [];
  private readonly signals: { rank: number; line: string }[] = [];
  private readonly ids: string[] = [];
  private worst: Status | 'info' = 'info';

  private touch(id: string): void {
    if (!this.ids.includes(id)) this.ids.push(id);
  }

  status(
    id: string,
    label: string,
    was: DerivedStatus | null,
    now: DerivedStatus | null,
    rank: number,
  ): void {
    if (was === null || now === null || was.status === now.status) return;
    this.touch(id);
    this.statuses.push({
      rank,
      line: `${label}: ${STATUS_LABEL[was.status]} → ${STATUS_LABEL[now.status]}`,
    });
    if (this.worst === 'info' || SEVERITY[now.status] > SEVERITY[this.worst]) {
      this.worst = now.status;
    }
  }

  milestone(was: MilestoneView, now: MilestoneView): void {
    const label = named(now.name, now.id);
    this.status(now.id, label, was.status, now.status, RANK.milestone);
    if (was.forecastDate !== now.forecastDate) {
      this.touch(now.id);
      this.forecasts.push({
        rank: RANK.milestone,
        line: `${label} forecast ${formatDate(was.forecastDate)} → ${formatDate(now.forecastDate)}`,
      });
    }
  }

  kpi(was: KpiView, now: KpiView): void {
    const label = named(now.name, now.id);
    this.status(now.id, label, was.status, now.status, RANK.kpi);
    for (const p of now.periods) {
      const old = was.periods.find((o) => o.period === p.period);
      if (old === undefined) continue;
      const before = formatValue(old.actual ?? old.forecast, was.unitOfMeasure);
      const after = formatValue(p.actual ?? p.forecast, now.unitOfMeasure);
      if (before === after) continue;
      this.touch(now.id);
      const what = p.actual !== null ? 'actual' : 'forecast';
      this.figures.push({
        rank: RANK.kpi,
        line: `${label} ${p.period} ${what} ${before} → ${after}`,
      });
    }
  }

  initiative(was: InitiativeFields, now: InitiativeFields): void {
    const label = named(now.name, now.id);
    this.status(now.id, `${label} delivery`, was.delivery, now.delivery, RANK.initiative);
    this.status(now.id, `${label} value`, was.value, now.value, RANK.initiative);
  }

  signal(line: string): void {
    this.signals.push({ rank: RANK.signal, line });
  }

  result(): AppliedChange {
    // Stable sort: within a rank, statuses, then forecasts, then figures, each in view order.
    const lines = [...this.statuses, ...this.forecasts, ...this.figures, ...this.signals]
      .sort((a, b) => a.rank - b.rank)
      .map((r) => r.line);
    return { ids: [...this.ids], lines, tone: this.worst };
  }
}

/** The result of merging entities into a held view. */
export interface MergedView {
  /** The view with the entities merged (the same object when nothing in it changed). */
  state: StateView;
  /** What moved, in words. */
  change: AppliedChange;
  /**
   * False when the answer does not fit the held view: an entity the view does not hold (new, or
   * newly visible), an objective gone (its children move up), or a view that shows other
   * entities than the reader's view now does (what they may see changed): load it whole instead.
   */
  complete: boolean;
}

function ofIds<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((e) => [e.id, e]));
}

/**
 * Merges the named entities into the view, wherever each is shown: a KPI or an initiative under
 * every objective it serves, a milestone under its initiative wherever that is, a work item
 * dropped from every milestone when it is gone. Statuses roll up, but the engine's list names
 * every entity whose figures moved, so each is replaced where it stands.
 */
export function mergeEntities(
  state: StateView,
  answer: StateEntities,
  describe: Describer = new Describer(),
): MergedView {
  const objectives = ofIds(answer.objectives);
  const kpis = ofIds(answer.kpis);
  const initiatives = ofIds(answer.initiatives);
  const milestones = ofIds(answer.milestones);
  const removed = {
    objectives: new Set(answer.removed.objectives),
    kpis: new Set(answer.removed.kpis),
    initiatives: new Set(answer.removed.initiatives),
    milestones: new Set(answer.removed.milestones),
    workItems: new Set(answer.removed.workItems),
  };
  const placed = new Set<string>();
  const described = new Set<string>();
  let complete = true;

  const milestone = (m: MilestoneView): MilestoneView | null => {
    if (removed.milestones.has(m.id)) return null;
    const patch = milestones.get(m.id);
    let next = m;
    if (patch !== undefined) {
      placed.add(`milestone:${m.id}`);
      if (!described.has(`milestone:${m.id}`)) {
        described.add(`milestone:${m.id}`);
        describe.milestone(m, patch);
      }
      if (!same(m, patch)) next = patch;
    }
    if (removed.workItems.size === 0) return next;
    const work = next.workItems.filter((w) => !removed.workItems.has(w.key));
    return work.length === next.workItems.length ? next : { ...next, workItems: work };
  };

  const kpi = (k: KpiView): KpiView | null => {
    if (removed.kpis.has(k.id)) return null;
    const patch = kpis.get(k.id);
    if (patch === undefined) return k;
    placed.add(`kpi:${k.id}`);
    if (!described.has(`kpi:${k.id}`)) {
      described.add(`kpi:${k.id}`);
      describe.kpi(k, patch);
    }
    return same(k, patch) ? k : patch;
  };

  const initiative = (i: InitiativeView): InitiativeView | null => {
    if (removed.initiatives.has(i.id)) return null;
    const patch = initiatives.get(i.id);
    let next = i;
    if (patch !== undefined) {
      placed.add(`initiative:${i.id}`);
      const { milestones: _kept, ...own } = i;
      if (!described.has(`initiative:${i.id}`)) {
        described.add(`initiative:${i.id}`);
        describe.initiative(own, patch);
      }
      if (!same(own, patch)) next = { ...patch, milestones: i.milestones };
    }
    const list = mapKept(next.milestones, milestone);
    return list === next.milestones ? next : { ...next, milestones: list };
  };

  const objective = (o: ObjectiveView): ObjectiveView => {
    if (removed.objectives.has(o.id)) complete = false;
    const patch = objectives.get(o.id);
    let next = o;
    if (patch !== undefined) {
      placed.add(`objective:${o.id}`);
      const { kpis: _k, initiatives: _i, children: _c, ...own } = o;
      describe.status(o.id, named(patch.name, o.id), o.status, patch.status, RANK.objective);
      if (!same(own, patch))
        next = { ...patch, kpis: o.kpis, initiatives: o.initiatives, children: o.children };
    }
    const kpiList = mapKept(next.kpis, kpi);
    const initiativeList = mapKept(next.initiatives, initiative);
    const children = mapKept(next.children, objective);
    if (
      kpiList === next.kpis &&
      initiativeList === next.initiatives &&
      children === next.children
    ) {
      return next;
    }
    return { ...next, kpis: kpiList, initiatives: initiativeList, children };
  };

  const list = mapKept(state.objectives, objective);
  const answered: [string, ReadonlyMap<string, unknown>][] = [
    ['objective', objectives],
    ['kpi', kpis],
    ['initiative', initiatives],
    ['milestone', milestones],
  ];
  for (const [kind, entities] of answered) {
    for (const id of entities.keys()) if (!placed.has(`${kind}:${id}`)) complete = false;
  }
  const changed =
    list !== state.objectives ||
    state.asOf !== answer.asOf ||
    state.openSignals !== answer.openSignals;
  const merged = changed
    ? { ...state, asOf: answer.asOf, openSignals: answer.openSignals, objectives: list }
    : state;
  if (complete && sightOfView(merged) !== answer.sight) complete = false;
  return { state: merged, change: describe.result(), complete };
}

/** The fingerprint of which entities a view shows (as the server computes it for the reader). */
export function sightOfView(state: StateView): string {
  const ids = {
    objectives: new Set<string>(),
    kpis: new Set<string>(),
    initiatives: new Set<string>(),
    milestones: new Set<string>(),
  };
  const visit = (o: ObjectiveView): void => {
    ids.objectives.add(o.id);
    for (const k of o.kpis) ids.kpis.add(k.id);
    for (const i of o.initiatives) {
      ids.initiatives.add(i.id);
      for (const m of i.milestones) ids.milestones.add(m.id);
    }
    o.children.forEach(visit);
  };
  state.objectives.forEach(visit);
  return sightOf(ids);
}

/** A whole view as an answer naming every entity in it (to compare two whole views). */
export function entitiesOf(state: StateView): StateEntities {
  const answer: StateEntities = {
    asOf: state.asOf,
    openSignals: state.openSignals,
    sight: sightOfView(state),
    objectives: [],
    kpis: [],
    initiatives: [],
    milestones: [],
    removed: { objectives: [], kpis: [], initiatives: [], milestones: [], workItems: [] },
  };
  const seen = new Set<string>();
  const once = (key: string): boolean => !seen.has(key) && seen.add(key) !== undefined;
  const visit = (o: ObjectiveView): void => {
    const { kpis, initiatives, children, ...own } = o;
    if (once(`objective:${o.id}`)) answer.objectives.push(own);
    for (const k of kpis) if (once(`kpi:${k.id}`)) answer.kpis.push(k);
    for (const i of initiatives) {
      const { milestones, ...fields } = i;
      if (once(`initiative:${i.id}`)) answer.initiatives.push(fields);
      for (const m of milestones) if (once(`milestone:${m.id}`)) answer.milestones.push(m);
    }
    children.forEach(visit);
  };
  state.objectives.forEach(visit);
  return answer;
}

/**
 * What moved between a held view and a whole view loaded afresh (the first load aside: after
 * `all`, a reconnect that could not resume, or a poll): the same words as a merge, and whether
 * anything at all differs (a name, an entity more or less).
 */
export function compareViews(
  before: StateView,
  after: StateView,
  describe: Describer = new Describer(),
): { change: AppliedChange; moved: boolean } {
  const answer = entitiesOf(after);
  const merged = mergeEntities(before, answer, describe);
  const held = entitiesOf(before);
  const sameShape =
    merged.complete &&
    held.objectives.length === answer.objectives.length &&
    held.kpis.length === answer.kpis.length &&
    held.initiatives.length === answer.initiatives.length &&
    held.milestones.length === answer.milestones.length &&
    same(before.organisation, after.organisation);
  return { change: merged.change, moved: merged.state !== before || !sameShape };
}

/** The inbox's order: newest raised first, then by id (as `GET /api/v1/signals`). */
function inboxOrder(a: InboxSignal, b: InboxSignal): number {
  if (a.raisedAt !== b.raisedAt) return a.raisedAt < b.raisedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The result of applying one `signal` event to the held open signals. */
export interface AppliedSignal {
  signals: InboxSignal[];
  /** `New signal: …` or `Resolved: …`, when the list gained or lost one. */
  line: string | null;
  /**
   * False when the event cannot be applied from its payload alone (a `changed` signal the list
   * does not hold, so its raising time is unknown): read the list again.
   */
  complete: boolean;
}

/**
 * Applies a `signal` event to the open signals as `GET /api/v1/signals` lists them: the event's
 * signal with the inbox's fields (`raisedAt` and `updatedAt` are the event's time, the time the
 * write stored; a raised signal is not acknowledged; `forMe` when the reader is an affected owner).
 */
export function applySignal(
  signals: InboxSignal[],
  frame: SignalFrame,
  personId: string | null,
): AppliedSignal {
  const held = signals.find((s) => s.id === frame.signal.id);
  const forMe = personId !== null && frame.signal.affectedOwners.includes(personId);
  if (frame.action === 'resolved') {
    if (held === undefined) return { signals, line: null, complete: true };
    return {
      signals: signals.filter((s) => s !== held),
      line: `Resolved: ${held.title}`,
      complete: true,
    };
  }
  if (frame.action === 'changed') {
    if (held === undefined) return { signals, line: null, complete: false };
    const next: InboxSignal = { ...held, ...frame.signal, updatedAt: frame.at, forMe };
    return { signals: signals.map((s) => (s === held ? next : s)), line: null, complete: true };
  }
  const raised: InboxSignal = {
    ...frame.signal,
    status: 'open',
    raisedAt: frame.at,
    updatedAt: frame.at,
    resolvedAt: null,
    forMe,
    acknowledgedByMe: false,
    acknowledgedAt: null,
  };
  const rest = signals.filter((s) => s !== held);
  return {
    signals: [...rest, raised].sort(inboxOrder),
    line: held === undefined ? `New signal: ${raised.title}` : null,
    complete: true,
  };
}

/** What moved between two signal lists loaded whole; lines for the ones raised and resolved. */
export function compareSignals(
  before: InboxSignal[],
  after: InboxSignal[],
  describe: Describer = new Describer(),
): { moved: boolean } {
  const beforeIds = new Map(before.map((s) => [s.id, s]));
  const afterIds = new Set(after.map((s) => s.id));
  const lines: string[] = [];
  let moved = before.length !== after.length;
  for (const s of after) {
    const old = beforeIds.get(s.id);
    if (old === undefined) lines.push(`New signal: ${s.title}`);
    else if (!moved && !same(old, s)) moved = true;
  }
  for (const s of before) if (!afterIds.has(s.id)) lines.push(`Resolved: ${s.title}`);
  for (const line of lines) describe.signal(line);
  return { moved: moved || lines.length > 0 };
}
