import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { sourceFreshness } from '../../app/source-freshness.ts';
import { bearer, errorResponses } from './schemas.ts';

/** `GET /api/v1/sources`: where the work comes from and how fresh each mirror is. */
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
}
