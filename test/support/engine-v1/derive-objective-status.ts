import type {
  DerivedStatus,
  EntityKind,
  ExplanationStep,
  InitiativeStatus,
  KpiForecast,
  ObjectiveStatus,
} from './state.ts';
import type { PlanIndex } from './plan-index.ts';
import { isWorse, statusWords } from './status.ts';
import { topologicalOrder } from './topological-order.ts';

/** Something that bears on an objective's status: one of its KPIs, initiatives or children. */
interface Contributor {
  kind: EntityKind;
  id: string;
  label: string;
  status: DerivedStatus;
}

const RULE_BY_KIND: Partial<Record<EntityKind, string>> = {
  kpi: 'objective.kpi_not_on_track',
  initiative: 'objective.initiative_not_on_track',
  objective: 'objective.child_not_on_track',
};

/**
 * Derives each objective's status: off track when at least half of its KPIs are off track, or,
 * when no KPI measures it, when every serving initiative (its delivery or its value) and every
 * child objective is off track; at risk when any of its KPIs, serving initiatives (delivery or
 * value) or child objectives is not on track; else on track.
 *
 * Changed with the engine (issue 14): an objective was once off track only when at least two
 * KPIs measured it, so the cost objective showed "at risk" while its only KPI and both of its
 * initiatives were off track.
 */
export function deriveObjectiveStatuses(
  plan: PlanIndex,
  kpis: Readonly<Record<string, KpiForecast>>,
  initiatives: Readonly<Record<string, InitiativeStatus>>,
): Record<string, ObjectiveStatus> {
  const objectives = plan.plan.objectives;
  const position = new Map<string, number>();
  objectives.forEach((objective, at) => position.set(objective.id, at));
  // Children before parents, so a parent reads its children's settled statuses.
  const childAt: number[] = [];
  const parentAt: number[] = [];
  objectives.forEach((objective, at) => {
    const parent = objective.parent === undefined ? undefined : position.get(objective.parent);
    if (parent === undefined) return;
    childAt.push(at);
    parentAt.push(parent);
  });
  const { order } = topologicalOrder(objectives.length, childAt, parentAt);

  const result: Record<string, ObjectiveStatus> = {};
  for (const at of order) {
    const objective = objectives[at]!;
    const explanation: ExplanationStep[] = [];
    const contributors: Contributor[] = [];
    const kpiStatuses: Contributor[] = [];
    for (const kpi of plan.kpisByObjective.get(objective.id) ?? []) {
      const forecast = kpis[kpi.id];
      if (forecast === undefined) continue;
      const contributor = {
        kind: 'kpi' as const,
        id: kpi.id,
        label: kpi.id,
        status: forecast.status,
      };
      kpiStatuses.push(contributor);
      contributors.push(contributor);
    }
    for (const initiative of plan.initiativesByObjective.get(objective.id) ?? []) {
      const status = initiatives[initiative.id];
      if (status === undefined) continue;
      const id = initiative.id;
      contributors.push({
        kind: 'initiative',
        id,
        label: `${id} delivery`,
        status: status.delivery,
      });
      contributors.push({ kind: 'initiative', id, label: `${id} value`, status: status.value });
    }
    for (const child of plan.childObjectives.get(objective.id) ?? []) {
      const status = result[child.id];
      if (status === undefined) {
        explanation.push({
          rule: 'objective.parent_cycle',
          text: `${child.id} and ${objective.id} sit on a cycle of parents; ${child.id} was not counted`,
          ref: { kind: 'objective', id: child.id },
        });
        continue;
      }
      contributors.push({
        kind: 'objective',
        id: child.id,
        label: child.id,
        status: status.status,
      });
    }

    let decided: Contributor | null = null;
    for (const contributor of contributors) {
      if (contributor.status.status === 'on_track') continue;
      explanation.push({
        rule: 'objective.contributor_not_on_track',
        text: `${contributor.label} is ${statusWords(contributor.status.status)}`,
        ref: { kind: contributor.kind, id: contributor.id },
      });
      if (decided === null || isWorse(contributor.status.status, decided.status.status)) {
        decided = contributor;
      }
    }

    const offKpis = kpiStatuses.filter((kpi) => kpi.status.status === 'off_track');
    // Without KPIs: an initiative counts once, off track when its delivery or value is.
    const others: { id: string; off: boolean }[] = [];
    for (const contributor of contributors) {
      if (contributor.kind === 'kpi') continue;
      const off = contributor.status.status === 'off_track';
      if (contributor.kind === 'initiative' && contributor.label.endsWith(' value')) {
        others[others.length - 1]!.off ||= off;
      } else others.push({ id: contributor.id, off });
    }
    let status: DerivedStatus;
    if (kpiStatuses.length >= 1 && offKpis.length * 2 >= kpiStatuses.length) {
      status = {
        status: 'off_track',
        rule: 'objective.kpis_off_track',
        reason:
          kpiStatuses.length === 1
            ? `its only KPI, ${offKpis[0]!.id}, is off track`
            : `${offKpis.length} of its ${kpiStatuses.length} KPIs are off track: ${offKpis.map((kpi) => kpi.id).join(', ')}`,
      };
    } else if (
      kpiStatuses.length === 0 &&
      others.length > 0 &&
      others.every((other) => other.off)
    ) {
      status = {
        status: 'off_track',
        rule: 'objective.all_off_track',
        reason: `no KPI measures it, and everything serving it or under it is off track: ${others.map((other) => other.id).join(', ')}`,
      };
    } else if (decided !== null) {
      status = {
        status: 'at_risk',
        rule: RULE_BY_KIND[decided.kind] ?? 'objective.contributor_not_on_track',
        reason: `${decided.label} is ${statusWords(decided.status.status)} (${decided.status.reason})`,
      };
    } else {
      status = {
        status: 'on_track',
        rule: 'objective.on_track',
        reason: `none of its ${kpiStatuses.length} KPIs, serving initiatives or child objectives is at risk or off track`,
      };
    }
    result[objective.id] = { id: objective.id, status, explanation };
  }
  // Plan order reads better than dependency order for anyone listing the record.
  const ordered: Record<string, ObjectiveStatus> = {};
  for (const objective of objectives) {
    const status = result[objective.id];
    if (status !== undefined) ordered[objective.id] = status;
  }
  return ordered;
}
