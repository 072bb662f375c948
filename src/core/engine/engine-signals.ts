/**
 * The signals an engine keeps: made when read, and which ones an event raised, changed or
 * resolved.
 */
import type { Signal } from '../domain/state.ts';
import { type RootMemo, copyNumbers } from './cause-chain.ts';
import { chainContext, slipTest } from './engine-build.ts';
import { capacitySignalsOf } from './engine-capacity.ts';
import type { EngineData } from './engine-data.ts';
import type { StateChanges, Internal } from './engine-internal.ts';
import {
  kpiSignals,
  kpiSignatures,
  milestoneSignal,
  sameSignature,
  signMilestoneInto,
} from './raise-signals.ts';
import { milestonesOfItem, blocksOf } from './work-model.ts';

/** The signal objects, made for whatever changed since they were last read. */
export function signalList(internal: Internal): Signal[] {
  const { data, links, signals } = internal;
  if (signals.stale) {
    const context = chainContext(data);
    const memo: RootMemo = new Map();
    const slip = slipTest(data, internal.options);
    const { plan } = data;
    for (let m = 0; m < plan.milestones.length; m += 1) {
      if (signals.milestoneStale[m] === 0) continue;
      signals.milestoneStale[m] = 0;
      const signs =
        signals.milestoneSignature === null || signals.milestoneSignature[m] !== undefined;
      signals.milestone[m] =
        plan.canonicalMilestone[m] === 1 && signs
          ? milestoneSignal(context, links, m, memo, slip)
          : undefined;
    }
    data.kpis.forEach((core, k) => {
      if (signals.kpiStale[k] === 0) return;
      signals.kpiStale[k] = 0;
      signals.kpi[k] =
        plan.kpiAt.get(core.kpi.id) === k ? kpiSignals(context, links, core, memo) : [];
    });
    signals.stale = false;
    signals.list = null;
  }
  if (signals.list === null) {
    const list: Signal[] = [];
    for (const signal of signals.milestone) if (signal !== undefined) list.push(signal);
    for (const kpi of signals.kpi) for (const signal of kpi) list.push(signal);
    for (const signal of capacitySignalsOf(internal)) list.push(signal);
    signals.list = list;
  }
  return signals.list;
}

/**
 * The milestones whose cause chain may read differently: those that changed, those whose chain
 * starts at a work item whose own chain (through its blockers) changed, and every milestone
 * downstream of them along the dependencies that drive each date.
 */
export function chainDirtyMilestones(
  data: EngineData,
  items: ReadonlySet<number>,
  changed: ReadonlySet<number>,
): Set<number> {
  const { plan, work, milestones } = data;
  // Items whose "pushed by" path runs through a changed item.
  const onPath = new Set(items);
  const queue = [...items];
  for (let head = 0; head < queue.length; head += 1) {
    const slot = queue[head]!;
    if (work.items[slot] === null) continue;
    const blocks = blocksOf(work, slot);
    for (let k = 0; k < blocks.length; k += 1) {
      const other = blocks[k]!;
      if (work.pushedBy[other] === slot && !onPath.has(other)) {
        onPath.add(other);
        queue.push(other);
      }
    }
  }
  const dirty = new Set(changed);
  for (const slot of onPath) {
    const linked = milestonesOfItem(work, slot);
    for (let k = 0; k < linked.length; k += 1) {
      const m = linked[k]!;
      if (milestones.driverDep[m]! < 0 && milestones.basisSlot[m] === slot) dirty.add(m);
    }
  }
  const walk = [...dirty];
  for (let head = 0; head < walk.length; head += 1) {
    const m = walk[head]!;
    const rows = plan.outgoing;
    for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) {
      const successor = plan.depTo[rows.list[at]!]!;
      const driver = milestones.driverDep[successor]!;
      if (driver >= 0 && plan.depFrom[driver] === m && !dirty.has(successor)) {
        dirty.add(successor);
        walk.push(successor);
      }
    }
  }
  return dirty;
}

/**
 * Signs again the milestones whose chain may read differently (`milestonesDirty`: their KPIs'
 * signals too, when they were or are late) and those whose signal alone may (`signDirty`), then
 * the KPIs recomputed or reached (and those measuring an objective whose status moved); says which signals were raised, changed or resolved.
 */
export function updateSignals(
  internal: Internal,
  milestonesDirty: ReadonlySet<number>,
  signDirty: ReadonlySet<number>,
  moved: ReadonlyMap<number, number>,
  kpisRecomputed: ReadonlySet<number>,
  objectiveStatusMoved: ReadonlySet<number>,
  changes: StateChanges,
): void {
  const { data, signals } = internal;
  const { plan } = data;
  const context = chainContext(data);
  const memo: RootMemo = new Map();
  const slip = slipTest(data, internal.options);
  const signatures = signals.milestoneSignature!;
  const scratch: number[] = [];
  const kpis = new Set(kpisRecomputed);
  const planned = plan.plannedDay;
  const sign = (m: number, chained: boolean): void => {
    // A KPI's chain runs through the milestones that slipped: only they can change it.
    const was = moved.get(m) ?? data.milestones.forecast[m]!;
    if (chained && (was > planned[m]! || data.milestones.forecast[m]! > planned[m]!)) {
      const rows = plan.kpisOfMilestone;
      for (let at = rows.start[m]!; at < rows.start[m + 1]!; at += 1) kpis.add(rows.list[at]!);
    }
    if (plan.canonicalMilestone[m] !== 1) return;
    const before = signatures[m];
    // Signed into one list: a signature that reads as before costs no new list, and one that
    // changed is copied into the list it had.
    const raises = signMilestoneInto(context, signals.signatureCache, m, memo, slip, scratch);
    if (before === undefined && !raises) return;
    const id = `milestone.slipped:${plan.milestones[m]!.id}`;
    if (before === undefined) {
      signatures[m] = scratch.slice();
      changes.signals.raised.push(id);
    } else if (!raises) {
      signatures[m] = undefined;
      changes.signals.resolved.push(id);
    } else if (!sameSignature(before, scratch)) {
      copyNumbers(scratch, before);
      changes.signals.changed.push(id);
    } else return;
    signals.milestoneStale[m] = 1;
    signals.stale = true;
    signals.list = null;
  };
  for (const m of milestonesDirty) sign(m, true);
  for (const m of signDirty) sign(m, false);
  for (const o of objectiveStatusMoved) {
    const rows = data.objectiveGraph.kpis;
    for (let at = rows.start[o]!; at < rows.start[o + 1]!; at += 1) kpis.add(rows.list[at]!);
  }
  for (const k of kpis) {
    const core = data.kpis[k]!;
    if (plan.kpiAt.get(core.kpi.id) !== k) continue;
    const before = signals.kpiSignature![k]!;
    const after = kpiSignatures(context, signals.signatureCache, core, memo);
    signals.kpiSignature![k] = after;
    let moved = false;
    for (const [id, signature] of after) {
      const was = before.get(id);
      if (was === undefined) changes.signals.raised.push(id);
      else if (!sameSignature(was, signature)) changes.signals.changed.push(id);
      else continue;
      moved = true;
    }
    for (const id of before.keys()) {
      if (after.has(id)) continue;
      changes.signals.resolved.push(id);
      moved = true;
    }
    if (!moved) continue;
    signals.kpiStale[k] = 1;
    signals.stale = true;
    signals.list = null;
  }
}

/** Every signal's signature, by signal id, in list order. */
export function signaturesById(internal: Internal): Map<string, number[]> {
  const { plan } = internal.data;
  const byId = new Map<string, number[]>();
  internal.signals.milestoneSignature!.forEach((signature, m) => {
    if (signature !== undefined) byId.set(`milestone.slipped:${plan.milestones[m]!.id}`, signature);
  });
  for (const kpi of internal.signals.kpiSignature!)
    for (const [id, signature] of kpi) byId.set(id, signature);
  return byId;
}
