import { mayChangeItem, type PlanChangeReach, type Verdict } from '../../core/access/policy.ts';
import { ROLE_WORDS, holdsRole } from '../../core/access/roles.ts';
import type { Plan, Role } from '../../core/domain/plan.ts';
import { planFromFileObject } from '../../plan-file/plan-file-mapping.ts';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import type { EditableCollection } from './drafts.ts';

/**
 * What the signed-in person may change in the plan editor, and why not, in one sentence. The
 * answer is the access policy's own (`mayChangeItem` in core/access/policy.ts, the rule the
 * server applies to every change of a save), asked of the plan as the editor holds it; the
 * server still decides every save, and this keeps what it would refuse read-only, with the reason.
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

/** The core plan of a plan file, once per file object the editor holds. */
const corePlans = new WeakMap<PlanFile, Plan>();
function corePlanOf(file: PlanFile): Plan {
  let plan = corePlans.get(file);
  if (plan === undefined) {
    plan = planFromFileObject(file);
    corePlans.set(file, plan);
  }
  return plan;
}

const OPEN: EntityAccess = { editable: true, reason: null, locked: {} };

const refuse = (reason: string): EntityAccess => ({ editable: false, reason, locked: {} });
const sentence = (verdict: Verdict): string | null => (verdict.ok ? null : `${verdict.message}.`);

/** What a new entity of each collection is called in a refusal. */
const A_NEW: Record<EditableCollection, string> = {
  objectives: 'objectives',
  kpis: 'KPIs',
  initiatives: 'initiatives',
  milestones: 'a milestone',
  dependencies: 'a dependency',
  benefits: 'a benefit',
  demands: 'a demand',
  units: 'units',
  decisionRights: 'decision rights',
};

/** What `me` may change of `entity` (null: a new one) in a collection. */
export function accessTo(
  me: Person,
  file: PlanFile,
  kind: EditableCollection,
  entity: unknown,
): EntityAccess {
  if (me.mayApply) return OPEN;
  const planners = holdersWords(file, ['strategy_office', 'admin']);
  if (kind === 'units') return refuse(`Units and their capacity are changed by ${planners}.`);
  if (kind === 'decisionRights') return refuse(`Decision rights are changed by ${planners}.`);
  if (entity === null) {
    // What a new entity may be depends on where it goes (its initiative), chosen in the form.
    return kind === 'objectives' || kind === 'kpis' || kind === 'initiatives'
      ? refuse(`New ${A_NEW[kind]} are added by ${planners}.`)
      : refuse(`Only ${planners} may add ${A_NEW[kind]}, or the owner of its initiative.`);
  }
  const plan = corePlanOf(file);
  const id = (entity as { id?: unknown }).id;
  const change = (fields: string[]): PlanChangeReach => ({
    collection: kind,
    id: typeof id === 'string' ? id : '',
    action: 'updated',
    fields,
    after: entity,
  });
  const reason = sentence(mayChangeItem(plan, me.id, change(['name'])));
  if (reason !== null) return refuse(reason);
  if (kind !== 'kpis') return OPEN;
  // A KPI's owner edits its fields; its targets and actuals follow their own rights.
  const locked: Partial<Record<string, string>> = {};
  for (const field of ['targets', 'actuals']) {
    const why = sentence(mayChangeItem(plan, me.id, change([field])));
    if (why !== null) locked[field] = why;
  }
  return { editable: true, reason: null, locked };
}

/** Whether the person owns an initiative: they may add milestones, dependencies, benefits, demands to it. */
export function ownsAnInitiative(me: Person, plan: PlanFile): boolean {
  return (plan.initiatives ?? []).some((i) => i.owner === me.id);
}
