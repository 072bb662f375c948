import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import {
  getNotificationPreferences,
  type NotificationPreferenceInput,
  setNotificationPreferences,
} from '../../app/notifications/notification-preferences.ts';
import { bearer, errorResponses } from './schemas.ts';

const channel = {
  type: 'string',
  enum: ['email', 'chat', 'none'],
  description: 'Where signals go: e-mail (the address in the plan), a chat webhook, or nowhere.',
} as const;

const mode = {
  type: 'string',
  enum: ['immediate', 'digest'],
  description: 'Each signal at once, or collected into a digest (`throughline notify digest`).',
} as const;

/** The body of `PUT /api/v1/me/notification-preferences`. */
export const notificationPreferenceInputSchema = {
  type: 'object',
  properties: {
    channel,
    mode,
    chatWebhookUrl: {
      type: ['string', 'null'],
      maxLength: 2000,
      description:
        'A Slack-compatible incoming webhook (http or https); required for the chat channel. Kept when omitted, cleared with null.',
    },
  },
  required: ['channel', 'mode'],
  additionalProperties: false,
} as const;

/** A person's notification preferences as answered. */
export const notificationPreferenceSchema = {
  type: 'object',
  properties: {
    personId: { type: 'string' },
    channel,
    mode,
    chatWebhookUrl: { type: ['string', 'null'] },
    email: {
      type: ['string', 'null'],
      description: 'The e-mail address the plan holds for the person (read-only here).',
    },
    updatedAt: {
      type: ['string', 'null'],
      description: 'When the person last set them; null while the defaults apply.',
    },
  },
  required: ['personId', 'channel', 'mode', 'chatWebhookUrl', 'email', 'updatedAt'],
} as const;

/** `GET` and `PUT /api/v1/me/notification-preferences`: how the signed-in person is told about signals. */
export function registerNotificationPreferenceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/me/notification-preferences',
    {
      schema: {
        summary: 'How the signed-in person is told about signals that affect them',
        tags: ['notifications'],
        security: bearer,
        response: { 200: notificationPreferenceSchema, ...errorResponses },
      },
    },
    async (request) => getNotificationPreferences(ctx, request.personId),
  );

  app.put<{ Body: NotificationPreferenceInput }>(
    '/api/v1/me/notification-preferences',
    {
      schema: {
        summary: 'Sets how the signed-in person is told about signals that affect them',
        description:
          'Each signal reaches a person at most once per raising, whatever is set here and however often it changes.',
        tags: ['notifications'],
        security: bearer,
        body: notificationPreferenceInputSchema,
        response: { 200: notificationPreferenceSchema, ...errorResponses },
      },
    },
    async (request) => setNotificationPreferences(ctx, request.personId, request.body),
  );
}
