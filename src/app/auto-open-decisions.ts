import type { EngineInput } from '../core/engine/compute-state.ts';
import { DomainError } from '../core/errors.ts';
import { groupIncidents } from '../core/incidents/group-incidents.ts';
import { incidentOptions } from '../core/incidents/incident-options.ts';
import type { Queryable } from '../store/database.ts';
import { decisionsOfIncident } from '../store/decision-store.ts';
import { loadLatestChanges } from '../store/work-item-store.ts';
import type { Snapshot } from './derive.ts';
import { openDecisionIn } from './open-decision.ts';

/** Who the history names as having opened a decision by itself. */
export const ENGINE_ACTOR = 'engine';

/** At most this many decisions open by themselves in one write; the next write opens the rest. */
export const AUTO_OPEN_PER_WRITE = 3;

/**
 * Opens a decision, inside the write, for each current incident that goes beyond the decision
 * rights of the person it reaches (docs/DECISIONS.md "Opening automatically"): the largest money
 * first, at most AUTO_OPEN_PER_WRITE, and only for an incident that has had no decision since
 * it began (its earliest open signal was raised). A plan without decision rights sets no
 * threshold: nothing opens by itself. Returns the ids of the decisions opened.
 */
export async function autoOpenDecisions(
  tx: Queryable,
  snapshot: Snapshot,
  at: Date,
): Promise<string[]> {
  const { plan, state } = snapshot;
  if ((plan.decisionRights ?? []).length === 0 || state.signals.length === 0) return [];
  const beyond = groupIncidents(plan, state, state.signals)
    .filter((i) => i.reaches !== null && !i.reaches.covered)
    .sort((a, b) => b.reaches!.amount - a.reaches!.amount);
  const opened: string[] = [];
  let input: EngineInput | null = null;
  for (const incident of beyond) {
    if (opened.length >= AUTO_OPEN_PER_WRITE) break;
    const earlier = await decisionsOfIncident(tx, incident.id);
    if (earlier.some((d) => d.status === 'open')) continue;
    if (earlier.length > 0) {
      const began = await incidentBegan(
        tx,
        incident.signals.map((s) => s.id),
      );
      if (began === null || earlier.some((d) => Date.parse(d.openedAt) >= began)) continue;
    }
    if (incidentOptions(plan, state, incident, state.signals).length === 0) continue;
    input ??= {
      plan,
      workItems: snapshot.workItems,
      changes: await loadLatestChanges(tx),
      asOf: state.asOf,
    };
    try {
      const { decision, created } = await openDecisionIn(
        tx,
        at,
        input,
        state,
        { incident: incident.id },
        ENGINE_ACTOR,
      );
      if (created) opened.push(decision.id);
    } catch (error) {
      // An option the plan refuses is the engine's problem, not the write's: open it by hand.
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return opened;
}

/** When an incident began: the earliest raising of its open signals (ms), null when none is stored. */
async function incidentBegan(tx: Queryable, signalIds: readonly string[]): Promise<number | null> {
  if (signalIds.length === 0) return null;
  const placeholders = signalIds.map((_, k) => `$${k + 1}`).join(', ');
  const [row] = await tx.query<{ began: Date | null }>(
    `SELECT min(raised_at) AS began FROM signal WHERE status = 'open' AND id IN (${placeholders})`,
    [...signalIds],
  );
  return row?.began == null ? null : new Date(row.began).getTime();
}
