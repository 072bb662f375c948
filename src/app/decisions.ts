import { deciderFor, describeRight } from '../core/decisions/decider.ts';
import type { Decision, DecisionOption, ProposedOption } from '../core/decisions/decision.ts';
import { earliest, lastDayOf } from '../core/decisions/due-date.ts';
import { optionEffect } from '../core/decisions/option-effect.ts';
import { proposeOptions } from '../core/decisions/propose-options.ts';
import type { DecisionReview } from '../core/decisions/review.ts';
import { DECISION_KINDS, type Plan } from '../core/domain/plan.ts';
import type { DerivedState } from '../core/domain/state.ts';
import type { EngineInput } from '../core/engine/compute-state.ts';
import { DomainError, fail } from '../core/errors.ts';
import { diffPlans } from '../core/plan/diff-plan.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { priceScenarioWithPlan } from '../core/scenario/price-scenario.ts';
import { checkScenarioChanges } from '../core/scenario/scenario.ts';
import type { Queryable } from '../store/database.ts';
import {
  appendDecisionEvent,
  insertDecision,
  insertDecisionOption,
  listDecisionEvents,
  listDecisions as listStoredDecisions,
  loadDecision,
  nextDecisionId,
  openDecisionOfSignal,
  updateDecision,
  type DecisionEvent,
} from '../store/decision-store.ts';
import { loadPlan, writePlanChanges } from '../store/plan-store.ts';
import type { SignalSync } from '../store/signal-store.ts';
import { loadLatestChanges } from '../store/work-item-store.ts';
import { lockForWrite } from '../store/write-lock.ts';
import type { AppContext } from './context.ts';
import { escalatedFrom } from './decision-reminders.ts';
import { predictionAtDecision, reviewOf } from './decision-review.ts';
import { deriveSnapshot, recomputeSignals } from './derive.ts';

/**
 * Decisions as use-cases: open one from a signal (with the options the engine proposes and any a
 * person adds), add an option, decide. Each runs in one write transaction; deciding applies the
 * chosen option's changes to the stored plan the way applying a plan does (the plan history
 * keeps the old baseline), recomputes the signals and appends the step to the decision's
 * history, all or nothing.
 */

/** What the engine computes from: the stored plan and work as of the clock's day. */
async function engineInput(
  ctx: AppContext,
  tx: Queryable,
): Promise<{ input: EngineInput; state: DerivedState }> {
  const asOf = ctx.clock.asOf();
  const snapshot = await deriveSnapshot(tx, asOf, ctx.model);
  if (snapshot === null) fail('not_found', 'there is no plan yet: apply one first', { path: '$' });
  const changes = await loadLatestChanges(tx);
  return {
    input: { plan: snapshot.plan, workItems: snapshot.workItems, changes, asOf },
    state: snapshot.state,
  };
}

/** Prices an option against the current state; problems name `$.options[k]…` (or `at`). */
function priceOption(
  input: EngineInput,
  state: DerivedState,
  proposed: ProposedOption,
  number: number,
  proposedBy: string,
  at: string,
): DecisionOption {
  try {
    const changes = checkScenarioChanges(proposed.changes);
    const priced = priceScenarioWithPlan(input, changes, state);
    return {
      number,
      title: proposed.title,
      proposedBy,
      changes,
      result: priced.result,
      effect: optionEffect(input.plan, changes, priced),
      lastDay: lastDayOf(input.plan, state, changes),
    };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new DomainError(
      error.problems.map((p) => ({ ...p, path: `${at}${(p.path ?? '$').slice(1)}` })),
    );
  }
}

/** The decider, the kinds and the due date, from every option. */
function weigh(
  plan: Plan,
  options: readonly DecisionOption[],
): Pick<Decision, 'decider' | 'kinds' | 'dueDate'> {
  const kinds = new Set(options.flatMap((o) => o.effect.kinds));
  return {
    decider: deciderFor(
      plan,
      options.map((o) => o.effect),
    ),
    kinds: DECISION_KINDS.filter((k) => kinds.has(k)),
    dueDate: earliest(options.map((o) => o.lastDay)),
  };
}

async function inWrite<T>(ctx: AppContext, work: (tx: Queryable) => Promise<T>): Promise<T> {
  try {
    return await ctx.db.transaction(async (tx) => {
      await lockForWrite(ctx.db, tx);
      return work(tx);
    });
  } catch (error) {
    // The model may have seen writes that were rolled back.
    ctx.model?.invalidate();
    throw error;
  }
}

export interface OpenDecisionRequest {
  /** The signal it is opened from; the engine proposes the options it can derive from it. */
  signal?: string;
  title?: string;
  /** Options a person adds, each a list of scenario changes. */
  options?: ProposedOption[];
}

/**
 * Opens a decision from a signal (or by hand), prices every option against doing nothing,
 * finds who decides and by when. A signal with an open decision gives that decision back.
 */
export async function openDecision(
  ctx: AppContext,
  request: OpenDecisionRequest,
  actor: string,
): Promise<{ decision: Decision; created: boolean }> {
  return inWrite(ctx, async (tx) => {
    if (request.signal !== undefined) {
      const open = await openDecisionOfSignal(tx, request.signal);
      if (open !== null) return { decision: (await loadDecision(tx, open))!, created: false };
    }
    const { input, state } = await engineInput(ctx, tx);
    const proposed: { option: ProposedOption; by: string; at: string }[] = [];
    let title = request.title;
    if (request.signal !== undefined) {
      const signal = state.signals.find((s) => s.id === request.signal);
      if (signal === undefined)
        fail('not_found', `there is no signal '${request.signal}' in the current state`, {
          path: '$.signal',
        });
      title ??= `Decide: ${signal.title}`;
      for (const option of proposeOptions(input.plan, state, signal))
        proposed.push({ option, by: 'engine', at: '$.signal' });
    }
    (request.options ?? []).forEach((option, k) =>
      proposed.push({ option, by: actor, at: `$.options[${k}]` }),
    );
    if (proposed.length === 0)
      fail(
        'decision.no_options',
        request.signal === undefined
          ? 'a decision needs a signal or at least one option'
          : `the engine proposes no option for '${request.signal}': add at least one in options`,
        { path: '$.options' },
      );
    const options = proposed.map((p, k) => priceOption(input, state, p.option, k + 1, p.by, p.at));
    const at = ctx.clock.now();
    const decision: Decision = {
      id: await nextDecisionId(tx),
      status: 'open',
      signal: request.signal ?? null,
      title: title ?? options[0]!.title,
      options,
      ...weigh(input.plan, options),
      openedBy: actor,
      openedAt: at.toISOString(),
      outcome: null,
    };
    await insertDecision(tx, decision);
    for (const option of options) await insertDecisionOption(tx, decision.id, option);
    await appendDecisionEvent(tx, decision.id, at, actor, 'opened', {
      signal: decision.signal,
      options: options.map((o) => o.title),
      decider: decision.decider.person,
      because: decision.decider.because,
      dueDate: decision.dueDate,
    });
    return { decision, created: true };
  });
}

/** Adds a person's option to an open decision; the decider and due date are weighed again. */
export async function addDecisionOption(
  ctx: AppContext,
  id: string,
  option: ProposedOption,
  actor: string,
): Promise<Decision> {
  return inWrite(ctx, async (tx) => {
    const decision = await openOrFail(tx, id);
    const { input, state } = await engineInput(ctx, tx);
    const added = priceOption(input, state, option, decision.options.length + 1, actor, '$');
    const options = [...decision.options, added];
    const next: Decision = { ...decision, options, ...weigh(input.plan, options) };
    await insertDecisionOption(tx, id, added);
    await updateDecision(tx, next);
    await appendDecisionEvent(tx, id, ctx.clock.now(), actor, 'option_added', {
      option: added.number,
      title: added.title,
      decider: next.decider.person,
      dueDate: next.dueDate,
    });
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
  actor: string,
): Promise<DecideResult> {
  return inWrite(ctx, async (tx) => {
    const decision = await openOrFail(tx, id);
    const { decider } = decision;
    if (actor !== decider.person) {
      const plan = await loadPlan(tx);
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
    const asOf = ctx.clock.asOf();
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
    const { input, state } = await engineInput(ctx, tx);
    const priced = priceScenarioWithPlan(input, option.changes, state);
    const problems = validatePlan(priced.plan);
    if (problems.length > 0) throw new DomainError(problems);
    const changes = diffPlans(input.plan, priced.plan);
    const at = ctx.clock.now();
    await writePlanChanges(tx, changes, at, actor);
    const { signals } = await recomputeSignals(tx, asOf, at, {
      model: ctx.model,
      notify: ctx.db.kind === 'postgres',
    });
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
