import { deciderFor } from '../core/decisions/decider.ts';
import type { Decision, DecisionOption, ProposedOption } from '../core/decisions/decision.ts';
import { earliest, lastDayOf } from '../core/decisions/due-date.ts';
import { optionEffect } from '../core/decisions/option-effect.ts';
import { DECISION_KINDS, type Plan } from '../core/domain/plan.ts';
import type { DerivedState } from '../core/domain/state.ts';
import type { EngineInput } from '../core/engine/compute-state.ts';
import { DomainError, fail } from '../core/errors.ts';
import { groupIncidents } from '../core/incidents/group-incidents.ts';
import type { Incident } from '../core/incidents/incident.ts';
import { incidentOptions } from '../core/incidents/incident-options.ts';
import { priceScenarioWithPlan } from '../core/scenario/price-scenario.ts';
import { checkScenarioChanges } from '../core/scenario/scenario.ts';
import type { OpenDecisionRequest } from '../contract/decisions.ts';
import type { Queryable } from '../store/database.ts';
import {
  appendDecisionEvent,
  decisionsOfIncident,
  insertDecision,
  insertDecisionOption,
  loadDecision,
  nextDecisionId,
  openDecisionOfSignal,
} from '../store/decision-store.ts';

/**
 * Opening a decision inside a write that already holds the engine's input: from a signal or an
 * incident (the engine's options for every signal of the incident), or by hand. Used by the
 * decisions use-cases and by the automatic opening after a write (auto-open-decisions.ts).
 */

/** Prices an option against the current state; problems name `$.options[k]…` (or `at`). */
export function priceOption(
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
export function weigh(
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

/** The incident a request names, directly or through one of its signals; null: by hand. */
export function incidentOfRequest(
  input: EngineInput,
  state: DerivedState,
  request: Pick<OpenDecisionRequest, 'signal' | 'incident'>,
): Incident | null {
  if (request.signal !== undefined && request.incident !== undefined)
    fail('request.invalid', 'give a signal or an incident, not both', { path: '$.incident' });
  if (request.signal === undefined && request.incident === undefined) return null;
  const incidents = groupIncidents(input.plan, state, state.signals);
  if (request.signal !== undefined) {
    const found = incidents.find((i) => i.signals.some((s) => s.id === request.signal));
    if (found === undefined)
      fail('not_found', `there is no signal '${request.signal}' in the current state`, {
        path: '$.signal',
      });
    return found;
  }
  const found = incidents.find((i) => i.id === request.incident);
  if (found === undefined)
    fail(
      'not_found',
      `there is no incident '${request.incident}' in the current state${incidents.length === 0 ? '' : ` (there are: ${incidents.map((i) => i.id).join(', ')})`}`,
      { path: '$.incident' },
    );
  return found;
}

/** The open decision for an incident (or, for decisions opened before incidents, its signal). */
export async function openDecisionFor(
  tx: Queryable,
  incident: Incident,
  signal: string | undefined,
): Promise<Decision | null> {
  const open = (await decisionsOfIncident(tx, incident.id)).find((d) => d.status === 'open');
  const id = open?.id ?? (signal === undefined ? null : await openDecisionOfSignal(tx, signal));
  return id === null ? null : loadDecision(tx, id);
}

/**
 * Opens a decision for an incident (or by hand): prices every option against doing nothing,
 * finds who decides and by when, and records the step. An incident with an open decision gives
 * that decision back. A caller that has just grouped the incidents of this state passes the one
 * the request names (`known`), so that they are not grouped again.
 */
export async function openDecisionIn(
  tx: Queryable,
  at: Date,
  input: EngineInput,
  state: DerivedState,
  request: OpenDecisionRequest,
  actor: string,
  known?: Incident,
): Promise<{ decision: Decision; created: boolean }> {
  const incident =
    known !== undefined && request.signal === undefined && request.incident === known.id
      ? known
      : incidentOfRequest(input, state, request);
  if (incident !== null) {
    const open = await openDecisionFor(tx, incident, request.signal);
    if (open !== null) return { decision: open, created: false };
  }
  const proposed: { option: ProposedOption; by: string; at: string }[] = [];
  if (incident !== null)
    for (const option of incidentOptions(input.plan, state, incident, state.signals))
      proposed.push({
        option,
        by: 'engine',
        at: request.signal === undefined ? '$.incident' : '$.signal',
      });
  (request.options ?? []).forEach((option, k) =>
    proposed.push({ option, by: actor, at: `$.options[${k}]` }),
  );
  if (proposed.length === 0)
    fail(
      'decision.no_options',
      incident === null
        ? 'a decision needs a signal, an incident or at least one option'
        : `the engine proposes no option for '${request.signal ?? incident.id}': add at least one in options`,
      { path: '$.options' },
    );
  const options = proposed.map((p, k) => priceOption(input, state, p.option, k + 1, p.by, p.at));
  const decision: Decision = {
    id: await nextDecisionId(tx),
    status: 'open',
    signal: request.signal ?? incident?.signals[0]?.id ?? null,
    incident: incident?.id ?? null,
    title: request.title ?? incident?.headline ?? options[0]!.title,
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
    incident: decision.incident,
    options: options.map((o) => o.title),
    decider: decision.decider.person,
    because: decision.decider.because,
    dueDate: decision.dueDate,
  });
  return { decision, created: true };
}
