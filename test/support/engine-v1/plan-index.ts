import type {
  Benefit,
  Initiative,
  Kpi,
  Milestone,
  Objective,
  Person,
  Plan,
} from '../../../src/core/domain/plan.ts';

/** A plan's entities and links, indexed once so that every later lookup is a map read. */
export interface PlanIndex {
  readonly plan: Plan;
  readonly people: ReadonlyMap<string, Person>;
  readonly objectives: ReadonlyMap<string, Objective>;
  readonly kpis: ReadonlyMap<string, Kpi>;
  readonly initiatives: ReadonlyMap<string, Initiative>;
  readonly milestones: ReadonlyMap<string, Milestone>;
  readonly benefits: ReadonlyMap<string, Benefit>;
  readonly milestonesByInitiative: ReadonlyMap<string, readonly Milestone[]>;
  readonly benefitsByMilestone: ReadonlyMap<string, readonly Benefit[]>;
  readonly benefitsByKpi: ReadonlyMap<string, readonly Benefit[]>;
  readonly kpisByObjective: ReadonlyMap<string, readonly Kpi[]>;
  readonly initiativesByObjective: ReadonlyMap<string, readonly Initiative[]>;
  readonly childObjectives: ReadonlyMap<string, readonly Objective[]>;
}

function byId<T extends { id: string }>(entities: readonly T[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const entity of entities) map.set(entity.id, entity);
  return map;
}

function append<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Indexes a plan's entities by id and its links in both directions, in plan order. */
export function indexPlan(plan: Plan): PlanIndex {
  const milestonesByInitiative = new Map<string, Milestone[]>();
  for (const milestone of plan.milestones) {
    append(milestonesByInitiative, milestone.initiative, milestone);
  }
  const benefitsByMilestone = new Map<string, Benefit[]>();
  const benefitsByKpi = new Map<string, Benefit[]>();
  for (const benefit of plan.benefits) {
    append(benefitsByMilestone, benefit.milestone, benefit);
    append(benefitsByKpi, benefit.kpi, benefit);
  }
  const kpisByObjective = new Map<string, Kpi[]>();
  for (const kpi of plan.kpis) {
    for (const objective of new Set(kpi.objectives)) append(kpisByObjective, objective, kpi);
  }
  const initiativesByObjective = new Map<string, Initiative[]>();
  for (const initiative of plan.initiatives) {
    for (const objective of new Set(initiative.objectives)) {
      append(initiativesByObjective, objective, initiative);
    }
  }
  const childObjectives = new Map<string, Objective[]>();
  for (const objective of plan.objectives) {
    if (objective.parent !== undefined) append(childObjectives, objective.parent, objective);
  }
  return {
    plan,
    people: byId(plan.people),
    objectives: byId(plan.objectives),
    kpis: byId(plan.kpis),
    initiatives: byId(plan.initiatives),
    milestones: byId(plan.milestones),
    benefits: byId(plan.benefits),
    milestonesByInitiative,
    benefitsByMilestone,
    benefitsByKpi,
    kpisByObjective,
    initiativesByObjective,
    childObjectives,
  };
}

/** The person accountable for a milestone: its own owner, else its initiative's owner. */
export function milestoneOwner(index: PlanIndex, milestone: Milestone): string | null {
  return milestone.owner ?? index.initiatives.get(milestone.initiative)?.owner ?? null;
}
