import type { Decision } from '../core/decisions/decision.ts';
import type { Plan } from '../core/domain/plan.ts';
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

/** A portfolio's value and money as of one state, and the signals they raise. */
interface Money {
  values: ReturnType<typeof portfolioValue>;
  money: ReturnType<typeof portfolioMoney>['initiatives'];
  signals: Signal[];
}

// The money of the last write over a plan, with what it was computed from: the day, the stored
// validations and the forecasts of the milestones benefits land with (all that the money reads
// of the state). Most writes move none of those, and then the portfolio is not priced again.
interface HeldMoney {
  asOf: string;
  validations: string;
  /** Each benefit milestone's forecast and whether it is complete, when the money was made. */
  landings: Map<string, string>;
  money: Money;
}

const lastMoney = new WeakMap<Plan, HeldMoney>();

function landingOf(state: Snapshot['state'], milestone: string): string {
  const m = state.milestones.get(milestone);
  return m === undefined ? '' : `${m.forecastDate}${m.complete ? '+' : ''}`;
}

async function moneyOf(tx: Queryable, snapshot: Snapshot): Promise<Money> {
  const { plan, state } = snapshot;
  const validations = await listValueValidations(tx);
  const validationsKey = JSON.stringify(validations);
  const held = lastMoney.get(plan);
  if (held !== undefined && held.asOf === state.asOf && held.validations === validationsKey) {
    let same = true;
    for (const [id, landing] of held.landings)
      if (landingOf(state, id) !== landing) {
        same = false;
        break;
      }
    if (same) return held.money;
  }
  const values = portfolioValue(plan, state, validations);
  const money = portfolioMoney(plan, state, values).initiatives;
  const made = {
    values,
    money,
    signals: [...valueSignals(plan, values), ...overrunSignals(plan, money)],
  };
  const landings = new Map(plan.benefits.map((b) => [b.milestone, landingOf(state, b.milestone)]));
  lastMoney.set(plan, { asOf: state.asOf, validations: validationsKey, landings, money: made });
  return made;
}

/**
 * The money and value signals of a write (docs/GOVERNANCE.md): benefits below their promise and
 * budget overruns, computed from the snapshot and the stored validations, beside the engine's
 * signals (as staleness signals are).
 */
export async function moneySignals(tx: Queryable, snapshot: Snapshot): Promise<Signal[]> {
  const { plan } = snapshot;
  if (
    plan.benefits.length === 0 &&
    plan.initiatives.every((i) => Object.keys(i.budget).length === 0)
  )
    return [];
  return (await moneyOf(tx, snapshot)).signals;
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
  const { money } = await moneyOf(tx, snapshot);
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
        changes: snapshot.changes ?? (await loadLatestChanges(tx)),
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
