import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import { deriveSnapshot, type Snapshot } from '../../app/derive.ts';
import { explainWithHistory } from '../../app/explain-entity.ts';
import { stateEntities, strategicView } from '../../app/strategic-view.ts';
import {
  MAX_STATE_ENTITY_ID_LENGTH,
  MAX_STATE_ENTITY_IDS,
  STATE_KINDS,
} from '../../contract/live-events.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  capacityRoute,
  entityRoute,
  stateEntitiesRoute,
  stateRoute,
} from '../../contract/state.ts';
import { viewerFor } from '../../app/viewer.ts';
import type { EntityKind } from '../../core/domain/state.ts';
import { fail } from '../../core/errors.ts';
import { bearer } from './schemas.ts';
import { knownAtField, readView } from './known-at-view.ts';

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
  // The use-case builds the objective tree recursively (typed `unknown[]` there): the answer is
  // proven by the contract test.
  app.get<Omit<RouteTypes<typeof stateRoute>, 'Reply'>>(
    '/api/v1/state',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(stateRoute),
        summary:
          'The strategic view: objectives → KPIs → initiatives → milestones, with derived status',
        tags: ['state'],
        security: bearer,
      },
    },
    async (request) => {
      const view = await readView(ctx, request.personId, request.query.knownAt);
      return { ...strategicView(view.snapshot, view.seen), ...knownAtField(view) };
    },
  );
  app.post<RouteTypes<typeof stateEntitiesRoute>>(
    '/api/v1/state/entities',
    {
      // A read: a token with the `read` scope may ask (POST only to carry the ids in a body).
      config: { scope: 'read' },
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(stateEntitiesRoute),
        summary:
          'Named entities of the strategic view, for a browser that holds it and was told by a live `state` event which ids moved',
        description: `Body: \`{objectives?, kpis?, initiatives?, milestones?, workItems?}\`, each a list of ids as a \`state\` event names them; at most ${MAX_STATE_ENTITY_IDS} ids in all, each 1 to ${MAX_STATE_ENTITY_ID_LENGTH} characters without control characters (400 naming the place otherwise). Answers \`{asOf, openSignals, sight, objectives, kpis, initiatives, milestones, removed}\` in the shapes of \`GET /api/v1/state\` and as the caller may see it there: objectives and initiatives with their own fields only (not the KPIs, initiatives, milestones or children under them), KPIs and milestones whole; a work item is answered as the milestones that show it, with their work. An id the caller may not see, or that no longer exists, is listed in \`removed\` (per kind): drop it. Repeating an id answers it once.`,
        tags: ['state'],
        security: bearer,
      },
    },
    async (request) => {
      const body = request.body;
      const count = STATE_KINDS.reduce((sum, kind) => sum + (body[kind]?.length ?? 0), 0);
      if (count > MAX_STATE_ENTITY_IDS) {
        fail(
          'request.invalid',
          `The request names ${count} ids; at most ${MAX_STATE_ENTITY_IDS} may be asked at once (ask for everything with GET /api/v1/state)`,
          { path: 'body' },
        );
      }
      const view = await readView(ctx, request.personId, undefined);
      return stateEntities(view.snapshot, body, view.seen);
    },
  );
  app.get<RouteTypes<typeof capacityRoute>>(
    '/api/v1/capacity',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(capacityRoute),
        summary:
          "The resource bottleneck: each unit's weekly load against its capacity, the over-allocations, and the levelled (resource-constrained) forecast of the milestones it moves",
        tags: ['state'],
        security: bearer,
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
    // The explanation's entity and derived figures are typed by kind only in the contract (the
    // use-case answers them as `unknown`): the answer is proven by the contract test, not here.
    app.get<Omit<RouteTypes<typeof entityRoute>, 'Reply'>>(
      `/api/v1/${collection}/:id`,
      {
        serializerCompiler: serializeAsIs,
        schema: {
          ...routeSchema(entityRoute),
          summary,
          tags: ['state'],
          security: bearer,
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
