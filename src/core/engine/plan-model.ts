import type { Calendar, Dependency, Milestone, Plan } from '../domain/plan.ts';
import { fail } from '../errors.ts';
import { groupRows, type Rows } from './compressed-rows.ts';
import { dayOf } from './day-numbers.ts';
import { type KeyIndex, createKeyIndex } from './key-index.ts';
import { indexPlan, type PlanIndex } from './plan-index.ts';
import { topologicalOrder } from './topological-order.ts';
import { prepareWorkingDays, type WorkingDays } from './working-days.ts';

/** Positions by id. */
export type IdIndex = Pick<KeyIndex, 'get' | 'size'>;

/**
 * The plan as the engine computes on it: every entity has a position (its index in the plan's
 * list), and every relation the engine follows is a pair of typed arrays. Built once per plan;
 * work-item events never change it. Where an id repeats (the validator refuses that), the last
 * entity with the id is the one that counts.
 */
export interface PlanModel {
  readonly plan: Plan;
  /** The plan's maps by id, built the first time something asks (explanations do). */
  readonly index: PlanIndex;

  readonly milestones: readonly Milestone[];
  readonly milestoneAt: IdIndex;
  /** 1 at the position that holds its id (the last one when an id repeats). */
  readonly canonicalMilestone: Uint8Array;
  readonly plannedDay: Int32Array;
  /** The working calendar of each milestone: its initiative's unit's, else the default. */
  readonly calendarOf: readonly WorkingDays[];
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
  readonly epicAt: IdIndex;
  readonly epicMilestones: Rows;

  readonly initiativeAt: IdIndex;
  /** Milestone positions of each initiative, plan order (what delivery status reads). */
  readonly milestonesOfInitiative: Rows;
  /** KPI positions each initiative's benefits feed, in the order first met. */
  readonly kpisOfInitiative: Rows;
  readonly initiativesOfKpi: Rows;
  /** Objective positions each initiative serves, each once. */
  readonly objectivesOfInitiative: Rows;

  readonly kpiAt: IdIndex;
  readonly benefitAt: IdIndex;
  /** Benefit positions of each KPI, plan order. */
  readonly benefitsOfKpi: Rows;
  /** Benefit positions of each milestone, plan order. */
  readonly benefitsOfMilestone: Rows;
  /** KPI positions fed by each milestone's benefits. */
  readonly kpisOfMilestone: Rows;
  /** The milestone position of each benefit, or −1 when it names no milestone of the plan. */
  readonly benefitMilestone: Int32Array;
  /** The KPI position of each benefit, or −1 when it names no KPI of the plan. */
  readonly benefitKpi: Int32Array;
  /** Objective positions each KPI measures, each once. */
  readonly objectivesOfKpi: Rows;

  readonly objectiveAt: IdIndex;
  /** Each objective's parent position, or −1. */
  readonly parentObjective: Int32Array;
}

/** Positions by id (the last entity with an id wins), in a typed-array hash table. */
function positions<T extends { id: string }>(entities: readonly T[]): KeyIndex {
  const at = createKeyIndex(entities.length);
  for (let position = 0; position < entities.length; position += 1) {
    at.set(entities[position]!.id, position);
  }
  return at;
}

/** Rows of positions found by id, each once per row, in the order the ids are listed. */
function rowsOfIds(count: number, idsOf: (row: number) => readonly string[], at: IdIndex): Rows {
  const rowOf: number[] = [];
  const values: number[] = [];
  for (let row = 0; row < count; row += 1) {
    const seen: number[] = [];
    for (const id of idsOf(row)) {
      const position = at.get(id);
      if (position === undefined || seen.includes(position)) continue;
      seen.push(position);
      rowOf.push(row);
      values.push(position);
    }
  }
  return groupRows(count, rowOf, values);
}

/** Resolves the working calendar of every initiative, preparing each calendar once. */
function initiativeCalendars(plan: Plan): WorkingDays[] {
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
  const calendarOf: WorkingDays[] = plan.initiatives.map(
    (initiative) => unitCalendars.get(initiative.unit) ?? fallback,
  );
  // One more for milestones whose initiative is unknown.
  calendarOf.push(fallback);
  return calendarOf;
}

/** The person accountable for a milestone: its owner, else its initiative's owner. */
export function ownerOfMilestone(plan: PlanModel, m: number): string | null {
  const milestone = plan.milestones[m]!;
  const i = plan.initiativeOfMilestone[m]!;
  return milestone.owner ?? (i < 0 ? null : plan.plan.initiatives[i]!.owner);
}

/** Builds the engine's model of a plan. */
export function modelPlan(plan: Plan): PlanModel {
  const milestones = plan.milestones;
  const count = milestones.length;
  const milestoneAt = positions(milestones);
  const canonicalMilestone = new Uint8Array(count);
  const unique = milestoneAt.size === count;
  for (let m = 0; m < count; m += 1) {
    if (unique || milestoneAt.get(milestones[m]!.id) === m) canonicalMilestone[m] = 1;
  }
  const canonical = (m: number): number => (unique ? m : milestoneAt.get(milestones[m]!.id)!);

  const initiativeAt = positions(plan.initiatives);
  const initiativeCalendar = initiativeCalendars(plan);
  const plannedDay = new Int32Array(count);
  const initiativeOfMilestone = new Int32Array(count);
  const calendarOf: WorkingDays[] = new Array<WorkingDays>(count);
  let lastInitiative = '';
  let lastPosition = -1;
  for (let m = 0; m < count; m += 1) {
    const milestone = milestones[m]!;
    plannedDay[m] = dayOf(milestone.plannedDate);
    // Milestones of one initiative usually come together: look its position up once.
    if (milestone.initiative !== lastInitiative) {
      lastInitiative = milestone.initiative;
      lastPosition = initiativeAt.get(milestone.initiative) ?? -1;
    }
    initiativeOfMilestone[m] = lastPosition;
    calendarOf[m] = initiativeCalendar[lastPosition < 0 ? plan.initiatives.length : lastPosition]!;
  }

  const dependencies: Dependency[] = [];
  let depFrom = new Int32Array(plan.dependencies.length);
  let depTo = new Int32Array(plan.dependencies.length);
  let depLag = new Int32Array(plan.dependencies.length);
  for (const dependency of plan.dependencies) {
    const p = milestoneAt.get(dependency.predecessor);
    const s = milestoneAt.get(dependency.successor);
    if (p === undefined || s === undefined) continue;
    const d = dependencies.length;
    dependencies.push(dependency);
    depFrom[d] = p;
    depTo[d] = s;
    depLag[d] = dependency.lagDays;
  }
  depFrom = depFrom.subarray(0, dependencies.length);
  depTo = depTo.subarray(0, dependencies.length);
  depLag = depLag.subarray(0, dependencies.length);
  const { order, forced } = topologicalOrder(count, depFrom, depTo);
  const rank = new Int32Array(count);
  for (let r = 0; r < count; r += 1) rank[order[r]!] = r;

  const epicKeys: string[] = [];
  const epicAt = createKeyIndex(64);
  const epicRow: number[] = [];
  const epicMilestone: number[] = [];
  for (let m = 0; m < count; m += 1) {
    for (const epic of milestones[m]!.work.epics) {
      let e = epicAt.get(epic);
      if (e === undefined) {
        e = epicKeys.length;
        epicKeys.push(epic);
        epicAt.set(epic, e);
      }
      epicRow.push(e);
      epicMilestone.push(m);
    }
  }

  const kpiAt = positions(plan.kpis);
  const benefitAt = positions(plan.benefits);
  const objectiveAt = positions(plan.objectives);
  const benefitCount = plan.benefits.length;
  const benefitMilestone = new Int32Array(benefitCount);
  const benefitKpi = new Int32Array(benefitCount);
  for (let b = 0; b < benefitCount; b += 1) {
    const benefit = plan.benefits[b]!;
    benefitMilestone[b] = milestoneAt.get(benefit.milestone) ?? -1;
    benefitKpi[b] = kpiAt.get(benefit.kpi) ?? -1;
  }
  const benefitsOfKpi = groupRows(plan.kpis.length, benefitKpi);
  const benefitsOfMilestone = groupRows(count, benefitMilestone);
  const kpisOfMilestone = distinctRows(count, [benefitsOfMilestone], benefitKpi);

  // Delivery reads an initiative's milestones by its id; the milestone is the one holding its id.
  const milestonesOfInitiative = groupRows(
    plan.initiatives.length,
    initiativeOfMilestone,
    unique ? undefined : Int32Array.from(milestones, (_, m) => canonical(m)),
  );
  // Value reads the KPIs its milestones' benefits feed, in the order first met.
  const kpisOfInitiative = distinctRows(
    plan.initiatives.length,
    [milestonesOfInitiative, benefitsOfMilestone],
    benefitKpi,
  );
  const kpiOfRow: number[] = [];
  const initiativeOfRow: number[] = [];
  for (let i = 0; i < plan.initiatives.length; i += 1) {
    for (let at = kpisOfInitiative.start[i]!; at < kpisOfInitiative.start[i + 1]!; at += 1) {
      kpiOfRow.push(kpisOfInitiative.list[at]!);
      initiativeOfRow.push(i);
    }
  }
  const parentObjective = new Int32Array(plan.objectives.length);
  plan.objectives.forEach((objective, at) => {
    parentObjective[at] =
      objective.parent === undefined ? -1 : (objectiveAt.get(objective.parent) ?? -1);
  });

  let index: PlanIndex | null = null;
  return {
    plan,
    get index() {
      index ??= indexPlan(plan);
      return index;
    },
    milestones,
    milestoneAt,
    canonicalMilestone,
    plannedDay,
    calendarOf,
    initiativeOfMilestone,
    dependencies,
    depFrom,
    depTo,
    depLag,
    incoming: groupRows(count, depTo),
    outgoing: groupRows(count, depFrom),
    order,
    rank,
    cyclic: forced.length > 0,
    epicAt,
    epicMilestones: groupRows(epicAt.size, epicRow, epicMilestone),
    initiativeAt,
    milestonesOfInitiative,
    kpisOfInitiative,
    initiativesOfKpi: groupRows(plan.kpis.length, kpiOfRow, initiativeOfRow),
    objectivesOfInitiative: rowsOfIds(
      plan.initiatives.length,
      (i) => plan.initiatives[i]!.objectives,
      objectiveAt,
    ),
    kpiAt,
    benefitAt,
    benefitsOfKpi,
    benefitsOfMilestone,
    kpisOfMilestone,
    benefitMilestone,
    benefitKpi,
    objectivesOfKpi: rowsOfIds(plan.kpis.length, (k) => plan.kpis[k]!.objectives, objectiveAt),
    objectiveAt,
    parentObjective,
  };
}

/**
 * For each row, the distinct non-negative values reached by following the rows in `path` one
 * after the other and then `values`, in the order first met (rows are short: a scan dedupes).
 */
function distinctRows(count: number, path: readonly Rows[], values: Int32Array): Rows {
  const start = new Int32Array(count + 1);
  const list: number[] = [];
  const visit = (depth: number, entry: number, first: number): void => {
    if (depth === path.length) {
      const value = values[entry]!;
      if (value < 0) return;
      for (let k = first; k < list.length; k += 1) if (list[k] === value) return;
      list.push(value);
      return;
    }
    const rows = path[depth]!;
    for (let at = rows.start[entry]!; at < rows.start[entry + 1]!; at += 1) {
      visit(depth + 1, rows.list[at]!, first);
    }
  };
  for (let row = 0; row < count; row += 1) {
    start[row] = list.length;
    visit(0, row, list.length);
  }
  start[count] = list.length;
  return { start, list: Int32Array.from(list) };
}
