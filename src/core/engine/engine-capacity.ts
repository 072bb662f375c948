/**
 * The capacity part of an engine: the bottleneck derived when first read, and again after an
 * event that can move it.
 */
import type { CapacityState, Signal } from '../domain/state.ts';
import {
  capacityState,
  deriveCapacityModel,
  levelledRunsOf,
  readsForecastOf,
  sameCapacity,
  type CapacityModel,
} from './capacity-model.ts';
import { capacitySignals, type KeyedSignal } from './capacity-signals.ts';
import { NO_DAY } from './day-numbers.ts';
import type { EngineData } from './engine-data.ts';
import type { StateChanges, CapacityHolder, Internal } from './engine-internal.ts';

export function capacityModelOf(internal: Internal): CapacityModel {
  const holder = internal.capacity;
  holder.model ??= deriveCapacityModel(internal.data, holder.runs!);
  return holder.model;
}

export function capacityStateOf(internal: Internal): CapacityState {
  const holder = internal.capacity;
  holder.state ??= holder.active
    ? capacityState(internal.data, capacityModelOf(internal))
    : {
        measure: internal.data.plan.plan.organisation.capacityMeasure ?? 'FTE',
        units: [],
        demands: [],
        idle: [],
        overAllocations: [],
        milestones: [],
      };
  return holder.state;
}

function keyedCapacitySignals(internal: Internal): KeyedSignal[] {
  const holder = internal.capacity;
  holder.signals ??= holder.active ? capacitySignals(internal.data, capacityModelOf(internal)) : [];
  return holder.signals;
}

export function capacitySignalsOf(internal: Internal): Signal[] {
  return keyedCapacitySignals(internal).map((keyed) => keyed.signal);
}

/** Takes the capacity signals' text now, for an engine that follows events. */
export function signCapacity(internal: Internal): void {
  const holder = internal.capacity;
  if (!holder.active) return;
  // The key of a signal says all it says: it serves as its text.
  holder.signatures = new Map(keyedCapacitySignals(internal).map((keyed) => [keyed.id, keyed.key]));
}

/**
 * The demands (positions) that follow an item the event touched (its own, or one whose
 * forecast it moved): only their runs, and so the milestones' floors, can change.
 */
export function followersOfEvent(
  holder: CapacityHolder,
  work: EngineData['work'],
  eventKey: string,
  items: ReadonlySet<number>,
): Set<number> {
  const found = new Set<number>();
  if (!holder.active || holder.followers.size === 0) return found;
  for (const at of holder.followers.get(eventKey) ?? []) found.add(at);
  for (const slot of items) {
    const key = work.items[slot]?.key;
    if (key === undefined) continue;
    for (const at of holder.followers.get(key) ?? []) found.add(at);
  }
  return found;
}

/**
 * Levels the demands' runs again after an event about an item some demands follow (their
 * positions): only their runs are read again, and only the groups of units whose work then
 * reads differently are levelled again. Writes the floors that changed into the milestone
 * model: the milestones whose floor moved, to forecast again.
 */
export function relevelRuns(internal: Internal, demands: ReadonlySet<number>): number[] {
  const holder = internal.capacity;
  const before = holder.runs!;
  // Groups of units whose work reads as before keep their levelling (`explainByGroups`).
  const after = levelledRunsOf(internal.data, before, before, demands);
  if (after === before) return [];
  holder.runs = after;
  const { floor } = internal.data.milestones;
  const seeds: number[] = [];
  for (const m of before.floor.keys())
    if (!after.floor.has(m)) {
      floor[m] = NO_DAY;
      seeds.push(m);
    }
  for (const [m, held] of after.floor)
    if (floor[m] !== held.day) {
      floor[m] = held.day;
      seeds.push(m);
    }
  return seeds;
}

/**
 * Derives the capacity again after an event that may move it, and says what changed: an event
 * that levelled the runs anew, or one that moved the unconstrained date of a milestone the
 * levelled causes read. Any other event leaves the bottleneck as it is.
 */
export function updateCapacity(
  internal: Internal,
  changes: StateChanges,
  freeMoved: ReadonlySet<number>,
): void {
  const holder = internal.capacity;
  if (!holder.active) return;
  const before = capacityModelOf(internal);
  let touched = holder.runs !== before.runs;
  if (!touched && before.moved.length + before.runs.floor.size > 0)
    for (const m of freeMoved)
      if (readsForecastOf(internal.data, before, m)) {
        touched = true;
        break;
      }
  if (!touched) return;
  const signatures = holder.signatures ?? new Map<string, string>();
  const previous = new Map(keyedCapacitySignals(internal).map((keyed) => [keyed.id, keyed]));
  holder.model = deriveCapacityModel(internal.data, holder.runs!, {
    model: before,
    forecastsMoved: freeMoved,
  });
  if (holder.model === before) return;
  holder.state = null;
  holder.signals = capacitySignals(internal.data, holder.model, previous, before);
  signCapacity(internal);
  diffCapacity(signatures, before, holder, changes);
  internal.signals.list = null;
}

export function diffCapacity(
  before: ReadonlyMap<string, string>,
  model: CapacityModel | null,
  after: CapacityHolder,
  changes: StateChanges,
): void {
  for (const [id, text] of after.signatures ?? []) {
    const was = before.get(id);
    if (was === undefined) changes.signals.raised.push(id);
    else if (was !== text) changes.signals.changed.push(id);
  }
  for (const id of before.keys())
    if (after.signatures?.has(id) !== true) changes.signals.resolved.push(id);
  const now = after.model;
  if (model !== null && now !== null && !sameCapacity(model, now)) changes.capacity = true;
}
