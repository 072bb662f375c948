import type { FastifyInstance } from 'fastify';
import { adjustPeriod } from '../../app/adjust-period.ts';
import { closePeriod } from '../../app/close-period.ts';
import type { AppContext } from '../../app/context.ts';
import { listPeriods, showPeriod } from '../../app/periods.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import { fail } from '../../core/errors.ts';
import type { BudgetField, FigureRef } from '../../core/governance/locked-periods.ts';
import { actorOf } from '../actor.ts';
import { bearer, errorResponses, errorSchema } from './schemas.ts';

/** No control characters (a NUL cannot even be looked up): 400 naming the parameter. */
const LABEL = { type: 'string', minLength: 1, maxLength: 40, pattern: '^[^\\u0000-\\u001f]+$' };
const ID = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' };
const params = {
  type: 'object',
  properties: { period: LABEL },
  required: ['period'],
  additionalProperties: false,
};
const responses = { ...errorResponses, 403: errorSchema, 409: errorSchema } as const;

interface AdjustmentBody {
  kpi?: string;
  initiative?: string;
  line?: BudgetField;
  figurePeriod?: string;
  amount: number;
  reason: string;
}

/**
 * `/api/v1/periods`: closed periods (docs/GOVERNANCE.md "Locked periods"). Anyone signed in sees
 * which periods are closed and by whom, and the frozen figures of what they may see; only finance
 * controllers close a period or adjust a figure of one.
 */
export function registerPeriodRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/api/v1/periods',
    {
      schema: {
        summary: 'The closed periods: which, by whom, when',
        tags: ['periods'],
        security: bearer,
        response: responses,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'plan.read' });
      return { periods: await listPeriods(ctx) };
    },
  );

  app.get<{ Params: { period: string } }>(
    '/api/v1/periods/:period',
    {
      schema: {
        summary: 'A closed period: frozen figures with their adjustments, the forecast then',
        description:
          'Only the KPIs, initiatives and milestones the reader sees. 404 when the period is not closed.',
        tags: ['periods'],
        security: bearer,
        params,
        response: responses,
      },
    },
    async (request) => {
      const viewer = await viewerFor(ctx, request.personId);
      return {
        period: await showPeriod(ctx, request.params.period, (kind, id) =>
          viewer.seen.sees(kind, id),
        ),
      };
    },
  );

  app.post<{ Params: { period: string } }>(
    '/api/v1/periods/:period/close',
    {
      schema: {
        summary: 'Closes a month (2026-08) or a quarter (2026-Q3), freezing its figures',
        description:
          "Freezes the period's KPI actuals and budget lines (plan, committed, actual) and keeps the KPI and milestone forecasts as they stand. Finance controllers only (403 naming who may); closing a closed period, or a month inside a closed quarter, is 409.",
        tags: ['periods'],
        security: bearer,
        params,
        response: responses,
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'period.close' }, 'period');
      const closed = await closePeriod(ctx, request.params.period, actorOf(request));
      const viewer = await viewerFor(ctx, request.personId);
      const period = await showPeriod(ctx, closed.period, (kind, id) => viewer.seen.sees(kind, id));
      return reply.code(201).send({ period });
    },
  );

  app.post<{ Params: { period: string }; Body: AdjustmentBody }>(
    '/api/v1/periods/:period/adjustments',
    {
      schema: {
        summary: 'Records an adjustment to a figure of a closed period, with a reason',
        description:
          'Name the figure: `kpi` (its actual) or `initiative` with `line` (plan, committed, actual; actual when absent), for `figurePeriod` (the closed period itself when absent). `amount` is added to the figure. Finance controllers only.',
        tags: ['periods'],
        security: bearer,
        params,
        body: {
          type: 'object',
          properties: {
            kpi: ID,
            initiative: ID,
            line: { type: 'string', enum: ['plan', 'committed', 'actual'] },
            figurePeriod: LABEL,
            amount: { type: 'number' },
            reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' },
          },
          required: ['amount', 'reason'],
          additionalProperties: false,
        },
        response: responses,
      },
    },
    async (request, reply) => {
      await authorize(ctx, request.personId, { kind: 'period.adjust' }, 'period');
      const result = await adjustPeriod(
        ctx,
        request.params.period,
        {
          figure: figureOf(request.params.period, request.body),
          amount: request.body.amount,
          reason: request.body.reason,
        },
        actorOf(request),
      );
      return reply.code(201).send(result);
    },
  );
}

function figureOf(period: string, body: AdjustmentBody): FigureRef {
  const figurePeriod = body.figurePeriod ?? period;
  if ((body.kpi === undefined) === (body.initiative === undefined))
    fail(
      'request.invalid',
      'name one figure: a kpi (its actual) or an initiative (a budget line)',
      {
        path: 'body.kpi',
      },
    );
  if (body.kpi !== undefined) {
    if (body.line !== undefined)
      fail('request.invalid', 'a KPI has one actual per period: line is for budget lines', {
        path: 'body.line',
      });
    return { kind: 'kpi_actual', kpi: body.kpi, period: figurePeriod };
  }
  return {
    kind: 'budget',
    initiative: body.initiative ?? '',
    period: figurePeriod,
    line: body.line ?? 'actual',
  };
}
