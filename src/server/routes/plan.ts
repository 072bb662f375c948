import type { FastifyInstance } from 'fastify';
import { applyPlan } from '../../app/apply-plan.ts';
import type { AppContext } from '../../app/context.ts';
import type { Plan } from '../../core/domain/plan.ts';
import { fail } from '../../core/errors.ts';
import { parsePlanText, planToFileObject } from '../../plan-file/index.ts';
import { loadPlan } from '../../store/plan-store.ts';
import { bearer, errorResponses } from './schemas.ts';
import { actorOf } from '../actor.ts';

const planBodyDescription =
  'A plan file (see schema/plan.schema.json), as JSON (application/json) or YAML (application/yaml).';

function formatOf(contentType: string | undefined): 'json' | 'yaml' {
  return contentType !== undefined && /yaml/i.test(contentType) ? 'yaml' : 'json';
}

/** Plan apply, validate and export, with the same rules and messages as the CLI. */
export function registerPlanRoutes(app: FastifyInstance, ctx: AppContext): void {
  // Plan bodies are parsed by the plan-file reader itself, so that errors name lines.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  app.get(
    '/api/v1/plan',
    {
      schema: {
        summary: 'The stored plan, as a plan file',
        tags: ['plan'],
        security: bearer,
        response: { ...errorResponses },
      },
    },
    async () => {
      const plan = await loadPlan(ctx.db);
      if (plan === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
      return planToFileObject(plan);
    },
  );

  app.post<{ Body: string }>(
    '/api/v1/plan/validate',
    {
      schema: {
        summary: 'Checks a plan file as a complete plan; changes nothing',
        description: planBodyDescription,
        tags: ['plan'],
        security: bearer,
        response: { ...errorResponses },
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

  app.post<{ Body: string; Querystring: { prune: boolean; dryRun: boolean } }>(
    '/api/v1/plan',
    {
      schema: {
        summary: 'Applies a plan file: upserts by id, in one transaction, and reports what changed',
        description: planBodyDescription,
        tags: ['plan'],
        security: bearer,
        querystring: {
          type: 'object',
          properties: {
            prune: {
              type: 'boolean',
              default: false,
              description: 'Remove stored entities the file does not name',
            },
            dryRun: {
              type: 'boolean',
              default: false,
              description: 'Report what would change; change nothing',
            },
          },
          additionalProperties: false,
        },
        response: { ...errorResponses },
      },
    },
    async (request) => {
      const parsed = parsePlanText(
        String(request.body),
        'request body',
        formatOf(request.headers['content-type']),
      );
      const result = await applyPlan(ctx, parsed.plan, {
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

function countEntities(plan: Plan): Record<string, number> {
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
