import type {
  BudgetLine,
  Demand,
  Initiative,
  Milestone,
  Plan,
  PlanCollection,
  Unit,
} from '../domain/plan.ts';
import { dependencyId } from '../domain/plan.ts';
import type { DerivedState } from '../domain/state.ts';
import { addDays, daysBetween, fromDayNumber, isIsoDate, toDayNumber } from '../calendar.ts';
import { DomainError, type Problem } from '../errors.ts';
import { parsePeriod } from '../period.ts';
import { formatJsonPath, parseJsonPath, type PathSegment } from '../plan/json-path.ts';
import { didYouMean } from '../plan/suggest.ts';
import { validatePlan } from '../plan/validate-plan.ts';
import { mondayOfWeek, weekIndex, weekLabel, weekOfDay } from '../schedule/iso-week.ts';
import { checkScenarioChanges, type ScenarioChange } from './scenario.ts';

/**
 * Applies a scenario's changes to a copy of the plan. The input plan is never touched: only the
 * collections and entities a change reaches are copied, the rest is shared. Every reference is
 * checked against the plan as the earlier changes left it, and the result must pass the plan's
 * own validation; any problem is thrown as one `DomainError` naming the change
 * (`$.changes[2].milestone`), and nothing is applied.
 *
 * Changes that read the derived state (accept a slip, prioritise, hold, stop) read `state`: the
 * state of the plan before the scenario, not after the changes listed before them.
 */
export function applyScenario(
  plan: Plan,
  state: DerivedState,
  changes: readonly ScenarioChange[],
): Plan {
  checkScenarioChanges(changes);
  const draft = new Draft(plan);
  changes.forEach((change, k) => {
    draft.current = k;
    LEVERS[change.kind](draft, change as never, state, ['changes', k]);
  });
  if (draft.problems.length > 0) throw new DomainError(draft.problems);
  const result = draft.result();
  // Entities the scenario left alone are the plan's own objects: their text was checked with it.
  let problems = validatePlan(result, { derivedFrom: plan });
  if (problems.length > 0) {
    // Problems the plan had already are not the scenario's doing: only new ones refuse it.
    const known = new Set(validatePlan(plan).map((p) => problemKey(plan, p)));
    problems = problems.filter((p) => !known.has(problemKey(result, p)));
  }
  if (problems.length > 0) throw new DomainError(problems.map((p) => draft.locate(result, p)));
  return result;
}

/** A problem by what it is about, not where: its code, its entity and its words without paths. */
function problemKey(plan: Plan, problem: Problem): string {
  const segments = problem.path === undefined ? null : parseJsonPath(problem.path);
  const [collection, position, ...rest] = segments ?? [];
  let entity = '';
  if (typeof collection === 'string' && typeof position === 'number' && collection in plan) {
    const found = (plan[collection as PlanCollection] as Entity[])[position];
    if (found !== undefined) entity = `${collection} ${idOf(collection as PlanCollection, found)}`;
  }
  const words = problem.message.replace(/\$[^\s,;)]*/g, '$');
  return JSON.stringify([problem.code, entity, rest, words]);
}

type Lever<K extends ScenarioChange['kind']> = (
  draft: Draft,
  change: Extract<ScenarioChange, { kind: K }>,
  state: DerivedState,
  at: PathSegment[],
) => void;

const LEVERS: { [K in ScenarioChange['kind']]: Lever<K> } = {
  move_milestone(draft, change, _state, at) {
    const m = draft.find('milestones', change.milestone, [...at, 'milestone']);
    if (m !== undefined) draft.update('milestones', m, { plannedDate: change.plannedDate });
  },

  accept_slip(draft, change, state, at) {
    const m = draft.find('milestones', change.milestone, [...at, 'milestone']);
    if (m === undefined) return;
    const forecast = state.milestones.get(change.milestone);
    if (forecast === undefined) {
      draft.report(
        'scenario.unknown_reference',
        [...at, 'milestone'],
        `milestone '${change.milestone}' has no forecast in the current state`,
      );
      return;
    }
    draft.update('milestones', m, { plannedDate: forecast.forecastDate });
  },

  add_capacity(draft, change, _state, at) {
    const u = draft.find('units', change.unit, [...at, 'unit']);
    const labels = monthsOf(change.from, change.to) ?? weeksOf(change.from, change.to);
    if (labels === null) {
      draft.report(
        'scenario.bad_change',
        at,
        `capacity is planned per ISO week at the finest: 'from' must be a Monday and 'to' a Sunday (or the first and last days of months), not before it (got ${change.from} … ${change.to}; the weeks holding them run ${weekStart(change.from)} … ${weekEnd(change.to)})`,
      );
    }
    if (change.cost?.initiative !== undefined)
      draft.find('initiatives', change.cost.initiative, [...at, 'cost', 'initiative']);
    if (u === undefined || labels === null) return;
    const unit = draft.get<Unit>('units', u);
    if (unit.capacity === undefined) {
      draft.report(
        'scenario.bad_change',
        [...at, 'unit'],
        `unit '${unit.id}' declares no capacity, so its demands are not checked: give it a capacity in the plan first`,
      );
      return;
    }
    const periods = { ...(unit.capacity.periods ?? {}) };
    const before = unit.capacity.periods ?? {};
    for (const label of labels)
      periods[label] = capacityIn(unit.capacity.perWeek, before, label) + change.perWeek;
    // Weeks the plan already plans on their own inside the months get the same addition.
    if (weekIndex(labels[0]!) === undefined)
      for (const [label, amount] of Object.entries(before)) {
        const week = weekIndex(label);
        const month = week === undefined ? '' : fromDayNumber(mondayOfWeek(week)).slice(0, 7);
        if (labels.includes(month)) periods[label] = amount + change.perWeek;
      }
    draft.update('units', u, { capacity: { ...unit.capacity, periods } });
    const cost = change.cost;
    if (cost?.initiative !== undefined) {
      const i = draft.indexOf('initiatives', cost.initiative)!;
      draft.addBudget(i, cost.period, cost.amount);
    }
  },

  move_demand(draft, change, _state, at) {
    const d = draft.find('demands', change.demand, [...at, 'demand']);
    if (d === undefined) return;
    draft.update('demands', d, {
      ...(change.from !== undefined ? { from: change.from } : {}),
      ...(change.to !== undefined ? { to: change.to } : {}),
    });
  },

  prioritise(draft, change, state, at) {
    draft.find('units', change.unit, [...at, 'unit']);
    draft.find('initiatives', change.initiative, [...at, 'initiative']);
    change.over.forEach((id, k) => {
      draft.find('initiatives', id, [...at, 'over', k]);
      if (id === change.initiative)
        draft.report(
          'scenario.bad_change',
          [...at, 'over', k],
          `initiative '${id}' cannot have priority over itself`,
        );
    });
    if (draft.failedAt(at)) return;
    // The weeks the unit is over-allocated now: where priority decides who goes first.
    const contested = new Set<number>();
    for (const over of state.capacity.overAllocations)
      if (over.unit === change.unit) for (const week of over.weeks) contested.add(weekIndex(week)!);
    const runs = state.capacity.demands.filter((run) => run.unit === change.unit);
    const first = runs.filter((run) => run.initiative === change.initiative);
    const others = new Set(change.over);
    for (const run of runs) {
      if (!others.has(run.initiative)) continue;
      const waitFor = first.filter((p) => sharesContestedWeek(run, p, contested)).map((p) => p.id);
      if (waitFor.length === 0) continue;
      const d = draft.indexOf('demands', run.id);
      if (d === undefined) continue;
      const demand = draft.get<Demand>('demands', d);
      const after = [...(demand.after ?? [])];
      for (const id of waitFor)
        if (!after.includes(id) && draft.indexOf('demands', id) !== undefined) after.push(id);
      draft.update('demands', d, { after });
    }
  },

  move_budget(draft, change, _state, at) {
    const from = draft.find('initiatives', change.from.initiative, [...at, 'from', 'initiative']);
    const to = draft.find('initiatives', change.to.initiative, [...at, 'to', 'initiative']);
    if (from === undefined || to === undefined) return;
    const line = draft.get<Initiative>('initiatives', from).budget[change.from.period];
    if (line === undefined) {
      draft.report(
        'scenario.unknown_reference',
        [...at, 'from', 'period'],
        `initiative '${change.from.initiative}' has no budget line in ${change.from.period}`,
      );
      return;
    }
    if (line.plan < change.amount) {
      draft.report(
        'scenario.bad_change',
        [...at, 'amount'],
        `the amount ${change.amount} is more than the ${line.plan} planned for ${change.from.initiative} in ${change.from.period}`,
      );
      return;
    }
    draft.addBudget(from, change.from.period, -change.amount);
    draft.addBudget(to, change.to.period, change.amount);
  },

  descope_milestone(draft, change, _state, at) {
    if (draft.find('milestones', change.milestone, [...at, 'milestone']) !== undefined)
      draft.removeMilestone(change.milestone);
  },

  descope_benefit(draft, change, _state, at) {
    if (draft.find('benefits', change.benefit, [...at, 'benefit']) !== undefined)
      draft.remove('benefits', change.benefit);
  },

  hold_initiative(draft, change, state, at) {
    if (draft.find('initiatives', change.initiative, [...at, 'initiative']) === undefined) return;
    if (change.until === undefined) {
      // Until further notice: its work takes no capacity and its benefits do not come; the
      // milestones and the budget stay, so releasing the hold is a plan change of its own.
      for (const demand of draft.all<Demand>('demands'))
        if (demand.initiative === change.initiative) draft.removeDemand(demand.id);
      for (const id of toCome(draft, state, change.initiative)) draft.removeBenefitsOf(id);
      return;
    }
    const asOf = state.asOf;
    if (change.until <= asOf) {
      draft.report(
        'scenario.bad_change',
        [...at, 'until'],
        `until ${change.until} is not after the as-of day ${asOf}`,
      );
      return;
    }
    const pause = daysBetween(asOf, change.until);
    // Windows not over yet move by the pause; one that runs now resumes on `until`.
    for (const demand of draft.all<Demand>('demands')) {
      if (demand.initiative !== change.initiative || demand.workItem !== undefined) continue;
      if (demand.from === undefined || demand.to === undefined || demand.to < asOf) continue;
      const d = draft.indexOf('demands', demand.id)!;
      draft.update('demands', d, {
        from: demand.from >= asOf ? addDays(demand.from, pause) : change.until,
        to: addDays(demand.to, pause),
      });
    }
    for (const id of toCome(draft, state, change.initiative)) {
      const m = draft.indexOf('milestones', id)!;
      const milestone = draft.get<Milestone>('milestones', m);
      draft.update('milestones', m, { plannedDate: addDays(milestone.plannedDate, pause) });
    }
  },

  stop_initiative(draft, change, state, at) {
    const i = draft.find('initiatives', change.initiative, [...at, 'initiative']);
    if (i === undefined) return;
    for (const demand of draft.all<Demand>('demands'))
      if (demand.initiative === change.initiative) draft.removeDemand(demand.id);
    draft.removeMilestones(toCome(draft, state, change.initiative));
    // What is spent or committed stays; the rest of every period not over yet is released.
    const initiative = draft.get<Initiative>('initiatives', i);
    const budget: Record<string, BudgetLine> = {};
    for (const [label, line] of Object.entries(initiative.budget)) {
      const period = parsePeriod(label);
      const kept = Math.max(line.actual ?? 0, line.committed ?? 0);
      budget[label] =
        period !== null && period.end >= state.asOf && line.plan > kept
          ? { ...line, plan: kept }
          : line;
    }
    draft.update('initiatives', i, { budget });
  },
};

/** An initiative's milestones still to come: not complete, forecast on or after the as-of day. */
function toCome(draft: Draft, state: DerivedState, initiative: string): string[] {
  return draft
    .all<Milestone>('milestones')
    .filter((m) => {
      if (m.initiative !== initiative) return false;
      const forecast = state.milestones.get(m.id);
      return forecast === undefined || (!forecast.complete && forecast.forecastDate >= state.asOf);
    })
    .map((m) => m.id);
}

function sharesContestedWeek(
  a: { plannedStart: string; plannedEnd: string },
  b: { plannedStart: string; plannedEnd: string },
  contested: ReadonlySet<number>,
): boolean {
  const from = Math.max(weekIndex(a.plannedStart)!, weekIndex(b.plannedStart)!);
  const to = Math.min(weekIndex(a.plannedEnd)!, weekIndex(b.plannedEnd)!);
  for (let week = from; week <= to; week += 1) if (contested.has(week)) return true;
  return false;
}

function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

function monthEnd(date: string): string {
  return parsePeriod(date.slice(0, 7))?.end ?? date;
}

/** The months `from` … `to` covers whole, or null when they are not whole months. */
function monthsOf(from: string, to: string): string[] | null {
  if (from > to || from !== monthStart(from) || to !== monthEnd(to)) return null;
  const months: string[] = [];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (;;) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    months.push(label);
    if (label === last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/** The ISO weeks `from` (a Monday) … `to` (a Sunday) covers, or null when they are not whole weeks. */
function weeksOf(from: string, to: string): string[] | null {
  if (from > to || from !== weekStart(from) || to !== weekEnd(to)) return null;
  const weeks: string[] = [];
  const last = weekOfDay(toDayNumber(to));
  for (let week = weekOfDay(toDayNumber(from)); week <= last; week += 1)
    weeks.push(weekLabel(week));
  return weeks;
}

/** The Monday of the ISO week holding a day (the day itself when it is not a date). */
function weekStart(date: string): string {
  return isIsoDate(date) ? fromDayNumber(mondayOfWeek(weekOfDay(toDayNumber(date)))) : date;
}

/** The Sunday of the ISO week holding a day. */
function weekEnd(date: string): string {
  return isIsoDate(date) ? fromDayNumber(mondayOfWeek(weekOfDay(toDayNumber(date))) + 6) : date;
}

/**
 * A unit's weekly capacity in a week or a month, as the engine reads it: the most specific period
 * that holds it wins. A week reads the periods holding its Monday; a month lies inside one
 * quarter, one half and one year, so every week of it without a week of its own reads the same.
 */
function capacityIn(perWeek: number, periods: Record<string, number>, label: string): number {
  const week = weekIndex(label);
  if (week === undefined) return capacityInMonth(perWeek, periods, label);
  return (
    periods[label] ??
    capacityInMonth(perWeek, periods, fromDayNumber(mondayOfWeek(week)).slice(0, 7))
  );
}

function capacityInMonth(perWeek: number, periods: Record<string, number>, month: string): number {
  const year = month.slice(0, 4);
  const m = Number(month.slice(5, 7));
  for (const label of [month, `${year}-Q${Math.ceil(m / 3)}`, `${year}-H${m <= 6 ? 1 : 2}`, year]) {
    const amount = periods[label];
    if (amount !== undefined) return amount;
  }
  return perWeek;
}

type Entity = { id: string } | Plan['dependencies'][number];

function idOf(collection: PlanCollection, entity: Entity): string {
  return collection === 'dependencies'
    ? dependencyId(entity as Plan['dependencies'][number])
    : (entity as { id: string }).id;
}

/**
 * A plan being changed: collections are copied on their first change, entities replaced by
 * copies, removals kept as a set until the end. Records which change touched each entity, so
 * that a problem of the resulting plan is named at the change that caused it.
 */
class Draft {
  readonly problems: Problem[] = [];
  current = 0;
  readonly #plan: Plan;
  readonly #copied = new Map<PlanCollection, unknown[]>();
  readonly #index = new Map<PlanCollection, Map<string, number>>();
  readonly #removed = new Map<PlanCollection, Set<number>>();
  /** `collection id` → the change that last touched it. */
  readonly #touched = new Map<string, number>();

  constructor(plan: Plan) {
    this.#plan = plan;
  }

  report(code: Problem['code'], at: readonly PathSegment[], message: string): void {
    this.problems.push({ code, message, path: formatJsonPath(at) });
  }

  /** Whether a problem was reported at or under a path. */
  failedAt(at: readonly PathSegment[]): boolean {
    const path = formatJsonPath(at);
    return this.problems.some(
      (p) => p.path === path || p.path?.startsWith(`${path}.`) || p.path?.startsWith(`${path}[`),
    );
  }

  all<T>(collection: PlanCollection): T[] {
    const list = (this.#copied.get(collection) ?? this.#plan[collection]) as T[];
    const removed = this.#removed.get(collection);
    return removed === undefined ? list : list.filter((_, k) => !removed.has(k));
  }

  get<T>(collection: PlanCollection, position: number): T {
    return ((this.#copied.get(collection) ?? this.#plan[collection]) as T[])[position]!;
  }

  indexOf(collection: PlanCollection, id: string): number | undefined {
    let index = this.#index.get(collection);
    if (index === undefined) {
      index = new Map();
      const list = this.#plan[collection] as Entity[];
      for (let k = 0; k < list.length; k += 1) {
        const key = idOf(collection, list[k]!);
        if (!index.has(key)) index.set(key, k);
      }
      this.#index.set(collection, index);
    }
    const position = index.get(id);
    return position === undefined || this.#removed.get(collection)?.has(position) === true
      ? undefined
      : position;
  }

  /** The position of an entity the change names, or a located `scenario.unknown_reference`. */
  find(collection: PlanCollection, id: string, at: readonly PathSegment[]): number | undefined {
    const position = this.indexOf(collection, id);
    if (position === undefined) {
      const kind =
        collection === 'kpis' ? 'KPI' : collection.replace(/ies$/, 'y').replace(/s$/, '');
      const known = this.all<Entity>(collection).map((e) => idOf(collection, e));
      this.report(
        'scenario.unknown_reference',
        at,
        `${kind} '${id}' does not exist in the plan${this.#wasRemoved(collection, id) ? ' (an earlier change of this scenario removed it)' : didYouMean(id, known)}`,
      );
    }
    return position;
  }

  #wasRemoved(collection: PlanCollection, id: string): boolean {
    const position = this.#index.get(collection)?.get(id);
    return position !== undefined && this.#removed.get(collection)?.has(position) === true;
  }

  update(collection: PlanCollection, position: number, fields: object): void {
    let list = this.#copied.get(collection);
    if (list === undefined) {
      list = [...this.#plan[collection]];
      this.#copied.set(collection, list);
    }
    const entity = { ...(list[position] as object), ...fields } as Entity;
    list[position] = entity;
    this.#touched.set(`${collection} ${idOf(collection, entity)}`, this.current);
  }

  remove(collection: PlanCollection, id: string): void {
    const position = this.indexOf(collection, id);
    if (position === undefined) return;
    let removed = this.#removed.get(collection);
    if (removed === undefined) {
      removed = new Set();
      this.#removed.set(collection, removed);
    }
    removed.add(position);
  }

  addBudget(i: number, period: string, amount: number): void {
    const initiative = this.get<Initiative>('initiatives', i);
    const line = initiative.budget[period] ?? { plan: 0 };
    this.update('initiatives', i, {
      budget: { ...initiative.budget, [period]: { ...line, plan: line.plan + amount } },
    });
  }

  /** Drops a demand and every other demand's wait for it. */
  removeDemand(id: string): void {
    this.remove('demands', id);
    for (const demand of this.all<Demand>('demands'))
      if (demand.after?.includes(id) === true)
        this.update('demands', this.indexOf('demands', demand.id)!, {
          after: demand.after.filter((other) => other !== id),
        });
  }

  removeBenefitsOf(milestone: string): void {
    for (const benefit of this.all<Plan['benefits'][number]>('benefits'))
      if (benefit.milestone === milestone) this.remove('benefits', benefit.id);
  }

  /** Drops a milestone, its benefits, its dependencies and the demands that deliver it. */
  removeMilestone(id: string): void {
    this.removeMilestones([id]);
  }

  /** As `removeMilestone` for several, walking each collection once (an initiative stopped). */
  removeMilestones(ids: readonly string[]): void {
    if (ids.length === 0) return;
    const gone = new Set(ids);
    for (const id of ids) this.remove('milestones', id);
    for (const benefit of this.all<Plan['benefits'][number]>('benefits'))
      if (gone.has(benefit.milestone)) this.remove('benefits', benefit.id);
    for (const dependency of this.all<Plan['dependencies'][number]>('dependencies'))
      if (gone.has(dependency.predecessor) || gone.has(dependency.successor))
        this.remove('dependencies', dependencyId(dependency));
    for (const demand of this.all<Demand>('demands'))
      if (demand.milestone !== undefined && gone.has(demand.milestone))
        this.removeDemand(demand.id);
  }

  result(): Plan {
    const plan: Plan = { ...this.#plan };
    const collections = new Set<PlanCollection>([...this.#copied.keys(), ...this.#removed.keys()]);
    for (const collection of collections) {
      const list: unknown[] = this.#copied.get(collection) ?? this.#plan[collection];
      const removed = this.#removed.get(collection);
      (plan as unknown as Record<string, unknown[]>)[collection] =
        removed === undefined ? list : list.filter((_, k) => !removed.has(k));
    }
    return plan;
  }

  /** A problem of the resulting plan, named at the change that touched its entity. */
  locate(result: Plan, problem: Problem): Problem {
    const segments = problem.path === undefined ? null : parseJsonPath(problem.path);
    const [collection, position] = segments ?? [];
    let change: number | undefined;
    if (typeof collection === 'string' && typeof position === 'number' && collection in result) {
      const entity = (result[collection as PlanCollection] as Entity[])[position];
      if (entity !== undefined)
        change = this.#touched.get(`${collection} ${idOf(collection as PlanCollection, entity)}`);
    }
    const where = problem.path === undefined ? '' : ` (at ${problem.path} of the resulting plan)`;
    return {
      code: 'scenario.invalid_result',
      message:
        change === undefined
          ? `the scenario would make the plan invalid: ${problem.message}${where}`
          : `this change would make the plan invalid: ${problem.message}${where}`,
      path: formatJsonPath(change === undefined ? ['changes'] : ['changes', change]),
    };
  }
}
