/**
 * Events: one work-item event carried through stage by stage (work items, milestones, KPIs,
 * initiatives, objectives, signals, capacity), or a full recompute where it must be.
 */
import { accrualDays } from './benefit-accrual.ts';
import { forgetChains } from './cause-chain.ts';
import { dayOf } from './day-numbers.ts';
import type { LazyTable } from './derived-table.ts';
import { objectiveInputs, build, codeOfKpi } from './engine-build.ts';
import {
  capacityModelOf,
  followersOfEvent,
  relevelRuns,
  updateCapacity,
  diffCapacity,
} from './engine-capacity.ts';
import { deliveryCode, valueCode } from './engine-data.ts';
import type { EngineEvent, StateChanges, Internal } from './engine-internal.ts';
import { chainDirtyMilestones, updateSignals, signaturesById } from './engine-signals.ts';
import type { Tables } from './engine-tables.ts';
import { type KpiCore, reforecastKpi, sameKpi, sameStatus } from './kpi-model.ts';
import { type MilestoneModel, reforecastMilestones } from './milestone-model.ts';
import { reforecastProbabilistic } from './probabilistic-forecast.ts';
import { sameSignature } from './raise-signals.ts';
import { computeInitiative, computeObjective, updateHeldUp } from './status-model.ts';
import {
  closesCycle,
  currentItems,
  deleteWorkItem,
  milestonesOfItem,
  reforecastWork,
  upsertWorkItem,
} from './work-model.ts';

export function applyEvent(
  holder: { internal: Internal },
  tables: Tables,
  event: EngineEvent,
): StateChanges {
  const internal = holder.internal;
  const { data } = internal;
  const { plan, work } = data;
  const key = event.op === 'upsert' ? event.item.key : event.key;
  if (event.op === 'delete') data.changes.delete(key);
  else if (event.change !== null) data.changes.set(key, event.change);
  const touch =
    event.op === 'upsert'
      ? upsertWorkItem(work, plan, event.item)
      : deleteWorkItem(work, plan, key);

  let cyclic = plan.cyclic || work.cyclic;
  for (const slot of touch.structural) {
    if (!cyclic && closesCycle(work, slot)) cyclic = true;
  }
  if (cyclic) return rebuild(holder, tables, key);

  const changes: StateChanges = {
    workItems: [],
    milestones: [],
    kpis: [],
    initiatives: [],
    objectives: [],
    signals: { raised: [], changed: [], resolved: [] },
    capacity: false,
    full: false,
  };

  // Work items, the demands' runs they may move, then the milestones they deliver and
  // everything downstream.
  const items = reforecastWork(work, touch.items);
  const seeds = new Set(touch.relinked);
  const followers = followersOfEvent(internal.capacity, work, key, items);
  if (followers.size > 0) for (const m of relevelRuns(internal, followers)) seeds.add(m);
  for (const slot of items) {
    const linked = milestonesOfItem(work, slot);
    for (let k = 0; k < linked.length; k += 1) seeds.add(linked[k]!);
  }
  const milestones = reforecastMilestones(plan, work, data.milestones, seeds);

  // KPIs fed by a milestone whose date moved: recomputed when a benefit now counts other days
  // of one of its periods; only read anew (their explanation names the date) when none does.
  const kpisRecomputed = new Set<number>();
  const kpisTouched = new Set<number>();
  const kpisChanged = new Set<number>();
  const kpiStatusChanged = new Set<number>();
  // KPIs whose status code moved: only they can change which KPI an initiative's value follows.
  const kpiCodeChanged = new Set<number>();
  // The benefits of the moved milestones, by KPI: each KPI recomputed reads only its own.
  const movedBenefits = new Map<number, number[]>();
  for (const [m, previous] of milestones.moved) {
    const rows = plan.benefitsOfMilestone;
    const now = data.milestones.forecast[m]!;
    for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) {
      const b = rows.list[at]!;
      const k = plan.benefitKpi[b]!;
      if (k < 0) continue;
      kpisTouched.add(k);
      const list = movedBenefits.get(k);
      if (list === undefined) movedBenefits.set(k, [b]);
      else list.push(b);
      if (!kpisRecomputed.has(k) && accrualMoves(data.kpis[k]!, previous, now, data.asOfDay)) {
        kpisRecomputed.add(k);
      }
    }
  }
  for (const k of kpisRecomputed) {
    const before = data.kpis[k]!;
    const after = reforecastKpi(
      plan,
      k,
      before,
      movedBenefits.get(k)!,
      data.milestones.forecast,
      data.asOfDay,
      data.asOf,
    );
    data.kpis[k] = after;
    if (!sameKpi(before, after)) kpisChanged.add(k);
    if (!sameStatus(before.status, after.status)) kpiStatusChanged.add(k);
    if (codeOfKpi(before) !== codeOfKpi(after)) kpiCodeChanged.add(k);
  }

  // Initiatives whose milestones or fed KPIs were recomputed, and those whose late milestones
  // now hold up (or no longer hold up) a milestone that feeds a KPI, or hold up one whose KPI moved.
  const initiativesRecomputed = new Set<number>();
  const model = data.initiatives;
  for (const m of milestones.recomputed) {
    const i = plan.initiativeOfMilestone[m]!;
    if (i >= 0) initiativesRecomputed.add(i);
    for (const cause of updateHeldUp(plan, model, data.milestones, m)) {
      initiativesRecomputed.add(cause);
    }
  }
  // Initiatives that only read again what they name (a milestone or KPI whose figures moved, its
  // status code held): `computeInitiative` reads nothing but their own milestones' statuses, the
  // milestones they hold up and the KPIs' status codes, so their worst milestone and KPI hold.
  const initiativesReread = new Set<number>();
  // An initiative whose value follows a milestone that changed reads it (its root).
  for (const m of milestones.changed) {
    const holder = model.heldUpBy[m]!;
    if (holder >= 0 && model.worstVia[holder] === m) initiativesReread.add(holder);
  }
  // A KPI whose status code holds leaves every initiative's worst KPI where it is: only those
  // whose value follows it read it again (its reason); the others are recomputed when its code moves.
  for (const k of kpisRecomputed) {
    const codeMoved = kpiCodeChanged.has(k);
    const rows = plan.initiativesOfKpi;
    for (let at = rows.start[k]!; at < rows.start[k + 1]!; at += 1) {
      const i = rows.list[at]!;
      if (codeMoved) initiativesRecomputed.add(i);
      else if (model.worstKpi[i] === k) initiativesReread.add(i);
    }
    const benefits = plan.benefitsOfKpi;
    for (let at = benefits.start[k]!; at < benefits.start[k + 1]!; at += 1) {
      const m = plan.benefitMilestone[benefits.list[at]!]!;
      const cause = m < 0 ? -1 : model.heldUpBy[m]!;
      if (cause < 0) continue;
      if (codeMoved) initiativesRecomputed.add(cause);
      else if (model.worstKpi[cause] === k || milestones.changed.has(m))
        initiativesReread.add(cause);
    }
  }
  const initiativesChanged = new Set<number>();
  const kpiCode = (k: number): number => codeOfKpi(data.kpis[k]!);
  for (const i of initiativesRecomputed) {
    const worstBefore = model.worstMilestone[i]!;
    const kpiBefore = model.worstKpi[i]!;
    const viaBefore = model.worstVia[i]!;
    const deliveryBefore = deliveryCode(data, i);
    const valueBefore = valueCode(data, i);
    computeInitiative(plan, model, i, data.milestones.status, kpiCode);
    const worst = model.worstMilestone[i]!;
    const worstKpi = model.worstKpi[i]!;
    if (
      worst !== worstBefore ||
      worstKpi !== kpiBefore ||
      model.worstVia[i] !== viaBefore ||
      (model.worstVia[i] >= 0 && milestones.changed.has(model.worstVia[i])) ||
      deliveryCode(data, i) !== deliveryBefore ||
      valueCode(data, i) !== valueBefore ||
      (worst >= 0 && milestones.changed.has(worst)) ||
      (worstKpi >= 0 && kpiStatusChanged.has(worstKpi))
    ) {
      initiativesChanged.add(i);
    }
  }
  for (const i of initiativesReread) {
    if (initiativesRecomputed.has(i)) continue;
    initiativesRecomputed.add(i);
    const worst = model.worstMilestone[i]!;
    const worstKpi = model.worstKpi[i]!;
    const via = model.worstVia[i]!;
    if (
      (via >= 0 && milestones.changed.has(via)) ||
      (worst >= 0 && milestones.changed.has(worst)) ||
      (worstKpi >= 0 && kpiStatusChanged.has(worstKpi))
    )
      initiativesChanged.add(i);
  }

  // Objectives measured by a KPI or served by an initiative whose status moved, and their parents.
  const graph = data.objectiveGraph;
  const dirty = new Set<number>();
  const mark = (rows: { start: Int32Array; list: Int32Array }, at: number): void => {
    for (let r = rows.start[at]!; r < rows.start[at + 1]!; r += 1) dirty.add(rows.list[r]!);
  };
  for (const k of kpiStatusChanged) mark(plan.objectivesOfKpi, k);
  for (const i of initiativesChanged) mark(plan.objectivesOfInitiative, i);
  const objectivesRecomputed = new Set<number>();
  const objectivesChanged = new Set<number>();
  // Objectives whose status itself moved (not only its rule or reason): signals read nothing else.
  const objectiveCodeChanged = new Set<number>();
  if (dirty.size > 0) {
    const inputs = objectiveInputs(data);
    for (const o of graph.order) {
      if (!graph.cyclic && !dirty.has(o)) continue;
      const before = data.objectives[o]!;
      const after = computeObjective(plan, graph, o, inputs, (child) =>
        graph.cyclic && !objectivesRecomputed.has(child)
          ? undefined
          : data.objectives[child]!.status,
      );
      data.objectives[o] = after;
      objectivesRecomputed.add(o);
      if (
        !sameStatus(before.status, after.status) ||
        before.cycleChildren.join() !== after.cycleChildren.join()
      ) {
        objectivesChanged.add(o);
        if (before.status.status !== after.status.status) objectiveCodeChanged.add(o);
        const parent = plan.parentObjective[o]!;
        if (parent >= 0) dirty.add(parent);
      }
    }
  }

  // Probabilistic forecasts of the milestones whose work or inputs moved, and downstream.
  const chanceChanged =
    data.probabilistic === null || internal.options?.probabilistic === undefined
      ? new Set<number>()
      : reforecastProbabilistic(
          data,
          data.probabilistic,
          internal.options.probabilistic,
          milestones.recomputed,
        );

  // Cause chains: forget the links of what changed, find every signal whose chain they reach.
  const { links } = internal;
  for (const slot of items) {
    links.items.delete(slot);
    internal.signals.signatureCache.itemContent.delete(slot);
  }
  for (const m of milestones.changed) links.milestones.delete(m);
  for (const o of objectivesChanged) links.objectives.delete(o);
  const chainDirty = chainDirtyMilestones(data, items, milestones.changed);
  // Chains made before that may read differently are made again when next asked for (an
  // objective's status or a Monte Carlo date below is no part of a chain).
  forgetChains(internal.signals.signatureCache, chainDirty);
  // Milestones whose signal may read differently without their chain: a Monte Carlo date, or
  // the status of an objective their initiative serves (their KPIs' signals read neither; a
  // signal names an objective by its status alone, not its rule or reason).
  const signDirty = new Set<number>();
  for (const m of chanceChanged) if (!chainDirty.has(m)) signDirty.add(m);
  for (const o of objectiveCodeChanged) {
    const rows = graph.initiatives;
    for (let at = rows.start[o]!; at < rows.start[o + 1]!; at += 1) {
      const i = rows.list[at]!;
      const ms = plan.milestonesOfInitiative;
      for (let r = ms.start[i]!; r < ms.start[i + 1]!; r += 1) {
        const m = ms.list[r]!;
        if (internal.signals.milestoneSignature![m] !== undefined && !chainDirty.has(m))
          signDirty.add(m);
      }
    }
  }
  updateSignals(
    internal,
    chainDirty,
    signDirty,
    milestones.moved,
    kpisRecomputed,
    objectiveCodeChanged,
    changes,
  );
  const freeMoved = new Set(milestones.unconstrainedMoved);
  for (const m of milestones.moved.keys()) freeMoved.add(m);
  updateCapacity(internal, changes, freeMoved);

  // What readers see next is made anew for everything recomputed.
  for (const slot of items) tables.workItems.forget(slot);
  for (const m of milestones.recomputed) tables.milestones.forget(m);
  for (const m of chanceChanged) tables.milestones.forget(m);
  for (const k of kpisTouched) tables.kpis.forget(k);
  for (const i of initiativesRecomputed) tables.initiatives.forget(i);
  for (const o of objectivesRecomputed) tables.objectives.forget(o);

  for (const slot of items) {
    const item = work.items[slot];
    changes.workItems.push(item === null || item === undefined ? key : item.key);
  }
  for (const m of milestones.changed) {
    if (plan.canonicalMilestone[m] === 1) changes.milestones.push(plan.milestones[m]!.id);
  }
  for (const m of chanceChanged) {
    const id = plan.milestones[m]!.id;
    if (plan.canonicalMilestone[m] === 1 && !changes.milestones.includes(id))
      changes.milestones.push(id);
  }
  for (const k of kpisChanged) changes.kpis.push(plan.plan.kpis[k]!.id);
  for (const i of initiativesChanged) changes.initiatives.push(plan.plan.initiatives[i]!.id);
  for (const o of objectivesChanged) changes.objectives.push(plan.plan.objectives[o]!.id);
  return changes;
}

/** True when a benefit landing on `now` instead of `before` counts other days of some period. */
function accrualMoves(core: KpiCore, before: number, now: number, asOfDay: number): boolean {
  for (const period of core.periods) {
    const start = dayOf(period.start);
    const end = dayOf(period.end);
    const floor = period.actual === null ? -Infinity : asOfDay;
    if (accrualDays(start, end, before, floor) !== accrualDays(start, end, now, floor)) return true;
  }
  return false;
}

/**
 * Recomputes everything from the current input (when work items block each other in a cycle,
 * or the plan's dependencies do) and says what differs from before.
 */
export function rebuild(holder: { internal: Internal }, tables: Tables, key: string): StateChanges {
  const before = holder.internal;
  const { data, options } = before;
  const after = build(
    {
      plan: data.plan.plan,
      workItems: currentItems(data.work),
      changes: Object.fromEntries(data.changes),
      asOf: data.asOf,
      ...(options === undefined ? {} : { forecasting: options }),
    },
    true,
  );
  holder.internal = after;
  for (const table of Object.values(tables) as LazyTable<unknown>[]) table.forgetAll();
  const changes = diff(before, after);
  if (!changes.workItems.includes(key)) changes.workItems.push(key);
  return changes;
}

export function diff(before: Internal, after: Internal): StateChanges {
  const a = before.data;
  const b = after.data;
  const changes: StateChanges = {
    workItems: [],
    milestones: [],
    kpis: [],
    initiatives: [],
    objectives: [],
    signals: { raised: [], changed: [], resolved: [] },
    capacity: false,
    full: true,
  };
  const keys = new Set([...a.work.slotOf.keys(), ...b.work.slotOf.keys()]);
  for (const key of keys) {
    const x = a.work.slotOf.get(key);
    const y = b.work.slotOf.get(key);
    if (
      x === undefined ||
      y === undefined ||
      a.work.items[x] !== b.work.items[y] ||
      a.work.finish[x] !== b.work.finish[y] ||
      a.work.open[x] !== b.work.open[y] ||
      a.work.pushedBy[x]! < 0 !== b.work.pushedBy[y]! < 0
    ) {
      changes.workItems.push(key);
    }
  }
  const plan = b.plan;
  const same = (model: MilestoneModel, other: MilestoneModel, m: number): boolean =>
    model.forecast[m] === other.forecast[m] &&
    model.unconstrained[m] === other.unconstrained[m] &&
    model.slip[m] === other.slip[m] &&
    model.status[m] === other.status[m] &&
    model.driverDep[m] === other.driverDep[m] &&
    model.basisSlot[m] === other.basisSlot[m];
  for (let m = 0; m < plan.milestones.length; m += 1) {
    if (plan.canonicalMilestone[m] === 1 && !same(a.milestones, b.milestones, m)) {
      changes.milestones.push(plan.milestones[m]!.id);
    }
  }
  b.kpis.forEach((core, k) => {
    if (!sameKpi(a.kpis[k]!, core)) changes.kpis.push(core.kpi.id);
  });
  // The event already changed the items the old figures point at: compare numbers, not words.
  const movedMilestones = new Set(changes.milestones.map((id) => plan.milestoneAt.get(id)));
  plan.plan.initiatives.forEach((initiative, i) => {
    const worst = b.initiatives.worstMilestone[i]!;
    if (
      a.initiatives.worstMilestone[i] !== worst ||
      a.initiatives.worstKpi[i] !== b.initiatives.worstKpi[i] ||
      a.initiatives.worstVia[i] !== b.initiatives.worstVia[i] ||
      movedMilestones.has(b.initiatives.worstVia[i]) ||
      deliveryCode(a, i) !== deliveryCode(b, i) ||
      valueCode(a, i) !== valueCode(b, i) ||
      movedMilestones.has(worst) ||
      changes.kpis.includes(b.kpis[b.initiatives.worstKpi[i]!]?.kpi.id ?? '')
    ) {
      changes.initiatives.push(initiative.id);
    }
  });
  plan.plan.objectives.forEach((objective, o) => {
    if (!sameStatus(a.objectives[o]!.status, b.objectives[o]!.status)) {
      changes.objectives.push(objective.id);
    }
  });
  const old = signaturesById(before);
  for (const [id, signature] of signaturesById(after)) {
    const was = old.get(id);
    old.delete(id);
    if (was === undefined) changes.signals.raised.push(id);
    else if (!sameSignature(was, signature)) changes.signals.changed.push(id);
  }
  for (const gone of old.keys()) changes.signals.resolved.push(gone);
  diffCapacity(
    before.capacity.signatures ?? new Map(),
    before.capacity.active ? capacityModelOf(before) : null,
    after.capacity,
    changes,
  );
  return changes;
}
