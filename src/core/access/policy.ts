/**
 * The one access policy (docs/SECURITY.md "Roles and rules"): from a person, their roles, the
 * items they own and their unit, what they may SEE and what they may DO. Pure: the routes, the
 * live stream, notifications and explanations all ask this module, so that every door gives the
 * same answer.
 */
import type { Initiative, Person, Plan, Role } from '../domain/plan.ts';
import { dependencyId } from '../domain/plan.ts';
import type { ChainStep, EntityKind } from '../domain/state.ts';
import { DomainError } from '../errors.ts';
import { holdsRole, ROLE_WORDS, rolesOf } from './roles.ts';

export { holdsRole, rolesOf } from './roles.ts';

/** The roles that see the whole organisation (confidential initiatives aside). */
const WHOLE_VIEW: readonly Role[] = ['executive', 'strategy_office'];

/** What an incident names, as far as seeing it goes (a subset of `Incident`). */
export interface IncidentReach {
  id: string;
  initiatives: readonly string[];
  units: readonly string[];
  owners: readonly string[];
  causes?: readonly { kind: string; id: string }[];
  signals?: readonly { id: string; chain?: readonly Pick<ChainStep, 'kind' | 'id'>[] }[];
  effects?: { milestones?: readonly { id: string }[]; kpis?: readonly { id: string }[] };
}

/** What the policy may take into account besides the plan. */
export interface VisibilityContext {
  /** The current incidents: a person sees what an incident affecting them names. */
  incidents?: readonly IncidentReach[];
  /** Work item key → the milestones it delivers (epic children too); the plan's keys otherwise. */
  workLinks?: ReadonlyMap<string, readonly string[]>;
  /**
   * A work item's parent (its epic): a child of a linked epic delivers the epic's milestones too.
   * For callers whose `workLinks` do not already hold the children (the live stream).
   */
  workParent?: WorkParent;
}

/** A work item's parent key (its epic), or null for none. */
export type WorkParent = (key: string) => string | null;

/** A signal as far as seeing it goes. */
export interface SignalReach {
  id: string;
  subject: { kind: EntityKind; id: string };
  chain: readonly Pick<ChainStep, 'kind' | 'id'>[];
  affectedOwners: readonly string[];
}

/** A decision as far as seeing it goes. */
export interface DecisionReach {
  signal: string | null;
  incident?: string | null;
  decider: { person: string };
  openedBy: string;
  outcome?: { decidedBy: string } | null;
}

/** What a person may see. Built once per request (or per event) with `visibility`. */
export interface Visibility {
  personId: string;
  /** Null when the person is not in the plan: they see nothing. */
  person: Person | null;
  roles: readonly Role[];
  /** Executives and the strategy office: everything but confidential initiatives not theirs. */
  whole: boolean;
  /** Whether the person sees this plan entity (or work item, by key). */
  sees(kind: EntityKind | 'person' | 'scenario', id: string): boolean;
  seesSignal(signal: SignalReach): boolean;
  seesIncident(incident: IncidentReach): boolean;
  /** Whether an incident affects the person, so that they see what it names. */
  affectedBy(incident: IncidentReach): boolean;
  seesDecision(decision: DecisionReach, signalVisible?: (id: string) => boolean): boolean;
  /** Ids of the plan's entities the person sees, per collection (for filtering lists). */
  readonly ids: VisibleIds;
}

export interface VisibleIds {
  objectives: ReadonlySet<string>;
  kpis: ReadonlySet<string>;
  initiatives: ReadonlySet<string>;
  milestones: ReadonlySet<string>;
  benefits: ReadonlySet<string>;
  demands: ReadonlySet<string>;
  dependencies: ReadonlySet<string>;
  incidents: ReadonlySet<string>;
}

/** Whether a person is cleared for a confidential initiative (always true when not confidential). */
export function clearedFor(plan: Plan, person: Person | null, initiative: Initiative): boolean {
  const c = initiative.confidential;
  if (c === undefined) return true;
  if (person === null) return false;
  if (initiative.owner === person.id) return true;
  if ((c.people ?? []).includes(person.id)) return true;
  const roles = rolesOf(person);
  return (c.roles ?? []).some((r) => roles.includes(r));
}

/**
 * What `personId` may see in `plan`: executives and the strategy office see everything; finance
 * controllers every objective and KPI too; everyone sees their unit's items, the items they own
 * (and the objectives and KPIs those serve), and what an incident affecting them names. A
 * confidential initiative (with its milestones, benefits, demands, work and signals, and the
 * objectives and KPIs only it serves) is seen only by its owner and the people and roles it names.
 */
export function visibility(
  plan: Plan,
  personId: string,
  context: VisibilityContext = {},
): Visibility {
  const person = plan.people.find((p) => p.id === personId) ?? null;
  const roles = rolesOf(person);
  const whole = roles.some((r) => WHOLE_VIEW.includes(r));
  const controller = roles.includes('finance_controller');
  const unit = person?.unit ?? null;
  const ownerUnit = new Map(plan.people.map((p) => [p.id, p.unit]));

  // Confidential initiatives the person is not cleared for, and what only they reach.
  const barred = new Set(
    plan.initiatives.filter((i) => !clearedFor(plan, person, i)).map((i) => i.id),
  );
  const milestoneInitiative = new Map(plan.milestones.map((m) => [m.id, m.initiative]));
  const barredMilestones = new Set(
    plan.milestones.filter((m) => barred.has(m.initiative)).map((m) => m.id),
  );
  const objectiveServers = new Map<string, string[]>();
  for (const i of plan.initiatives)
    for (const o of i.objectives)
      objectiveServers.set(o, [...(objectiveServers.get(o) ?? []), i.id]);
  const kpiProvers = new Map<string, string[]>();
  for (const b of plan.benefits) {
    const i = milestoneInitiative.get(b.milestone);
    if (i !== undefined) kpiProvers.set(b.kpi, [...(kpiProvers.get(b.kpi) ?? []), i]);
  }
  const onlyBarred = (linked: readonly string[] | undefined): boolean =>
    linked !== undefined && linked.length > 0 && linked.every((i) => barred.has(i));
  const barredObjective = (id: string, owner: string): boolean =>
    owner !== personId && onlyBarred(objectiveServers.get(id));
  const barredKpi = (id: string, owner: string): boolean =>
    owner !== personId && onlyBarred(kpiProvers.get(id));

  // What incidents affecting the person name.
  const incidentsSeen = new Set<string>();
  const named = {
    initiatives: new Set<string>(),
    milestones: new Set<string>(),
    kpis: new Set<string>(),
    workItems: new Set<string>(),
  };
  const initiativeUnit = new Map(plan.initiatives.map((i) => [i.id, i.unit]));
  // An incident affects a person when it reaches them, their unit, or an initiative of their unit.
  const touches = (incident: IncidentReach): boolean =>
    person !== null &&
    (incident.owners.includes(personId) ||
      (unit !== null &&
        (incident.units.includes(unit) ||
          incident.initiatives.some((i) => !barred.has(i) && initiativeUnit.get(i) === unit))));
  const incidentBarred = (incident: IncidentReach): boolean =>
    incident.initiatives.length > 0 && incident.initiatives.every((i) => barred.has(i));
  for (const incident of context.incidents ?? []) {
    if (incidentBarred(incident) || !(whole || touches(incident))) continue;
    incidentsSeen.add(incident.id);
    for (const i of incident.initiatives) named.initiatives.add(i);
    for (const m of incident.effects?.milestones ?? []) named.milestones.add(m.id);
    for (const k of incident.effects?.kpis ?? []) named.kpis.add(k.id);
    for (const cause of incident.causes ?? []) {
      if (cause.kind === 'work_item') named.workItems.add(cause.id);
      if (cause.kind === 'milestone') named.milestones.add(cause.id);
    }
    for (const signal of incident.signals ?? [])
      for (const step of signal.chain ?? []) {
        if (step.kind === 'work_item') named.workItems.add(step.id);
        if (step.kind === 'milestone') named.milestones.add(step.id);
        if (step.kind === 'initiative') named.initiatives.add(step.id);
        if (step.kind === 'kpi') named.kpis.add(step.id);
      }
  }

  const ownMilestoneIn = new Set(
    plan.milestones.filter((m) => m.owner === personId).map((m) => m.initiative),
  );
  const initiatives = new Set<string>();
  for (const i of plan.initiatives) {
    if (barred.has(i.id)) continue;
    if (
      whole ||
      i.owner === personId ||
      (unit !== null && i.unit === unit) ||
      named.initiatives.has(i.id) ||
      ownMilestoneIn.has(i.id)
    )
      initiatives.add(i.id);
  }
  const milestones = new Set<string>();
  for (const m of plan.milestones) {
    if (barredMilestones.has(m.id)) continue;
    if (initiatives.has(m.initiative) || m.owner === personId || named.milestones.has(m.id))
      milestones.add(m.id);
  }
  const benefits = new Set(
    plan.benefits.filter((b) => milestones.has(b.milestone)).map((b) => b.id),
  );
  const provedBySeen = new Set(plan.benefits.filter((b) => benefits.has(b.id)).map((b) => b.kpi));
  const kpis = new Set<string>();
  for (const k of plan.kpis) {
    if (barredKpi(k.id, k.owner)) continue;
    if (
      whole ||
      controller ||
      k.owner === personId ||
      (unit !== null && ownerUnit.get(k.owner) === unit) ||
      named.kpis.has(k.id) ||
      provedBySeen.has(k.id)
    )
      kpis.add(k.id);
  }
  const objectives = new Set<string>();
  const parentOf = new Map(plan.objectives.map((o) => [o.id, o.parent]));
  const addWithParents = (id: string): void => {
    for (let o: string | undefined = id; o !== undefined && !objectives.has(o); o = parentOf.get(o))
      objectives.add(o);
  };
  for (const o of plan.objectives) {
    if (barredObjective(o.id, o.owner)) continue;
    if (
      whole ||
      controller ||
      o.owner === personId ||
      (unit !== null && ownerUnit.get(o.owner) === unit)
    )
      addWithParents(o.id);
  }
  for (const i of plan.initiatives)
    if (initiatives.has(i.id)) for (const o of i.objectives) addWithParents(o);
  for (const k of plan.kpis) if (kpis.has(k.id)) for (const o of k.objectives) addWithParents(o);
  // A parent reached only through a confidential child stays hidden from those not cleared.
  for (const o of plan.objectives)
    if (objectives.has(o.id) && barredObjective(o.id, o.owner)) objectives.delete(o.id);

  const demands = new Set(
    plan.demands
      .filter(
        (d) =>
          !barred.has(d.initiative) &&
          (initiatives.has(d.initiative) || (unit !== null && d.unit === unit)),
      )
      .map((d) => d.id),
  );
  const dependencies = new Set(
    plan.dependencies
      .filter((d) => milestones.has(d.predecessor) && milestones.has(d.successor))
      .map(dependencyId),
  );

  const workLinks = context.workLinks ?? planWorkLinks(plan);
  const workParent = context.workParent;
  const linksOf = (key: string): readonly string[] => {
    const own = workLinks.get(key);
    const parent = workParent?.(key);
    const inherited = parent == null ? undefined : workLinks.get(parent);
    if (inherited === undefined) return own ?? [];
    return own === undefined ? inherited : [...own, ...inherited];
  };
  const seesWorkItem = (key: string): boolean => {
    const delivers = linksOf(key);
    if (delivers.length > 0 && delivers.every((m) => barredMilestones.has(m))) return false;
    if (whole || named.workItems.has(key)) return true;
    return delivers.some((m) => milestones.has(m));
  };

  const sees = (kind: EntityKind | 'person' | 'scenario', id: string): boolean => {
    if (person === null) return false;
    switch (kind) {
      case 'objective':
        return objectives.has(id);
      case 'kpi':
        return kpis.has(id);
      case 'initiative':
        return initiatives.has(id);
      case 'milestone':
        return milestones.has(id);
      case 'benefit':
        return benefits.has(id);
      case 'dependency':
        return dependencies.has(id);
      case 'work_item':
        return seesWorkItem(id);
      // The directory of the organisation: everyone may read who is who and the units.
      case 'unit':
      case 'person':
        return true;
      case 'scenario':
        return whole;
      default:
        return whole;
    }
  };

  /** Whether a chain step names something kept from the person by confidentiality. */
  const stepBarred = (step: Pick<ChainStep, 'kind' | 'id'>): boolean => {
    switch (step.kind) {
      case 'initiative':
        return barred.has(step.id);
      case 'milestone':
        return barredMilestones.has(step.id);
      case 'benefit': {
        const b = plan.benefits.find((x) => x.id === step.id);
        return b !== undefined && barredMilestones.has(b.milestone);
      }
      case 'kpi': {
        const k = plan.kpis.find((x) => x.id === step.id);
        return k !== undefined && barredKpi(k.id, k.owner);
      }
      case 'objective': {
        const o = plan.objectives.find((x) => x.id === step.id);
        return o !== undefined && barredObjective(o.id, o.owner);
      }
      case 'work_item': {
        const delivers = linksOf(step.id);
        return delivers.length > 0 && delivers.every((m) => barredMilestones.has(m));
      }
      default:
        return false;
    }
  };

  const seesSignal = (signal: SignalReach): boolean => {
    if (person === null) return false;
    if (stepBarred(signal.subject) || signal.chain.some(stepBarred)) return false;
    if (whole || signal.affectedOwners.includes(personId)) return true;
    if (sees(signal.subject.kind, signal.subject.id) && signal.subject.kind !== 'unit') return true;
    if (signal.subject.kind === 'unit' && signal.subject.id === unit) return true;
    return signal.chain.some(
      (step) =>
        (step.kind === 'unit' && step.id === unit) ||
        (step.kind !== 'unit' && step.kind !== 'dependency' && sees(step.kind, step.id)),
    );
  };

  const seesIncident = (incident: IncidentReach): boolean => {
    if (person === null) return false;
    if (incidentsSeen.has(incident.id)) return true;
    if (incidentBarred(incident)) return false;
    return whole || touches(incident) || incident.initiatives.some((i) => initiatives.has(i));
  };

  const affectedBy = (incident: IncidentReach): boolean =>
    person !== null && !incidentBarred(incident) && (whole || touches(incident));

  const seesDecision = (
    decision: DecisionReach,
    signalVisible?: (id: string) => boolean,
  ): boolean => {
    if (person === null) return false;
    if (whole) return true;
    if (
      decision.decider.person === personId ||
      decision.openedBy === personId ||
      decision.outcome?.decidedBy === personId
    )
      return true;
    if (decision.incident !== undefined && decision.incident !== null)
      if (incidentsSeen.has(decision.incident)) return true;
    return decision.signal !== null && (signalVisible?.(decision.signal) ?? false);
  };

  return {
    personId,
    person,
    roles,
    whole,
    sees,
    seesSignal,
    seesIncident,
    affectedBy,
    seesDecision,
    ids: {
      objectives,
      kpis,
      initiatives,
      milestones,
      benefits,
      demands,
      dependencies,
      incidents: incidentsSeen,
    },
  };
}

/** Work item key → milestones, from the plan's own keys (epic children need the work items). */
export function planWorkLinks(plan: Plan): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const m of plan.milestones)
    for (const key of [...m.work.keys, ...m.work.epics])
      links.set(key, [...(links.get(key) ?? []), m.id]);
  return links;
}

/** The plan cut down to what the person sees: the same shape, fewer entities. */
export function visiblePlan(plan: Plan, seen: Visibility): Plan {
  const ids = seen.ids;
  const visible: Plan = {
    ...plan,
    people: seen.person === null ? [] : plan.people,
    units: seen.person === null ? [] : plan.units,
    calendars: plan.calendars,
    objectives: plan.objectives.filter((o) => ids.objectives.has(o.id)),
    kpis: plan.kpis
      .filter((k) => ids.kpis.has(k.id))
      .map((k) => ({ ...k, objectives: k.objectives.filter((o) => ids.objectives.has(o)) })),
    initiatives: plan.initiatives
      .filter((i) => ids.initiatives.has(i.id))
      .map((i) => ({ ...i, objectives: i.objectives.filter((o) => ids.objectives.has(o)) })),
    milestones: plan.milestones.filter((m) => ids.milestones.has(m.id)),
    dependencies: plan.dependencies.filter((d) => ids.dependencies.has(dependencyId(d))),
    benefits: plan.benefits.filter((b) => ids.benefits.has(b.id) && ids.kpis.has(b.kpi)),
    demands: plan.demands.filter((d) => ids.demands.has(d.id)),
  };
  const objectiveIds = ids.objectives;
  visible.objectives = visible.objectives.map((o) =>
    o.parent !== undefined && !objectiveIds.has(o.parent) ? { ...o, parent: undefined } : o,
  );
  if (plan.decisionRights !== undefined)
    visible.decisionRights = seen.whole
      ? plan.decisionRights
      : plan.decisionRights.filter(
          (r) =>
            r.person === seen.personId || (r.role !== undefined && seen.roles.includes(r.role)),
        );
  return visible;
}

// ---------------------------------------------------------------------------------------------
// What a person may do

/** What a person may try to do; the target names the item where the rule depends on it. */
export type Action =
  | { kind: 'plan.read' }
  | { kind: 'plan.apply' }
  /** Change an item's fields (names, dates, owners …), not a KPI's targets. */
  | { kind: 'item.edit_fields'; entity: { kind: EntityKind; id: string } }
  | { kind: 'kpi.set_targets'; kpi: string }
  | { kind: 'kpi.record_actuals'; kpi: string }
  /** Push or import work items and figures as a source (the push API, imports, Jira sync). */
  | { kind: 'source.push' }
  | { kind: 'signal.acknowledge'; signal: SignalReach }
  /** Confirm the amount a benefit realised in a period (docs/GOVERNANCE.md "Validated value"). */
  | { kind: 'value.validate'; benefit: string }
  | { kind: 'decision.open' }
  | { kind: 'decision.add_option'; decision: DecisionReach }
  | { kind: 'decision.decide'; decider: string }
  /** Go or no-go at an initiative's stage gate: its owner from the go / no-go decision rights. */
  | { kind: 'gate.pass'; initiative: string; owner: string }
  | { kind: 'scenario.create' }
  | { kind: 'tokens.manage_own' }
  | { kind: 'tokens.admin' }
  | { kind: 'sites.manage' }
  | { kind: 'audit.read' }
  /** Read a review's packs: its attendees, and who sees the whole organisation (cleared for what it shows). */
  | { kind: 'review.read'; attendees: readonly string[]; confidential: readonly string[] }
  /** Publish a review's pack now: its attendees, the strategy office, admins. */
  | { kind: 'review.publish'; review: string; attendees: readonly string[] }
  /** Save a named baseline of the plan as it stands (the plan as approved, or by hand). */
  | { kind: 'baseline.save' }
  | { kind: 'notifications.manage_own' }
  /** Close a reporting period, freezing its figures; correct one with an adjustment. */
  | { kind: 'period.close' }
  | { kind: 'period.adjust' };

export type ActionKind = Action['kind'];

export type Verdict = { ok: true } | { ok: false; who: string[]; message: string };

interface Holders {
  /** Roles whose holders may. */
  roles: Role[];
  /** Particular people who may. */
  people: string[];
  /** People who may not, whatever their roles (the owner whose benefit the KPI proves …). */
  except?: string[];
  /** What the refusal says they may do. */
  what: string;
}

/**
 * Whether `personId` may do `action` in `plan`; when not, who may (names) and a message that
 * says so, e.g. "Only the strategy office (Lena Hoffmann) or an admin (Omar Haddad) may apply
 * the whole plan".
 */
export function may(plan: Plan, personId: string, action: Action): Verdict {
  const person = plan.people.find((p) => p.id === personId) ?? null;
  if (action.kind === 'decision.decide') {
    if (personId === action.decider) return { ok: true };
    const name = nameOf(plan, action.decider);
    return {
      ok: false,
      who: [name],
      message: `Only ${name} may decide this: the decision rights give it to them`,
    };
  }
  const holders = holdersOf(plan, person, action);
  if (holders === 'anyone') return person === null ? refuseStranger(personId) : { ok: true };
  const allowed =
    person !== null &&
    !(holders.except ?? []).includes(person.id) &&
    (holders.people.includes(person.id) || holders.roles.some((r) => holdsRole(person, r)));
  if (allowed) return { ok: true };
  return refusal(plan, holders);
}

/** `may`, throwing the refusal as the domain error `access.forbidden` (403). */
export function assertMay(plan: Plan, personId: string, action: Action, path = '$'): void {
  const verdict = may(plan, personId, action);
  if (!verdict.ok)
    throw new DomainError({ code: 'access.forbidden', message: verdict.message, path });
}

/** The actions (of those taking no target) a person may take, for the web app to show. */
export function permissionsOf(plan: Plan, personId: string): Record<string, boolean> {
  const kinds: Action[] = [
    { kind: 'plan.read' },
    { kind: 'plan.apply' },
    { kind: 'source.push' },
    { kind: 'decision.open' },
    { kind: 'scenario.create' },
    { kind: 'tokens.manage_own' },
    { kind: 'tokens.admin' },
    { kind: 'sites.manage' },
    { kind: 'audit.read' },
    { kind: 'baseline.save' },
    { kind: 'notifications.manage_own' },
    { kind: 'period.close' },
    { kind: 'period.adjust' },
  ];
  return Object.fromEntries(kinds.map((a) => [a.kind, may(plan, personId, a).ok]));
}

function refuseStranger(personId: string): Verdict {
  return {
    ok: false,
    who: [],
    message: `'${personId}' is not a person of the plan and may do nothing in it`,
  };
}

function holdersOf(plan: Plan, person: Person | null, action: Action): Holders | 'anyone' {
  switch (action.kind) {
    case 'plan.read':
    case 'tokens.manage_own':
    case 'notifications.manage_own':
      return 'anyone';
    case 'plan.apply':
      return { roles: ['strategy_office', 'admin'], people: [], what: 'apply the whole plan' };
    case 'item.edit_fields': {
      const owners = ownersOf(plan, action.entity.kind, action.entity.id);
      return {
        roles: ['strategy_office', 'admin'],
        people: owners,
        what: `change the fields of ${action.entity.id}`,
      };
    }
    case 'kpi.set_targets': {
      const kpi = plan.kpis.find((k) => k.id === action.kpi);
      const owners = plan.organisation.ownersSetTargets === true && kpi ? [kpi.owner] : [];
      return {
        roles: ['strategy_office', 'admin'],
        people: owners,
        what: `move the targets of ${action.kpi}`,
      };
    }
    case 'kpi.record_actuals': {
      // Never the owner of an initiative whose benefit the KPI proves: they would mark their own work.
      const provers = plan.benefits
        .filter((b) => b.kpi === action.kpi)
        .map((b) => plan.milestones.find((m) => m.id === b.milestone)?.initiative)
        .map((i) => plan.initiatives.find((x) => x.id === i)?.owner)
        .filter((o): o is string => o !== undefined);
      return {
        roles: ['finance_controller', 'admin'],
        people: [],
        except: provers,
        what: `record the actuals of ${action.kpi}`,
      };
    }
    case 'source.push':
      return {
        roles: ['executive', 'strategy_office', 'finance_controller', 'admin'],
        people: [],
        what: 'push or import work and figures as a source',
      };
    case 'signal.acknowledge': {
      const seen = visibility(plan, person?.id ?? '');
      return seen.seesSignal(action.signal)
        ? 'anyone'
        : { roles: [], people: [...action.signal.affectedOwners], what: 'acknowledge this signal' };
    }
    case 'value.validate': {
      // Never the owner of the benefit's initiative: they would confirm their own return.
      const milestone = plan.benefits.find((b) => b.id === action.benefit)?.milestone;
      const initiativeId = plan.milestones.find((m) => m.id === milestone)?.initiative;
      const owner = plan.initiatives.find((i) => i.id === initiativeId)?.owner;
      return {
        roles: ['finance_controller'],
        people: [],
        except: owner === undefined ? [] : [owner],
        what: `validate the realised value of ${action.benefit}${owner === undefined ? '' : ` (never ${nameOf(plan, owner)}, the owner of ${initiativeId!}: value is confirmed by someone other than whose return it is)`}`,
      };
    }
    case 'decision.open':
      return 'anyone';
    case 'scenario.create': {
      // Scenarios are priced on the whole plan: for those who see it, and the owners who plan.
      const owners = [
        ...plan.initiatives.map((i) => i.owner),
        ...plan.objectives.map((o) => o.owner),
        ...plan.kpis.map((k) => k.owner),
      ];
      return {
        roles: ['executive', 'strategy_office'],
        people: [...new Set(owners)],
        what: 'build and compare scenarios',
      };
    }
    // Proposing is open to whoever sees the decision (the route checks that); deciding is not.
    case 'decision.add_option':
      return 'anyone';
    case 'tokens.admin':
      return { roles: ['admin'], people: [], what: "manage other people's tokens" };
    case 'sites.manage':
      return { roles: ['admin'], people: [], what: 'manage sites and their secrets' };
    case 'audit.read':
      return { roles: ['admin', 'finance_controller'], people: [], what: 'read the audit log' };
    case 'gate.pass':
      return {
        roles: [],
        people: [action.owner],
        what: `pass or stop the gate of ${action.initiative}`,
      };
    case 'review.read': {
      // A pack shows only confidential initiatives every attendee was cleared for; whoever reads
      // it must be cleared for each of them too (an attendee added later included).
      const barred = plan.people
        .filter((p) =>
          action.confidential.some((id) => {
            const initiative = plan.initiatives.find((i) => i.id === id);
            return initiative !== undefined && !clearedFor(plan, p, initiative);
          }),
        )
        .map((p) => p.id);
      return {
        roles: ['executive', 'strategy_office'],
        people: [...action.attendees],
        except: barred,
        what: "read this review's packs",
      };
    }
    case 'review.publish':
      return {
        roles: ['strategy_office', 'admin'],
        people: [...action.attendees],
        what: `publish a pack of ${action.review}`,
      };
    case 'baseline.save':
      return {
        roles: ['strategy_office', 'admin'],
        people: [],
        what: 'save a baseline of the plan',
      };
    case 'decision.decide':
      return { roles: [], people: [action.decider], what: 'decide this' };
    case 'period.close':
      return { roles: ['finance_controller'], people: [], what: 'close a reporting period' };
    case 'period.adjust':
      return {
        roles: ['finance_controller'],
        people: [],
        what: 'adjust a figure of a closed period',
      };
  }
}

/** Who owns an item: its owner (a milestone: its own owner, else its initiative's, and that too). */
function ownersOf(plan: Plan, kind: EntityKind, id: string): string[] {
  switch (kind) {
    case 'objective':
      return plan.objectives.filter((o) => o.id === id).map((o) => o.owner);
    case 'kpi':
      return plan.kpis.filter((k) => k.id === id).map((k) => k.owner);
    case 'initiative':
      return plan.initiatives.filter((i) => i.id === id).map((i) => i.owner);
    case 'milestone': {
      const m = plan.milestones.find((x) => x.id === id);
      if (m === undefined) return [];
      const owner = plan.initiatives.find((i) => i.id === m.initiative)?.owner;
      return [...new Set([m.owner, owner].filter((o): o is string => o !== undefined))];
    }
    default:
      return [];
  }
}

function nameOf(plan: Plan, id: string): string {
  return plan.people.find((p) => p.id === id)?.name ?? id;
}

function refusal(plan: Plan, holders: Holders): Verdict {
  const except = new Set(holders.except ?? []);
  const parts: string[] = [];
  const who: string[] = [];
  const people = holders.people.filter((p) => !except.has(p));
  for (const id of people) {
    parts.push(nameOf(plan, id));
    who.push(nameOf(plan, id));
  }
  for (const role of holders.roles) {
    const names = plan.people
      .filter((p) => holdsRole(p, role) && !except.has(p.id) && !people.includes(p.id))
      .map((p) => p.name);
    who.push(...names);
    const words = names.length > 1 ? ROLE_WORDS[role].all : ROLE_WORDS[role].one;
    parts.push(
      names.length === 0 ? `${words} (nobody holds it)` : `${words} (${names.join(', ')})`,
    );
  }
  const list =
    parts.length === 0
      ? 'nobody'
      : parts.length === 1
        ? parts[0]!
        : `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1]!}`;
  return { ok: false, who: [...new Set(who)], message: `Only ${list} may ${holders.what}` };
}

// ---------------------------------------------------------------------------------------------
// Plan changes by someone who may not apply the whole plan

/** One entity change of a plan apply, as `diffPlans` reports it. */
export interface PlanChangeReach {
  collection: string;
  id: string;
  action: 'created' | 'updated' | 'removed';
  /** Top-level fields that differ (updates). */
  fields: readonly string[];
  after?: unknown;
}

/**
 * Whether every change of a plan apply is one `personId` may make item by item: an owner edits
 * their items' fields (and adds milestones, benefits, demands and dependencies to their
 * initiatives), a KPI's targets move only as `kpi.set_targets` allows, its actuals as
 * `kpi.record_actuals`. Anything else (people, units, calendars, the organisation, decision
 * rights, new objectives, KPIs or initiatives, removals) is a whole-plan apply.
 */
export function mayChangePlan(
  plan: Plan,
  personId: string,
  changes: readonly PlanChangeReach[],
): Verdict {
  if (may(plan, personId, { kind: 'plan.apply' }).ok) return { ok: true };
  for (const change of changes) {
    const verdict = mayChangeItem(plan, personId, change);
    if (!verdict.ok) {
      // Say both: what this change needs, and who may apply the whole plan.
      const whole = may(plan, personId, { kind: 'plan.apply' });
      const also = whole.ok || whole.message === verdict.message ? '' : `. ${whole.message}`;
      return { ok: false, who: verdict.who, message: `${verdict.message}${also}` };
    }
  }
  return { ok: true };
}

/**
 * Whether `personId` may make one change of a plan apply item by item (without the whole-plan
 * right): the rule `mayChangePlan` applies to each change, and the plan editor to each entity.
 */
export function mayChangeItem(plan: Plan, personId: string, change: PlanChangeReach): Verdict {
  const wholePlan = (): Verdict => may(plan, personId, { kind: 'plan.apply' });
  if (change.action === 'removed') return wholePlan();
  const edit = (kind: EntityKind, id: string): Verdict =>
    may(plan, personId, { kind: 'item.edit_fields', entity: { kind, id } });
  const after = (change.after ?? {}) as Record<string, unknown>;
  const initiativeOfMilestone = (id: unknown): string | undefined =>
    plan.milestones.find((m) => m.id === id)?.initiative;
  switch (change.collection) {
    case 'objectives':
    case 'initiatives':
      return change.action === 'created'
        ? wholePlan()
        : edit(change.collection === 'objectives' ? 'objective' : 'initiative', change.id);
    case 'kpis': {
      if (change.action === 'created') return wholePlan();
      for (const field of change.fields) {
        const verdict =
          field === 'targets'
            ? may(plan, personId, { kind: 'kpi.set_targets', kpi: change.id })
            : field === 'actuals'
              ? may(plan, personId, { kind: 'kpi.record_actuals', kpi: change.id })
              : edit('kpi', change.id);
        if (!verdict.ok) return verdict;
      }
      return { ok: true };
    }
    case 'milestones':
      return change.action === 'created'
        ? edit('initiative', String(after['initiative']))
        : edit('milestone', change.id);
    case 'benefits': {
      const initiative = initiativeOfMilestone(after['milestone']);
      return initiative === undefined ? wholePlan() : edit('initiative', initiative);
    }
    case 'demands':
      return edit('initiative', String(after['initiative']));
    case 'dependencies': {
      const initiative = initiativeOfMilestone(after['successor']);
      return initiative === undefined ? wholePlan() : edit('initiative', initiative);
    }
    default:
      return wholePlan();
  }
}

/**
 * The plan someone sent, with the stored entities hidden from them kept: they could not send
 * back what they never saw, so its absence is no removal (a prune by an admin who does not see a
 * confidential initiative keeps it, with its milestones, benefits and demands), and what they
 * sent may point at it (a demand on their unit for an initiative they do not see).
 */
export function keepHidden(stored: Plan, incoming: Plan, seen: Visibility): Plan {
  const ids = seen.ids;
  const keep = <T>(
    sent: readonly T[],
    before: readonly T[],
    idOf: (item: T) => string,
    visible: ReadonlySet<string>,
  ): T[] => {
    const named = new Set(sent.map(idOf));
    return [
      ...sent,
      ...before.filter((item) => !visible.has(idOf(item)) && !named.has(idOf(item))),
    ];
  };
  const byId = (item: { id: string }) => item.id;
  // Decision rights as `visiblePlan` cuts them: all for the whole view, else the person's own.
  const hiddenRights = seen.whole
    ? []
    : (stored.decisionRights ?? []).filter(
        (r) =>
          r.person !== seen.personId &&
          (r.role === undefined || !seen.roles.includes(r.role)) &&
          !(incoming.decisionRights ?? []).some((sent) => sent.id === r.id),
      );
  return {
    ...incoming,
    ...(hiddenRights.length === 0
      ? {}
      : { decisionRights: [...(incoming.decisionRights ?? []), ...hiddenRights] }),
    objectives: keep(incoming.objectives, stored.objectives, byId, ids.objectives),
    kpis: keep(incoming.kpis, stored.kpis, byId, ids.kpis),
    initiatives: keep(incoming.initiatives, stored.initiatives, byId, ids.initiatives),
    milestones: keep(incoming.milestones, stored.milestones, byId, ids.milestones),
    dependencies: keep(incoming.dependencies, stored.dependencies, dependencyId, ids.dependencies),
    benefits: keep(incoming.benefits, stored.benefits, byId, ids.benefits),
    demands: keep(incoming.demands, stored.demands, byId, ids.demands),
  };
}

/**
 * The plan someone who sees only part of it sent back, with what the policy hid from them put
 * back: the objectives their KPIs and initiatives serve and the parents of their objectives that
 * they could not see. Without this, sending back what they read would look like removing links.
 */
export function restoreHidden(stored: Plan, incoming: Plan, seen: Visibility): Plan {
  const withHidden = (sent: readonly string[], before: readonly string[]): string[] => [
    ...sent,
    ...before.filter((o) => !seen.ids.objectives.has(o) && !sent.includes(o)),
  ];
  const kpis = new Map(stored.kpis.map((k) => [k.id, k]));
  const initiatives = new Map(stored.initiatives.map((i) => [i.id, i]));
  const objectives = new Map(stored.objectives.map((o) => [o.id, o]));
  return {
    ...incoming,
    kpis: incoming.kpis.map((k) => {
      const before = kpis.get(k.id);
      return before === undefined
        ? k
        : { ...k, objectives: withHidden(k.objectives, before.objectives) };
    }),
    initiatives: incoming.initiatives.map((i) => {
      const before = initiatives.get(i.id);
      return before === undefined
        ? i
        : { ...i, objectives: withHidden(i.objectives, before.objectives) };
    }),
    objectives: incoming.objectives.map((o) => {
      const parent = objectives.get(o.id)?.parent;
      return o.parent === undefined && parent !== undefined && !seen.ids.objectives.has(parent)
        ? { ...o, parent }
        : o;
    }),
  };
}
