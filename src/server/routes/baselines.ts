import type { FastifyInstance } from 'fastify';
import {
  listBaselines,
  saveBaseline,
  varianceAgainst,
  type NewBaseline,
} from '../../app/baselines.ts';
import type { AppContext } from '../../app/context.ts';
import { kpiForecastHistory } from '../../app/known-at.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import { fail } from '../../core/errors.ts';
import { actorOf } from '../actor.ts';
import { bearer, errorResponses, errorSchema } from './schemas.ts';

/** An id or name as a path names it: no control character (a NUL never reaches the database). */
const ID = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[^\\u0000-\\u001f]+$',
} as const;

/**
 * `/api/v1/baselines`: named baselines of the plan and the variance against them; and a KPI's
 * forecast history (how its forecast per target period moved, recomputed from the history).
 */
export function registerBaselineRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/baselines',
    {
      schema: {
        summary: 'Baselines: the original plan (B0), then every one saved, oldest first',
        tags: ['baselines'],
        security: bearer,
        response: errorResponses,
      },
    },
    async () => ({ baselines: await listBaselines(ctx) }),
  );

  app.post<{ Body: NewBaseline }>(
    '/api/v1/baselines',
    {
      schema: {
        summary: 'Saves a baseline of the plan as it stands (the strategy office, admins)',
        tags: ['baselines'],
        security: bearer,
        body: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 100 },
            kind: { type: 'string', enum: ['approved', 'manual'] },
            note: { type: 'string', maxLength: 2000 },
          },
          required: ['name'],
          additionalProperties: false,
        },
        response: { ...errorResponses, 403: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'baseline.save' });
      return reply.code(201).send(await saveBaseline(ctx, request.body, actorOf(request)));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/baselines/:id/variance',
    {
      schema: {
        summary:
          "Variance against a baseline (id or name): milestones' planned and forecast dates against the baseline's, initiatives' budget against the baseline's",
        tags: ['baselines'],
        security: bearer,
        params: { type: 'object', properties: { id: ID }, required: ['id'] },
        response: errorResponses,
      },
    },
    async (request) => varianceAgainst(ctx, request.params.id, request.personId),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/kpis/:id/forecast-history',
    {
      schema: {
        summary:
          "How a KPI's forecast per target period moved over time: the engine recomputed at each write of the plan or the work the history holds",
        tags: ['state'],
        security: bearer,
        params: { type: 'object', properties: { id: ID }, required: ['id'] },
        response: errorResponses,
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
