import type { Decision } from '../core/decisions/decision.ts';
import { addDays, daysBetween } from '../core/calendar.ts';
import {
  escalate,
  escalationChain,
  REMIND_DAYS_BEFORE,
  reminderStep,
  type ReminderStep,
} from '../core/decisions/escalation.ts';
import type { IsoDate } from '../core/domain/plan.ts';
import type { Queryable } from '../store/database.ts';
import {
  appendDecisionEvent,
  listDecisionEvents,
  loadDecision,
  updateDecision,
  type DecisionEvent,
} from '../store/decision-store.ts';
import { listOpenDecisionsDueBy } from '../store/decision-notice-store.ts';
import { loadPlan } from '../store/plan-store.ts';
import type { AppContext } from './context.ts';
import { write } from './write.ts';

/** Who takes the steps the clock takes: reminders, escalations. */
export const CLOCK_ACTOR = 'throughline';

/** What `remindAndEscalate` did on one day. */
export interface RemindAndEscalateReport {
  asOf: IsoDate;
  reminded: { decision: string; decider: string; step: ReminderStep; dueDate: IsoDate }[];
  escalated: {
    decision: string;
    from: string;
    to: string;
    /** True when nobody above held the right: the decision stays with its decider, overdue. */
    stays: boolean;
    passedDueDate: IsoDate;
    dueDate: IsoDate | null;
    expired: number[];
  }[];
}

/** Everyone who has held a decision, from its history: the first decider and each escalation. */
export function formerDeciders(history: readonly DecisionEvent[]): string[] {
  const held: string[] = [];
  for (const e of history) {
    const person =
      e.action === 'opened' ? e.detail.decider : e.action === 'escalated' ? e.detail.to : null;
    if (typeof person === 'string' && !held.includes(person)) held.push(person);
  }
  return held;
}

/** The people decision `id` went up from because they did not decide it in time. */
export async function escalatedFrom(db: Queryable, id: string): Promise<string[]> {
  const history = await listDecisionEvents(db, id);
  return history.flatMap((e) =>
    e.action === 'escalated' && typeof e.detail.from === 'string' ? [e.detail.from] : [],
  );
}

/**
 * Whether the decider was handed the decision (an escalation naming this due date) on or after
 * the first day of this reminder step: then that message was the reminder.
 */
function handedInWindow(
  history: readonly DecisionEvent[],
  decision: Decision,
  step: ReminderStep,
): boolean {
  const due = decision.dueDate;
  if (due === null) return false;
  const from = step === 'due_soon' ? addDays(due, -REMIND_DAYS_BEFORE) : due;
  return history.some(
    (e) =>
      (e.action === 'escalated' || e.action === 'overdue') &&
      e.detail.to === decision.decider.person &&
      e.detail.dueDate === due &&
      typeof e.detail.asOf === 'string' &&
      e.detail.asOf >= from,
  );
}

/**
 * The clock's part in decisions, for one day (`asOf`, the engine's today): every open decision
 * whose due date passed goes up to the next holder of the right (or stays, overdue, when nobody
 * is above), with options no longer possible left out and a new due date; every open decision
 * due within three days reminds its decider once (`due_soon`), and once more on the day
 * (`due_today`). Each step is appended to the decision's history (`escalated`, `overdue`,
 * `reminded`) in one write transaction under the write lock, and is taken once whatever the
 * number of ticks or processes: the history says what was done already. `notifyDecisions` tells
 * the people.
 */
export async function remindAndEscalate(
  ctx: AppContext,
  asOf: IsoDate = ctx.clock.asOf(),
): Promise<RemindAndEscalateReport> {
  const report: RemindAndEscalateReport = { asOf, reminded: [], escalated: [] };
  // Past due, or due within the reminder window: a small query, run every minute.
  const due = await listOpenDecisionsDueBy(ctx.db, addDays(asOf, REMIND_DAYS_BEFORE));
  if (due.length === 0) return report;
  await write(ctx, { id: CLOCK_ACTOR, origin: { via: 'server' } }, async ({ tx, at, audit }) => {
    const plan = await loadPlan(tx);
    if (plan === null) return;
    for (const id of due) {
      // Read again under the lock: another process may have taken the step already.
      const decision = await loadDecision(tx, id, true);
      if (decision === null || decision.status !== 'open' || decision.dueDate === null) continue;
      const history = await listDecisionEvents(tx, id);
      const step = escalate(plan, decision, asOf, formerDeciders(history));
      if (step !== null) {
        // The same passed due date is escalated once (with no option left it stays passed).
        const done = history.some(
          (e) =>
            (e.action === 'escalated' || e.action === 'overdue') &&
            e.detail.passedDueDate === step.passedDueDate,
        );
        if (done) continue;
        await updateDecision(tx, { ...decision, decider: step.decider, dueDate: step.dueDate });
        audit({
          action: step.stays ? 'decision.overdue' : 'decision.escalate',
          item: `decision/${id}`,
          before: { decider: step.from, dueDate: decision.dueDate },
          after: { decider: step.to, dueDate: step.dueDate },
        });
        await appendDecisionEvent(tx, id, at, CLOCK_ACTOR, step.stays ? 'overdue' : 'escalated', {
          from: step.from,
          to: step.to,
          because: step.because,
          passedDueDate: step.passedDueDate,
          dueDate: step.dueDate,
          expired: step.expired,
          remaining: step.remaining,
          asOf,
        });
        report.escalated.push({
          decision: id,
          from: step.from,
          to: step.to,
          stays: step.stays,
          passedDueDate: step.passedDueDate,
          dueDate: step.dueDate,
          expired: step.expired,
        });
        continue;
      }
      const reminder = reminderStep(decision.dueDate, asOf);
      if (reminder === null) continue;
      const decider = decision.decider.person;
      const sent = history.some(
        (e) =>
          e.action === 'reminded' &&
          e.detail.step === reminder &&
          e.detail.dueDate === decision.dueDate &&
          e.detail.decider === decider,
      );
      if (sent || handedInWindow(history, decision, reminder)) continue;
      const held = formerDeciders(history);
      const next = escalationChain(plan, decision.decider).find(
        (p) => p !== decider && !held.includes(p),
      );
      await appendDecisionEvent(tx, id, at, CLOCK_ACTOR, 'reminded', {
        step: reminder,
        decider,
        dueDate: decision.dueDate,
        daysLeft: daysBetween(asOf, decision.dueDate),
        asOf,
        // Who gets it if the day passes (null: it stays, overdue).
        next: next ?? null,
      });
      report.reminded.push({ decision: id, decider, step: reminder, dueDate: decision.dueDate });
    }
  });
  return report;
}
