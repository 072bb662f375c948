import type { DerivedStatus, EntityKind, Status } from '../domain/state.ts';
import { type Rows, groupRows } from './compressed-rows.ts';
import { AT_RISK, type MilestoneModel, OFF_TRACK, ON_TRACK } from './milestone-model.ts';
import type { IdIndex, PlanModel } from './plan-model.ts';
import { statusWords } from './status.ts';
import { topologicalOrder } from './topological-order.ts';

export const STATUS_OF_CODE: readonly Status[] = ['on_track', 'at_risk', 'off_track'];

export function codeOf(status: Status): number {
  return status === 'on_track' ? ON_TRACK : status === 'at_risk' ? AT_RISK : OFF_TRACK;
}

/**
 * Each initiative's worst milestone and the worst KPI its value follows (−1: none), with the
 * milestone whose benefit brings that KPI in when it is not one of the initiative's own (−1).
 * `heldUpBy` names, per milestone, the initiative whose late milestone holds it up (see
 * `heldUpByOf`), and `holdsUp` lists those milestones per initiative.
 */
export interface InitiativeModel {
  readonly worstMilestone: Int32Array;
  readonly worstKpi: Int32Array;
  readonly worstVia: Int32Array;
  readonly heldUpBy: Int32Array;
  readonly holdsUp: Map<number, Set<number>>;
}

export function createInitiativeModel(count: number, milestoneCount: number): InitiativeModel {
  return {
    worstMilestone: new Int32Array(count),
    worstKpi: new Int32Array(count),
    worstVia: new Int32Array(count).fill(-1),
    heldUpBy: new Int32Array(milestoneCount).fill(-1),
    holdsUp: new Map(),
  };
}

/**
 * The initiative a milestone's lateness comes from, when it is another one's: the milestone
 * feeds a KPI through a benefit and is off track, and the chain of dependencies that set its
 * forecast starts at an off-track milestone of another initiative. Else −1.
 */
export function heldUpByOf(plan: PlanModel, milestones: MilestoneModel, m: number): number {
  const kpis = plan.kpisOfMilestone;
  if (kpis.start[m + 1] === kpis.start[m]) return -1;
  if (milestones.status[m] !== OFF_TRACK) return -1;
  const root = milestones.root[m]!;
  if (root === m || milestones.status[root] !== OFF_TRACK) return -1;
  const own = plan.initiativeOfMilestone[m]!;
  const cause = plan.initiativeOfMilestone[root]!;
  return cause < 0 || cause === own ? -1 : cause;
}

/** Sets who holds milestone `m` up; returns the initiatives whose value must be read again. */
export function updateHeldUp(
  plan: PlanModel,
  model: InitiativeModel,
  milestones: MilestoneModel,
  m: number,
): readonly number[] {
  const before = model.heldUpBy[m]!;
  const after = heldUpByOf(plan, milestones, m);
  if (before === after) return [];
  model.heldUpBy[m] = after;
  if (before >= 0) {
    const set = model.holdsUp.get(before)!;
    set.delete(m);
    if (set.size === 0) model.holdsUp.delete(before);
  }
  if (after >= 0) {
    let set = model.holdsUp.get(after);
    if (set === undefined) model.holdsUp.set(after, (set = new Set()));
    set.add(m);
  }
  return before >= 0 && after >= 0 ? [before, after] : before >= 0 ? [before] : [after];
}

/**
 * Finds what decides an initiative's two statuses: delivery follows the first of its worst
 * milestones; value the first of the worst KPIs fed by its milestones' benefits, then by the
 * benefits of the milestones its late milestones hold up (in plan order). Needs `heldUpBy` set.
 */
export function computeInitiative(
  plan: PlanModel,
  model: InitiativeModel,
  i: number,
  milestoneStatus: Uint8Array,
  kpiCode: (k: number) => number,
): void {
  let worst = -1;
  const ms = plan.milestonesOfInitiative;
  for (let at = ms.start[i]!; at < ms.start[i + 1]!; at += 1) {
    const m = ms.list[at]!;
    if (worst < 0 || milestoneStatus[m]! > milestoneStatus[worst]!) worst = m;
  }
  model.worstMilestone[i] = worst;
  let worstKpi = -1;
  let worstCode = -1;
  let worstVia = -1;
  const ks = plan.kpisOfInitiative;
  for (let at = ks.start[i]!; at < ks.start[i + 1]!; at += 1) {
    const k = ks.list[at]!;
    const code = kpiCode(k);
    if (worstKpi < 0 || code > worstCode) {
      worstKpi = k;
      worstCode = code;
    }
  }
  const heldUp = model.holdsUp.get(i);
  // An own KPI off track is the worst there is, and a tie never passes an own KPI.
  if (heldUp !== undefined && !(worstKpi >= 0 && worstCode === OFF_TRACK)) {
    // The first of the worst in plan order (own KPIs first, then by milestone and row), read in
    // any order: a tie goes to the earlier milestone and row, never past an own KPI.
    const fed = plan.kpisOfMilestone;
    let viaAt = -1;
    for (const m of heldUp) {
      for (let at = fed.start[m]!; at < fed.start[m + 1]!; at += 1) {
        const k = fed.list[at]!;
        const code = kpiCode(k);
        if (
          worstKpi < 0 ||
          code > worstCode ||
          (code === worstCode && worstVia >= 0 && (m < worstVia || (m === worstVia && at < viaAt)))
        ) {
          worstKpi = k;
          worstCode = code;
          worstVia = m;
          viaAt = at;
        }
      }
    }
  }
  model.worstKpi[i] = worstKpi;
  model.worstVia[i] = worstVia;
}

/** Something that bears on an objective's status: one of its KPIs, initiatives or children. */
export interface Contributor {
  kind: EntityKind;
  /** Position of the KPI, initiative or child objective. */
  position: number;
  id: string;
  /** `K-1`, `I-1 delivery`, `I-1 value`, `O-2`. */
  label: string;
  code: number;
}

/** An objective's derived status and what decided it. */
export interface ObjectiveCore {
  readonly status: DerivedStatus;
  /** Child objectives not counted because they sit on a cycle of parents with this one. */
  readonly cycleChildren: readonly string[];
}

/** What objectives read from the rest of the state. */
export interface ObjectiveInputs {
  kpiStatus(k: number): DerivedStatus;
  deliveryCode(i: number): number;
  valueCode(i: number): number;
  delivery(i: number): DerivedStatus;
  value(i: number): DerivedStatus;
}

/** The objective relations in positions, and the order that puts children before parents. */
export interface ObjectiveGraph {
  readonly kpis: Rows;
  readonly initiatives: Rows;
  readonly children: Rows;
  readonly order: Int32Array;
  readonly cyclic: boolean;
}

export function objectiveGraph(plan: PlanModel): ObjectiveGraph {
  const objectives = plan.plan.objectives;
  const count = objectives.length;
  // As the rule reads them: by objective id, each entity listed once per entry that names it.
  const rows = (
    entities: readonly { id: string; objectives: readonly string[] }[],
    at: IdIndex,
  ): Rows => {
    const rowOf: number[] = [];
    const values: number[] = [];
    for (const entity of entities) {
      const named = entity.objectives;
      for (let n = 0; n < named.length; n += 1) {
        const objective = named[n]!;
        if (named.indexOf(objective) !== n) continue;
        const o = plan.objectiveAt.get(objective);
        if (o === undefined) continue;
        rowOf.push(o);
        values.push(at.get(entity.id)!);
      }
    }
    return groupRows(count, rowOf, values);
  };
  const childAt: number[] = [];
  const parentAt: number[] = [];
  const childRow: number[] = [];
  const childValue: number[] = [];
  objectives.forEach((objective, at) => {
    const parent =
      objective.parent === undefined ? undefined : plan.objectiveAt.get(objective.parent);
    if (parent === undefined) return;
    childAt.push(at);
    parentAt.push(parent);
    childRow.push(parent);
    childValue.push(plan.objectiveAt.get(objective.id)!);
  });
  const { order, forced } = topologicalOrder(count, childAt, parentAt);
  return {
    kpis: rows(plan.plan.kpis, plan.kpiAt),
    initiatives: rows(plan.plan.initiatives, plan.initiativeAt),
    children: groupRows(count, childRow, childValue),
    order,
    cyclic: forced.length > 0,
  };
}

const RULE_BY_KIND: Partial<Record<EntityKind, string>> = {
  kpi: 'objective.kpi_not_on_track',
  initiative: 'objective.initiative_not_on_track',
  objective: 'objective.child_not_on_track',
};

/**
 * The contributors of an objective that are not on track, in the order the rule reads them: its
 * KPIs, each serving initiative's delivery and value, its children (those already derived; the
 * others sit on a cycle of parents and are listed in `cycleChildren`).
 */
export function contributorsOf(
  plan: PlanModel,
  graph: ObjectiveGraph,
  o: number,
  inputs: ObjectiveInputs,
  childStatus: (child: number) => DerivedStatus | undefined,
): { contributors: Contributor[]; kpiCount: number; offKpis: string[]; cycleChildren: string[] } {
  const contributors: Contributor[] = [];
  const offKpis: string[] = [];
  const { kpis, initiatives, children } = graph;
  for (let at = kpis.start[o]!; at < kpis.start[o + 1]!; at += 1) {
    const k = kpis.list[at]!;
    const code = codeOf(inputs.kpiStatus(k).status);
    if (code === ON_TRACK) continue;
    const id = plan.plan.kpis[k]!.id;
    if (code === OFF_TRACK) offKpis.push(id);
    contributors.push({ kind: 'kpi', position: k, id, label: id, code });
  }
  for (let at = initiatives.start[o]!; at < initiatives.start[o + 1]!; at += 1) {
    const i = initiatives.list[at]!;
    const delivery = inputs.deliveryCode(i);
    const value = inputs.valueCode(i);
    if (delivery === ON_TRACK && value === ON_TRACK) continue;
    const id = plan.plan.initiatives[i]!.id;
    if (delivery !== ON_TRACK) {
      contributors.push({
        kind: 'initiative',
        position: i,
        id,
        label: `${id} delivery`,
        code: delivery,
      });
    }
    if (value !== ON_TRACK) {
      contributors.push({ kind: 'initiative', position: i, id, label: `${id} value`, code: value });
    }
  }
  const cycleChildren: string[] = [];
  for (let at = children.start[o]!; at < children.start[o + 1]!; at += 1) {
    const c = children.list[at]!;
    const status = childStatus(c);
    const id = plan.plan.objectives[c]!.id;
    if (status === undefined) {
      cycleChildren.push(id);
      continue;
    }
    const code = codeOf(status.status);
    if (code !== ON_TRACK)
      contributors.push({ kind: 'objective', position: c, id, label: id, code });
  }
  return { contributors, kpiCount: kpis.start[o + 1]! - kpis.start[o]!, offKpis, cycleChildren };
}

/**
 * Derives an objective's status. Off track when at least half of its KPIs are off track, or, when
 * no KPI measures it, when every initiative serving it and every child objective is off track (an
 * initiative counts as off track when its delivery or its value is); at risk when anything that
 * feeds it (a KPI, an initiative's delivery or value, a child objective) is not on track; else
 * on track. Reads status codes only; the one contributor that decides is asked for its reason.
 */
export function computeObjective(
  plan: PlanModel,
  graph: ObjectiveGraph,
  o: number,
  inputs: ObjectiveInputs,
  childStatus: (child: number) => DerivedStatus | undefined,
): ObjectiveCore {
  const { kpis, initiatives, children } = graph;
  const kpiCount = kpis.start[o + 1]! - kpis.start[o]!;
  let offKpis = 0;
  let decidedKind: EntityKind | null = null;
  let decidedAt = -1;
  let decidedValue = false;
  let decidedCode = ON_TRACK;
  // Without KPIs, what serves it and sits under it decides: are all of them off track?
  let others = 0;
  let allOthersOff = true;
  for (let at = kpis.start[o]!; at < kpis.start[o + 1]!; at += 1) {
    const k = kpis.list[at]!;
    const code = codeOf(inputs.kpiStatus(k).status);
    if (code === OFF_TRACK) offKpis += 1;
    if (code > decidedCode) {
      decidedKind = 'kpi';
      decidedAt = k;
      decidedCode = code;
    }
  }
  for (let at = initiatives.start[o]!; at < initiatives.start[o + 1]!; at += 1) {
    if (decidedCode === OFF_TRACK && kpiCount > 0) break;
    const i = initiatives.list[at]!;
    const delivery = inputs.deliveryCode(i);
    const value = inputs.valueCode(i);
    others += 1;
    if (delivery !== OFF_TRACK && value !== OFF_TRACK) allOthersOff = false;
    if (delivery > decidedCode) {
      decidedKind = 'initiative';
      decidedAt = i;
      decidedValue = false;
      decidedCode = delivery;
    }
    if (value > decidedCode) {
      decidedKind = 'initiative';
      decidedAt = i;
      decidedValue = true;
      decidedCode = value;
    }
  }
  const cycleChildren: string[] = [];
  for (let at = children.start[o]!; at < children.start[o + 1]!; at += 1) {
    const c = children.list[at]!;
    const status = childStatus(c);
    if (status === undefined) {
      cycleChildren.push(plan.plan.objectives[c]!.id);
      continue;
    }
    const code = codeOf(status.status);
    others += 1;
    if (code !== OFF_TRACK) allOthersOff = false;
    if (code > decidedCode) {
      decidedKind = 'objective';
      decidedAt = c;
      decidedCode = code;
    }
  }

  let status: DerivedStatus;
  if (kpiCount >= 1 && offKpis * 2 >= kpiCount) {
    const off: string[] = [];
    for (let at = kpis.start[o]!; at < kpis.start[o + 1]!; at += 1) {
      const k = kpis.list[at]!;
      if (inputs.kpiStatus(k).status === 'off_track') off.push(plan.plan.kpis[k]!.id);
    }
    status = {
      status: 'off_track',
      rule: 'objective.kpis_off_track',
      reason:
        kpiCount === 1
          ? `its only KPI, ${off[0]!}, is off track`
          : `${offKpis} of its ${kpiCount} KPIs are off track: ${off.join(', ')}`,
    };
  } else if (kpiCount === 0 && others > 0 && allOthersOff) {
    const off: string[] = [];
    for (let at = initiatives.start[o]!; at < initiatives.start[o + 1]!; at += 1) {
      off.push(plan.plan.initiatives[initiatives.list[at]!]!.id);
    }
    for (let at = children.start[o]!; at < children.start[o + 1]!; at += 1) {
      const c = children.list[at]!;
      if (childStatus(c) !== undefined) off.push(plan.plan.objectives[c]!.id);
    }
    status = {
      status: 'off_track',
      rule: 'objective.all_off_track',
      reason: `no KPI measures it, and everything serving it or under it is off track: ${off.join(', ')}`,
    };
  } else if (decidedKind !== null) {
    let label: string;
    let decided: DerivedStatus;
    if (decidedKind === 'kpi') {
      label = plan.plan.kpis[decidedAt]!.id;
      decided = inputs.kpiStatus(decidedAt);
    } else if (decidedKind === 'initiative') {
      const id = plan.plan.initiatives[decidedAt]!.id;
      label = decidedValue ? `${id} value` : `${id} delivery`;
      decided = decidedValue ? inputs.value(decidedAt) : inputs.delivery(decidedAt);
    } else {
      label = plan.plan.objectives[decidedAt]!.id;
      decided = childStatus(decidedAt)!;
    }
    status = {
      status: 'at_risk',
      rule: RULE_BY_KIND[decidedKind] ?? 'objective.contributor_not_on_track',
      reason: `${label} is ${statusWords(decided.status)} (${decided.reason})`,
    };
  } else {
    status = {
      status: 'on_track',
      rule: 'objective.on_track',
      reason: `none of its ${kpiCount} KPIs, serving initiatives or child objectives is at risk or off track`,
    };
  }
  return { status, cycleChildren };
}
