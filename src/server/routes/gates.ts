import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { decideGate, mayPassGate, portfolioFor, showGate } from '../../app/stage-gates.ts';
import { readPlan } from '../../app/derive.ts';
import { actorOf } from '../actor.ts';
import { decideGateRoute, portfolioRoute, showGateRoute } from '../../contract/gates.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { bearer } from './schemas.ts';

/**
 * Stage gates (docs/GOVERNANCE.md "Stage gates"): an initiative's stage, next gate, criteria and
 * owner; a go / no-go by the gate's owner; the portfolio by stage with money per stage.
 */
export function registerGateRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof showGateRoute>>(
    '/api/v1/initiatives/:id/gate',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showGateRoute),
        summary: "An initiative's stage, the gate ahead, its criteria checked and its owner",
        description:
          'Each criterion has `pass` and a message naming the initiative and what is missing. `owner` is who decides the go / no-go (decision rights of kind go_no_go); `mayPass` says whether the caller is that person. An initiative the caller may not see is 404.',
        tags: ['governance'],
        security: bearer,
      },
    },
    async (request) => {
      const gate = await showGate(ctx, request.personId, request.params.id);
      const plan = await readPlan(ctx);
      return { gate, mayPass: plan !== null && mayPassGate(plan, request.personId, gate) };
    },
  );

  app.post<RouteTypes<typeof decideGateRoute>>(
    '/api/v1/initiatives/:id/gate',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(decideGateRoute),
        summary: "Go or no-go at an initiative's gate (its owner only)",
        description:
          "A go moves the initiative to the gate's stage and appends to its stage history, in the same write as the decision's record and the audit entries; a go whose criteria fail is 409 naming each criterion, and nothing is stored. A no-go is recorded and changes no stage. Only the gate's owner may decide (403 naming them).",
        tags: ['governance'],
        security: bearer,
      },
    },
    async (request, reply) => {
      const passed = await decideGate(
        ctx,
        request.params.id,
        { go: request.body.decision === 'go', note: request.body.note },
        actorOf(request),
      );
      return reply.code(201).send(passed);
    },
  );

  app.get<RouteTypes<typeof portfolioRoute>>(
    '/api/v1/portfolio',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(portfolioRoute),
        summary: 'The initiatives the caller may see, by stage, with money per stage',
        description:
          "Money is the total of the plan's budget lines (plan, committed, actual) in the organisation's currency; initiatives budgeted in another currency are listed but left out of the totals. Confidential initiatives the caller may not see are left out, money too.",
        tags: ['governance'],
        security: bearer,
      },
    },
    async (request) => ({ portfolio: await portfolioFor(ctx, request.personId) }),
  );
}
