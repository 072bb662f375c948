import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import { listFigureLatency } from '../../app/figure-freshness.ts';
import { sourceFreshness } from '../../app/source-freshness.ts';
import { listDeadLetters, retryDeadLetter } from '../../app/webhook-dead-letters.ts';
import { bearer, errorResponses } from './schemas.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { sourcesRoute } from '../../contract/sources.ts';

const nullableTime = { type: ['string', 'null'], format: 'date-time' } as const;
const nullableMs = { type: ['number', 'null'] } as const;

const problemSchema = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    path: { type: 'string' },
  },
  required: ['code', 'message'],
} as const;

const deadLetterSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    source: { type: 'string' },
    deliveryId: { type: ['string', 'null'] },
    receivedAt: { type: 'string', format: 'date-time' },
    deadLetteredAt: { type: 'string', format: 'date-time' },
    attempts: { type: 'integer' },
    problems: { type: 'array', items: problemSchema },
  },
  required: ['seq', 'source', 'deliveryId', 'receivedAt', 'deadLetteredAt', 'attempts', 'problems'],
} as const;

/**
 * `GET /api/v1/sources`: where the work comes from, how fresh each mirror is, how its webhook
 * deliveries stand.
 * `GET /api/v1/webhooks/dead-letters`, `POST /api/v1/webhooks/dead-letters/{seq}/retry`: the
 * deliveries set aside because they could not be applied, and trying one again.
 * `GET /api/v1/latency`: every figure's reality latency and age.
 */
export function registerSourceRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  onRetry: () => void,
): void {
  app.get<RouteTypes<typeof sourcesRoute>>(
    '/api/v1/sources',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(sourcesRoute),
        summary:
          'The sources of work items, each with its item count, latest update and webhook deliveries (pending, retrying, dead-lettered)',
        tags: ['work'],
        security: bearer,
      },
    },
    async () => ({ asOf: ctx.clock.asOf(), sources: await sourceFreshness(ctx.db) }),
  );

  app.get<{ Querystring: { source?: string; limit: number } }>(
    '/api/v1/webhooks/dead-letters',
    {
      schema: {
        summary: 'Webhook deliveries set aside because they could not be applied, with the error',
        description:
          'A delivery that fails with bad input, or keeps failing after a few tries, is dead-lettered instead of blocking the deliveries behind it. Oldest first.',
        tags: ['work'],
        security: bearer,
        querystring: {
          type: 'object',
          properties: {
            source: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { deadLetters: { type: 'array', items: deadLetterSchema } },
            required: ['deadLetters'],
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'sites.manage' });
      return {
        deadLetters: await listDeadLetters(ctx, request.query.source ?? null, request.query.limit),
      };
    },
  );

  app.post<{ Params: { seq: number } }>(
    '/api/v1/webhooks/dead-letters/:seq/retry',
    {
      schema: {
        summary: 'Tries a dead-lettered webhook delivery again',
        description:
          'Puts the delivery back in line (answered 202); it is applied shortly, or dead-lettered again with the new error if it still cannot be applied.',
        tags: ['work'],
        security: bearer,
        params: {
          type: 'object',
          properties: { seq: { type: 'integer', minimum: 1 } },
          required: ['seq'],
        },
        response: {
          202: {
            type: 'object',
            properties: { seq: { type: 'integer' }, status: { type: 'string', enum: ['pending'] } },
          },
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'sites.manage' });
      await retryDeadLetter(ctx, request.params.seq);
      onRetry();
      return reply.status(202).send({ seq: request.params.seq, status: 'pending' });
    },
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
    async (request) => {
      const { seen } = await viewerFor(ctx, request.personId);
      const latency = await listFigureLatency(ctx, ctx.clock.asOf());
      return { ...latency, figures: latency.figures.filter((f) => seen.sees(f.kind, f.id)) };
    },
  );
}
