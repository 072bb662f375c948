import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import {
  compareSavedScenarios,
  compareScenarioBodies,
  listScenarios,
  saveScenario,
  type NewScenario,
} from '../../app/scenarios.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';
import { fail } from '../../core/errors.ts';
import { bearer, errorResponses, errorSchema } from './schemas.ts';

/** Who sees a saved scenario: its author, and those who see the whole plan. */
async function scenarioSight(
  ctx: AppContext,
  personId: string,
): Promise<(scenario: Pick<Scenario, 'author'>) => boolean> {
  const { seen } = await viewerFor(ctx, personId);
  return (scenario) => seen.whole || scenario.author === personId;
}

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
    async (request) => {
      const sees = await scenarioSight(ctx, request.personId);
      return { scenarios: (await listScenarios(ctx)).filter(sees) };
    },
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
      const sees = await scenarioSight(ctx, request.personId);
      const scenario = (await listScenarios(ctx)).find((s) => s.id === request.params.id);
      if (scenario !== undefined && !sees(scenario))
        fail('not_found', `there is no scenario '${request.params.id}'`, { path: 'id' });
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
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'scenario.create' });
      return reply.code(201).send(await saveScenario(ctx, request.body, request.personId));
    },
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
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'scenario.create' });
      if (request.body.ids !== undefined) {
        const sees = await scenarioSight(ctx, request.personId);
        const saved = await listScenarios(ctx);
        request.body.ids.forEach((id, k) => {
          const scenario = saved.find((s) => s.id === id);
          if (scenario !== undefined && !sees(scenario))
            fail('not_found', `there is no scenario '${id}'`, { path: `$.ids[${k}]` });
        });
      }
      return {
        scenarios:
          request.body.ids !== undefined
            ? await compareSavedScenarios(ctx, request.body.ids)
            : await compareScenarioBodies(ctx, request.body.scenarios ?? []),
      };
    },
  );
}
