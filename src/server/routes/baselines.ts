import type { FastifyInstance } from 'fastify';
import { listBaselines, saveBaseline, varianceAgainst } from '../../app/baselines.ts';
import type { AppContext } from '../../app/context.ts';
import { kpiForecastHistory } from '../../app/known-at.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import { fail } from '../../core/errors.ts';
import { actorOf } from '../actor.ts';
import {
  forecastHistoryRoute,
  listBaselinesRoute,
  saveBaselineRoute,
  varianceRoute,
} from '../../contract/baselines.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { bearer } from './schemas.ts';

/**
 * `/api/v1/baselines`: named baselines of the plan and the variance against them; and a KPI's
 * forecast history (how its forecast per target period moved, recomputed from the history).
 */
export function registerBaselineRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof listBaselinesRoute>>(
    '/api/v1/baselines',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(listBaselinesRoute),
        summary: 'Baselines: the original plan (B0), then every one saved, oldest first',
        tags: ['baselines'],
        security: bearer,
      },
    },
    async () => ({ baselines: await listBaselines(ctx) }),
  );

  app.post<RouteTypes<typeof saveBaselineRoute>>(
    '/api/v1/baselines',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(saveBaselineRoute),
        summary: 'Saves a baseline of the plan as it stands (the strategy office, admins)',
        tags: ['baselines'],
        security: bearer,
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'baseline.save' });
      return reply.code(201).send(await saveBaseline(ctx, request.body, actorOf(request)));
    },
  );

  app.get<RouteTypes<typeof varianceRoute>>(
    '/api/v1/baselines/:id/variance',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(varianceRoute),
        summary:
          "Variance against a baseline (id or name): milestones' planned and forecast dates against the baseline's, initiatives' budget against the baseline's",
        tags: ['baselines'],
        security: bearer,
      },
    },
    async (request) => varianceAgainst(ctx, request.params.id, request.personId),
  );

  app.get<RouteTypes<typeof forecastHistoryRoute>>(
    '/api/v1/kpis/:id/forecast-history',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(forecastHistoryRoute),
        summary:
          "How a KPI's forecast per target period moved over time: the engine recomputed at each write of the plan or the work the history holds",
        tags: ['state'],
        security: bearer,
      },
    },
    async (request) => {
      const { seen } = await viewerFor(ctx, request.personId);
      // One the caller may not see is as unknown to them as one that does not exist.
      if (!seen.sees('kpi', request.params.id))
        fail('not_found', `there is no KPI '${request.params.id.slice(0, 200)}'`, { path: 'id' });
      return kpiForecastHistory(ctx, request.params.id);
    },
  );
}
