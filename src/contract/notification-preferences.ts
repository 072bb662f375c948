import { z } from 'zod';
import { errorResponses } from './common.ts';

/** `GET` and `PUT /api/v1/me/notification-preferences`: how the signed-in person is told. */

const channel = z
  .enum(['email', 'chat', 'none'])
  .describe('Where signals go: e-mail (the address in the plan), a chat webhook, or nowhere.');
const mode = z
  .enum(['immediate', 'digest'])
  .describe('Each signal at once, or collected into a digest (`throughline notify digest`).');

/** A person's notification preferences as answered. */
export const notificationPreference = z.strictObject({
  personId: z.string(),
  channel,
  mode,
  chatWebhookUrl: z.string().nullable(),
  email: z
    .string()
    .nullable()
    .describe('The e-mail address the plan holds for the person (read-only here).'),
  updatedAt: z
    .string()
    .nullable()
    .describe('When the person last set them; null while the defaults apply.'),
});
export type NotificationPreference = z.infer<typeof notificationPreference>;

/** The body of `PUT /api/v1/me/notification-preferences`. */
export const notificationPreferenceInput = z.strictObject({
  channel,
  mode,
  chatWebhookUrl: z
    .string()
    .max(2000)
    .nullable()
    .optional()
    .describe(
      'A Slack-compatible incoming webhook (http or https); required for the chat channel. Kept when omitted, cleared with null.',
    ),
});
/** What a person may set: the body as validated, and what the use-case reads. */
export type NotificationPreferenceInput = z.infer<typeof notificationPreferenceInput>;

export const getNotificationPreferencesRoute = {
  response: { 200: notificationPreference, ...errorResponses },
} as const;

export const setNotificationPreferencesRoute = {
  body: notificationPreferenceInput,
  response: { 200: notificationPreference, ...errorResponses },
} as const;
