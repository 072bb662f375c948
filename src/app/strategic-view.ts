import type { Initiative, Kpi, Milestone, Objective, Plan } from '../core/domain/plan.ts';
import type {
  DerivedState,
  DerivedStatus,
  EntityKind,
  ExplanationStep,
  ProbabilisticForecast,
} from '../core/domain/state.ts';
import { capacitySteps } from '../core/engine/capacity-explain.ts';
import type { Visibility } from '../core/access/policy.ts';
import { fail } from '../core/errors.ts';
import { sightOf } from '../contract/live-events.ts';
import type { Snapshot } from './derive.ts';

function personRef(plan: Plan, id: string | undefined): { id: string; name: string } | null {
  if (id === undefined) return null;
  const person = plan.people.find((p) => p.id === id);
  return { id, name: person?.name ?? id };
}

/** Where each work item sits in the snapshot's list, by its key and by its parent's key. */
interface WorkIndex {
  byKey: Map<string, number[]>;
  byParent: Map<string, number[]>;
}

/**
 * Indexes the snapshot's work items; with `only`, just the items those milestones link (a few
 * milestones of a big mirror: one pass, no index of everything).
 */
function indexWork(snapshot: Snapshot, only?: readonly Milestone[]): WorkIndex {
  const byKey = new Map<string, number[]>();
  const byParent = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, at: number): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [at]);
    else list.push(at);
  };
  const wanted =
    only === undefined ? null : new Set(only.flatMap((m) => [...m.work.keys, ...m.work.epics]));
  snapshot.workItems.forEach((w, at) => {
    if (wanted === null || wanted.has(w.key)) add(byKey, w.key, at);
    if (w.parentKey !== null && (wanted === null || wanted.has(w.parentKey)))
      add(byParent, w.parentKey, at);
  });
  return { byKey, byParent };
}

/** Milestones with their forecast and the work that delivers them. */
function milestoneView(
  snapshot: Snapshot,
  milestone: Milestone,
  index: WorkIndex,
  seen: Visibility | undefined,
) {
  const { state, workItems } = snapshot;
  const derived = state.milestones.get(milestone.id);
  if (derived === undefined) return null;
  // Looked up by key, not by scanning every item for every milestone: a big plan over a big
  // mirror would otherwise take milestones × items steps.
  const at = new Set<number>();
  for (const key of milestone.work.keys) for (const i of index.byKey.get(key) ?? []) at.add(i);
  for (const epic of milestone.work.epics) {
    for (const i of index.byParent.get(epic) ?? []) at.add(i);
    for (const i of index.byKey.get(epic) ?? []) at.add(i);
  }
  const linked = [...at]
    .sort((a, b) => a - b)
    .map((i) => workItems[i]!)
    .filter((w) => seen === undefined || seen.sees('work_item', w.key));
  return {
    id: milestone.id,
    name: milestone.name,
    plannedDate: milestone.plannedDate,
    forecastDate: derived.forecastDate,
    slipWorkingDays: derived.slipWorkingDays,
    complete: derived.complete,
    status: derived.status,
    workItems: linked.map((w) => ({
      key: w.key,
      summary: w.summary,
      status: w.status,
      statusCategory: w.statusCategory,
      dueDate: w.dueDate,
      forecastFinish: state.workItems.get(w.key)?.forecastFinish ?? null,
    })),
  };
}

/** The plan as `seen` lets its person see it (all of it without `seen`). */
function visiblePlan(full: Plan, seen: Visibility | undefined): Plan {
  const ids = seen?.ids;
  return ids === undefined
    ? full
    : {
        ...full,
        objectives: full.objectives.filter((o) => ids.objectives.has(o.id)),
        kpis: full.kpis.filter((k) => ids.kpis.has(k.id)),
        initiatives: full.initiatives.filter((i) => ids.initiatives.has(i.id)),
        milestones: full.milestones.filter((m) => ids.milestones.has(m.id)),
      };
}

/** An objective's own fields in the view (without what sits under it). */
function objectiveFields(snapshot: Snapshot, plan: Plan, objective: Objective) {
  return {
    id: objective.id,
    name: objective.name,
    owner: personRef(plan, objective.owner),
    horizon: objective.horizon ?? null,
    status: snapshot.state.objectives.get(objective.id)?.status ?? null,
  };
}

/** A KPI in the view: its forecast per period against target. */
function kpiView(snapshot: Snapshot, plan: Plan, k: Kpi) {
  const derived = snapshot.state.kpis.get(k.id);
  return {
    id: k.id,
    name: k.name,
    owner: personRef(plan, k.owner),
    unitOfMeasure: k.unitOfMeasure,
    direction: k.direction,
    status: derived?.status ?? null,
    periods: derived?.periods ?? [],
  };
}

/** An initiative's own fields in the view (without its milestones). */
function initiativeFields(snapshot: Snapshot, plan: Plan, i: Initiative) {
  const derived = snapshot.state.initiatives.get(i.id);
  return {
    id: i.id,
    name: i.name,
    owner: personRef(plan, i.owner),
    unit: i.unit,
    delivery: derived?.delivery ?? null,
    value: derived?.value ?? null,
  };
}

/**
 * The executive view: every objective with its KPIs, initiatives and milestones, statuses
 * derived; with `seen`, only what that person may see (docs/SECURITY.md "Roles and rules").
 */
export function strategicView(snapshot: Snapshot, seen?: Visibility) {
  const { state } = snapshot;
  const plan = visiblePlan(snapshot.plan, seen);
  const shown = new Set(plan.objectives.map((o) => o.id));
  const index = indexWork(snapshot);
  const milestonesOf = new Map<string, Milestone[]>();
  for (const m of plan.milestones) {
    const list = milestonesOf.get(m.initiative);
    if (list === undefined) milestonesOf.set(m.initiative, [m]);
    else list.push(m);
  }
  const objectiveView = (objectiveId: string): unknown => {
    const objective = plan.objectives.find((o) => o.id === objectiveId);
    if (objective === undefined) return null;
    return {
      ...objectiveFields(snapshot, plan, objective),
      kpis: plan.kpis
        .filter((k) => k.objectives.includes(objective.id))
        .map((k) => kpiView(snapshot, plan, k)),
      initiatives: plan.initiatives
        .filter((i) => i.objectives.includes(objective.id))
        .map((i) => ({
          ...initiativeFields(snapshot, plan, i),
          milestones: (milestonesOf.get(i.id) ?? []).map((m) =>
            milestoneView(snapshot, m, index, seen),
          ),
        })),
      children: plan.objectives
        .filter((c) => c.parent === objective.id)
        .map((c) => objectiveView(c.id)),
    };
  };
  return {
    asOf: state.asOf,
    organisation: { id: plan.organisation.id, name: plan.organisation.name },
    objectives: plan.objectives
      .filter((o) => o.parent === undefined || !shown.has(o.parent))
      .map((o) => objectiveView(o.id)),
    openSignals:
      seen === undefined
        ? state.signals.length
        : state.signals.filter((signal) => seen.seesSignal(signal)).length,
  };
}

/**
 * The fingerprint of what `strategicView` shows of `plan` (already cut to what the person sees):
 * every objective (a child of a hidden parent shows at the top), the KPIs and initiatives of a
 * shown objective, the milestones of a shown initiative.
 */
function shownSight(snapshot: Snapshot, plan: Plan, seen: Visibility | undefined): string {
  // A person's sight changes only with the plan or with what they may see (a new `seen`).
  const held = seen === undefined ? undefined : sights.get(seen);
  if (held !== undefined && held.plan === snapshot.plan) return held.sight;
  const sight = computeSight(snapshot, plan);
  if (seen !== undefined) sights.set(seen, { plan: snapshot.plan, sight });
  return sight;
}

const sights = new WeakMap<Visibility, { plan: Plan; sight: string }>();

function computeSight(snapshot: Snapshot, plan: Plan): string {
  const objectives = new Set(plan.objectives.map((o) => o.id));
  const serves = (e: { objectives: readonly string[] }): boolean =>
    e.objectives.some((id) => objectives.has(id));
  const kpis = plan.kpis.filter(serves).map((k) => k.id);
  const initiatives = new Set(plan.initiatives.filter(serves).map((i) => i.id));
  const milestones = plan.milestones
    .filter((m) => initiatives.has(m.initiative) && snapshot.state.milestones.has(m.id))
    .map((m) => m.id);
  return sightOf({ objectives, kpis, initiatives, milestones });
}

/** Which entities `stateEntities` is asked for, by kind (the ids of a live `state` event). */
export interface EntityRequest {
  objectives?: readonly string[];
  kpis?: readonly string[];
  initiatives?: readonly string[];
  milestones?: readonly string[];
  workItems?: readonly string[];
}

/** Per plan: the milestones that link each work item key, directly or through its epic. */
const linksByPlan = new WeakMap<
  Plan,
  { byKey: Map<string, string[]>; byEpic: Map<string, string[]> }
>();

function workLinks(plan: Plan): { byKey: Map<string, string[]>; byEpic: Map<string, string[]> } {
  let links = linksByPlan.get(plan);
  if (links === undefined) {
    const byKey = new Map<string, string[]>();
    const byEpic = new Map<string, string[]>();
    const add = (map: Map<string, string[]>, key: string, id: string): void => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [id]);
      else if (!list.includes(id)) list.push(id);
    };
    for (const m of plan.milestones) {
      for (const key of m.work.keys) add(byKey, key, m.id);
      for (const epic of m.work.epics) {
        add(byEpic, epic, m.id);
        add(byKey, epic, m.id);
      }
    }
    links = { byKey, byEpic };
    linksByPlan.set(plan, links);
  }
  return links;
}

/**
 * Named entities of the strategic view, each in the shape the view shows it, for a browser that
 * holds the view and was told by a live `state` event which ids moved: objectives and initiatives
 * without what sits under them (a browser keeps that), KPIs and milestones whole. A work item is
 * answered as the milestones that show it (with their work). An id the person may not see, or
 * that no longer exists, is listed under `removed` (the browser drops it), so an answer never
 * tells a hidden entity from a missing one. With `seen`, as `strategicView` with `seen`.
 */
export function stateEntities(snapshot: Snapshot, request: EntityRequest, seen?: Visibility) {
  const { state, workItems } = snapshot;
  const plan = visiblePlan(snapshot.plan, seen);
  const sees = (kind: 'objective' | 'kpi' | 'initiative' | 'milestone', id: string): boolean =>
    seen === undefined || seen.sees(kind, id);
  const removed = {
    objectives: [] as string[],
    kpis: [] as string[],
    initiatives: [] as string[],
    milestones: [] as string[],
    workItems: [] as string[],
  };
  const unique = (ids: readonly string[] | undefined): string[] => [...new Set(ids ?? [])];
  const byId = <T extends { id: string }>(list: readonly T[]): Map<string, T> =>
    new Map(list.map((e) => [e.id, e]));
  const pick = <T extends { id: string }>(
    kind: 'objective' | 'kpi' | 'initiative' | 'milestone',
    ids: readonly string[] | undefined,
    list: readonly T[],
    gone: string[],
  ): T[] => {
    const wanted = unique(ids);
    if (wanted.length === 0) return [];
    const all = byId(list);
    const found: T[] = [];
    for (const id of wanted) {
      const entity = sees(kind, id) ? all.get(id) : undefined;
      if (entity === undefined) gone.push(id);
      else found.push(entity);
    }
    return found;
  };
  const objectives = pick('objective', request.objectives, plan.objectives, removed.objectives);
  const kpis = pick('kpi', request.kpis, plan.kpis, removed.kpis);
  const initiatives = pick(
    'initiative',
    request.initiatives,
    plan.initiatives,
    removed.initiatives,
  );
  const milestoneIds = new Set<string>();
  const milestoneList = byId(plan.milestones);
  for (const m of pick('milestone', request.milestones, plan.milestones, removed.milestones)) {
    milestoneIds.add(m.id);
  }
  // A work item shows inside the milestones that link it: answer those (with their work).
  const requestedItems = unique(request.workItems);
  if (requestedItems.length > 0) {
    // One pass over the mirror for the few keys asked (no index of a big mirror per request).
    const asked = new Set(requestedItems);
    const items = new Map<string, (typeof workItems)[number]>();
    for (const w of workItems) if (asked.has(w.key)) items.set(w.key, w);
    const links = workLinks(snapshot.plan);
    for (const key of requestedItems) {
      const item = items.get(key);
      if (item === undefined || (seen !== undefined && !seen.sees('work_item', key))) {
        removed.workItems.push(key);
        continue;
      }
      const linking = [
        ...(links.byKey.get(key) ?? []),
        ...(item.parentKey === null ? [] : (links.byEpic.get(item.parentKey) ?? [])),
      ];
      for (const id of linking) if (milestoneList.has(id)) milestoneIds.add(id);
    }
  }
  const shown = [...milestoneIds].flatMap((id) => milestoneList.get(id) ?? []);
  const index = indexWork(snapshot, shown);
  const milestones = [...milestoneIds].flatMap((id) => {
    const milestone = milestoneList.get(id);
    const view = milestone === undefined ? null : milestoneView(snapshot, milestone, index, seen);
    if (view === null) removed.milestones.push(id);
    return view === null ? [] : [view];
  });
  return {
    asOf: state.asOf,
    openSignals:
      seen === undefined
        ? state.signals.length
        : state.signals.filter((signal) => seen.seesSignal(signal)).length,
    sight: shownSight(snapshot, plan, seen),
    objectives: objectives.map((o) => objectiveFields(snapshot, plan, o)),
    kpis: kpis.map((k) => kpiView(snapshot, plan, k)),
    initiatives: initiatives.map((i) => initiativeFields(snapshot, plan, i)),
    milestones,
    removed,
  };
}

export interface Explanation {
  kind: EntityKind;
  id: string;
  entity: unknown;
  derived: unknown;
  status: DerivedStatus | { delivery: DerivedStatus; value: DerivedStatus } | null;
  explanation: ExplanationStep[];
  /** For a milestone: its Monte Carlo dates from the teams' history, or why there are none. */
  probabilistic?: ProbabilisticForecast;
}

function findDerived(state: DerivedState, kind: EntityKind, id: string) {
  switch (kind) {
    case 'objective':
      return state.objectives.get(id);
    case 'kpi':
      return state.kpis.get(id);
    case 'initiative':
      return state.initiatives.get(id);
    case 'milestone':
      return state.milestones.get(id);
    case 'work_item':
      return state.workItems.get(id);
    case 'unit':
      return state.capacity.units.find((unit) => unit.unit === id) ?? null;
    default:
      return undefined;
  }
}

/**
 * Any objective, KPI, initiative, milestone or work item, with the facts and rules behind its
 * figures; with `seen`, one the person may not see is not found, like one that does not exist,
 * and steps that point at what they may not see are left out.
 */
export function explainEntity(snapshot: Snapshot, id: string, seen?: Visibility): Explanation {
  const { plan, state, workItems } = snapshot;
  const candidates: [EntityKind, unknown][] = [
    ['objective', plan.objectives.find((e) => e.id === id)],
    ['kpi', plan.kpis.find((e) => e.id === id)],
    ['initiative', plan.initiatives.find((e) => e.id === id)],
    ['milestone', plan.milestones.find((e) => e.id === id)],
    ['work_item', workItems.find((e) => e.key === id)],
    ['unit', plan.units.find((e) => e.id === id)],
  ];
  const found = candidates.find(
    ([kind, entity]) => entity !== undefined && (seen === undefined || seen.sees(kind, id)),
  );
  if (found === undefined) {
    fail(
      'not_found',
      `'${id}' is no objective, KPI, initiative, milestone, work item or unit of the plan`,
      {
        path: 'id',
      },
    );
  }
  const [kind, entity] = found;
  const derived = findDerived(state, kind, id) ?? undefined;
  let status: Explanation['status'] = null;
  if (derived !== undefined && 'status' in derived) status = derived.status;
  if (derived !== undefined && 'delivery' in derived) {
    status = { delivery: derived.delivery, value: derived.value };
  }
  const own = derived !== undefined && 'explanation' in derived;
  const capacity =
    kind === 'milestone' || kind === 'initiative' || kind === 'unit'
      ? capacitySteps(state.capacity, kind, id)
      : [];
  return {
    kind,
    id,
    entity,
    derived: derived ?? null,
    status,
    explanation: [...(own ? derived.explanation : []), ...capacity].filter(
      (step) => seen === undefined || step.ref === undefined || seesRef(seen, step.ref),
    ),
  };
}

function seesRef(seen: Visibility, ref: { kind: EntityKind; id: string }): boolean {
  return ref.kind === 'dependency' || seen.sees(ref.kind, ref.id);
}
