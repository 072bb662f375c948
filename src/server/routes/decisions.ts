import type { FastifyInstance } from 'fastify';
import { viewerFor, type Viewer } from '../../app/viewer.ts';
import { may, type DecisionReach } from '../../core/access/policy.ts';
import { DomainError, fail } from '../../core/errors.ts';
import { findSignal, readSignals } from '../../app/signal-inbox.ts';
import type { AppContext } from '../../app/context.ts';
import {
  addDecisionOption,
  decide,
  listDecisions,
  openDecision,
  showDecision,
} from '../../app/decisions.ts';
import {
  addOptionRoute,
  decideRoute,
  listDecisionsRoute,
  openDecisionRoute,
  showDecisionRoute,
} from '../../contract/decisions.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { bearer } from './schemas.ts';
import { actorOf } from '../actor.ts';

/** `/api/v1/decisions`: open, list, show, add an option, decide (decision rights apply). */
export function registerDecisionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<RouteTypes<typeof listDecisionsRoute>>(
    '/api/v1/decisions',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(listDecisionsRoute),
        summary: 'Decisions, newest first, with their options, decider and due date',
        tags: ['decisions'],
        security: bearer,
      },
    },
    async (request) => {
      const sees = await decisionSight(ctx, request.personId);
      const decisions = await listDecisions(
        ctx,
        request.query.status === 'all' ? undefined : request.query.status,
      );
      return { decisions: decisions.filter(sees) };
    },
  );

  app.get<RouteTypes<typeof showDecisionRoute>>(
    '/api/v1/decisions/:id',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showDecisionRoute),
        summary: 'A decision with its options (as priced when added), its history and review',
        tags: ['decisions'],
        security: bearer,
      },
    },
    async (request) => {
      const sees = await decisionSight(ctx, request.personId);
      const shown = await showDecision(ctx, request.params.id);
      if (!sees(shown.decision))
        fail('not_found', `there is no decision '${request.params.id}'`, { path: 'id' });
      return shown;
    },
  );

  app.post<RouteTypes<typeof openDecisionRoute>>(
    '/api/v1/decisions',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(openDecisionRoute),
        summary: 'Opens a decision for an incident (engine-proposed options) or by hand',
        description:
          "Give `incident`, or a `signal` (the decision is for the incident that holds it), or options alone. The engine proposes the options of every signal of the incident, without repeats, and the incident's headline is the title. Each option is priced against doing nothing; the decision goes to the lowest person whose decision rights cover every option, due the last day every option is still possible. An incident that has an open decision gives that decision back (200).",
        tags: ['decisions'],
        security: bearer,
      },
    },
    async (request, reply) => {
      await assertSeesSubject(ctx, request.personId, request.body);
      const { decision, created } = await openDecision(ctx, request.body, actorOf(request));
      return reply.code(created ? 201 : 200).send({ decision });
    },
  );

  app.post<RouteTypes<typeof addOptionRoute>>(
    '/api/v1/decisions/:id/options',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(addOptionRoute),
        summary: 'Adds an option (a scenario) to an open decision',
        tags: ['decisions'],
        security: bearer,
      },
    },
    async (request, reply) => {
      const viewer = await viewerFor(ctx, request.personId);
      const sees = await decisionSight(ctx, request.personId, viewer);
      const { decision } = await showDecision(ctx, request.params.id);
      if (!sees(decision))
        fail('not_found', `there is no decision '${request.params.id}'`, { path: 'id' });
      if (viewer.snapshot !== null) {
        const verdict = may(viewer.snapshot.plan, request.personId, {
          kind: 'decision.add_option',
          decision,
        });
        if (!verdict.ok)
          throw new DomainError({ code: 'access.forbidden', message: verdict.message, path: 'id' });
      }
      return reply.code(201).send({
        decision: await addDecisionOption(ctx, request.params.id, request.body, actorOf(request)),
      });
    },
  );

  app.post<RouteTypes<typeof decideRoute>>(
    '/api/v1/decisions/:id/decide',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(decideRoute),
        summary: 'Decides: applies the chosen option to the plan, with a reason',
        description:
          'Only the decider may decide (403 naming who can); a decision is decided once (409) and not after its due date (409). The plan changes, signals are recomputed and the step is recorded, in one transaction.',
        tags: ['decisions'],
        security: bearer,
      },
    },
    async (request) => {
      // Who may decide is the decision rights' answer (the decider), checked by the use-case;
      // one the caller may not even see is not found.
      const sees = await decisionSight(ctx, request.personId);
      const { decision } = await showDecision(ctx, request.params.id);
      if (!sees(decision))
        fail('not_found', `there is no decision '${request.params.id}'`, { path: 'id' });
      return decide(ctx, request.params.id, request.body, actorOf(request));
    },
  );
}

/** Which decisions a person sees: the policy's answer, with the signals they see. */
async function decisionSight(
  ctx: AppContext,
  personId: string,
  viewer?: Viewer,
): Promise<(decision: DecisionReach) => boolean> {
  const { seen } = viewer ?? (await viewerFor(ctx, personId));
  if (seen.whole) return () => true;
  const signals = new Map((await readSignals(ctx, true)).map((s) => [s.id, s]));
  const signalVisible = (id: string): boolean => {
    const signal = signals.get(id);
    return signal !== undefined && seen.seesSignal(signal);
  };
  return (decision) => seen.seesDecision(decision, signalVisible);
}

/** A decision is opened only for an incident or a signal the caller sees. */
async function assertSeesSubject(
  ctx: AppContext,
  personId: string,
  body: { signal?: string; incident?: string },
): Promise<void> {
  if (body.signal === undefined && body.incident === undefined) return;
  const { seen, incidents } = await viewerFor(ctx, personId);
  if (body.incident !== undefined) {
    const incident = incidents.find((i) => i.id === body.incident);
    if (incident !== undefined && !seen.seesIncident(incident))
      fail('not_found', `there is no incident '${body.incident}' now`, { path: '$.incident' });
  }
  if (body.signal !== undefined) {
    const signal = await findSignal(ctx, body.signal);
    if (signal !== undefined && !seen.seesSignal(signal))
      fail('not_found', `there is no signal '${body.signal}'`, { path: '$.signal' });
  }
}
