import type { Milestone, Plan } from '../core/domain/plan.ts';
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

function indexWork(snapshot: Snapshot): WorkIndex {
  const byKey = new Map<string, number[]>();
  const byParent = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, at: number): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [at]);
    else list.push(at);
  };
  snapshot.workItems.forEach((w, at) => {
    add(byKey, w.key, at);
    if (w.parentKey !== null) add(byParent, w.parentKey, at);
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

/**
 * The executive view: every objective with its KPIs, initiatives and milestones, statuses
 * derived; with `seen`, only what that person may see (docs/SECURITY.md "Roles and rules").
 */
export function strategicView(snapshot: Snapshot, seen?: Visibility) {
  const { state } = snapshot;
  const full = snapshot.plan;
  const ids = seen?.ids;
  const plan =
    ids === undefined
      ? full
      : {
          ...full,
          objectives: full.objectives.filter((o) => ids.objectives.has(o.id)),
          kpis: full.kpis.filter((k) => ids.kpis.has(k.id)),
          initiatives: full.initiatives.filter((i) => ids.initiatives.has(i.id)),
          milestones: full.milestones.filter((m) => ids.milestones.has(m.id)),
        };
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
      id: objective.id,
      name: objective.name,
      owner: personRef(plan, objective.owner),
      horizon: objective.horizon ?? null,
      status: state.objectives.get(objective.id)?.status ?? null,
      kpis: plan.kpis
        .filter((k) => k.objectives.includes(objective.id))
        .map((k) => ({
          id: k.id,
          name: k.name,
          owner: personRef(plan, k.owner),
          unitOfMeasure: k.unitOfMeasure,
          direction: k.direction,
          status: state.kpis.get(k.id)?.status ?? null,
          periods: state.kpis.get(k.id)?.periods ?? [],
        })),
      initiatives: plan.initiatives
        .filter((i) => i.objectives.includes(objective.id))
        .map((i) => ({
          id: i.id,
          name: i.name,
          owner: personRef(plan, i.owner),
          unit: i.unit,
          delivery: state.initiatives.get(i.id)?.delivery ?? null,
          value: state.initiatives.get(i.id)?.value ?? null,
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
