import { visibility, type Visibility } from '../core/access/policy.ts';
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

const sights = new WeakMap<Plan, Map<string, Visibility>>();

/** The policy's view of one person over one plan, kept while the plan object lives. */
function sightOf(plan: Plan, personId: string): Visibility {
  let byPerson = sights.get(plan);
  if (byPerson === undefined) {
    byPerson = new Map();
    sights.set(plan, byPerson);
  }
  let seen = byPerson.get(personId);
  if (seen === undefined) {
    seen = visibility(plan, personId);
    byPerson.set(personId, seen);
  }
  return seen;
}

/**
 * Whether a person may see an event, by the access policy (docs/SECURITY.md "Roles and rules"):
 * a signal when they see the signal; a decision when it concerns them or their unit (or they see
 * the whole organisation); a state change when it names anything they see.
 */
export function isVisibleTo(
  plan: Plan | null,
  personId: string,
  event: Pick<LiveEvent, 'kind' | 'data' | 'owners' | 'units'>,
): boolean {
  return liveEventFor(plan, personId, event) !== null;
}

/**
 * The event as `personId` may receive it: unchanged, cut down to what they see (a state change
 * lists only the ids they see), or null when they may not receive it at all.
 */
export function liveEventFor<E extends Pick<LiveEvent, 'kind' | 'data' | 'owners' | 'units'>>(
  plan: Plan | null,
  personId: string,
  event: E,
): E | null {
  if (plan === null) return null;
  const seen = sightOf(plan, personId);
  if (seen.person === null) return null;
  if (event.kind === 'signal') {
    const signal = (event.data as { signal?: Signal }).signal;
    return signal !== undefined && seen.seesSignal(signal) ? event : null;
  }
  if (event.kind === 'state') {
    const changes = event.data as StateChanges;
    if (seen.whole && seen.ids.initiatives.size === plan.initiatives.length) return event;
    const cut: StateChanges = {
      ...changes,
      milestones: changes.milestones.filter((id) => seen.sees('milestone', id)),
      kpis: changes.kpis.filter((id) => seen.sees('kpi', id)),
      initiatives: changes.initiatives.filter((id) => seen.sees('initiative', id)),
      objectives: changes.objectives.filter((id) => seen.sees('objective', id)),
      workItems: changes.workItems.filter((id) => seen.sees('work_item', id)),
    };
    const named =
      cut.milestones.length +
      cut.kpis.length +
      cut.initiatives.length +
      cut.objectives.length +
      cut.workItems.length;
    if (named === 0 && cut.all !== true && cut.capacity !== true) return null;
    return { ...event, data: cut };
  }
  // Decisions and anything else: who they concern, or everyone who sees the whole organisation.
  if (seen.whole || event.owners.includes(personId)) return event;
  if (event.owners.length === 0 && event.units.length === 0) return event;
  return event.units.includes(seen.person.unit) ? event : null;
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
