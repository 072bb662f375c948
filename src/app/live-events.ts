import {
  planWorkLinks,
  visibility,
  type IncidentReach,
  type Visibility,
  type WorkParent,
} from '../core/access/policy.ts';
import type { Plan } from '../core/domain/plan.ts';
import type { Signal } from '../core/domain/state.ts';
import type { LiveEvent } from '../store/event-log-store.ts';

/** What a signal's audience is read from, indexed once per plan (a chain step is a lookup). */
interface AudienceIndex {
  milestoneInitiative: Map<string, string>;
  initiativeUnit: Map<string, string>;
  personUnit: Map<string, string>;
  kpiOwner: Map<string, string>;
  objectiveOwner: Map<string, string>;
  units: Set<string>;
}

const audienceIndexes = new WeakMap<Plan, AudienceIndex>();

function audienceIndexOf(plan: Plan): AudienceIndex {
  let index = audienceIndexes.get(plan);
  if (index === undefined) {
    const first = <T>(pairs: Iterable<[string, T]>): Map<string, T> => {
      const map = new Map<string, T>();
      for (const [key, value] of pairs) if (!map.has(key)) map.set(key, value);
      return map;
    };
    index = {
      milestoneInitiative: first(plan.milestones.map((m) => [m.id, m.initiative])),
      initiativeUnit: first(plan.initiatives.map((i) => [i.id, i.unit])),
      personUnit: first(plan.people.map((p) => [p.id, p.unit])),
      kpiOwner: first(plan.kpis.map((k) => [k.id, k.owner])),
      objectiveOwner: first(plan.objectives.map((o) => [o.id, o.owner])),
      units: new Set(plan.units.map((u) => u.id)),
    };
    audienceIndexes.set(plan, index);
  }
  return index;
}

/** Who a signal concerns: its affected owners, and the units whose work its chain runs through. */
export function signalAudience(plan: Plan, signal: Signal): { owners: string[]; units: string[] } {
  const index = audienceIndexOf(plan);
  const units = new Set<string>();
  const initiativeUnit = (id: string | undefined): void => {
    const unit = id === undefined ? undefined : index.initiativeUnit.get(id);
    if (unit !== undefined) units.add(unit);
  };
  const personUnit = (id: string | undefined): void => {
    const unit = id === undefined ? undefined : index.personUnit.get(id);
    if (unit !== undefined) units.add(unit);
  };
  for (const step of signal.chain) {
    if (step.kind === 'milestone') initiativeUnit(index.milestoneInitiative.get(step.id));
    if (step.kind === 'initiative') initiativeUnit(step.id);
    if (step.kind === 'kpi') personUnit(index.kpiOwner.get(step.id));
    if (step.kind === 'objective') personUnit(index.objectiveOwner.get(step.id));
    // An over-allocated unit: its people see what asks too much of them.
    if (step.kind === 'unit' && index.units.has(step.id)) units.add(step.id);
  }
  return { owners: [...signal.affectedOwners], units: [...units].sort() };
}

/** One plan's work links (read by every person's view) and each person's view, made once. */
interface PlanSights {
  workLinks: Map<string, string[]> | null;
  /**
   * The live model's lookup of a work item's parent (its epic), read when an item is not linked
   * itself: a child of a linked epic delivers the epic's milestones. Set by the first caller that
   * has one; the views made before read it too.
   */
  parentOf: WorkParent | null;
  byPerson: Map<string, Visibility>;
  /** Each person's view with the incidents that affect them, and what those incidents name. */
  withIncidents: Map<string, { key: string; seen: Visibility }>;
}

const sights = new WeakMap<Plan, PlanSights>();

/**
 * The policy's view of one person over one plan (without incidents), kept while the plan object
 * lives: the live model hands every write and stream the same plan object until the plan changes,
 * so who sees what is worked out once per plan version and person, not once per event.
 */
export function planSight(plan: Plan, personId: string, parentOf?: WorkParent): Visibility {
  const held = sightsOf(plan, parentOf);
  let seen = held.byPerson.get(personId);
  if (seen === undefined) {
    seen = visibility(plan, personId, workContext(plan, held));
    held.byPerson.set(personId, seen);
  }
  return seen;
}

function sightsOf(plan: Plan, parentOf: WorkParent | undefined): PlanSights {
  let held = sights.get(plan);
  if (held === undefined) {
    held = { workLinks: null, parentOf: null, byPerson: new Map(), withIncidents: new Map() };
    sights.set(plan, held);
  }
  if (parentOf !== undefined) held.parentOf ??= parentOf;
  return held;
}

/** The plan's own work links, and the parent lookup for the children of linked epics. */
function workContext(
  plan: Plan,
  held: PlanSights,
): { workLinks: Map<string, string[]>; workParent: WorkParent } {
  held.workLinks ??= planWorkLinks(plan);
  return { workLinks: held.workLinks, workParent: (key) => held.parentOf?.(key) ?? null };
}

/** What of an incident decides what a person sees through it (see `visibility`). */
function reachKey(incident: IncidentReach): unknown[] {
  return [
    incident.id,
    incident.initiatives,
    (incident.effects?.milestones ?? []).map((m) => m.id),
    (incident.effects?.kpis ?? []).map((k) => k.id),
    (incident.causes ?? []).map((c) => [c.kind, c.id]),
    (incident.signals ?? []).map((signal) => (signal.chain ?? []).map((c) => [c.kind, c.id])),
  ];
}

/**
 * The policy's view of one person with the current incidents: what an incident affecting them
 * names is theirs to see too, as on every other door (`viewerFor`). Those who see the whole
 * organisation, and those no incident affects, keep their plan's view; the others' is worked out
 * again only when what the incidents affecting them name changes.
 */
export function liveSight(
  plan: Plan,
  personId: string,
  incidents: readonly IncidentReach[] = [],
  parentOf?: WorkParent,
): Visibility {
  const base = planSight(plan, personId, parentOf);
  if (base.person === null || base.whole || incidents.length === 0) return base;
  const affecting = incidents.filter((incident) => base.affectedBy(incident));
  if (affecting.length === 0) return base;
  const held = sightsOf(plan, parentOf);
  const key = JSON.stringify(affecting.map(reachKey));
  let entry = held.withIncidents.get(personId);
  if (entry?.key !== key) {
    entry = {
      key,
      seen: visibility(plan, personId, { ...workContext(plan, held), incidents: affecting }),
    };
    held.withIncidents.set(personId, entry);
  }
  return entry.seen;
}

/** Whether anyone of `people` would see more with the incidents than with the plan alone. */
export function needsIncidents(plan: Plan, people: Iterable<string>): boolean {
  for (const personId of people) {
    const base = planSight(plan, personId);
    if (base.person !== null && !base.whole) return true;
  }
  return false;
}

/**
 * The event as `personId` may receive it: unchanged, cut down to what they see (a state change
 * lists only the ids they see), or null when they may not receive it at all. `incidents` are the
 * current ones: a person sees what an incident affecting them names. `parentOf` (the live model's)
 * names a work item's epic, so a child of a linked epic goes to those who see the epic's milestones.
 */
export function liveEventFor<E extends Pick<LiveEvent, 'kind' | 'data' | 'owners' | 'units'>>(
  plan: Plan | null,
  personId: string,
  event: E,
  incidents: readonly IncidentReach[] = [],
  parentOf?: WorkParent,
): E | null {
  if (plan === null) return null;
  const seen = liveSight(plan, personId, incidents, parentOf);
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
   * True when the state was derived in full (a new plan, a new day, a process's first look):
   * any figure may have moved and the engine does not say which, so the figure lists are left
   * empty rather than naming everything (the web app reloads what it shows); `workItems` names
   * the items the write changed.
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
