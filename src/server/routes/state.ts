import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { deriveSnapshot, type Snapshot } from '../../app/derive.ts';
import { explainWithHistory } from '../../app/explain-entity.ts';
import { strategicView } from '../../app/strategic-view.ts';
import { viewerFor } from '../../app/viewer.ts';
import type { EntityKind } from '../../core/domain/state.ts';
import { fail } from '../../core/errors.ts';
import { bearer, errorResponses } from './schemas.ts';
import { KNOWN_AT_PARAMETER, knownAtField, readView } from './known-at-view.ts';

const knownAtQuery = {
  type: 'object',
  properties: { knownAt: KNOWN_AT_PARAMETER },
} as const;

async function snapshotOrFail(ctx: AppContext): Promise<Snapshot> {
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf(), ctx.model);
  if (snapshot === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
  return snapshot;
}

const ENTITY_ROUTES: [string, EntityKind, string][] = [
  ['objectives', 'objective', 'An objective with its derived status and why'],
  ['kpis', 'kpi', 'A KPI with its forecast per period against target, and why'],
  ['initiatives', 'initiative', 'An initiative with its delivery and value status, and why'],
  ['milestones', 'milestone', 'A milestone with its forecast date, what drives it, and why'],
  ['work-items', 'work_item', 'A work item (mirrored from its source) with its forecast finish'],
  ['units', 'unit', 'A unit with its weekly capacity, its load and its over-allocations, and why'],
];

/** The strategic view and every entity with the explanation of its derived values. */
export function registerStateRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { knownAt?: string } }>(
    '/api/v1/state',
    {
      schema: {
        querystring: knownAtQuery,
        summary:
          'The strategic view: objectives → KPIs → initiatives → milestones, with derived status',
        tags: ['state'],
        security: bearer,
        response: { ...errorResponses },
      },
    },
    async (request) => {
      const view = await readView(ctx, request.personId, request.query.knownAt);
      return { ...strategicView(view.snapshot, view.seen), ...knownAtField(view) };
    },
  );
  app.get(
    '/api/v1/capacity',
    {
      schema: {
        summary:
          "The resource bottleneck: each unit's weekly load against its capacity, the over-allocations, and the levelled (resource-constrained) forecast of the milestones it moves",
        tags: ['state'],
        security: bearer,
        response: { ...errorResponses },
      },
    },
    async (request) => {
      const snapshot = await snapshotOrFail(ctx);
      const { seen } = await viewerFor(ctx, request.personId, snapshot);
      const capacity = snapshot.state.capacity;
      if (seen.whole && seen.ids.initiatives.size === snapshot.plan.initiatives.length)
        return { asOf: snapshot.state.asOf, ...capacity };
      return {
        asOf: snapshot.state.asOf,
        ...capacity,
        demands: capacity.demands.filter((d) => seen.ids.demands.has(d.id)),
        idle: capacity.idle.filter((d) => seen.ids.demands.has(d.id)),
        milestones: capacity.milestones.filter((m) => seen.sees('milestone', m.id)),
      };
    },
  );
  for (const [collection, kind, summary] of ENTITY_ROUTES) {
    app.get<{ Params: { id: string }; Querystring: { knownAt?: string } }>(
      `/api/v1/${collection}/:id`,
      {
        schema: {
          querystring: knownAtQuery,
          summary,
          tags: ['state'],
          security: bearer,
          params: {
            type: 'object',
            properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
            required: ['id'],
          },
          response: { ...errorResponses },
        },
      },
      async (request) => {
        const view = await readView(ctx, request.personId, request.query.knownAt);
        const { snapshot, seen } = view;
        const explained = await explainWithHistory(ctx.db, snapshot, request.params.id, { seen });
        if (explained.kind !== kind) {
          fail(
            'not_found',
            `'${request.params.id}' is a ${explained.kind.replace('_', ' ')}, not a ${kind.replace('_', ' ')}`,
            {
              path: 'id',
            },
          );
        }
        return { asOf: view.asOf, ...knownAtField(view), ...explained };
      },
    );
  }
}
