import type { Benefit, Calendar, Dependency, Milestone, Plan } from '../domain/plan.ts';
import { fail } from '../errors.ts';
import { groupRows, type Rows } from './compressed-rows.ts';
import { dayOf } from './day-numbers.ts';
import { indexPlan, milestoneOwner, type PlanIndex } from './plan-index.ts';
import { topologicalOrder } from './topological-order.ts';
import { prepareWorkingDays, type WorkingDays } from './working-days.ts';

/**
 * The plan as the engine computes on it: every entity has a position (its index in the plan's
 * list), and every relation the engine follows is a pair of typed arrays. Built once per plan;
 * work-item events never change it. Where an id repeats (the validator refuses that), the last
 * entity with the id is the one that counts.
 */
export interface PlanModel {
  readonly plan: Plan;
  readonly index: PlanIndex;

  readonly milestones: readonly Milestone[];
  readonly milestoneAt: ReadonlyMap<string, number>;
  /** 1 at the position that holds its id (the last one when an id repeats). */
  readonly canonicalMilestone: Uint8Array;
  readonly plannedDay: Int32Array;
  /** The working calendar of each milestone: its initiative's unit's, else the default. */
  readonly calendarOf: readonly WorkingDays[];
  /** The person accountable for each milestone: its owner, else its initiative's owner. */
  readonly ownerOf: readonly (string | null)[];
  readonly initiativeOfMilestone: Int32Array;

  /** Dependencies whose two milestones exist, in plan order. */
  readonly dependencies: readonly Dependency[];
  readonly depFrom: Int32Array;
  readonly depTo: Int32Array;
  readonly depLag: Int32Array;
  /** Dependency indexes by successor, and by predecessor. */
  readonly incoming: Rows;
  readonly outgoing: Rows;
  /** Milestones in dependency order, each one's rank in it, and whether a cycle forced it. */
  readonly order: Int32Array;
  readonly rank: Int32Array;
  readonly cyclic: boolean;

  /** Every key a milestone names as an epic, numbered; and the milestones naming each. */
  readonly epicAt: ReadonlyMap<string, number>;
  readonly epicMilestones: Rows;

  readonly initiativeAt: ReadonlyMap<string, number>;
  /** Milestone positions of each initiative, plan order (what delivery status reads). */
  readonly milestonesOfInitiative: Rows;
  /** KPI positions each initiative's benefits feed, in the order first met. */
  readonly kpisOfInitiative: Rows;
  readonly initiativesOfKpi: Rows;
  readonly objectivesOfInitiative: Rows;

  readonly kpiAt: ReadonlyMap<string, number>;
  /** Benefit positions of each KPI, plan order. */
  readonly benefitsOfKpi: Rows;
  /** KPI positions fed by each milestone's benefits. */
  readonly kpisOfMilestone: Rows;
  /** The milestone position of each benefit, or −1 when it names no milestone of the plan. */
  readonly benefitMilestone: Int32Array;
  readonly objectivesOfKpi: Rows;

  readonly objectiveAt: ReadonlyMap<string, number>;
  /** Each objective's parent position, or −1. */
  readonly parentObjective: Int32Array;
}

function positions<T extends { id: string }>(entities: readonly T[]): Map<string, number> {
  const at = new Map<string, number>();
  entities.forEach((entity, position) => at.set(entity.id, position));
  return at;
}

/** Rows from a list of lists: `lists[r]` becomes row r. */
function rowsOfLists(lists: readonly (readonly number[])[]): Rows {
  const rowOf: number[] = [];
  const values: number[] = [];
  lists.forEach((list, row) => {
    for (const value of list) {
      rowOf.push(row);
      values.push(value);
    }
  });
  return groupRows(lists.length, rowOf, values);
}

/** Resolves the working calendar of every milestone, preparing each calendar once. */
function milestoneCalendars(plan: Plan): WorkingDays[] {
  const calendars = new Map<string, Calendar>();
  for (const calendar of plan.calendars) calendars.set(calendar.id, calendar);
  const prepared = new Map<string, WorkingDays>();
  const prepare = (id: string, path: string): WorkingDays => {
    const known = prepared.get(id);
    if (known !== undefined) return known;
    const calendar = calendars.get(id);
    if (calendar === undefined) {
      return fail('plan.unknown_reference', `Calendar ${id} does not exist`, { path });
    }
    const working = prepareWorkingDays(calendar);
    prepared.set(id, working);
    return working;
  };
  const fallback = prepare(plan.organisation.defaultCalendar, '$.organisation.defaultCalendar');
  const unitCalendars = new Map<string, WorkingDays>();
  plan.units.forEach((unit, position) => {
    if (unit.calendar !== undefined) {
      unitCalendars.set(unit.id, prepare(unit.calendar, `$.units[${position}].calendar`));
    }
  });
  const unitOfInitiative = new Map<string, string>();
  for (const initiative of plan.initiatives) unitOfInitiative.set(initiative.id, initiative.unit);
  return plan.milestones.map((milestone) => {
    const unit = unitOfInitiative.get(milestone.initiative);
    return (unit === undefined ? undefined : unitCalendars.get(unit)) ?? fallback;
  });
}

/** Builds the engine's model of a plan. */
export function modelPlan(plan: Plan): PlanModel {
  const index = indexPlan(plan);
  const milestones = plan.milestones;
  const count = milestones.length;
  const milestoneAt = positions(milestones);
  const canonicalMilestone = new Uint8Array(count);
  for (const at of milestoneAt.values()) canonicalMilestone[at] = 1;
  const plannedDay = new Int32Array(count);
  const initiativeAt = positions(plan.initiatives);
  const initiativeOfMilestone = new Int32Array(count);
  const ownerOf: (string | null)[] = [];
  milestones.forEach((milestone, at) => {
    plannedDay[at] = dayOf(milestone.plannedDate);
    initiativeOfMilestone[at] = initiativeAt.get(milestone.initiative) ?? -1;
    ownerOf.push(milestoneOwner(index, milestone));
  });

  const dependencies: Dependency[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const lag: number[] = [];
  for (const dependency of plan.dependencies) {
    const p = milestoneAt.get(dependency.predecessor);
    const s = milestoneAt.get(dependency.successor);
    if (p === undefined || s === undefined) continue;
    dependencies.push(dependency);
    from.push(p);
    to.push(s);
    lag.push(dependency.lagDays);
  }
  const depFrom = Int32Array.from(from);
  const depTo = Int32Array.from(to);
  const { order, forced } = topologicalOrder(count, depFrom, depTo);
  const rank = new Int32Array(count);
  order.forEach((node, r) => {
    rank[node] = r;
  });

  const epicAt = new Map<string, number>();
  const epicRow: number[] = [];
  const epicMilestone: number[] = [];
  milestones.forEach((milestone, at) => {
    for (const epic of milestone.work.epics) {
      let e = epicAt.get(epic);
      if (e === undefined) {
        e = epicAt.size;
        epicAt.set(epic, e);
      }
      epicRow.push(e);
      epicMilestone.push(at);
    }
  });

  const kpiAt = positions(plan.kpis);
  const objectiveAt = positions(plan.objectives);
  const benefitMilestone = new Int32Array(plan.benefits.length);
  const benefitPosition = new Map<Benefit, number>();
  plan.benefits.forEach((benefit, b) => {
    benefitMilestone[b] = milestoneAt.get(benefit.milestone) ?? -1;
    benefitPosition.set(benefit, b);
  });
  // What feeds a KPI is read by id, as the plan index does: benefits of a KPI id, plan order.
  const benefitsOfKpi = rowsOfLists(
    plan.kpis.map((kpi) =>
      (index.benefitsByKpi.get(kpi.id) ?? []).map((benefit) => benefitPosition.get(benefit)!),
    ),
  );
  const kpisOfMilestone = rowsOfLists(
    milestones.map((milestone) => {
      const fed = new Set<number>();
      for (const benefit of index.benefitsByMilestone.get(milestone.id) ?? []) {
        const k = kpiAt.get(benefit.kpi);
        if (k !== undefined) fed.add(k);
      }
      return [...fed];
    }),
  );

  const milestonesOfInitiative = rowsOfLists(
    plan.initiatives.map((initiative) =>
      (index.milestonesByInitiative.get(initiative.id) ?? []).map(
        (milestone) => milestoneAt.get(milestone.id)!,
      ),
    ),
  );
  const kpisOfInitiativeLists = plan.initiatives.map((initiative) => {
    const fed = new Set<number>();
    for (const milestone of index.milestonesByInitiative.get(initiative.id) ?? []) {
      for (const benefit of index.benefitsByMilestone.get(milestone.id) ?? []) {
        const k = kpiAt.get(benefit.kpi);
        if (k !== undefined) fed.add(k);
      }
    }
    return [...fed];
  });
  const initiativesOfKpiLists: number[][] = plan.kpis.map(() => []);
  kpisOfInitiativeLists.forEach((kpis, i) => {
    for (const k of kpis) initiativesOfKpiLists[k]!.push(i);
  });
  const objectivePositions = (ids: readonly string[]): number[] => {
    const found = new Set<number>();
    for (const id of ids) {
      const at = objectiveAt.get(id);
      if (at !== undefined) found.add(at);
    }
    return [...found];
  };
  const parentObjective = new Int32Array(plan.objectives.length);
  plan.objectives.forEach((objective, at) => {
    parentObjective[at] =
      objective.parent === undefined ? -1 : (objectiveAt.get(objective.parent) ?? -1);
  });

  return {
    plan,
    index,
    milestones,
    milestoneAt,
    canonicalMilestone,
    plannedDay,
    calendarOf: milestoneCalendars(plan),
    ownerOf,
    initiativeOfMilestone,
    dependencies,
    depFrom,
    depTo,
    depLag: Int32Array.from(lag),
    incoming: groupRows(count, depTo),
    outgoing: groupRows(count, depFrom),
    order,
    rank,
    cyclic: forced.length > 0,
    epicAt,
    epicMilestones: groupRows(epicAt.size, epicRow, epicMilestone),
    initiativeAt,
    milestonesOfInitiative,
    kpisOfInitiative: rowsOfLists(kpisOfInitiativeLists),
    initiativesOfKpi: rowsOfLists(initiativesOfKpiLists),
    objectivesOfInitiative: rowsOfLists(
      plan.initiatives.map((initiative) => objectivePositions(initiative.objectives)),
    ),
    kpiAt,
    benefitsOfKpi,
    kpisOfMilestone,
    benefitMilestone,
    objectivesOfKpi: rowsOfLists(plan.kpis.map((kpi) => objectivePositions(kpi.objectives))),
    objectiveAt,
    parentObjective,
  };
}
