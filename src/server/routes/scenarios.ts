import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import {
  compareSavedScenarios,
  compareScenarioBodies,
  listScenarios,
  saveScenario,
} from '../../app/scenarios.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import type { Scenario } from '../../core/scenario/scenario.ts';
import { fail } from '../../core/errors.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  compareScenariosRoute,
  listScenariosRoute,
  saveScenarioRoute,
  showScenarioRoute,
} from '../../contract/scenarios.ts';
import { bearer } from './schemas.ts';

/** Who sees a saved scenario: its author, and those who see the whole plan. */
async function scenarioSight(
  ctx: AppContext,
  personId: string,
): Promise<(scenario: Pick<Scenario, 'author'>) => boolean> {
  const { seen } = await viewerFor(ctx, personId);
  return (scenario) => seen.whole || scenario.author === personId;
}

/** `/api/v1/scenarios`: save, list, and compare up to four side by side against now. */
export function registerScenarioRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof listScenariosRoute>>(
    '/api/v1/scenarios',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(listScenariosRoute),
        summary: 'Saved scenarios, newest first',
        tags: ['scenarios'],
        security: bearer,
      },
    },
    async (request) => {
      const sees = await scenarioSight(ctx, request.personId);
      return { scenarios: (await listScenarios(ctx)).filter(sees) };
    },
  );

  app.get<RouteTypes<typeof showScenarioRoute>>(
    '/api/v1/scenarios/:id',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showScenarioRoute),
        summary: 'A saved scenario, priced against the current state',
        tags: ['scenarios'],
        security: bearer,
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

  app.post<RouteTypes<typeof saveScenarioRoute>>(
    '/api/v1/scenarios',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(saveScenarioRoute),
        summary: 'Saves a scenario (priced first: a change the plan cannot take is refused)',
        tags: ['scenarios'],
        security: bearer,
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'scenario.create' });
      return reply.code(201).send(await saveScenario(ctx, request.body, request.personId));
    },
  );

  app.post<RouteTypes<typeof compareScenariosRoute>>(
    '/api/v1/scenarios/compare',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(compareScenariosRoute),
        summary: 'Up to four scenarios side by side, each against the current state',
        description: 'Give saved scenarios by `ids`, or whole scenarios in `scenarios`.',
        tags: ['scenarios'],
        security: bearer,
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
