import type { FastifyInstance } from 'fastify';
import { applyPlan } from '../../app/apply-plan.ts';
import type { AppContext } from '../../app/context.ts';
import { viewerFor } from '../../app/viewer.ts';
import {
  keepHidden,
  may,
  mayChangePlan,
  restoreHidden,
  visiblePlan,
} from '../../core/access/policy.ts';
import { DomainError } from '../../core/errors.ts';
import type { Plan } from '../../core/domain/plan.ts';
import { fail } from '../../core/errors.ts';
import { parsePlanText, planToFileObject } from '../../plan-file/index.ts';
import { loadStoredPlan } from '../../app/stored-plan.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import {
  applyPlanRoute,
  PLAN_FILE_MEDIA_TYPES,
  type PlanEntityCounts,
  showPlanRoute,
  validatePlanRoute,
} from '../../contract/plan.ts';
import { bearer } from './schemas.ts';
import { actorOf } from '../actor.ts';

function formatOf(contentType: string | undefined): 'json' | 'yaml' {
  return contentType !== undefined && /yaml/i.test(contentType) ? 'yaml' : 'json';
}

/** Plan apply, validate and export, with the same rules and messages as the CLI. */
export function registerPlanRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Plan bodies are parsed by the plan-file reader itself, so that errors name lines.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    [...PLAN_FILE_MEDIA_TYPES],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  app.get<RouteTypes<typeof showPlanRoute>>(
    '/api/v1/plan',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(showPlanRoute),
        summary: 'The stored plan, as a plan file',
        tags: ['plan'],
        security: bearer,
      },
    },
    async (request) => {
      const plan = await loadStoredPlan(ctx);
      if (plan === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
      const { seen } = await viewerFor(ctx, request.personId);
      return planToFileObject(visiblePlan(plan, seen));
    },
  );

  app.post<RouteTypes<typeof validatePlanRoute>>(
    '/api/v1/plan/validate',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(validatePlanRoute),
        summary: 'Checks a plan file as a complete plan; changes nothing',
        tags: ['plan'],
        security: bearer,
      },
    },
    (request) => {
      const parsed = parsePlanText(
        String(request.body),
        'request body',
        formatOf(request.headers['content-type']),
      );
      return Promise.resolve({ valid: true, entities: countEntities(parsed.plan) });
    },
  );

  app.post<RouteTypes<typeof applyPlanRoute>>(
    '/api/v1/plan',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(applyPlanRoute),
        summary: 'Applies a plan file: upserts by id, in one transaction, and reports what changed',
        tags: ['plan'],
        security: bearer,
      },
    },
    async (request) => {
      const stored = await loadStoredPlan(ctx);
      // What the policy hid from the sender (a confidential initiative, an objective link) is
      // kept as stored, before the plan is checked: not sending it back removes nothing, even
      // in a prune, and what they sent may point at it.
      const seen = stored === null ? null : (await viewerFor(ctx, request.personId)).seen;
      const parsed = parsePlanText(
        String(request.body),
        'request body',
        formatOf(request.headers['content-type']),
        stored === null || seen === null
          ? undefined
          : (plan) => keepHidden(stored, restoreHidden(stored, plan, seen), seen),
      );
      const incoming = parsed.plan;
      // The strategy office and admins apply the whole plan; anyone else only the changes the
      // policy lets them make item by item (their own milestones' fields, not a KPI's target).
      if (stored !== null && !may(stored, request.personId, { kind: 'plan.apply' }).ok) {
        if (request.query.prune) refuse(mayChangePlan(stored, request.personId, [prunePlan]));
        const trial = await applyPlan(ctx, incoming, {
          prune: false,
          dryRun: true,
          actor: actorOf(request),
          // What they may change is asked first: a 403 before any closed period's 409.
          ignoreClosedPeriods: true,
        });
        refuse(mayChangePlan(stored, request.personId, trial.changes));
      }
      const result = await applyPlan(ctx, incoming, {
        prune: request.query.prune,
        dryRun: request.query.dryRun,
        actor: actorOf(request),
      });
      return {
        dryRun: result.dryRun,
        changes: result.changes.map(({ collection, id, action, fields }) => ({
          collection,
          id,
          action,
          fields,
        })),
        signals: result.signals,
      };
    },
  );
}

/** What a prune is, to the policy: removals, a whole-plan apply. */
const prunePlan = { collection: 'plan', id: 'plan', action: 'removed', fields: [] } as const;

function refuse(verdict: ReturnType<typeof may>): void {
  if (!verdict.ok)
    throw new DomainError({ code: 'access.forbidden', message: verdict.message, path: 'body' });
}

function countEntities(plan: Plan): PlanEntityCounts {
  return {
    units: plan.units.length,
    people: plan.people.length,
    objectives: plan.objectives.length,
    kpis: plan.kpis.length,
    initiatives: plan.initiatives.length,
    milestones: plan.milestones.length,
    dependencies: plan.dependencies.length,
    benefits: plan.benefits.length,
  };
}
