import type { NotificationPreferenceInput } from '../../contract/notification-preferences.ts';
import { fail } from '../../core/errors.ts';
import {
  type NotificationPreference,
  readNotificationPreference,
  writeNotificationPreference,
} from '../../store/notification-store.ts';
import { readPlan } from '../derive.ts';
import type { AppContext } from '../context.ts';

/** A person's preferences as they see them, with the e-mail address the plan holds for them. */
export interface NotificationPreferenceView extends NotificationPreference {
  /** From the plan (people[].email); null when the plan has none. */
  email: string | null;
}

async function withEmail(
  ctx: AppContext,
  preference: NotificationPreference,
): Promise<NotificationPreferenceView> {
  const plan = await readPlan(ctx);
  const email = plan?.people.find((p) => p.id === preference.personId)?.email;
  return { ...preference, email: email === undefined || email === '' ? null : email };
}

/** A person's notification preferences (the defaults until they set some). */
export async function getNotificationPreferences(
  ctx: AppContext,
  personId: string,
): Promise<NotificationPreferenceView> {
  return withEmail(ctx, await readNotificationPreference(ctx.db, personId));
}

/** Sets a person's notification preferences; a chat channel needs an http(s) webhook URL. */
export async function setNotificationPreferences(
  ctx: AppContext,
  personId: string,
  input: NotificationPreferenceInput,
): Promise<NotificationPreferenceView> {
  const current = await readNotificationPreference(ctx.db, personId);
  const given = input.chatWebhookUrl === undefined ? current.chatWebhookUrl : input.chatWebhookUrl;
  const url = given === null || given.trim() === '' ? null : given.trim();
  if (url !== null) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      fail('notify.bad_preference', `chatWebhookUrl '${url}' is not an http(s) address`, {
        path: '$.chatWebhookUrl',
      });
    }
  }
  if (input.channel === 'chat' && url === null) {
    fail(
      'notify.bad_preference',
      'the chat channel needs chatWebhookUrl: a Slack-compatible incoming webhook',
      { path: '$.chatWebhookUrl' },
    );
  }
  const stored = await writeNotificationPreference(
    ctx.db,
    { personId, channel: input.channel, mode: input.mode, chatWebhookUrl: url },
    ctx.clock.now(),
  );
  return withEmail(ctx, stored);
}
