import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { listFigureLatency } from '../../app/figure-freshness.ts';
import { sourceFreshness } from '../../app/source-freshness.ts';
import { bearer, errorResponses } from './schemas.ts';

const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableMs = { type: ['number', 'null'] } as const;

/**
 * `GET /api/v1/sources`: where the work comes from and how fresh each mirror is.
 * `GET /api/v1/latency`: every figure's reality latency and age.
 */
export function registerSourceRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/sources',
    {
      schema: {
        summary: 'The sources of work items, each with its item count and latest update',
        tags: ['work'],
        security: bearer,
        response: { ...errorResponses },
      },
    },
    async () => ({ asOf: ctx.clock.asOf(), sources: await sourceFreshness(ctx.db) }),
  );

  app.get(
    '/api/v1/latency',
    {
      schema: {
        summary: "Every figure's reality latency and age",
        description:
          'For each objective, KPI, initiative and milestone: the last change that moved it — when it happened at its source, when it was received, when its effect was visible — with latencyMs (source → visible) and ageMs (now − source change). Null times: not moved since it was first derived (or moved by a plan edit, which has no source time).',
        tags: ['work'],
        security: bearer,
        response: {
          200: {
            type: 'object',
            properties: {
              now: { type: 'string', format: 'date-time' },
              figures: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    kind: { type: 'string', enum: ['objective', 'kpi', 'initiative', 'milestone'] },
                    id: { type: 'string' },
                    sourceChangedAt: nullableTime,
                    receivedAt: nullableTime,
                    visibleAt: nullableTime,
                    latencyMs: nullableMs,
                    ageMs: nullableMs,
                  },
                  required: ['kind', 'id', 'sourceChangedAt', 'receivedAt', 'visibleAt'],
                },
              },
            },
            required: ['now', 'figures'],
          },
          ...errorResponses,
        },
      },
    },
    async () => listFigureLatency(ctx, ctx.clock.asOf()),
  );
}
