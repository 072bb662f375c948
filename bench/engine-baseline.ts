/**
 * The plain baseline the engine benchmark compares against: the same milestone and KPI forecasts,
 * computed the straightforward way — work items and milestones as nodes of graphology graphs,
 * string dates, the plain working calendar of `src/core/calendar.ts`, forward passes in
 * topological order. No statuses, signals or explanations: it does less than the engine, so the
 * ratio is on the conservative side. Not a test; see bench/README.md.
 */
import { DirectedGraph, MultiDirectedGraph } from 'graphology';
import { toDayNumber } from '../src/core/calendar.ts';
import {
  workingCalendar,
  type WorkingCalendar,
} from '../test/support/engine-v1/working-calendar.ts';
import type { IsoDate, Plan } from '../src/core/domain/plan.ts';
import type { WorkItem } from '../src/core/domain/work-item.ts';
import type { EngineInput } from '../src/core/engine/engine.ts';
import { parsePeriod } from '../src/core/period.ts';

export interface BaselineResult {
  /** Forecast date per milestone id. */
  milestones: Map<string, IsoDate>;
  /** Forecast per KPI id and period label. */
  kpis: Map<string, Map<string, number>>;
}

interface WorkNode {
  item: WorkItem;
  finish: IsoDate | null;
}

/** Kahn's algorithm over a graphology graph: nodes in an order where every edge runs forward. */
function topologicalOrder(graph: DirectedGraph | MultiDirectedGraph): string[] {
  const indegree = new Map<string, number>();
  const queue: string[] = [];
  graph.forEachNode((node) => {
    const degree = graph.inDegree(node);
    indegree.set(node, degree);
    if (degree === 0) queue.push(node);
  });
  for (let head = 0; head < queue.length; head += 1) {
    // Per edge, not per neighbour: two dependencies between the same milestones count twice.
    graph.forEachOutEdge(queue[head]!, (_edge, _attributes, _source, next) => {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) queue.push(next);
    });
  }
  return queue;
}

function calendarsOf(plan: Plan): (initiativeId: string) => WorkingCalendar {
  const byId = new Map(plan.calendars.map((calendar) => [calendar.id, workingCalendar(calendar)]));
  const fallback = byId.get(plan.organisation.defaultCalendar)!;
  const unitCalendar = new Map(
    plan.units.map((unit) => [
      unit.id,
      unit.calendar === undefined ? fallback : byId.get(unit.calendar)!,
    ]),
  );
  const initiativeCalendar = new Map(
    plan.initiatives.map((initiative) => [
      initiative.id,
      unitCalendar.get(initiative.unit) ?? fallback,
    ]),
  );
  return (initiativeId) => initiativeCalendar.get(initiativeId) ?? fallback;
}

/** Forecasts every milestone and every KPI period, the plain way. */
export function baselineForecast(input: EngineInput): BaselineResult {
  const { plan, workItems, asOf } = input;

  // Work items: a node each, an edge from each blocker to what it blocks.
  const work = new DirectedGraph<WorkNode>();
  for (const item of workItems) work.mergeNode(item.key, { item, finish: null });
  for (const item of workItems) {
    for (const blocker of item.blockedBy) {
      if (work.hasNode(blocker) && blocker !== item.key) work.mergeEdge(blocker, item.key);
    }
  }
  for (const key of topologicalOrder(work)) {
    const node = work.getNodeAttributes(key);
    const { item } = node;
    if (item.statusCategory === 'done') {
      node.finish = item.doneDate;
      continue;
    }
    let finish = item.dueDate === null ? null : item.dueDate < asOf ? asOf : item.dueDate;
    work.forEachInNeighbor(key, (blocker) => {
      const before = work.getNodeAttribute(blocker, 'finish');
      if (before !== null && (finish === null || before > finish)) finish = before;
    });
    node.finish = finish;
  }
  const children = new Map<string, string[]>();
  for (const item of workItems) {
    if (item.parentKey === null) continue;
    const list = children.get(item.parentKey);
    if (list === undefined) children.set(item.parentKey, [item.key]);
    else list.push(item.key);
  }

  // Milestones: a node each, an edge per dependency carrying its lag.
  const calendarOf = calendarsOf(plan);
  const milestones = new MultiDirectedGraph<{ date: IsoDate }, { lag: number }>();
  for (const milestone of plan.milestones) {
    // What the work alone says: the next working day after the latest open work, after the last
    // done work when all is done, else the plan.
    const calendar = calendarOf(milestone.initiative);
    const linked = new Set<string>();
    for (const key of milestone.work.keys) if (work.hasNode(key)) linked.add(key);
    for (const epic of milestone.work.epics) {
      if (work.hasNode(epic)) linked.add(epic);
      for (const child of children.get(epic) ?? []) linked.add(child);
    }
    let latestOpen: IsoDate | null = null;
    let lastDone: IsoDate | null = null;
    let open = 0;
    for (const key of linked) {
      const { item, finish } = work.getNodeAttributes(key);
      if (item.statusCategory !== 'done') {
        open += 1;
        if (finish !== null && (latestOpen === null || finish > latestOpen)) latestOpen = finish;
      } else if (finish !== null && (lastDone === null || finish > lastDone)) lastDone = finish;
    }
    let date = milestone.plannedDate;
    if (latestOpen !== null) date = calendar.nextWorkingDay(latestOpen);
    else if (linked.size > 0 && open === 0 && lastDone !== null)
      date = calendar.nextWorkingDay(lastDone);
    milestones.mergeNode(milestone.id, { date });
  }
  for (const dependency of plan.dependencies) {
    if (!milestones.hasNode(dependency.predecessor) || !milestones.hasNode(dependency.successor))
      continue;
    milestones.addEdge(dependency.predecessor, dependency.successor, { lag: dependency.lagDays });
  }
  const initiativeOf = new Map(
    plan.milestones.map((milestone) => [milestone.id, milestone.initiative]),
  );
  for (const id of topologicalOrder(milestones)) {
    const calendar = calendarOf(initiativeOf.get(id)!);
    let date = milestones.getNodeAttribute(id, 'date');
    milestones.forEachInEdge(id, (_edge, { lag }, predecessor) => {
      const required = calendar.addWorkingDays(
        milestones.getNodeAttribute(predecessor, 'date'),
        lag,
      );
      if (required > date) date = required;
    });
    milestones.setNodeAttribute(id, 'date', date);
  }

  // KPIs: the actual (else the baseline) plus each benefit from its milestone's forecast date.
  const asOfDay = toDayNumber(asOf);
  const kpis = new Map<string, Map<string, number>>();
  for (const kpi of plan.kpis) {
    const periods = new Map<string, number>();
    const sign = kpi.direction === 'higher_is_better' ? 1 : -1;
    for (const label of new Set([...Object.keys(kpi.targets), ...Object.keys(kpi.actuals)])) {
      const period = parsePeriod(label);
      if (period === null) continue;
      const actual = kpi.actuals[label];
      let value = actual ?? kpi.baseline;
      const floor = actual === undefined ? -Infinity : asOfDay;
      for (const benefit of plan.benefits) {
        if (benefit.kpi !== kpi.id || !milestones.hasNode(benefit.milestone)) continue;
        const lands = toDayNumber(milestones.getNodeAttribute(benefit.milestone, 'date'));
        const from = Math.max(toDayNumber(period.start), lands, floor);
        const days = Math.max(0, toDayNumber(period.end) - from + 1);
        value += (sign * (days * benefit.amountPerWeek)) / 7;
      }
      periods.set(label, value);
    }
    kpis.set(kpi.id, periods);
  }
  const result = new Map<string, IsoDate>();
  milestones.forEachNode((id, { date }) => result.set(id, date));
  return { milestones: result, kpis };
}
