import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import {
  getNotificationPreferences,
  setNotificationPreferences,
} from '../../app/notifications/notification-preferences.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  getNotificationPreferencesRoute,
  setNotificationPreferencesRoute,
} from '../../contract/notification-preferences.ts';
import { bearer } from './schemas.ts';

/** `GET` and `PUT /api/v1/me/notification-preferences`: how the signed-in person is told about signals. */
export function registerNotificationPreferenceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof getNotificationPreferencesRoute>>(
    '/api/v1/me/notification-preferences',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(getNotificationPreferencesRoute),
        summary: 'How the signed-in person is told about signals that affect them',
        tags: ['notifications'],
        security: bearer,
      },
    },
    async (request) => getNotificationPreferences(ctx, request.personId),
  );

  app.put<RouteTypes<typeof setNotificationPreferencesRoute>>(
    '/api/v1/me/notification-preferences',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(setNotificationPreferencesRoute),
        summary: 'Sets how the signed-in person is told about signals that affect them',
        description:
          'Each signal reaches a person at most once per raising, whatever is set here and however often it changes.',
        tags: ['notifications'],
        security: bearer,
      },
    },
    async (request) => setNotificationPreferences(ctx, request.personId, request.body),
  );
}
