import { addDays } from '../calendar.ts';
import type { IsoDate, Plan } from '../domain/plan.ts';
import type { Decider, Decision, DecisionOption } from './decision.ts';
import { earliest } from './due-date.ts';

/**
 * Reminders and escalation of open decisions, as rules over a decision and a day. The store and
 * the clock stay outside: the use-case (`src/app/decision-reminders.ts`) gives the day and what
 * the history says happened already.
 */

/** How many days before the due date the first reminder goes out. */
export const REMIND_DAYS_BEFORE = 3;

/** The reminders a decider gets: once in the days before the due date, once on the day. */
export type ReminderStep = 'due_soon' | 'due_today';

/**
 * The reminder due on `asOf` for a decision due on `dueDate`: `due_soon` on any day from three
 * days before to the day before (so a process that was down on the third day still sends it),
 * `due_today` on the due day; none otherwise, and none without a due date.
 */
export function reminderStep(dueDate: IsoDate | null, asOf: IsoDate): ReminderStep | null {
  if (dueDate === null || asOf > dueDate) return null;
  if (asOf === dueDate) return 'due_today';
  return asOf >= addDays(dueDate, -REMIND_DAYS_BEFORE) ? 'due_soon' : null;
}

/** Whether an option can still be chosen on `asOf`: its last day has not passed. */
export function stillPossible(option: DecisionOption, asOf: IsoDate): boolean {
  return option.lastDay === null || asOf <= option.lastDay;
}

/** What happens to a decision whose due date passed undecided. */
export interface Escalation {
  /** Who held it. */
  from: string;
  /** Who holds it now: the next holder of the right, or `from` when there is nobody above. */
  to: string;
  /** True when nobody above could take it: it stays with its decider, overdue. */
  stays: boolean;
  /** The due date that passed. */
  passedDueDate: IsoDate;
  /** The new due date: the last day every option still possible is possible (null: no limit). */
  dueDate: IsoDate | null;
  /** Options whose last day has passed: they can no longer be chosen. */
  expired: number[];
  /** Options that can still be chosen. */
  remaining: number[];
  decider: Decider;
  /** In words, for the history and the messages. */
  because: string;
}

/**
 * The people a decision goes up to, in order: the holders of the other rights that cover every
 * option (lowest first, as weighed when it was opened), then the plan's executives in plan order.
 */
export function escalationChain(plan: Plan, decider: Decider): string[] {
  const chain: string[] = [];
  const add = (person: string | null): void => {
    if (person !== null && !chain.includes(person)) chain.push(person);
  };
  add(decider.escalatesTo);
  for (const c of decider.considered) if (c.covers) add(c.person);
  for (const p of plan.people) if (p.role === 'executive') add(p.id);
  return chain.filter((p) => plan.people.some((x) => x.id === p));
}

/**
 * Escalates a decision whose due date passed on `asOf`: it goes to the first person of the
 * escalation chain who has not held it yet (`heldBy`, the current decider included); with nobody
 * left it stays with its decider. Options whose last day passed can no longer be chosen; the new
 * due date is the last day every remaining option is possible. With no option left it keeps the
 * passed due date: deciding is refused, and a new decision with options possible now is needed.
 * Null when the decision is not open or not past due.
 */
export function escalate(
  plan: Plan,
  decision: Decision,
  asOf: IsoDate,
  heldBy: readonly string[],
): Escalation | null {
  const passed = decision.dueDate;
  if (decision.status !== 'open' || passed === null || asOf <= passed) return null;
  const from = decision.decider.person;
  const held = new Set([...heldBy, from]);
  const chain = escalationChain(plan, decision.decider);
  const next = chain.find((p) => !held.has(p)) ?? null;
  const to = next ?? from;
  const after =
    next === null ? null : (chain.slice(chain.indexOf(next) + 1).find((p) => !held.has(p)) ?? null);
  const remainingOptions = decision.options.filter((o) => stillPossible(o, asOf));
  const expired = decision.options.filter((o) => !stillPossible(o, asOf)).map((o) => o.number);
  const dueDate =
    remainingOptions.length === 0 ? passed : earliest(remainingOptions.map((o) => o.lastDay));
  const name = (id: string): string => personName(plan, id);
  const because =
    next === null
      ? `${decision.id} was not decided by ${passed}, when it was due, and nobody above ${name(from)} holds the right: it stays with ${name(from)}`
      : `${decision.id} was not decided by ${passed}, when it was due: it goes from ${name(from)} to ${name(to)}, the next holder of the right`;
  const right = decision.decider.considered.find((c) => c.covers && c.person === to)?.right ?? null;
  const decider: Decider = {
    person: to,
    right: next === null ? decision.decider.right : right,
    because:
      next === null
        ? decision.decider.because
        : `${name(to)}, by escalation: ${name(from)} did not decide it by ${passed}${right === null ? '' : ` (${right})`}`,
    considered: decision.decider.considered,
    escalatesTo: after,
  };
  return {
    from,
    to,
    stays: next === null,
    passedDueDate: passed,
    dueDate,
    expired,
    remaining: remainingOptions.map((o) => o.number),
    decider,
    because,
  };
}

/** A person's name from the plan, or their id. */
export function personName(plan: Plan | null, id: string): string {
  return plan?.people.find((p) => p.id === id)?.name ?? id;
}
