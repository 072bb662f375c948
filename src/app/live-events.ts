import type { Plan } from '../core/domain/plan.ts';
import type { Signal } from '../core/domain/state.ts';
import type { LiveEvent } from '../store/event-log-store.ts';
import type { Snapshot } from './derive.ts';

/** Who a signal concerns: its affected owners, and the units whose work its chain runs through. */
export function signalAudience(plan: Plan, signal: Signal): { owners: string[]; units: string[] } {
  const units = new Set<string>();
  const initiativeUnit = (id: string | undefined): void => {
    const unit = plan.initiatives.find((i) => i.id === id)?.unit;
    if (unit !== undefined) units.add(unit);
  };
  const personUnit = (id: string | undefined): void => {
    const unit = plan.people.find((p) => p.id === id)?.unit;
    if (unit !== undefined) units.add(unit);
  };
  for (const step of signal.chain) {
    if (step.kind === 'milestone')
      initiativeUnit(plan.milestones.find((m) => m.id === step.id)?.initiative);
    if (step.kind === 'initiative') initiativeUnit(step.id);
    if (step.kind === 'kpi') personUnit(plan.kpis.find((k) => k.id === step.id)?.owner);
    if (step.kind === 'objective') personUnit(plan.objectives.find((o) => o.id === step.id)?.owner);
    // An over-allocated unit: its people see what asks too much of them.
    if (step.kind === 'unit' && plan.units.some((u) => u.id === step.id)) units.add(step.id);
  }
  return { owners: [...signal.affectedOwners], units: [...units].sort() };
}

/**
 * Whether a person may see an event: executives and the strategy office see everything; anyone
 * else what concerns them or touches their unit; events about no one in particular are for all.
 */
export function isVisibleTo(
  plan: Plan | null,
  personId: string,
  event: Pick<LiveEvent, 'owners' | 'units'>,
): boolean {
  if (event.owners.length === 0 && event.units.length === 0) return true;
  if (event.owners.includes(personId)) return true;
  const person = plan?.people.find((p) => p.id === personId);
  if (person === undefined) return false;
  if (person.role === 'executive' || person.role === 'strategy_office') return true;
  return event.units.includes(person.unit);
}

export interface StateChanges {
  asOf: string;
  /**
   * True when there was nothing to compare with (a process's first look at the state): any
   * figure may have moved, and the lists are left empty rather than naming everything.
   */
  all?: true;
  milestones: string[];
  kpis: string[];
  initiatives: string[];
  objectives: string[];
  workItems: string[];
  /** True when the resource bottleneck moved: loads, over-allocations or levelled dates. */
  capacity?: true;
}

function changedIds<T>(
  before: ReadonlyMap<string, T>,
  after: ReadonlyMap<string, T>,
  same: (a: T, b: T) => boolean,
): string[] {
  const ids: string[] = [];
  for (const [id, now] of after) {
    const old = before.get(id);
    if (old === undefined || !same(old, now)) ids.push(id);
  }
  for (const id of before.keys()) if (!after.has(id)) ids.push(id);
  return ids.sort();
}

/** Which derived figures moved between two snapshots; null when none did. */
export function describeStateChanges(
  previous: Snapshot | null,
  current: Snapshot,
): StateChanges | null {
  const after = current.state;
  if (previous === null) {
    return {
      asOf: after.asOf,
      all: true,
      milestones: [],
      kpis: [],
      initiatives: [],
      objectives: [],
      workItems: [],
    };
  }
  const before = previous.state;
  const changes: StateChanges = {
    asOf: after.asOf,
    milestones: changedIds(
      before.milestones,
      after.milestones,
      (x, y) =>
        x.forecastDate === y.forecastDate &&
        x.status.status === y.status.status &&
        x.complete === y.complete,
    ),
    kpis: changedIds(
      before.kpis,
      after.kpis,
      (x, y) =>
        x.status.status === y.status.status &&
        x.periods.length === y.periods.length &&
        x.periods.every(
          (p, i) =>
            p.forecast === y.periods[i]?.forecast &&
            p.status.status === y.periods[i]?.status.status,
        ),
    ),
    initiatives: changedIds(
      before.initiatives,
      after.initiatives,
      (x, y) => x.delivery.status === y.delivery.status && x.value.status === y.value.status,
    ),
    objectives: changedIds(
      before.objectives,
      after.objectives,
      (x, y) => x.status.status === y.status.status,
    ),
    workItems: changedIds(
      before.workItems,
      after.workItems,
      (x, y) => x.forecastFinish === y.forecastFinish && x.open === y.open,
    ),
  };
  if (JSON.stringify(before.capacity) !== JSON.stringify(after.capacity)) changes.capacity = true;
  return movedCount(changes) === 0 && before.asOf === after.asOf ? null : changes;
}

/** How many ids a state change names. */
export function movedCount(changes: StateChanges): number {
  return (
    changes.milestones.length +
    changes.kpis.length +
    changes.initiatives.length +
    changes.objectives.length +
    changes.workItems.length +
    (changes.capacity === true ? 1 : 0)
  );
}
