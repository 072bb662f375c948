import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { planHistory } from '../../app/plan-history.ts';
import { bearer, errorResponses } from './schemas.ts';

interface PlanHistoryQuerystring {
  item?: string;
  before?: number;
  limit?: number;
}

/** `/api/v1/plan/history`: the plan's changes, who made them and when, as the caller may see them. */
export function registerPlanHistoryRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: PlanHistoryQuerystring }>(
    '/api/v1/plan/history',
    {
      schema: {
        summary: "The plan's history: each change, who made it, when, each field before and after",
        description:
          'Newest first. Only the entities the caller sees (docs/ACCESS.md). Filter by `item` (`milestones/M-GOLIVE`); page back with `before` (the last `seq` read).',
        tags: ['plan'],
        security: bearer,
        querystring: {
          type: 'object',
          properties: {
            // No control characters: 400 naming the parameter.
            item: {
              type: 'string',
              minLength: 3,
              maxLength: 300,
              pattern: '^[A-Za-z]+/[^\\u0000-\\u001f]+$',
            },
            before: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
          additionalProperties: false,
        },
        response: errorResponses,
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
