import { deciderFor } from '../core/decisions/decider.ts';
import type { Decider, DecisionStatus } from '../core/decisions/decision.ts';
import type { DerivedState } from '../core/domain/state.ts';
import { DomainError, fail } from '../core/errors.ts';
import { groupIncidents } from '../core/incidents/group-incidents.ts';
import type { Incident } from '../core/incidents/incident.ts';
import { incidentOptions } from '../core/incidents/incident-options.ts';
import { decisionsOfIncident, loadDecision } from '../store/decision-store.ts';
import { listSignals } from '../store/signal-store.ts';
import { loadLatestChanges } from '../store/work-item-store.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot, type Snapshot } from './derive.ts';
import { priceOption } from './open-decision.ts';

/** An incident as the API shows it: who must decide, and its decision when it has one. */
export interface IncidentView extends Incident {
  /**
   * Who must decide: the decider of its open decision; else the holder of the lowest right that
   * covers every option the engine proposes for it (each priced); else the owner the capacity
   * signal names, else the person it reaches. Null when nobody can be named.
   */
  decider: { person: string; name: string; because: string } | null;
  /** Its latest decision (open, or decided while the incident lasts), if any. */
  decision: { id: string; status: DecisionStatus; title: string; dueDate: string | null } | null;
}

// Pricing an incident's options runs the engine once per option: each incident is weighed once
// per derived state (the live model hands back the same state until something changes).
const weighed = new WeakMap<DerivedState, Map<string, Decider | null>>();

/** The current incidents, the most money at stake first, from the open signals. */
export async function listIncidents(ctx: AppContext): Promise<IncidentView[]> {
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model);
  if (snapshot === null) return [];
  const signals = await listSignals(ctx.db);
  const incidents = groupIncidents(snapshot.plan, snapshot.state, signals).sort(
    (a, b) => stake(b) - stake(a) || a.id.localeCompare(b.id),
  );
  const views: IncidentView[] = [];
  for (const incident of incidents) views.push(await viewOf(ctx, snapshot, signals, incident));
  return views;
}

/**
 * One current incident; not_found naming the id (and the current ones) when there is none. With
 * `sees`, one the person may not see is not found either, and only those they see are named.
 */
export async function showIncident(
  ctx: AppContext,
  id: string,
  sees: (incident: Incident) => boolean = () => true,
): Promise<IncidentView> {
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model);
  const signals = snapshot === null ? [] : await listSignals(ctx.db);
  const incidents =
    snapshot === null ? [] : groupIncidents(snapshot.plan, snapshot.state, signals).filter(sees);
  const incident = incidents.find((i) => i.id === id);
  if (snapshot === null || incident === undefined)
    fail(
      'not_found',
      `there is no incident '${id}' now${incidents.length === 0 ? '' : ` (current: ${incidents.map((i) => i.id).join(', ')})`}: an incident lasts while one of its signals is open`,
      { path: 'id' },
    );
  return viewOf(ctx, snapshot, signals, incident);
}

function stake(incident: Incident): number {
  return Math.max(incident.money.againstPlan, incident.money.againstTarget);
}

async function viewOf(
  ctx: AppContext,
  snapshot: Snapshot,
  signals: Parameters<typeof groupIncidents>[2],
  incident: Incident,
): Promise<IncidentView> {
  const { plan } = snapshot;
  const name = (person: string): string => plan.people.find((p) => p.id === person)?.name ?? person;
  const latest = (await decisionsOfIncident(ctx.db, incident.id)).at(-1);
  const decision = latest === undefined ? null : await loadDecision(ctx.db, latest.id);
  let decider: Decider | null;
  if (decision !== null && decision.status === 'open') decider = decision.decider;
  else decider = await pricedDecider(ctx, snapshot, signals, incident);
  return {
    ...incident,
    decider:
      decider === null
        ? fallbackDecider(incident, name)
        : { person: decider.person, name: name(decider.person), because: decider.because },
    decision:
      decision === null
        ? null
        : {
            id: decision.id,
            status: decision.status,
            title: decision.title,
            dueDate: decision.dueDate,
          },
  };
}

async function pricedDecider(
  ctx: AppContext,
  snapshot: Snapshot,
  signals: Parameters<typeof groupIncidents>[2],
  incident: Incident,
): Promise<Decider | null> {
  const { plan, state } = snapshot;
  let cache = weighed.get(state);
  if (cache === undefined) {
    cache = new Map();
    weighed.set(state, cache);
  }
  const key = `${incident.id}\u0000${incident.signals.map((s) => s.id).join('\u0000')}`;
  if (cache.has(key)) return cache.get(key)!;
  let decider: Decider | null = null;
  const proposed = incidentOptions(plan, state, incident, signals);
  if (proposed.length > 0) {
    try {
      const input = {
        plan,
        workItems: snapshot.workItems,
        changes: snapshot.changes ?? (await loadLatestChanges(ctx.db)),
        asOf: state.asOf,
      };
      const options = proposed.map((p, k) => priceOption(input, state, p, k + 1, 'engine', '$'));
      decider = deciderFor(
        plan,
        options.map((o) => o.effect),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  cache.set(key, decider);
  return decider;
}

/** Without options: the owner the capacity signal names as deciding, else the person it reaches. */
function fallbackDecider(
  incident: Incident,
  name: (person: string) => string,
): IncidentView['decider'] {
  for (const signal of incident.signals)
    for (const step of signal.chain) {
      const person = step.figures['decider'];
      if (typeof person === 'string') return { person, name: name(person), because: step.text };
    }
  const reach = incident.reaches;
  return reach === null
    ? null
    : {
        person: reach.person,
        name: name(reach.person),
        because: `${name(reach.person)}, ${reach.as}`,
      };
}
