import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { replayDemoPayload } from '../../app/replay-demo.ts';
import { fail } from '../../core/errors.ts';
import { loadStoredPlan } from '../../app/stored-plan.ts';
import { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from '../../core/access/tokens.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { demoPeopleRoute, demoReplayRoute, demoSignInRoute } from '../../contract/session.ts';
import { bearer } from './schemas.ts';
import { beginWebSession, personCard, recordSessionEvent } from './session.ts';

/**
 * The demo organisation's conveniences, registered only when the server runs the demo: sign in
 * as any of its people with one click, and replay the ERP story's Jira deliveries.
 */
export function registerDemoRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  sessionLifetime: SessionLifetime = DEFAULT_SESSION_LIFETIME,
): void {
  app.get<RouteTypes<typeof demoPeopleRoute>>(
    '/api/v1/demo/people',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(demoPeopleRoute),
        summary: 'The people of the demo organisation, to sign in as (demo mode only)',
        tags: ['demo'],
      },
      config: { public: true },
    },
    async () => {
      const plan = await loadStoredPlan(ctx);
      return {
        organisation: plan?.organisation.name ?? null,
        people: (plan?.people ?? []).map((p) => personCard(plan, p.id)),
      };
    },
  );

  app.post<RouteTypes<typeof demoSignInRoute>>(
    '/api/v1/demo/sign-in',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(demoSignInRoute),
        summary: 'Signs the web app in as one of the demo people (demo mode only)',
        tags: ['demo'],
      },
      config: { public: true },
    },
    async (request, reply) => {
      const plan = await loadStoredPlan(ctx);
      const { personId } = request.body;
      if (plan?.people.some((p) => p.id === personId) !== true) {
        fail('not_found', `'${personId}' is not a person of the demo organisation`, {
          path: 'body.personId',
        });
      }
      await beginWebSession(ctx, request, reply, personId, {
        label: 'web session (demo)',
        lifetime: sessionLifetime,
      });
      await recordSessionEvent(ctx, request, personId, {
        action: 'session.sign_in',
        after: { via: 'demo' },
      });
      return { person: personCard(plan, personId) };
    },
  );

  app.post<RouteTypes<typeof demoReplayRoute>>(
    '/api/v1/demo/replay',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(demoReplayRoute),
        summary: 'Replays a saved Jira delivery of the ERP story, stamped now (demo mode only)',
        description:
          'erp-17-due-date-moved: ERP-17 is due three weeks later; erp-17-due-date-restored: back to its date.',
        tags: ['demo'],
        security: bearer,
      },
    },
    async (request) => {
      const result = await replayDemoPayload(ctx, request.body.payload);
      return {
        payload: request.body.payload,
        applied: result.applied,
        signals: result.signals,
        durationMs: Math.round(result.durationMs * 100) / 100,
      };
    },
  );
}
