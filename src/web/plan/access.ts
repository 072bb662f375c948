import { holdsRole, ROLE_WORDS } from '../../core/access/roles.ts';
import type { Role } from '../../core/domain/plan.ts';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import type { EditableCollection } from './drafts.ts';

/**
 * What the signed-in person may change in the plan editor, and why not, in one sentence: the
 * access policy's plan rules (docs/ACCESS.md "Roles and rules") as the editor shows them. The
 * server decides every save; this keeps what it would refuse read-only, with the reason.
 */

export interface Person {
  id: string;
  /** `plan.apply` from `GET /api/v1/me`: the strategy office and admins. */
  mayApply: boolean;
  roles: readonly string[];
}

export interface EntityAccess {
  /** Whether the person may change the entity at all. */
  editable: boolean;
  /** Why not, when not: one sentence naming who may. */
  reason: string | null;
  /** Fields of an editable entity the person may not change, with the reason. */
  locked: Partial<Record<string, string>>;
}

function namesWith(plan: PlanFile, role: Role): string[] {
  return (plan.people ?? []).filter((p) => holdsRole(p, role)).map((p) => p.name);
}

/** "the strategy office (Lena Hoffmann) or an admin (Omar Haddad)". */
export function holdersWords(plan: PlanFile, roles: readonly Role[]): string {
  return roles
    .map((role) => {
      const names = namesWith(plan, role);
      return `${ROLE_WORDS[role].one}${names.length === 0 ? '' : ` (${names.join(', ')})`}`;
    })
    .join(' or ');
}

function nameOf(plan: PlanFile, id: string | undefined): string {
  return (plan.people ?? []).find((p) => p.id === id)?.name ?? id ?? 'its owner';
}

function initiativeOf(plan: PlanFile, milestone: string | undefined): string | undefined {
  return (plan.milestones ?? []).find((m) => m.id === milestone)?.initiative;
}

function initiativeOwner(plan: PlanFile, initiative: string | undefined): string | undefined {
  return (plan.initiatives ?? []).find((i) => i.id === initiative)?.owner;
}

const OPEN: EntityAccess = { editable: true, reason: null, locked: {} };

/** What `me` may change of `entity` (null: a new one) in a collection. */
export function accessTo(
  me: Person,
  plan: PlanFile,
  kind: EditableCollection,
  entity: unknown,
): EntityAccess {
  const planners = holdersWords(plan, ['strategy_office', 'admin']);
  if (me.mayApply) return OPEN;
  const e = (entity ?? {}) as {
    id?: string;
    owner?: string;
    initiative?: string;
    milestone?: string;
    successor?: string;
  };
  const refuse = (reason: string): EntityAccess => ({ editable: false, reason, locked: {} });
  const byInitiativeOwner = (initiative: string | undefined, what: string): EntityAccess => {
    const owner = initiativeOwner(plan, initiative);
    if (owner !== undefined && owner === me.id) return OPEN;
    return refuse(
      initiative === undefined || owner === undefined
        ? `Only ${planners} may add ${what}, or the owner of its initiative.`
        : `Only ${nameOf(plan, owner)}, the owner of ${initiative}, or ${planners} may change ${what}.`,
    );
  };
  switch (kind) {
    case 'units':
      return refuse(`Units and their capacity are changed by ${planners}.`);
    case 'decisionRights':
      return refuse(`Decision rights are changed by ${planners}.`);
    case 'objectives':
    case 'initiatives':
      if (entity === null) return refuse(`New ${kind} are added by ${planners}.`);
      return e.owner === me.id
        ? OPEN
        : refuse(
            `Only ${nameOf(plan, e.owner)}, its owner, or ${planners} may change ${e.id ?? 'it'}.`,
          );
    case 'kpis': {
      if (entity === null) return refuse(`New KPIs are added by ${planners}.`);
      if (e.owner !== me.id)
        return refuse(
          `Only ${nameOf(plan, e.owner)}, its owner, or ${planners} may change ${e.id ?? 'it'}.`,
        );
      const locked: Partial<Record<string, string>> = {};
      if (plan.organisation.ownersSetTargets !== true)
        locked['targets'] = `Only ${planners} may move the targets of ${e.id ?? 'a KPI'}.`;
      if (!me.roles.includes('finance_controller') && !me.roles.includes('admin'))
        locked['actuals'] =
          `Actuals are recorded by ${holdersWords(plan, ['finance_controller', 'admin'])}.`;
      return { editable: true, reason: null, locked };
    }
    case 'milestones': {
      if (entity === null) return byInitiativeOwner(undefined, 'a milestone');
      const owner = initiativeOwner(plan, e.initiative);
      if (e.owner === me.id || owner === me.id) return OPEN;
      const who = [...new Set([e.owner, owner].filter((o) => o !== undefined))]
        .map((o) => nameOf(plan, o))
        .join(' or ');
      return refuse(`Only ${who || 'its owner'} or ${planners} may change ${e.id ?? 'it'}.`);
    }
    case 'dependencies':
      return byInitiativeOwner(
        initiativeOf(plan, e.successor),
        entity === null ? 'a dependency' : 'this dependency',
      );
    case 'benefits':
      return byInitiativeOwner(
        initiativeOf(plan, e.milestone),
        entity === null ? 'a benefit' : (e.id ?? 'this benefit'),
      );
    case 'demands':
      return byInitiativeOwner(
        e.initiative,
        entity === null ? 'a demand' : (e.id ?? 'this demand'),
      );
  }
}

/** Whether the person owns an initiative: they may add milestones, dependencies, benefits, demands to it. */
export function ownsAnInitiative(me: Person, plan: PlanFile): boolean {
  return (plan.initiatives ?? []).some((i) => i.owner === me.id);
}
