import { assertMay, may } from '../core/access/policy.ts';
import type { Plan } from '../core/domain/plan.ts';
import { DomainError, fail } from '../core/errors.ts';
import {
  checkGate,
  type GateCheck,
  type GateFacts,
  gateOwner,
  initiativeOrFail,
  passGate,
  type Portfolio,
  portfolioByStage,
  stageWords,
} from '../core/governance/stage-gates.ts';
import { benefitValue } from '../core/governance/value.ts';
import { diffPlans, emptyPlan } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { unstorableReason } from '../core/storable-text.ts';
import type { Queryable } from '../store/database.ts';
import { loadPlan, writePlanChanges } from '../store/plan-store.ts';
import {
  type GateDecision,
  insertGateDecision,
  listGateDecisions,
  nextGateDecisionId,
} from '../store/stage-gate-store.ts';
import { listValueValidations } from '../store/value-store.ts';
import type { AppContext } from './context.ts';
import type { Snapshot } from './derive.ts';
import { viewerFor } from './viewer.ts';
import { saveBaselineIn } from './baselines.ts';
import { type ActorLike, planAudit, write, type WriteScope } from './write.ts';

/**
 * Stage gates as use-cases (docs/GOVERNANCE.md "Stage gates"): an initiative's gate as a person
 * sees it, a go / no-go by the gate's owner (recorded, audited, the stage moved in the plan in
 * the same write), the portfolio by stage, and the governance signals the write path raises.
 */

/** An initiative at its gate, with its owner's name and the gate decisions taken so far. */
export interface GateView extends GateCheck {
  ownerName: string | null;
  decisions: GateDecision[];
}

/** The portfolio by stage as one person may see it, with each initiative's delivery status. */
export interface PortfolioView extends Portfolio {
  statuses: Record<string, { delivery: string; value: string }>;
  units: { id: string; name: string }[];
  owners: { id: string; name: string }[];
}

/** The facts the gates need from the derived state and the value validations. */
export async function gateFacts(db: Queryable, snapshot: Snapshot): Promise<GateFacts> {
  const validations = await listValueValidations(db);
  const validatedBenefits = new Set<string>();
  if (validations.length > 0) {
    const seen = new Set(validations.map((v) => v.benefit));
    for (const benefit of snapshot.plan.benefits)
      if (
        seen.has(benefit.id) &&
        benefitValue(snapshot.plan, snapshot.state, benefit, validations).status === 'validated'
      )
        validatedBenefits.add(benefit.id);
  }
  return {
    milestoneDone: (id) => snapshot.state.milestones.get(id)?.complete === true,
    validatedBenefits,
  };
}

function noPlan(): never {
  return fail('not_found', 'there is no plan yet: apply one first', { path: 'id' });
}

/**
 * The initiative's gate, when the person may see the initiative (else `not_found`); null: the
 * whole plan's view (the command line, which holds the database).
 */
export async function showGate(
  ctx: AppContext,
  personId: string | null,
  initiativeId: string,
): Promise<GateView> {
  const viewer = await viewerFor(ctx, personId ?? '');
  const snapshot = viewer.snapshot ?? noPlan();
  if (personId !== null && !viewer.seen.sees('initiative', initiativeId))
    initiativeOrFail({ ...snapshot.plan, initiatives: [] }, initiativeId);
  const check = checkGate(snapshot.plan, initiativeId, await gateFacts(ctx.db, snapshot));
  return {
    ...check,
    ownerName:
      check.owner === null
        ? null
        : (snapshot.plan.people.find((p) => p.id === check.owner?.person)?.name ?? null),
    decisions: await listGateDecisions(ctx.db, initiativeId),
  };
}

export interface GateRequest {
  go: boolean;
  note: string;
}

export interface GatePassed {
  decision: GateDecision;
  gate: GateView;
}

/**
 * A go or no-go at the initiative's gate by `actor`: only the gate's owner may (403 naming them);
 * a go whose criteria fail is refused naming each criterion (409), and nothing is stored. A go
 * moves the initiative's stage and appends to its stage history in the plan, in the same write as
 * the decision's record and the audit entries.
 */
export async function decideGate(
  ctx: AppContext,
  initiativeId: string,
  request: GateRequest,
  actor: ActorLike,
): Promise<GatePassed> {
  const note = request.note.trim();
  const unstorable = unstorableReason(note);
  if (unstorable !== null)
    fail('request.invalid', `the note cannot be stored: it ${unstorable}`, { path: '$.note' });
  if (note === '')
    fail('request.invalid', 'a gate decision needs a note: say why it is a go or a no-go', {
      path: '$.note',
    });
  if (note.length > 2000)
    fail('request.invalid', `the note is ${note.length} characters long: at most 2000`, {
      path: '$.note',
    });
  // Seeing comes first: one who may not see the initiative learns nothing of it.
  const viewer = await viewerFor(ctx, actorId(actor));
  if (viewer.snapshot !== null && !viewer.seen.sees('initiative', initiativeId))
    initiativeOrFail({ ...viewer.snapshot.plan, initiatives: [] }, initiativeId);
  const { value } = await write(ctx, actor, async (scope) => {
    const person = scope.actor.id;
    const plan = (await loadPlan(scope.tx)) ?? noPlan();
    const initiative = initiativeOrFail(plan, initiativeId);
    const owner = gateOwner(plan, initiative);
    assertMay(
      plan,
      person,
      { kind: 'gate.pass', initiative: initiative.id, owner: owner.person },
      'id',
    );
    const snapshot = (await scope.snapshot()) ?? noPlan();
    const facts = await gateFacts(scope.tx, snapshot);
    const id = await nextGateDecisionId(scope.tx);
    const passed = passGate(
      plan,
      initiative.id,
      facts,
      { go: request.go, note },
      scope.asOf,
      person,
      id,
    );
    const decision: GateDecision = {
      id,
      initiative: initiative.id,
      from: passed.check.stage,
      to: passed.check.gate!,
      go: request.go,
      note,
      decidedBy: person,
      decidedAt: scope.at.toISOString(),
      decidedOn: scope.asOf,
      owner,
      criteria: passed.check.criteria,
    };
    await insertGateDecision(scope.tx, decision);
    scope.audit({
      action: request.go ? 'gate.go' : 'gate.no_go',
      item: `initiatives/${initiative.id}`,
      before: { stage: passed.check.stage },
      after: {
        decision: id,
        stage: passed.to ?? passed.check.stage,
        gate: passed.check.gate,
        note,
      },
    });
    if (passed.to !== null) {
      const problems = validatePlan(passed.plan);
      if (problems.length > 0) throw new DomainError(problems);
      const changes = diffPlans(plan, passed.plan);
      await writePlanChanges(scope.tx, changes, scope.at, person);
      scope.audit(...planAudit(changes));
      scope.derive();
      // The plan as approved is a baseline to measure variance against (docs/GOVERNANCE.md).
      if (passed.to === 'approved') await saveApprovedBaseline(scope, initiative.id, id, note);
    }
    return decision;
  });
  return { decision: value, gate: await showGate(ctx, actorId(actor), initiativeId) };
}

/** A baseline of the plan as approved, named after the gate decision; a name taken is left be. */
async function saveApprovedBaseline(
  scope: WriteScope,
  initiative: string,
  decision: string,
  note: string,
): Promise<void> {
  try {
    await saveBaselineIn(scope, {
      name: `${decision} ${initiative} approved`.slice(0, 100),
      kind: 'approved',
      decision,
      note,
    });
  } catch (error) {
    // Someone saved one by that name by hand: theirs stays (the insert changed nothing).
    if (!(error instanceof DomainError && error.problems[0]?.code === 'baseline.exists'))
      throw error;
  }
}

function actorId(actor: ActorLike): string {
  return typeof actor === 'string' ? actor : actor.id;
}

/** Whether the person may pass the initiative's gate, for the web app to offer it. */
export function mayPassGate(plan: Plan, personId: string, check: GateCheck): boolean {
  return (
    check.owner !== null &&
    may(plan, personId, {
      kind: 'gate.pass',
      initiative: check.initiative,
      owner: check.owner.person,
    }).ok
  );
}

/**
 * The initiatives a person may see, by stage, with money per stage (budget totals of the plan's
 * budget lines) and each one's gate; confidential initiatives not theirs are left out, money too.
 * Null: every initiative (the command line, which holds the database).
 */
export async function portfolioFor(
  ctx: AppContext,
  personId: string | null,
): Promise<PortfolioView> {
  const viewer = await viewerFor(ctx, personId ?? '');
  const snapshot = viewer.snapshot;
  if (snapshot === null)
    return {
      ...portfolioByStage(emptyPlan(), {
        milestoneDone: () => false,
        validatedBenefits: new Set(),
      }),
      statuses: {},
      units: [],
      owners: [],
    };
  const seen = viewer.seen.ids.initiatives;
  const portfolio = portfolioByStage(
    snapshot.plan,
    await gateFacts(ctx.db, snapshot),
    (id) => personId === null || seen.has(id),
  );
  const statuses: PortfolioView['statuses'] = {};
  for (const stage of portfolio.stages)
    for (const i of stage.initiatives) {
      const status = snapshot.state.initiatives.get(i.id);
      statuses[i.id] = {
        delivery: status?.delivery.status ?? 'unknown',
        value: status?.value.status ?? 'unknown',
      };
    }
  const shown = portfolio.stages.flatMap((s) => s.initiatives);
  const unitIds = new Set(shown.map((i) => i.unit));
  const ownerIds = new Set(shown.map((i) => i.owner));
  return {
    ...portfolio,
    statuses,
    units: snapshot.plan.units
      .filter((u) => unitIds.has(u.id))
      .map((u) => ({ id: u.id, name: u.name })),
    owners: snapshot.plan.people
      .filter((p) => ownerIds.has(p.id))
      .map((p) => ({ id: p.id, name: p.name })),
  };
}

/** The stage in words for people: `in delivery`. */
export { stageWords };
