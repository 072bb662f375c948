import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import {
  compareSavedScenarios,
  compareScenarioBodies,
  listScenarios,
  saveScenario,
  type NewScenario,
} from '../../app/scenarios.ts';
import { bearer, errorResponses, errorSchema } from './schemas.ts';

const changes = { type: 'array', maxItems: 200, items: { type: 'object' } } as const;

/** `/api/v1/scenarios`: save, list, and compare up to four side by side against now. */
/** A scenario id as a request names it: no control character (a NUL never reaches the database). */
const SCENARIO_ID = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[^\\u0000-\\u001f]+$',
} as const;

export function registerScenarioRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/scenarios',
    {
      schema: {
        summary: 'Saved scenarios, newest first',
        tags: ['scenarios'],
        security: bearer,
        response: errorResponses,
      },
    },
    async () => ({ scenarios: await listScenarios(ctx) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/scenarios/:id',
    {
      schema: {
        summary: 'A saved scenario, priced against the current state',
        tags: ['scenarios'],
        security: bearer,
        params: {
          type: 'object',
          properties: { id: SCENARIO_ID },
          required: ['id'],
        },
        response: errorResponses,
      },
    },
    async (request) => {
      const [column] = await compareSavedScenarios(ctx, [request.params.id]);
      return column;
    },
  );

  app.post<{ Body: NewScenario }>(
    '/api/v1/scenarios',
    {
      schema: {
        summary: 'Saves a scenario (priced first: a change the plan cannot take is refused)',
        tags: ['scenarios'],
        security: bearer,
        body: {
          type: 'object',
          properties: {
            id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^\\S+$' },
            name: { type: 'string', minLength: 1, maxLength: 500 },
            changes,
          },
          required: ['id', 'name', 'changes'],
          additionalProperties: false,
        },
        response: { ...errorResponses, 409: errorSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await saveScenario(ctx, request.body, request.personId)),
  );

  app.post<{ Body: { ids?: string[]; scenarios?: unknown[] } }>(
    '/api/v1/scenarios/compare',
    {
      schema: {
        summary: 'Up to four scenarios side by side, each against the current state',
        description: 'Give saved scenarios by `ids`, or whole scenarios in `scenarios`.',
        tags: ['scenarios'],
        security: bearer,
        body: {
          type: 'object',
          properties: {
            ids: { type: 'array', minItems: 1, maxItems: 4, items: SCENARIO_ID },
            scenarios: { type: 'array', minItems: 1, maxItems: 4, items: { type: 'object' } },
          },
          additionalProperties: false,
        },
        response: errorResponses,
      },
    },
    async (request) => ({
      scenarios:
        request.body.ids !== undefined
          ? await compareSavedScenarios(ctx, request.body.ids)
          : await compareScenarioBodies(ctx, request.body.scenarios ?? []),
    }),
  );
}
