import type { FastifyInstance } from 'fastify';
import { acknowledgeSignal } from '../../app/acknowledge-signal.ts';
import type { AppContext } from '../../app/context.ts';
import { findSignal, listSignalInbox } from '../../app/signal-inbox.ts';
import { viewerFor } from '../../app/viewer.ts';
import { fail } from '../../core/errors.ts';
import { bearer } from './schemas.ts';
import { actorOf } from '../actor.ts';
import { knownAtViewer, parseKnownAt, readKnownAt } from '../../app/known-at.ts';
import { ackRoute, signalsRoute } from '../../contract/signals.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';

/** `GET /api/v1/signals`: what the engine raised, each with its cause chain and owners. */
export function registerSignalRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof signalsRoute>>(
    '/api/v1/signals',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(signalsRoute),
        summary: 'Signals with their cause chains, newest first',
        description:
          'Each signal says whether it affects the caller (`forMe`) and whether the caller acknowledged it since it was raised (`acknowledgedByMe`).',
        tags: ['signals'],
        security: bearer,
      },
    },
    async (request) => {
      if (request.query.knownAt !== undefined) {
        // The signals open then, as they stood then, as the plan of then let the caller see them.
        const known = await readKnownAt(ctx, parseKnownAt(request.query.knownAt, 'knownAt'));
        const { seen } = await knownAtViewer(ctx, request.personId, known);
        return {
          asOf: known.asOf,
          knownAt: known.knownAt,
          signals: known.signals
            .filter((s) => seen.seesSignal(s))
            .map((s) => ({ ...s, forMe: s.affectedOwners.includes(request.personId) })),
        };
      }
      const { seen } = await viewerFor(ctx, request.personId);
      const signals = await listSignalInbox(
        ctx.db,
        request.personId,
        request.query.status === 'all',
      );
      return { asOf: ctx.clock.asOf(), signals: signals.filter((s) => seen.seesSignal(s)) };
    },
  );

  app.post<RouteTypes<typeof ackRoute>>(
    '/api/v1/signals/:id/ack',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(ackRoute),
        summary: 'Acknowledges a signal: the caller has seen it',
        tags: ['signals'],
        security: bearer,
      },
    },
    async (request) => {
      const { seen } = await viewerFor(ctx, request.personId);
      const signal = await findSignal(ctx, request.params.id);
      // One the caller may not see is as unknown to them as one that does not exist.
      if (signal !== undefined && !seen.seesSignal(signal))
        fail('not_found', `there is no signal '${request.params.id}'`, { path: 'id' });
      return acknowledgeSignal(ctx, request.params.id, actorOf(request));
    },
  );
}
