import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { webhookInboxHealth } from '../../app/webhook-inbox.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { healthRoute } from '../../contract/health.ts';

/** A pending delivery received longer ago than this is reported as stuck. */
const STUCK_AFTER_MS = 60_000;

/**
 * `GET /health`: liveness, the database in use and how the webhook inbox stands; the one route
 * without a token. `degraded` (still 200: the process is alive) when deliveries were
 * dead-lettered, are being retried or have waited longer than a minute.
 */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof healthRoute>>(
    '/health',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(healthRoute),
        summary: 'Is the service up?',
        tags: ['health'],
      },
      config: { public: true },
    },
    async () => {
      const webhooks = await webhookInboxHealth(ctx, STUCK_AFTER_MS);
      const degraded = webhooks.deadLettered + webhooks.retrying + webhooks.stuck > 0;
      return {
        status: degraded ? 'degraded' : 'ok',
        webhooks,
        database: ctx.db.kind,
        asOf: ctx.clock.asOf(),
        asOfPinned: ctx.clock.pinned,
      };
    },
  );
}
