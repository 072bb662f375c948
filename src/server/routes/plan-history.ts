import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { planHistory } from '../../app/plan-history.ts';
import { bearer } from './schemas.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { planHistoryRoute } from '../../contract/plan-history.ts';

/** `/api/v1/plan/history`: the plan's changes, who made them and when, as the caller may see them. */
export function registerPlanHistoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof planHistoryRoute>>(
    '/api/v1/plan/history',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(planHistoryRoute),
        summary: "The plan's history: each change, who made it, when, each field before and after",
        description:
          'Newest first. Only the entities the caller sees (docs/ACCESS.md). Filter by `item` (`milestones/M-GOLIVE`); page back with `before` (the last `seq` read).',
        tags: ['plan'],
        security: bearer,
      },
    },
    async (request) => {
      const { item, before, limit } = request.query;
      return planHistory(ctx, request.personId, {
        ...(item === undefined ? {} : { item }),
        ...(before === undefined ? {} : { before }),
        limit: limit ?? 100,
      });
    },
  );
}
