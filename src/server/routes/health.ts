import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';

/** `GET /health`: liveness and the database in use; the one route without a token. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/health',
    {
      schema: {
        summary: 'Is the service up?',
        tags: ['health'],
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              database: { type: 'string', enum: ['pglite', 'postgres'] },
              asOf: { type: 'string', format: 'date' },
              asOfPinned: { type: 'boolean' },
            },
          },
        },
      },
      config: { public: true },
    },
    async () => {
      await ctx.db.query('SELECT 1');
      return {
        status: 'ok',
        database: ctx.db.kind,
        asOf: ctx.clock.asOf(),
        asOfPinned: ctx.clock.pinned,
      };
    },
  );
}
