import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize } from '../../app/viewer.ts';
import { pushKpiActuals, pushWorkItems } from '../../app/push-api.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { pushKpiActualsRoute, pushWorkItemsRoute } from '../../contract/push.ts';
import { bearer } from './schemas.ts';
import { actorOf } from '../actor.ts';

/** `POST /api/v1/push/kpi-actuals` and `/work-items`: batches from any system, idempotent. */
export function registerPushRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<RouteTypes<typeof pushKpiActualsRoute>>(
    '/api/v1/push/kpi-actuals',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(pushKpiActualsRoute),
        summary: 'Pushes KPI actuals in a batch: each sets the KPI’s actual for a period',
        description:
          'The batch lands whole or not at all: an unknown KPI or a bad period refuses it, naming each bad entry by JSON path. Signals are recomputed in the same transaction. Send an `Idempotency-Key` header to retry safely.',
        tags: ['push'],
        security: bearer,
      },
    },
    async (request, reply) => {
      // Actuals come from finance controllers and sources, never from the owner they would prove.
      for (const [k, entry] of request.body.actuals.entries())
        await authorize(
          ctx,
          request.personId,
          { kind: 'kpi.record_actuals', kpi: entry.kpi },
          `$.actuals[${k}].kpi`,
        );
      const answer = await pushKpiActuals(ctx, request.body, {
        actor: actorOf(request),
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (answer.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(answer.statusCode).send(answer.body);
    },
  );

  app.post<RouteTypes<typeof pushWorkItemsRoute>>(
    '/api/v1/push/work-items',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(pushWorkItemsRoute),
        summary: 'Pushes work items in a batch: each is a snapshot of an item in its system',
        description:
          'Items are mirrored like Jira issues and linked to milestones by key. The same item again (same key and `updatedAt`) changes nothing; an older one does not roll a newer one back. The batch lands whole or not at all; signals are recomputed in the same transaction. Send an `Idempotency-Key` header to retry safely.',
        tags: ['push'],
        security: bearer,
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'source.push' });
      const answer = await pushWorkItems(ctx, request.body, {
        actor: actorOf(request),
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (answer.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.status(answer.statusCode).send(answer.body);
    },
  );
}
