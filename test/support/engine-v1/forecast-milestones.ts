import type { WorkingCalendar } from './working-calendar.ts';
import type { Dependency, IsoDate, Milestone } from '../../../src/core/domain/plan.ts';
import type {
  DerivedStatus,
  ExplanationStep,
  MilestoneDriver,
  MilestoneForecast,
} from './state.ts';
import { formatWorkingDays } from './format.ts';
import type { WorkItemForecasts } from './forecast-work-items.ts';
import { createWorkLinker } from './linked-work.ts';
import type { PlanIndex } from './plan-index.ts';
import { topologicalOrder } from './topological-order.ts';
import type { WorkItemIndex } from './work-item-index.ts';

export interface MilestoneForecastInput {
  readonly plan: PlanIndex;
  readonly work: WorkItemIndex;
  readonly workForecasts: WorkItemForecasts;
  readonly calendarOf: (initiativeId: string) => WorkingCalendar;
}

/** What a milestone's own work says before dependencies are applied. */
interface WorkBasis {
  date: IsoDate;
  driver: MilestoneDriver;
  complete: boolean;
  /** Open linked items without a due date (their finish is unknown); null when there are none. */
  unknownFinish: string[] | null;
  step: ExplanationStep;
}

/**
 * Forecasts every milestone: the next working day after its latest open work (or its last done
 * work, or its plan when the work cannot tell), then pushed later by each dependency in
 * topological order; with slip, status, driver and explanation.
 */
export function forecastMilestones(
  input: MilestoneForecastInput,
): Record<string, MilestoneForecast> {
  const milestones = input.plan.plan.milestones;
  const count = milestones.length;
  const position = new Map<string, number>();
  milestones.forEach((milestone, at) => position.set(milestone.id, at));
  const calendars = milestones.map((milestone) => input.calendarOf(milestone.initiative));

  const linkWork = createWorkLinker(input.work);
  const bases = milestones.map((milestone, at) =>
    forecastFromWork(milestone, linkWork(milestone), calendars[at]!, input),
  );
  const forecast = bases.map((basis) => basis.date);
  const drivers = bases.map((basis) => basis.driver);
  const explanations = bases.map((basis) => [basis.step]);

  const depFrom: number[] = [];
  const depTo: number[] = [];
  const deps: Dependency[] = [];
  for (const dependency of input.plan.plan.dependencies) {
    const from = position.get(dependency.predecessor);
    const to = position.get(dependency.successor);
    if (from === undefined || to === undefined) continue;
    depFrom.push(from);
    depTo.push(to);
    deps.push(dependency);
  }
  const incoming = groupBySuccessor(count, depTo);
  const { order } = topologicalOrder(count, depFrom, depTo);
  const settled = new Uint8Array(count);
  for (const at of order) {
    let driving = -1;
    for (let slot = incoming.start[at]!; slot < incoming.start[at + 1]!; slot += 1) {
      const d = incoming.deps[slot]!;
      const dependency = deps[d]!;
      if (settled[depFrom[d]!] === 0) {
        explanations[at]!.push({
          rule: 'milestone.dependency_cycle',
          text: `${dependency.predecessor} and ${dependency.successor} sit on a dependency cycle; the link from ${dependency.predecessor} was ignored`,
          ref: { kind: 'milestone', id: dependency.predecessor },
        });
        continue;
      }
      const required = calendars[at]!.addWorkingDays(forecast[depFrom[d]!]!, dependency.lagDays);
      if (required > forecast[at]!) {
        forecast[at] = required;
        driving = d;
      }
    }
    settled[at] = 1;
    if (driving < 0) continue;
    const dependency = deps[driving]!;
    drivers[at] = {
      kind: 'dependency',
      predecessor: dependency.predecessor,
      type: dependency.type,
      lagDays: dependency.lagDays,
    };
    explanations[at]!.push({
      rule: 'milestone.dependency',
      text: `${dependency.predecessor} is forecast ${forecast[depFrom[driving]!]!}; ${dependency.type} with a lag of ${formatWorkingDays(dependency.lagDays, true)}, so ${dependency.successor} cannot land before ${forecast[at]!}`,
      ref: { kind: 'milestone', id: dependency.predecessor },
    });
  }

  const result: Record<string, MilestoneForecast> = {};
  milestones.forEach((milestone, at) => {
    if (position.get(milestone.id) !== at) return;
    const forecastDate = forecast[at]!;
    const basis = bases[at]!;
    const slipWorkingDays = calendars[at]!.workingDaysBetween(milestone.plannedDate, forecastDate);
    result[milestone.id] = {
      id: milestone.id,
      plannedDate: milestone.plannedDate,
      forecastDate,
      slipWorkingDays,
      complete: basis.complete,
      driver: drivers[at]!,
      status: milestoneStatus(milestone, forecastDate, slipWorkingDays, basis.unknownFinish),
      explanation: explanations[at]!,
    };
  });
  return result;
}

function forecastFromWork(
  milestone: Milestone,
  linked: readonly number[],
  calendar: WorkingCalendar,
  input: MilestoneForecastInput,
): WorkBasis {
  const { items } = input.work;
  const { open, finish } = input.workForecasts;
  let latestOpen: IsoDate | null = null;
  let latestOpenKey = '';
  let lastDone: IsoDate | null = null;
  let lastDoneKey = '';
  let openCount = 0;
  let unknownFinish: string[] | null = null;
  for (const at of linked) {
    const item = items[at]!;
    if (open[at] === 1) {
      openCount += 1;
      if (item.dueDate === null) (unknownFinish ??= []).push(item.key);
      const itemFinish = finish[at] ?? null;
      if (itemFinish !== null && (latestOpen === null || itemFinish > latestOpen)) {
        latestOpen = itemFinish;
        latestOpenKey = item.key;
      }
    } else if (item.doneDate !== null && (lastDone === null || item.doneDate > lastDone)) {
      lastDone = item.doneDate;
      lastDoneKey = item.key;
    }
  }
  const complete = linked.length > 0 && openCount === 0;
  const ref = (key: string): ExplanationStep['ref'] => ({ kind: 'work_item', id: key });

  if (latestOpen !== null) {
    const date = calendar.nextWorkingDay(latestOpen);
    return {
      date,
      driver: { kind: 'work_item', key: latestOpenKey },
      complete,
      unknownFinish,
      step: {
        rule: 'milestone.after_latest_work',
        text: `${latestOpenKey}, the latest of ${openCount} open work ${openCount === 1 ? 'item' : 'items'}, is forecast to finish ${latestOpen}: ${milestone.id} lands the next working day, ${date}`,
        ref: ref(latestOpenKey),
      },
    };
  }
  if (complete && lastDone !== null) {
    const date = calendar.nextWorkingDay(lastDone);
    return {
      date,
      driver: { kind: 'work_item', key: lastDoneKey },
      complete,
      unknownFinish,
      step: {
        rule: 'milestone.after_work_done',
        text: `All ${linked.length} linked work ${linked.length === 1 ? 'item is' : 'items are'} done, the last (${lastDoneKey}) on ${lastDone}: ${milestone.id} lands the next working day, ${date}`,
        ref: ref(lastDoneKey),
      },
    };
  }
  let why: string;
  if (linked.length === 0) why = `${milestone.id} has no linked work`;
  else if (openCount > 0) why = `the finish of ${milestone.id}'s open work is unknown`;
  else why = `${milestone.id}'s work is done but the source gives no done dates`;
  return {
    date: milestone.plannedDate,
    driver: { kind: 'plan' },
    complete,
    unknownFinish,
    step: {
      rule: 'milestone.planned_date',
      text: `${why}: it is forecast at its planned date, ${milestone.plannedDate}`,
    },
  };
}

function milestoneStatus(
  milestone: Milestone,
  forecastDate: IsoDate,
  slipWorkingDays: number,
  unknownFinish: readonly string[] | null,
): DerivedStatus {
  if (forecastDate > milestone.plannedDate) {
    return {
      status: 'off_track',
      rule: 'milestone.forecast_after_plan',
      reason: `forecast ${forecastDate} passed its plan ${milestone.plannedDate} by ${formatWorkingDays(slipWorkingDays)}`,
    };
  }
  const firstUnknown = unknownFinish?.[0];
  if (unknownFinish !== null && firstUnknown !== undefined) {
    const more = unknownFinish.length - 1;
    return {
      status: 'at_risk',
      rule: 'milestone.work_finish_unknown',
      reason: `${firstUnknown}${more > 0 ? ` and ${more} more open work items have` : ' has'} no due date: the finish of its work is unknown`,
    };
  }
  return ON_PLAN;
}

// Most milestones are on plan; one shared status spares a hundred thousand identical objects.
const ON_PLAN: DerivedStatus = Object.freeze({
  status: 'on_track',
  rule: 'milestone.on_plan',
  reason: 'forecast on or before its plan',
});

/** Dependencies grouped by successor (compressed rows): deps[start[n] … start[n+1]). */
function groupBySuccessor(
  count: number,
  depTo: readonly number[],
): { start: Int32Array; deps: Int32Array } {
  const start = new Int32Array(count + 1);
  for (const to of depTo) start[to + 1] = start[to + 1]! + 1;
  for (let n = 0; n < count; n += 1) start[n + 1] = start[n + 1]! + start[n]!;
  const fill = start.slice(0, count);
  const deps = new Int32Array(depTo.length);
  depTo.forEach((to, d) => {
    const slot = fill[to]!;
    deps[slot] = d;
    fill[to] = slot + 1;
  });
  return { start, deps };
}
