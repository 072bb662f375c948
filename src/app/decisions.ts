import { describeRight } from '../core/decisions/decider.ts';
import type { Decision, ProposedOption } from '../core/decisions/decision.ts';
import type { DecisionReview } from '../core/decisions/review.ts';
import type { DerivedState } from '../core/domain/state.ts';
import type { EngineInput } from '../core/engine/compute-state.ts';
import { DomainError, fail } from '../core/errors.ts';
import { diffPlans } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { priceScenarioWithPlan } from '../core/scenario/price-scenario.ts';
import type { Queryable } from '../store/database.ts';
import {
  appendDecisionEvent,
  insertDecisionOption,
  listDecisionEvents,
  listDecisions as listStoredDecisions,
  loadDecision,
  updateDecision,
  type DecisionEvent,
} from '../store/decision-store.ts';
import { loadPlan, writePlanChanges } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import { loadLatestChanges } from '../store/work-item-store.ts';
import type { AppContext } from './context.ts';
import { escalatedFrom } from './decision-reminders.ts';
import { predictionAtDecision, reviewOf } from './decision-review.ts';
import { type ActorLike, planAudit, write, type WriteScope } from './write.ts';
import { may } from '../core/access/policy.ts';
import { saveBaselineIn } from './baselines.ts';
import { openDecisionIn, priceOption, weigh } from './open-decision.ts';
import type { OpenDecisionRequest } from '../contract/decisions.ts';

/**
 * Decisions as use-cases: open one from a signal (with the options the engine proposes and any a
 * person adds), add an option, decide. Each runs in one write transaction; deciding applies the
 * chosen option's changes to the stored plan the way applying a plan does (the plan history
 * keeps the old baseline), recomputes the signals and appends the step to the decision's
 * history, all or nothing.
 */

/** What the engine computes from: the stored plan and work as they stand in this write. */
async function engineInput(
  scope: WriteScope,
): Promise<{ input: EngineInput; state: DerivedState }> {
  const snapshot = await scope.snapshot();
  if (snapshot === null) fail('not_found', 'there is no plan yet: apply one first', { path: '$' });
  const changes = await loadLatestChanges(scope.tx);
  return {
    input: { plan: snapshot.plan, workItems: snapshot.workItems, changes, asOf: scope.asOf },
    state: snapshot.state,
  };
}

async function inWrite<T>(
  ctx: AppContext,
  actor: ActorLike,
  work: (scope: WriteScope) => Promise<T>,
): Promise<T> {
  return (await write(ctx, actor, work)).value;
}

/**
 * Opens a decision for the incident that holds a signal, for an incident, or by hand: prices
 * every option against doing nothing, finds who decides and by when. An incident with an open
 * decision gives that decision back.
 */
export async function openDecision(
  ctx: AppContext,
  request: OpenDecisionRequest,
  actor: ActorLike,
): Promise<{ decision: Decision; created: boolean }> {
  return inWrite(ctx, actor, async (scope) => {
    const { input, state } = await engineInput(scope);
    const opened = await openDecisionIn(scope.tx, scope.at, input, state, request, scope.actor.id);
    if (opened.created)
      scope.audit({
        action: 'decision.open',
        item: `decision/${opened.decision.id}`,
        after: { title: opened.decision.title, options: opened.decision.options.length },
      });
    return opened;
  });
}

/** Adds a person's option to an open decision; the decider and due date are weighed again. */
export async function addDecisionOption(
  ctx: AppContext,
  id: string,
  option: ProposedOption,
  actorLike: ActorLike,
): Promise<Decision> {
  return inWrite(ctx, actorLike, async (scope) => {
    const { tx } = scope;
    const actor = scope.actor.id;
    const decision = await openOrFail(tx, id);
    const { input, state } = await engineInput(scope);
    const added = priceOption(input, state, option, decision.options.length + 1, actor, '$');
    const options = [...decision.options, added];
    const next: Decision = { ...decision, options, ...weigh(input.plan, options) };
    await insertDecisionOption(tx, id, added);
    await updateDecision(tx, next);
    const step = {
      option: added.number,
      title: added.title,
      decider: next.decider.person,
      dueDate: next.dueDate,
    };
    await appendDecisionEvent(tx, id, scope.at, actor, 'option_added', step);
    scope.audit({ action: 'decision.add_option', item: `decision/${id}`, after: step });
    return next;
  });
}

async function openOrFail(tx: Queryable, id: string): Promise<Decision> {
  const decision = await loadDecision(tx, id, true);
  if (decision === null) fail('not_found', `there is no decision '${id}'`, { path: 'id' });
  if (decision.outcome !== null)
    fail(
      'decision.already_decided',
      `decision ${id} was decided already: option ${decision.outcome.option} by ${decision.outcome.decidedBy} at ${decision.outcome.decidedAt}; nothing was applied`,
      { path: 'id' },
    );
  return decision;
}

export interface DecideRequest {
  option: number;
  reason: string;
}

export interface DecideResult {
  decision: Decision;
  /** Milestones whose baseline the option re-planned: the old date is kept in the plan history. */
  baseline: { milestone: string; before: string; after: string }[];
  planChanges: number;
  signals: SignalSync;
}

/**
 * Decides: only the decider (403 naming them), only once (409), not after the due date (409),
 * an option it has (400). Applies the option's changes to the stored plan, recomputes signals
 * and records the outcome in one transaction: all of it, or nothing.
 */
export async function decide(
  ctx: AppContext,
  id: string,
  request: DecideRequest,
  actorLike: ActorLike,
): Promise<DecideResult> {
  return inWrite(ctx, actorLike, async (scope) => {
    const { tx, asOf, at } = scope;
    const actor = scope.actor.id;
    const decision = await openOrFail(tx, id);
    const { decider } = decision;
    // Decision rights are the access policy's to check, as every other right is.
    const plan = await loadPlan(tx);
    const verdict =
      plan === null
        ? { ok: actor === decider.person }
        : may(plan, actor, { kind: 'decision.decide', decider: decider.person });
    if (!verdict.ok) {
      const name = (p: string): string => plan?.people.find((x) => x.id === p)?.name ?? p;
      const rights = (plan?.decisionRights ?? []).filter((r) => r.person === actor);
      const held = (await escalatedFrom(tx, id)).includes(actor);
      fail(
        'decision.forbidden',
        `only ${name(decider.person)} (${decider.person}) may decide ${id}: ${decider.because}. ${
          held
            ? `${name(actor)} held it until its due date passed undecided`
            : rights.length === 0
              ? `${name(actor)} holds no decision right of its own`
              : `The rights of ${name(actor)} (${rights.map((r) => `${r.id}: ${describeRight(r)}`).join('; ')}) do not cover every option`
        }`,
        { path: 'id' },
      );
    }
    if (decision.dueDate !== null && asOf > decision.dueDate)
      fail(
        'decision.past_due',
        `decision ${id} was due on ${decision.dueDate} (today is ${asOf}): not every option is still possible; open a new decision`,
        { path: 'id' },
      );
    const option = decision.options.find((o) => o.number === request.option);
    if (option === undefined)
      fail(
        'decision.unknown_option',
        `decision ${id} has options ${decision.options.map((o) => o.number).join(', ')}, not ${request.option}`,
        { path: '$.option' },
      );
    // An escalated decision keeps the options still possible; the others are gone.
    if (option.lastDay !== null && asOf > option.lastDay)
      fail(
        'decision.past_due',
        `option ${option.number} of ${id} (${option.title}) was possible until ${option.lastDay} (today is ${asOf}); still possible: ${
          decision.options
            .filter((o) => o.lastDay === null || asOf <= o.lastDay)
            .map((o) => o.number)
            .join(', ') || 'none, open a new decision'
        }`,
        { path: '$.option' },
      );

    // Apply the option to the plan as it stands now, checked whole, the way applying a plan is.
    const { input, state } = await engineInput(scope);
    const priced = priceScenarioWithPlan(input, option.changes, state);
    const problems = validatePlan(priced.plan);
    if (problems.length > 0) throw new DomainError(problems);
    const changes = diffPlans(input.plan, priced.plan);
    await writePlanChanges(tx, changes, at, actor);
    scope.audit(...planAudit(changes));
    scope.derive();
    const { signals } = await scope.settle();
    // A re-plan keeps the plan it makes as a baseline of its own (variance is read against it).
    if (changes.length > 0 && option.effect.kinds.includes('replan'))
      await saveBaselineIn(scope, { name: `replan ${id}`, kind: 'replan', decision: id });
    const baseline = priced.result.milestones
      .filter((m) => m.plannedDate.before !== null && m.plannedDate.after !== null)
      .filter((m) => m.plannedDate.before !== m.plannedDate.after)
      .map((m) => ({
        milestone: m.id,
        before: m.plannedDate.before!,
        after: m.plannedDate.after!,
      }));
    const outcome = {
      option: option.number,
      reason: request.reason,
      decidedBy: actor,
      decidedAt: at.toISOString(),
    };
    const decided: Decision = { ...decision, status: 'decided', outcome };
    await updateDecision(tx, decided);
    scope.audit({
      action: 'decision.decide',
      item: `decision/${id}`,
      before: { status: decision.status },
      after: {
        status: 'decided',
        option: option.number,
        title: option.title,
        reason: request.reason,
      },
    });
    await appendDecisionEvent(tx, id, at, actor, 'decided', {
      option: option.number,
      title: option.title,
      reason: request.reason,
      baseline,
      planChanges: changes.map((c) => ({ collection: c.collection, id: c.id, action: c.action })),
      signals: { raised: signals.raised, resolved: signals.resolved },
      ...predictionAtDecision(option.result, priced.result),
    });
    return { decision: decided, baseline, planChanges: changes.length, signals };
  });
}

/** Decisions, newest first; only open or decided ones when asked. */
export async function listDecisions(
  ctx: AppContext,
  status?: Decision['status'],
): Promise<Decision[]> {
  return listStoredDecisions(ctx.db, status);
}

/** One decision with its history and, once decided, its review; not_found when there is none. */
export async function showDecision(
  ctx: AppContext,
  id: string,
): Promise<{ decision: Decision; history: DecisionEvent[]; review: DecisionReview | null }> {
  const decision = await loadDecision(ctx.db, id);
  if (decision === null) fail('not_found', `there is no decision '${id}'`, { path: 'id' });
  const history = await listDecisionEvents(ctx.db, id);
  return { decision, history, review: await reviewOf(ctx, decision, history) };
}
