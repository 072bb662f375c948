import type { Plan } from '../../core/domain/plan.ts';
import type { Signal } from '../../core/domain/state.ts';
import {
  claimDelivery,
  findDelivery,
  leaseDeliveryForRetry,
  loadNotificationPreferences,
  loadSignalRaisings,
  markDeliveriesFailed,
  markDeliveriesSent,
  markDeliveriesSkipped,
  type NotificationDelivery,
  type NotificationPreference,
} from '../../store/notification-store.ts';
import { readPlan } from '../derive.ts';
import { planSight } from '../live-events.ts';
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
import {
  summarise,
  type NotificationOutcome,
  type NotificationReport,
} from './notification-report.ts';
import { renderSignal } from './render-signal.ts';
import type { NotificationTransports } from './transports.ts';

/** Sends at most this many messages at once. */
const SEND_CONCURRENCY = 4;

/**
 * Tells each affected owner of each signal, once per raising of the signal: the delivery is
 * claimed in the store (unique per signal, person and raising) before anything is sent, so a
 * second call — here or in another process — sends nothing more. A failed send stays claimed
 * and is retried (by a later call or `retryNotifications`); a signal that resolved and is raised
 * again is a new raising and is told again. Send failures are reported, never thrown.
 */
export async function notifySignals(
  ctx: AppContext,
  signals: readonly Signal[],
  transports: NotificationTransports,
): Promise<NotificationReport> {
  const byId = new Map(signals.map((s) => [s.id, s]));
  if (byId.size === 0) return summarise([]);
  const plan = await readPlan(ctx);
  const raisings = await loadSignalRaisings(ctx.db, [...byId.keys()]);
  const people = [...new Set([...byId.values()].flatMap((s) => s.affectedOwners))];
  const preferences = await loadNotificationPreferences(ctx.db, people);

  const tasks: { signal: Signal; version: number; personId: string }[] = [];
  const outcomes: NotificationOutcome[] = [];
  for (const signal of byId.values()) {
    const raising = raisings.get(signal.id);
    const version = raising?.version ?? 1;
    for (const personId of new Set(signal.affectedOwners)) {
      // Nobody is told about what the access policy keeps from them (a confidential initiative).
      if (plan !== null && !planSight(plan, personId, ctx.model?.parentOf).seesSignal(signal)) {
        outcomes.push({
          signalId: signal.id,
          personId,
          signalVersion: version,
          channel: 'none',
          outcome: 'skipped',
          reason: 'the access policy keeps the signal from them',
        });
      } else if (raising?.status === 'resolved') {
        // Told after the commit that raised it; a later write may already have resolved it.
        outcomes.push({
          signalId: signal.id,
          personId,
          signalVersion: version,
          channel: 'none',
          outcome: 'skipped',
          reason: 'the signal is resolved',
        });
      } else {
        tasks.push({ signal, version, personId });
      }
    }
  }
  const told = await mapLimited(tasks, SEND_CONCURRENCY, (task) => {
    const preference = preferences.get(task.personId);
    if (preference === undefined) throw new Error(`no preference loaded for ${task.personId}`);
    return notifyPerson(ctx, transports, plan, task.signal, task.version, preference);
  });
  return summarise([...outcomes, ...told]);
}

async function notifyPerson(
  ctx: AppContext,
  transports: NotificationTransports,
  plan: Plan | null,
  signal: Signal,
  version: number,
  preference: NotificationPreference,
): Promise<NotificationOutcome> {
  const personId = preference.personId;
  const destination = destinationOf(preference, plan, transports);
  const channel = channelOf(destination, preference);
  const now = ctx.clock.now();
  const leaseUntil = new Date(now.getTime() + SEND_LEASE_MS);
  const base = { signalId: signal.id, personId, signalVersion: version, channel };

  const claimed = await claimDelivery(
    ctx.db,
    {
      signalId: signal.id,
      personId,
      signalVersion: version,
      channel,
      mode: preference.mode,
      status: destination.channel === 'none' ? 'skipped' : 'pending',
      reason: destination.channel === 'none' ? destination.reason : null,
      signal,
    },
    now,
    leaseUntil,
  );
  if (claimed === null) {
    // Claimed before. Only an immediate delivery whose send failed may be tried again.
    const existing = await findDelivery(ctx.db, signal.id, personId, version);
    if (existing?.status !== 'pending' || existing.mode !== 'immediate') {
      return { ...base, channel: existing?.channel ?? channel, outcome: 'duplicate' };
    }
    const leased = await leaseDeliveryForRetry(ctx.db, existing.id, now, leaseUntil);
    if (leased === null) return { ...base, channel: existing.channel, outcome: 'duplicate' };
    return {
      ...(await sendImmediate(ctx, transports, plan, leased, signal, preference)),
      retry: true,
    };
  }
  if (destination.channel === 'none') {
    return { ...base, outcome: 'skipped', reason: destination.reason };
  }
  if (claimed.mode === 'digest') return { ...base, outcome: 'queued' };
  return sendImmediate(ctx, transports, plan, claimed, signal, preference);
}

/**
 * Sends one leased immediate delivery to where the person's preference points now, and records
 * the result: sent (final), failed (pending for a retry, or given up), or skipped.
 */
export async function sendImmediate(
  ctx: AppContext,
  transports: NotificationTransports,
  plan: Plan | null,
  delivery: NotificationDelivery,
  signal: Signal,
  preference: NotificationPreference,
): Promise<NotificationOutcome> {
  const destination = destinationOf(preference, plan, transports);
  const base = {
    signalId: delivery.signalId,
    personId: delivery.personId,
    signalVersion: delivery.signalVersion,
    channel: channelOf(destination, preference),
  };
  if (destination.channel === 'none') {
    await markDeliveriesSkipped(ctx.db, [delivery.id], destination.reason);
    return { ...base, outcome: 'skipped', reason: destination.reason };
  }
  const message = renderSignal(signal, { plan, publicUrl: transports.publicUrl });
  const messageId = deliveryMessageId([
    delivery.signalId,
    delivery.personId,
    delivery.signalVersion,
  ]);
  const result = await sendTo(transports, destination, message, messageId);
  if (result.ok) {
    await markDeliveriesSent(ctx.db, [delivery.id], ctx.clock.now());
    return { ...base, outcome: 'sent' };
  }
  await markDeliveriesFailed(ctx.db, [delivery.id], result.error, {
    permanent: result.permanent,
    maxAttempts: MAX_SEND_ATTEMPTS,
  });
  return { ...base, outcome: 'failed', reason: result.error };
}
