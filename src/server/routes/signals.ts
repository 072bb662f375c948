import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { listSignals } from '../../store/signal-store.ts';
import { bearer, errorResponses } from './schemas.ts';

/** `GET /api/v1/signals`: what the engine raised, each with its cause chain and owners. */
export function registerSignalRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { status: 'open' | 'all' } }>(
    '/api/v1/signals',
    {
      schema: {
        summary: 'Signals with their cause chains, newest first',
        tags: ['signals'],
        security: bearer,
        querystring: {
          type: 'object',
          properties: { status: { type: 'string', enum: ['open', 'all'], default: 'open' } },
          additionalProperties: false,
        },
        response: { ...errorResponses },
      },
    },
    async (request) => ({
      asOf: ctx.clock.asOf(),
      signals: await listSignals(ctx.db, request.query.status === 'all'),
    }),
  );
}
