import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { deriveSnapshot, type Snapshot } from '../../app/derive.ts';
import {
  moneyOfInitiative,
  moneyOfObjective,
  moneyOfPortfolio,
  valueOfBenefit,
} from '../../app/money-view.ts';
import { MAX_NOTE_LENGTH, validateValue } from '../../app/validate-value.ts';
import { viewerFor } from '../../app/viewer.ts';
import { assertMay, may } from '../../core/access/policy.ts';
import { fail } from '../../core/errors.ts';
import { actorOf } from '../actor.ts';
import { bearer, errorResponses, errorSchema } from './schemas.ts';

const id = {
  type: 'object',
  // No control characters (a NUL cannot even be looked up): 400 naming the parameter.
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' },
  },
  required: ['id'],
} as const;

const validation = {
  type: 'object',
  properties: {
    period: {
      type: 'string',
      minLength: 4,
      maxLength: 20,
      description: 'The reporting period validated, e.g. 2026-08',
    },
    amount: {
      type: 'number',
      minimum: 0,
      description: "The realised amount confirmed, in the KPI's unit",
    },
    note: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_NOTE_LENGTH,
      description: 'What the confirmation rests on',
    },
  },
  required: ['period', 'amount', 'note'],
  additionalProperties: false,
} as const;

const responses = { ...errorResponses, 403: errorSchema } as const;

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
  app.get(
    '/api/v1/money',
    {
      schema: {
        summary:
          'Money: budget (plan, committed, actual), forecast at completion and ROI of the portfolio, its objectives and initiatives',
        description:
          'Only the initiatives and objectives the caller sees are counted (confidential initiatives stay out of every total). An initiative serving several objectives counts an equal share in each.',
        tags: ['money'],
        security: bearer,
        response: responses,
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      return moneyOfPortfolio(ctx.db, snapshot, seen);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/v1/initiatives/:id/money',
    {
      schema: {
        summary:
          "An initiative's money per period, forecast at completion, ROI, and its benefits' value",
        tags: ['money'],
        security: bearer,
        params: id,
        response: responses,
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      return moneyOfInitiative(ctx.db, snapshot, seen, request.params.id);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/v1/objectives/:id/money',
    {
      schema: {
        summary: "An objective's money: its initiatives' shares (and its children's), rolled up",
        tags: ['money'],
        security: bearer,
        params: id,
        response: responses,
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      return moneyOfObjective(ctx.db, snapshot, seen, request.params.id);
    },
  );
  app.get<{ Params: { id: string } }>(
    '/api/v1/benefits/:id/value',
    {
      schema: {
        summary:
          "A benefit's value per period since its milestone landed: promised, claimed, validated",
        tags: ['money'],
        security: bearer,
        params: id,
        response: responses,
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
  app.post<{ Params: { id: string }; Body: { period: string; amount: number; note: string } }>(
    '/api/v1/benefits/:id/validations',
    {
      schema: {
        summary: 'A finance controller confirms the amount a benefit realised in an ended period',
        description:
          "Finance controllers only, never the owner of the benefit's initiative (403 naming why). Appended (the latest validation of a period counts); the same period, amount and note again stores nothing (200, duplicate). Audited; signals recomputed.",
        tags: ['money'],
        security: bearer,
        params: id,
        body: validation,
        response: responses,
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
