import type { FastifyInstance } from 'fastify';
import { adjustPeriod } from '../../app/adjust-period.ts';
import { closePeriod } from '../../app/close-period.ts';
import type { AppContext } from '../../app/context.ts';
import { listPeriods, showPeriod } from '../../app/periods.ts';
import { authorize, viewerFor } from '../../app/viewer.ts';
import { fail } from '../../core/errors.ts';
import type { FigureRef } from '../../core/governance/locked-periods.ts';
import { actorOf } from '../actor.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  adjustPeriodRoute,
  closePeriodRoute,
  listPeriodsRoute,
  showPeriodRoute,
} from '../../contract/periods.ts';
import { bearer } from './schemas.ts';

type AdjustmentBody = RouteTypes<typeof adjustPeriodRoute>['Body'];

/**
 * `/api/v1/periods`: closed periods (docs/GOVERNANCE.md "Locked periods"). Anyone signed in sees
 * which periods are closed and by whom, and the frozen figures of what they may see; only finance
 * controllers close a period or adjust a figure of one.
 */
export function registerPeriodRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof listPeriodsRoute>>(
    '/api/v1/periods',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(listPeriodsRoute),
        summary: 'The closed periods: which, by whom, when',
        tags: ['periods'],
        security: bearer,
      },
    },
    async (request) => {
      await authorize(ctx, request.personId, { kind: 'plan.read' });
      return { periods: await listPeriods(ctx) };
    },
  );

  app.get<RouteTypes<typeof showPeriodRoute>>(
    '/api/v1/periods/:period',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showPeriodRoute),
        summary: 'A closed period: frozen figures with their adjustments, the forecast then',
        description:
          'Only the KPIs, initiatives and milestones the reader sees. 404 when the period is not closed.',
        tags: ['periods'],
        security: bearer,
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

  app.post<RouteTypes<typeof closePeriodRoute>>(
    '/api/v1/periods/:period/close',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(closePeriodRoute),
        summary: 'Closes a month (2026-08) or a quarter (2026-Q3), freezing its figures',
        description:
          "Freezes the period's KPI actuals and budget lines (plan, committed, actual) and keeps the KPI and milestone forecasts as they stand. Finance controllers only (403 naming who may); closing a closed period, or a month inside a closed quarter, is 409.",
        tags: ['periods'],
        security: bearer,
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

  app.post<RouteTypes<typeof adjustPeriodRoute>>(
    '/api/v1/periods/:period/adjustments',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(adjustPeriodRoute),
        summary: 'Records an adjustment to a figure of a closed period, with a reason',
        description:
          'Name the figure: `kpi` (its actual) or `initiative` with `line` (plan, committed, actual; actual when absent), for `figurePeriod` (the closed period itself when absent). `amount` is added to the figure. Finance controllers only.',
        tags: ['periods'],
        security: bearer,
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
