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
  type OpenDecisionRequest,
} from '../../app/decisions.ts';
import type { ProposedOption } from '../../core/decisions/decision.ts';
import { decisionDetailSchema } from './decision-review.schema.ts';
import { bearer, errorResponses, errorSchema } from './schemas.ts';
import { actorOf } from '../actor.ts';

const id = {
  type: 'object',
  // No control characters (a NUL cannot even be looked up): 400 naming the parameter.
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' },
  },
  required: ['id'],
} as const;

/** An option: a title and its scenario changes (checked change by change by the core). */
const option = {
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 500 },
    changes: { type: 'array', minItems: 1, maxItems: 200, items: { type: 'object' } },
  },
  required: ['title', 'changes'],
  additionalProperties: false,
} as const;

const responses = { ...errorResponses, 403: errorSchema, 409: errorSchema } as const;

/** `/api/v1/decisions`: open, list, show, add an option, decide (decision rights apply). */
export function registerDecisionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: { status: 'open' | 'decided' | 'all' } }>(
    '/api/v1/decisions',
    {
      schema: {
        summary: 'Decisions, newest first, with their options, decider and due date',
        tags: ['decisions'],
        security: bearer,
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string', enum: ['open', 'decided', 'all'], default: 'all' },
          },
          additionalProperties: false,
        },
        response: responses,
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

  app.get<{ Params: { id: string } }>(
    '/api/v1/decisions/:id',
    {
      schema: {
        summary: 'A decision with its options (as priced when added), its history and review',
        tags: ['decisions'],
        security: bearer,
        params: id,
        response: { 200: decisionDetailSchema, ...responses },
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

  app.post<{ Body: OpenDecisionRequest }>(
    '/api/v1/decisions',
    {
      schema: {
        summary: 'Opens a decision for an incident (engine-proposed options) or by hand',
        description:
          "Give `incident`, or a `signal` (the decision is for the incident that holds it), or options alone. The engine proposes the options of every signal of the incident, without repeats, and the incident's headline is the title. Each option is priced against doing nothing; the decision goes to the lowest person whose decision rights cover every option, due the last day every option is still possible. An incident that has an open decision gives that decision back (200).",
        tags: ['decisions'],
        security: bearer,
        body: {
          type: 'object',
          properties: {
            signal: { type: 'string', minLength: 1, maxLength: 300 },
            incident: { type: 'string', minLength: 1, maxLength: 300 },
            title: { type: 'string', minLength: 1, maxLength: 500 },
            options: { type: 'array', maxItems: 20, items: option },
          },
          additionalProperties: false,
        },
        response: responses,
      },
    },
    async (request, reply) => {
      await assertSeesSubject(ctx, request.personId, request.body);
      const { decision, created } = await openDecision(ctx, request.body, actorOf(request));
      return reply.code(created ? 201 : 200).send({ decision });
    },
  );

  app.post<{ Params: { id: string }; Body: ProposedOption }>(
    '/api/v1/decisions/:id/options',
    {
      schema: {
        summary: 'Adds an option (a scenario) to an open decision',
        tags: ['decisions'],
        security: bearer,
        params: id,
        body: option,
        response: responses,
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

  app.post<{ Params: { id: string }; Body: { option: number; reason: string } }>(
    '/api/v1/decisions/:id/decide',
    {
      schema: {
        summary: 'Decides: applies the chosen option to the plan, with a reason',
        description:
          'Only the decider may decide (403 naming who can); a decision is decided once (409) and not after its due date (409). The plan changes, signals are recomputed and the step is recorded, in one transaction.',
        tags: ['decisions'],
        security: bearer,
        params: id,
        body: {
          type: 'object',
          properties: {
            option: { type: 'integer', minimum: 1 },
            reason: { type: 'string', minLength: 1, maxLength: 5000, pattern: '\\S' },
          },
          required: ['option', 'reason'],
          additionalProperties: false,
        },
        response: responses,
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
