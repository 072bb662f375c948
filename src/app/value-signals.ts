import type { Decision } from '../core/decisions/decision.ts';
import type { Signal } from '../core/domain/state.ts';
import { overrunSignals, portfolioMoney } from '../core/governance/money.ts';
import { portfolioValue, valueSignals } from '../core/governance/value.ts';
import { DomainError } from '../core/errors.ts';
import type { Queryable } from '../store/database.ts';
import {
  appendDecisionEvent,
  insertDecision,
  insertDecisionOption,
  nextDecisionId,
} from '../store/decision-store.ts';
import { listValueValidations } from '../store/value-store.ts';
import { loadLatestChanges } from '../store/work-item-store.ts';
import { ENGINE_ACTOR } from './auto-open-decisions.ts';
import type { Snapshot } from './derive.ts';
import { priceOption, weigh } from './open-decision.ts';

/**
 * The money and value signals of a write (docs/GOVERNANCE.md): benefits below their promise and
 * budget overruns, computed from the snapshot and the stored validations, beside the engine's
 * signals (as staleness signals are).
 */
export async function moneySignals(tx: Queryable, snapshot: Snapshot): Promise<Signal[]> {
  const { plan, state } = snapshot;
  if (
    plan.benefits.length === 0 &&
    plan.initiatives.every((i) => Object.keys(i.budget).length === 0)
  )
    return [];
  const values = portfolioValue(plan, state, await listValueValidations(tx));
  const money = portfolioMoney(plan, state, values).initiatives;
  return [...valueSignals(plan, values), ...overrunSignals(plan, money)];
}

/**
 * Where a benefit does not materialise and its initiative's return at completion has turned
 * negative, a stop / continue decision opens (kind `stop`, to whoever holds that right): once for
 * as long as the value signal lasts. Returns the ids of the decisions opened.
 */
export async function openStopDecisions(
  tx: Queryable,
  snapshot: Snapshot,
  signals: readonly Signal[],
  at: Date,
): Promise<string[]> {
  const { plan, state } = snapshot;
  const below = signals.filter((s) => s.kind === 'value.below_promise');
  if (below.length === 0) return [];
  const values = portfolioValue(plan, state, await listValueValidations(tx));
  const money = portfolioMoney(plan, state, values).initiatives;
  const opened: string[] = [];
  const stopped = new Set<string>();
  for (const signal of below) {
    const initiative = signal.chain.find((step) => step.kind === 'initiative')?.id;
    const m = money.find((x) => x.initiative === initiative);
    if (m === undefined || m.roi.atCompletion === null || m.roi.atCompletion >= 0) continue;
    if (stopped.has(m.initiative)) continue;
    stopped.add(m.initiative);
    // Once while the signal lasts: any decision opened from it since it was raised.
    const [earlier] = await tx.query<{ id: string }>(
      `SELECT d.id FROM decision d JOIN signal s ON s.id = d.signal_id
       WHERE d.signal_id = $1 AND s.status = 'open' AND d.opened_at >= s.raised_at LIMIT 1`,
      [signal.id],
    );
    if (earlier !== undefined) continue;
    try {
      const input = {
        plan,
        workItems: snapshot.workItems,
        changes: await loadLatestChanges(tx),
        asOf: state.asOf,
      };
      const option = priceOption(
        input,
        state,
        {
          title: `Stop ${m.initiative}`,
          changes: [{ kind: 'stop_initiative', initiative: m.initiative }],
        },
        1,
        ENGINE_ACTOR,
        '$.options[0]',
      );
      const roi = Math.round(m.roi.atCompletion * 100);
      const decision: Omit<Decision, 'options'> = {
        id: await nextDecisionId(tx),
        status: 'open',
        signal: signal.id,
        incident: null,
        title: `Stop or continue ${m.initiative}: its return at completion turned negative (${roi}%) as ${signal.subject.id} stays below its promise`,
        ...weigh(plan, [option]),
        openedBy: ENGINE_ACTOR,
        openedAt: at.toISOString(),
        outcome: null,
      };
      await insertDecision(tx, decision);
      await insertDecisionOption(tx, decision.id, option);
      await appendDecisionEvent(tx, decision.id, at, ENGINE_ACTOR, 'opened', {
        signal: signal.id,
        incident: null,
        options: [option.title],
        decider: decision.decider.person,
        because: decision.decider.because,
        dueDate: decision.dueDate,
      });
      opened.push(decision.id);
    } catch (error) {
      // An option the plan refuses is the engine's problem, not the write's.
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return opened;
}
