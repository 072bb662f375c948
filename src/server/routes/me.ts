import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { readPlan } from '../../app/derive.ts';
import { permissionsOf, rolesOf } from '../../core/access/policy.ts';
import { fail } from '../../core/errors.ts';
import { bearer } from './schemas.ts';
import { personCard } from './session.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { meRoute } from '../../contract/me.ts';

/**
 * `GET /api/v1/me`: who the caller is, whether this is the demo organisation, their roles and
 * what the access policy lets them do.
 */
export function registerMeRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: { demo?: boolean } = {},
): void {
  app.get<RouteTypes<typeof meRoute>>(
    '/api/v1/me',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(meRoute),
        summary:
          'The signed-in person, whether this is the demo organisation, their roles and what the access policy lets them do',
        description:
          '`permissions` maps each action that takes no target (plan.apply, source.push, scenario.create, tokens.admin, sites.manage, audit.read …) to whether the caller may take it, so that the web app shows only those; see docs/SECURITY.md "Roles and rules".',
        tags: ['session'],
        security: bearer,
      },
    },
    async (request) => {
      const plan = await readPlan(ctx);
      const person = plan?.people.find((p) => p.id === request.personId);
      if (plan === null || person === undefined)
        fail('not_found', `'${request.personId}' is not a person of the plan`, {
          path: 'personId',
        });
      return {
        person: personCard(plan, person.id),
        demo: options.demo === true,
        roles: rolesOf(person),
        permissions: permissionsOf(plan, person.id),
      };
    },
  );
}
