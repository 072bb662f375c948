import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { deriveSnapshot, type Snapshot } from '../../app/derive.ts';
import {
  moneyOfInitiative,
  moneyOfObjective,
  moneyOfPortfolio,
  valueOfBenefit,
} from '../../app/money-view.ts';
import { validateValue } from '../../app/validate-value.ts';
import { viewerFor } from '../../app/viewer.ts';
import { assertMay, may } from '../../core/access/policy.ts';
import { fail } from '../../core/errors.ts';
import { actorOf } from '../actor.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  benefitValueRoute,
  initiativeMoneyRoute,
  moneyRoute,
  objectiveMoneyRoute,
  validateValueRoute,
} from '../../contract/money.ts';
import { bearer } from './schemas.ts';

async function snapshotOrFail(ctx: AppContext): Promise<Snapshot> {
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model);
  if (snapshot === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
  return snapshot;
}

/**
 * Money and validated value (docs/GOVERNANCE.md): the portfolio's, an objective's and an
 * initiative's money; a benefit's value per period; a controller's validation.
 */
export function registerMoneyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof moneyRoute>>(
    '/api/v1/money',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(moneyRoute),
        summary:
          'Money: budget (plan, committed, actual), forecast at completion and ROI of the portfolio, its objectives and initiatives',
        description:
          'Only the initiatives and objectives the caller sees are counted (confidential initiatives stay out of every total). An initiative serving several objectives counts an equal share in each.',
        tags: ['money'],
        security: bearer,
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      return moneyOfPortfolio(ctx.db, snapshot, seen);
    },
  );
  app.get<RouteTypes<typeof initiativeMoneyRoute>>(
    '/api/v1/initiatives/:id/money',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(initiativeMoneyRoute),
        summary:
          "An initiative's money per period, forecast at completion, ROI, and its benefits' value",
        tags: ['money'],
        security: bearer,
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      return moneyOfInitiative(ctx.db, snapshot, seen, request.params.id);
    },
  );
  app.get<RouteTypes<typeof objectiveMoneyRoute>>(
    '/api/v1/objectives/:id/money',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(objectiveMoneyRoute),
        summary: "An objective's money: its initiatives' shares (and its children's), rolled up",
        tags: ['money'],
        security: bearer,
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      return moneyOfObjective(ctx.db, snapshot, seen, request.params.id);
    },
  );
  app.get<RouteTypes<typeof benefitValueRoute>>(
    '/api/v1/benefits/:id/value',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(benefitValueRoute),
        summary:
          "A benefit's value per period since its milestone landed: promised, claimed, validated",
        tags: ['money'],
        security: bearer,
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      const value = await valueOfBenefit(ctx.db, snapshot, seen, request.params.id);
      const verdict = may(snapshot.plan, request.personId, {
        kind: 'value.validate',
        benefit: request.params.id,
      });
      return {
        ...value,
        mayValidate: verdict.ok,
        whoMayValidate: verdict.ok ? null : verdict.message,
      };
    },
  );
  app.post<RouteTypes<typeof validateValueRoute>>(
    '/api/v1/benefits/:id/validations',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(validateValueRoute),
        summary: 'A finance controller confirms the amount a benefit realised in an ended period',
        description:
          "Finance controllers only, never the owner of the benefit's initiative (403 naming why). Appended (the latest validation of a period counts); the same period, amount and note again stores nothing (200, duplicate). Audited; signals recomputed.",
        tags: ['money'],
        security: bearer,
      },
    },
    async (request, reply) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      const benefitId = request.params.id;
      const visible =
        snapshot.plan.benefits.some((b) => b.id === benefitId) && seen.sees('benefit', benefitId);
      // Who may at all, before saying whether the benefit exists (a hidden one names nobody).
      assertMay(
        snapshot.plan,
        request.personId,
        { kind: 'value.validate', benefit: visible ? benefitId : '' },
        'id',
      );
      if (!visible) fail('not_found', `there is no benefit '${benefitId}'`, { path: 'id' });
      const result = await validateValue(ctx, actorOf(request), {
        benefit: benefitId,
        ...request.body,
      });
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );
}
