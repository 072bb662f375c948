import { createHash } from 'node:crypto';
import type { Plan } from '../../core/domain/plan.ts';
import type {
  NotificationChannel,
  NotificationPreference,
} from '../../store/notification-store.ts';
import type { RenderedMessage } from './render-signal.ts';
import type { NotificationTransports, SendResult } from './transports.ts';

/** Where one person's notification goes, or why it goes nowhere. */
export type Destination =
  | { channel: 'email'; name: string; address: string }
  | { channel: 'chat'; url: string }
  | { channel: 'none'; reason: string };

/** How long a process may hold a delivery while it sends; after that another may retry it. */
export const SEND_LEASE_MS = 2 * 60_000;
/** Attempts before a delivery that keeps failing is given up. */
export const MAX_SEND_ATTEMPTS = 5;

/** Turns a person's preference into a destination, given what the plan and transports allow. */
export function destinationOf(
  preference: NotificationPreference,
  plan: Plan | null,
  transports: NotificationTransports,
): Destination {
  if (preference.channel === 'none') return { channel: 'none', reason: 'preference: none' };
  if (preference.channel === 'chat') {
    if (preference.chatWebhookUrl === null) {
      return { channel: 'none', reason: 'no chat webhook URL' };
    }
    return { channel: 'chat', url: preference.chatWebhookUrl };
  }
  const person = plan?.people.find((p) => p.id === preference.personId);
  if (person?.email === undefined || person.email === '') {
    return { channel: 'none', reason: 'no e-mail address in the plan' };
  }
  if (transports.email === null) {
    return { channel: 'none', reason: 'e-mail is not configured (SMTP_URL)' };
  }
  return { channel: 'email', name: person.name, address: person.email };
}

/** The channel a destination uses, as stored on a delivery. */
export function channelOf(
  destination: Destination,
  preference: NotificationPreference,
): NotificationChannel | 'none' {
  return destination.channel === 'none' ? preference.channel : destination.channel;
}

/** A Message-ID that is the same for every attempt of one delivery. */
export function deliveryMessageId(parts: readonly (string | number)[]): string {
  const hash = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
  return `<${hash}.notification@throughline.local>`;
}

/** Sends a rendered message to a destination; never throws. */
export async function sendTo(
  transports: NotificationTransports,
  destination: Exclude<Destination, { channel: 'none' }>,
  message: RenderedMessage,
  messageId?: string,
): Promise<SendResult> {
  if (destination.channel === 'chat') return transports.chat.send(destination.url, message.chat);
  if (transports.email === null) {
    return { ok: false, error: 'e-mail is not configured (SMTP_URL)', permanent: false };
  }
  return transports.email.send({
    to: { name: destination.name, address: destination.address },
    subject: message.subject,
    text: message.text,
    html: message.html,
    ...(messageId === undefined ? {} : { messageId }),
  });
}

/** Runs `work` over `items` with at most `limit` at a time, keeping the order of the results. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
