import type { Decision, DecisionOption } from '../../core/decisions/decision.ts';
import type { Plan } from '../../core/domain/plan.ts';
import {
  claimDecisionEvent,
  insertDecisionNotices,
  leaseNotice,
  listSendableNotices,
  listUntoldDecisionEvents,
  markNotice,
  signalAffectedOwners,
  type NoticeClaim,
  type UntoldDecisionEvent,
} from '../../store/decision-notice-store.ts';
import { loadDecision } from '../../store/decision-store.ts';
import { appendEvents } from '../../store/event-log-store.ts';
import {
  loadNotificationPreferences,
  readNotificationPreference,
  type NotificationChannel,
} from '../../store/notification-store.ts';
import { readPlan } from '../derive.ts';
import type { AppContext } from '../context.ts';
import {
  channelOf,
  deliveryMessageId,
  destinationOf,
  mapLimited,
  MAX_SEND_ATTEMPTS,
  SEND_LEASE_MS,
  sendTo,
} from './deliver.ts';
import { renderDecisionEvent } from './render-decision.ts';
import type { NotificationTransports } from './transports.ts';

/** The steps of a decision's history that tell someone. */
export const TOLD_ACTIONS = [
  'opened',
  'option_added',
  'reminded',
  'escalated',
  'overdue',
  'decided',
] as const;

const NOT_CONFIGURED = 'notifications are not configured in this process';

/** What one notice did: sent, failed (kept for a retry unless given up) or skipped (why). */
export interface DecisionNoticeOutcome {
  decisionId: string;
  action: string;
  personId: string;
  channel: NotificationChannel | 'none';
  outcome: 'sent' | 'failed' | 'skipped';
  reason?: string;
}

/** What `notifyDecisions` did. */
export interface DecisionNoticeReport {
  /** Steps of decision histories turned into notices by this call. */
  steps: number;
  sent: number;
  failed: number;
  skipped: number;
  outcomes: DecisionNoticeOutcome[];
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The owners an option touches: of the initiatives its effect names, of the milestones whose
 * dates it moves, of the KPIs whose forecast it moves, and of the work at the units it changes.
 */
export function ownersTouchedBy(plan: Plan, option: DecisionOption): string[] {
  const owners = new Set<string>();
  const initiativeOwner = (id: string): void => {
    const owner = plan.initiatives.find((i) => i.id === id)?.owner;
    if (owner !== undefined) owners.add(owner);
  };
  option.effect.initiatives.forEach(initiativeOwner);
  for (const m of option.result.milestones) {
    const milestone = plan.milestones.find((x) => x.id === m.id);
    if (milestone?.owner !== undefined) owners.add(milestone.owner);
    else if (milestone !== undefined) initiativeOwner(milestone.initiative);
  }
  for (const k of option.result.kpis) {
    const owner = plan.kpis.find((x) => x.id === k.kpi)?.owner;
    if (owner !== undefined) owners.add(owner);
  }
  for (const unit of option.effect.units)
    for (const d of plan.demands) if (d.unit === unit) initiativeOwner(d.initiative);
  return [...owners];
}

/**
 * Who a step tells: the decider of an opened decision or of a new option, and of a reminder;
 * the new and the former decider of an escalation; the owners the chosen option touches and the
 * signal's affected owners of a decision. Never the person who took the step, who knows.
 */
async function recipientsOf(
  ctx: AppContext,
  plan: Plan | null,
  decision: Decision,
  event: UntoldDecisionEvent,
): Promise<string[]> {
  const d = event.detail;
  let people: string[] = [];
  switch (event.action) {
    case 'opened':
    case 'option_added':
    case 'reminded':
      people = [str(d.decider) ?? decision.decider.person];
      break;
    case 'escalated':
      people = [str(d.to), str(d.from)].filter((p): p is string => p !== null);
      break;
    case 'overdue':
      people = [str(d.to) ?? decision.decider.person];
      break;
    case 'decided': {
      const option = decision.options.find((o) => o.number === d.option);
      if (plan !== null && option !== undefined) people.push(...ownersTouchedBy(plan, option));
      if (decision.signal !== null)
        people.push(...(await signalAffectedOwners(ctx.db, decision.signal)));
      break;
    }
    default:
      break;
  }
  const known = (p: string): boolean => plan === null || plan.people.some((x) => x.id === p);
  return [...new Set(people)].filter((p) => p !== event.actor && known(p));
}

/** Turns one step into notices and a live event, once across every process. */
async function tell(
  ctx: AppContext,
  transports: NotificationTransports | null,
  plan: Plan | null,
  event: UntoldDecisionEvent,
): Promise<boolean> {
  const decision = await loadDecision(ctx.db, event.decisionId);
  if (decision === null) return false;
  const recipients = await recipientsOf(ctx, plan, decision, event);
  const publicUrl = transports?.publicUrl ?? '';
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    if (!(await claimDecisionEvent(tx, event.seq, recipients.length, now))) return false;
    const preferences = await loadNotificationPreferences(tx, recipients);
    const claims: NoticeClaim[] = recipients.map((personId) => {
      const preference = preferences.get(personId);
      const destination =
        transports === null || preference === undefined
          ? { channel: 'none' as const, reason: NOT_CONFIGURED }
          : destinationOf(preference, plan, transports);
      return {
        eventSeq: event.seq,
        decisionId: decision.id,
        action: event.action,
        personId,
        channel: preference === undefined ? 'none' : channelOf(destination, preference),
        status: destination.channel === 'none' ? 'skipped' : 'pending',
        reason: destination.channel === 'none' ? destination.reason : null,
        message: renderDecisionEvent(decision, event, personId, { plan, publicUrl }),
      };
    });
    await insertDecisionNotices(tx, claims, now);
    // Browsers: the people told (and whoever took the step) see it on the live stream.
    const heading = claims[0]?.message.subject.replace(/^\[Throughline\] /, '') ?? null;
    await appendEvents(
      tx,
      [
        {
          kind: 'decision',
          data: {
            decision: decision.id,
            action: event.action,
            step: event.seq,
            title: decision.title,
            heading,
            told: recipients,
          },
          owners: [...new Set([...recipients, event.actor])],
          units: [],
        },
      ],
      now,
      ctx.db.kind === 'postgres',
    );
    return true;
  });
}

/**
 * Tells the people a decision's steps concern — opened, option added, reminded, escalated,
 * overdue, decided — through the channel each prefers (e-mail or chat; `none` is respected), and
 * browsers through the live stream. Each step reaches each person once however many processes
 * call this: the step is claimed in the store before its notices are written, and each notice
 * is leased before it is sent. Failed sends stay pending and are tried again by a later call
 * (at most five attempts; a permanent refusal is given up). Without transports, notices are
 * recorded as skipped. Send failures are reported, never thrown.
 */
export async function notifyDecisions(
  ctx: AppContext,
  transports: NotificationTransports | null,
): Promise<DecisionNoticeReport> {
  const untold = await listUntoldDecisionEvents(ctx.db, TOLD_ACTIONS);
  const pending = transports === null ? [] : await listSendableNotices(ctx.db, ctx.clock.now());
  // Called after every write: nothing to do must cost two small queries, not a plan load.
  if (untold.length === 0 && pending.length === 0)
    return { steps: 0, sent: 0, failed: 0, skipped: 0, outcomes: [] };
  const plan = await readPlan(ctx);
  let steps = 0;
  for (const event of untold) if (await tell(ctx, transports, plan, event)) steps++;
  const outcomes = transports === null ? [] : await sendPending(ctx, transports, plan);
  const count = (kind: DecisionNoticeOutcome['outcome']): number =>
    outcomes.filter((o) => o.outcome === kind).length;
  return {
    steps,
    sent: count('sent'),
    failed: count('failed'),
    skipped: count('skipped'),
    outcomes,
  };
}

async function sendPending(
  ctx: AppContext,
  transports: NotificationTransports,
  plan: Plan | null,
): Promise<DecisionNoticeOutcome[]> {
  const now = ctx.clock.now();
  const pending = await listSendableNotices(ctx.db, now);
  const outcomes = await mapLimited(pending, 4, async (notice) => {
    const leased = await leaseNotice(
      ctx.db,
      notice.id,
      now,
      new Date(now.getTime() + SEND_LEASE_MS),
    );
    // Another process took it first.
    if (leased === null) return null;
    // Where the person's preference points now.
    const preference = await readNotificationPreference(ctx.db, leased.personId);
    const destination = destinationOf(preference, plan, transports);
    const base = {
      decisionId: leased.decisionId,
      action: leased.action,
      personId: leased.personId,
      channel: channelOf(destination, preference),
    };
    if (destination.channel === 'none') {
      await markNotice(ctx.db, leased.id, { status: 'skipped', reason: destination.reason });
      return { ...base, outcome: 'skipped' as const, reason: destination.reason };
    }
    const result = await sendTo(
      transports,
      destination,
      {
        ...leased.message,
        chat: leased.message.chat as Parameters<typeof sendTo>[2]['chat'],
      },
      deliveryMessageId(['decision', leased.eventSeq, leased.personId]),
    );
    if (result.ok) {
      await markNotice(ctx.db, leased.id, {
        status: 'sent',
        channel: destination.channel,
        at: ctx.clock.now(),
      });
      return { ...base, outcome: 'sent' as const };
    }
    await markNotice(ctx.db, leased.id, {
      status: 'failed',
      error: result.error,
      permanent: result.permanent,
      maxAttempts: MAX_SEND_ATTEMPTS,
    });
    return { ...base, outcome: 'failed' as const, reason: result.error };
  });
  return outcomes.filter((o): o is NonNullable<typeof o> => o !== null);
}
