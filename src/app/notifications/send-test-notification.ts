import { fail } from '../../core/errors.ts';
import {
  type NotificationChannel,
  readNotificationPreference,
} from '../../store/notification-store.ts';
import { loadPlan } from '../../store/plan-store.ts';
import type { AppContext } from '../context.ts';
import { sendTo } from './deliver.ts';
import { renderTestMessage } from './render-signal.ts';
import type { NotificationTransports } from './transports.ts';

export type { NotificationChannel } from '../../store/notification-store.ts';

/** Where a test message went. */
export interface TestNotificationResult {
  personId: string;
  channel: NotificationChannel;
  /** The e-mail address or the chat webhook's host. */
  to: string;
}

/**
 * Sends a test message to a person through their preferred channel (e-mail when they chose
 * none) or the one asked for; nothing is recorded. Fails naming what is missing or what the
 * server answered.
 */
export async function sendTestNotification(
  ctx: AppContext,
  transports: NotificationTransports,
  personId: string,
  channel?: NotificationChannel,
): Promise<TestNotificationResult> {
  const plan = await loadPlan(ctx.db);
  const person = plan?.people.find((p) => p.id === personId);
  if (plan === null || person === undefined) {
    fail('not_found', `there is no person '${personId}' in the plan`, { path: 'person' });
  }
  const preference = await readNotificationPreference(ctx.db, personId);
  const chosen = channel ?? (preference.channel === 'none' ? 'email' : preference.channel);
  const message = renderTestMessage(personId, { plan, publicUrl: transports.publicUrl });
  if (chosen === 'chat') {
    const url = preference.chatWebhookUrl;
    if (url === null) {
      fail('notify.no_address', `${person.name} has no chat webhook URL in their preferences`, {
        path: 'chatWebhookUrl',
      });
    }
    const result = await sendTo(transports, { channel: 'chat', url }, message);
    if (!result.ok) fail('notify.send_failed', result.error, { path: 'chatWebhookUrl' });
    return { personId, channel: 'chat', to: new URL(url).host };
  }
  if (person.email === undefined || person.email === '') {
    fail('notify.no_address', `${person.name} has no e-mail address in the plan`, {
      path: `people.${personId}.email`,
    });
  }
  if (transports.email === null) {
    fail('config.invalid', 'e-mail is not configured: set SMTP_URL', { path: 'SMTP_URL' });
  }
  const result = await sendTo(
    transports,
    { channel: 'email', name: person.name, address: person.email },
    message,
  );
  if (!result.ok) fail('notify.send_failed', result.error, { path: 'SMTP_URL' });
  return { personId, channel: 'email', to: person.email };
}
