import {
  leaseDeliveryForRetry,
  listRetryableDeliveries,
  loadNotificationPreferences,
  loadSignalRaisings,
  markDeliveriesSkipped,
} from '../../store/notification-store.ts';
import { readPlan } from '../derive.ts';
import type { AppContext } from '../context.ts';
import { mapLimited, SEND_LEASE_MS } from './deliver.ts';
import {
  summarise,
  type NotificationOutcome,
  type NotificationReport,
} from './notification-report.ts';
import { sendImmediate } from './notify-signals.ts';
import type { NotificationTransports } from './transports.ts';

const RESOLVED = 'the signal resolved before it could be sent';

/**
 * Tries again every immediate notification whose send failed (and that no process is sending
 * now), on the same claimed delivery: a person still gets each signal's raising at most once.
 * Deliveries of signals that resolved meanwhile are skipped.
 */
export async function retryNotifications(
  ctx: AppContext,
  transports: NotificationTransports,
  now: Date,
): Promise<NotificationReport> {
  const pending = await listRetryableDeliveries(ctx.db, now);
  if (pending.length === 0) return summarise([]);
  const plan = await readPlan(ctx);
  const raisings = await loadSignalRaisings(ctx.db, [...new Set(pending.map((d) => d.signalId))]);
  const preferences = await loadNotificationPreferences(ctx.db, [
    ...new Set(pending.map((d) => d.personId)),
  ]);
  const outcomes = await mapLimited(
    pending,
    4,
    async (delivery): Promise<NotificationOutcome | null> => {
      const raising = raisings.get(delivery.signalId);
      const base = {
        signalId: delivery.signalId,
        personId: delivery.personId,
        signalVersion: delivery.signalVersion,
        channel: delivery.channel,
      };
      if (
        raising !== undefined &&
        (raising.status === 'resolved' || raising.version !== delivery.signalVersion)
      ) {
        await markDeliveriesSkipped(ctx.db, [delivery.id], RESOLVED);
        return { ...base, outcome: 'skipped', reason: RESOLVED };
      }
      const leased = await leaseDeliveryForRetry(
        ctx.db,
        delivery.id,
        now,
        new Date(now.getTime() + SEND_LEASE_MS),
      );
      // Another process took it first.
      if (leased === null) return null;
      const preference = preferences.get(delivery.personId);
      if (preference === undefined)
        throw new Error(`no preference loaded for ${delivery.personId}`);
      const signal = raising?.signal ?? delivery.signal;
      return {
        ...(await sendImmediate(ctx, transports, plan, leased, signal, preference)),
        retry: true,
      };
    },
  );
  return summarise(outcomes.filter((o): o is NotificationOutcome => o !== null));
}
