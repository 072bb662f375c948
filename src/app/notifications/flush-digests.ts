import type { Plan } from '../../core/domain/plan.ts';
import {
  leaseDigestItems,
  listDigestRecipients,
  loadSignalRaisings,
  markDeliveriesFailed,
  markDeliveriesSkipped,
  readNotificationPreference,
  recordDigestSent,
} from '../../store/notification-store.ts';
import { readPlan } from '../derive.ts';
import type { AppContext } from '../context.ts';
import {
  channelOf,
  deliveryMessageId,
  destinationOf,
  MAX_SEND_ATTEMPTS,
  SEND_LEASE_MS,
  sendTo,
} from './deliver.ts';
import type { DigestOutcome, DigestReport } from './notification-report.ts';
import { renderDigest } from './render-signal.ts';
import type { NotificationTransports } from './transports.ts';

const RESOLVED = 'the signal resolved before the digest';

/**
 * Sends one digest per person of the signals queued for them, through the channel their
 * preference names now. Queued signals that resolved meanwhile are left out (skipped). A failed
 * digest keeps its items queued for the next flush; a sent one marks them sent, for good.
 */
export async function flushDigests(
  ctx: AppContext,
  transports: NotificationTransports,
  now: Date,
): Promise<DigestReport> {
  const people = await listDigestRecipients(ctx.db, now);
  const plan = people.length === 0 ? null : await readPlan(ctx);
  const digests: DigestOutcome[] = [];
  for (const personId of people) {
    const outcome = await flushOne(ctx, transports, plan, personId, now);
    if (outcome !== null) digests.push(outcome);
  }
  const sent = digests.filter((d) => d.outcome === 'sent');
  return {
    sent: sent.length,
    failed: digests.filter((d) => d.outcome === 'failed').length,
    skipped: digests.filter((d) => d.outcome === 'skipped').length,
    items: sent.reduce((sum, d) => sum + d.items, 0),
    digests,
  };
}

async function flushOne(
  ctx: AppContext,
  transports: NotificationTransports,
  plan: Plan | null,
  personId: string,
  now: Date,
): Promise<DigestOutcome | null> {
  const items = await leaseDigestItems(
    ctx.db,
    personId,
    now,
    new Date(now.getTime() + SEND_LEASE_MS),
  );
  // Another process is flushing this person's digest.
  if (items.length === 0) return null;
  const raisings = await loadSignalRaisings(ctx.db, [...new Set(items.map((i) => i.signalId))]);
  const live = items.filter((item) => {
    const raising = raisings.get(item.signalId);
    return (
      raising === undefined || (raising.status === 'open' && raising.version === item.signalVersion)
    );
  });
  const stale = items.filter((item) => !live.includes(item));
  if (stale.length > 0) {
    await markDeliveriesSkipped(
      ctx.db,
      stale.map((i) => i.id),
      RESOLVED,
    );
  }
  const preference = await readNotificationPreference(ctx.db, personId);
  const destination = destinationOf(preference, plan, transports);
  const channel = channelOf(destination, preference);
  if (live.length === 0) {
    return { personId, channel, items: 0, outcome: 'skipped', reason: RESOLVED };
  }
  const ids = live.map((i) => i.id);
  if (destination.channel === 'none') {
    await markDeliveriesSkipped(ctx.db, ids, destination.reason);
    return {
      personId,
      channel,
      items: live.length,
      outcome: 'skipped',
      reason: destination.reason,
    };
  }
  // Each signal as it stands now (its figures may have moved since it was queued).
  const signals = live.map((item) => raisings.get(item.signalId)?.signal ?? item.signal);
  const message = renderDigest(signals, personId, { plan, publicUrl: transports.publicUrl });
  const result = await sendTo(
    transports,
    destination,
    message,
    deliveryMessageId(['digest', personId, ...ids]),
  );
  if (!result.ok) {
    await markDeliveriesFailed(ctx.db, ids, result.error, {
      permanent: result.permanent,
      maxAttempts: MAX_SEND_ATTEMPTS,
    });
    return { personId, channel, items: live.length, outcome: 'failed', reason: result.error };
  }
  await recordDigestSent(ctx.db, personId, destination.channel, ids, ctx.clock.now());
  return { personId, channel, items: live.length, outcome: 'sent' };
}
