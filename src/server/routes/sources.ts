import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import { listFigureLatency } from '../../app/figure-freshness.ts';
import { sourceFreshness } from '../../app/source-freshness.ts';
import { listDeadLetters, retryDeadLetter } from '../../app/webhook-dead-letters.ts';
import { bearer } from './schemas.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  deadLettersRoute,
  latencyRoute,
  retryDeadLetterRoute,
  sourcesRoute,
} from '../../contract/sources.ts';

/** A problem as a dead letter stores it. */
interface StoredProblem {
  code: string;
  message: string;
  path?: string;
}

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

  app.get<RouteTypes<typeof deadLettersRoute>>(
    '/api/v1/webhooks/dead-letters',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(deadLettersRoute),
        summary: 'Webhook deliveries set aside because they could not be applied, with the error',
        description:
          'A delivery that fails with bad input, or keeps failing after a few tries, is dead-lettered instead of blocking the deliveries behind it. Oldest first.',
        tags: ['work'],
        security: bearer,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'sites.manage' });
      return {
        deadLetters: (
          await listDeadLetters(ctx, request.query.source ?? null, request.query.limit)
        ).map((letter) => ({
          seq: letter.seq,
          source: letter.source,
          deliveryId: letter.deliveryId,
          receivedAt: letter.receivedAt.toISOString(),
          deadLetteredAt: letter.deadLetteredAt.toISOString(),
          attempts: letter.attempts,
          // As the server stored them (`{code, message, path?}`): answered as before, each
          // problem's code, message and place.
          problems: (letter.problems as StoredProblem[]).map(({ code, message, path }) => ({
            code,
            message,
            ...(path === undefined ? {} : { path }),
          })),
        })),
      };
    },
  );

  app.post<RouteTypes<typeof retryDeadLetterRoute>>(
    '/api/v1/webhooks/dead-letters/:seq/retry',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(retryDeadLetterRoute),
        summary: 'Tries a dead-lettered webhook delivery again',
        description:
          'Puts the delivery back in line (answered 202); it is applied shortly, or dead-lettered again with the new error if it still cannot be applied.',
        tags: ['work'],
        security: bearer,
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'sites.manage' });
      await retryDeadLetter(ctx, request.params.seq);
      onRetry();
      return reply.status(202).send({ seq: request.params.seq, status: 'pending' });
    },
  );

  app.get<RouteTypes<typeof latencyRoute>>(
    '/api/v1/latency',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(latencyRoute),
        summary: "Every figure's reality latency and age",
        description:
          'For each objective, KPI, initiative and milestone: the last change that moved it — when it happened at its source, when it was received, when its effect was visible — with latencyMs (source → visible) and ageMs (now − source change). Null times: not moved since it was first derived (or moved by a plan edit, which has no source time).',
        tags: ['work'],
        security: bearer,
      },
    },
    async (request) => {
      const { seen } = await viewerFor(ctx, request.personId);
      const latency = await listFigureLatency(ctx, ctx.clock.asOf());
      return { ...latency, figures: latency.figures.filter((f) => seen.sees(f.kind, f.id)) };
    },
  );
}
