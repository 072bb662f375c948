import { z } from 'zod';
import { planSchemaProblems } from '../plan-file/plan-schema.ts';
import type { PlanFile } from '../plan-file/plan-file-types.ts';
import { entityChange, errorResponses, refusalResponses } from './common.ts';
import { signalSync } from './state.ts';

/**
 * `GET /api/v1/plan` (the stored plan as a plan file), `POST /api/v1/plan/validate` (a plan file
 * checked, nothing changed) and `POST /api/v1/plan` (a plan file applied). The plan file's own
 * shape is declared once, by the published JSON Schema (schema/plan.schema.json), and checked
 * with it here.
 */

/** The media types a plan file is sent as: JSON, or YAML under any of its usual names. */
export const PLAN_FILE_MEDIA_TYPES = [
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
] as const;

/**
 * A plan file sent to the server. It is read as text by the plan-file reader itself (so that
 * every problem names its line), not by the route's validator: the schema only describes it.
 */
export const planFileBody = z
  .unknown()
  .describe(
    'A plan file (see schema/plan.schema.json), as JSON (application/json) or YAML (application/yaml).',
  );

/** A plan file as answered: an object the published plan schema accepts. */
export const planFile = z
  .custom<PlanFile>()
  .check((ctx) => {
    for (const problem of planSchemaProblems(ctx.value))
      ctx.issues.push({
        code: 'custom',
        message: problem.message,
        path: problem.segments,
        input: ctx.value,
      });
  })
  .meta({
    type: 'object',
    description: 'A plan file (see schema/plan.schema.json), cut to what the reader may see',
  });

const planFileRoute = {
  body: planFileBody,
  consumes: PLAN_FILE_MEDIA_TYPES,
} as const;

/** How many entities of each kind a valid plan file holds. */
export const planEntityCounts = z.strictObject({
  units: z.int(),
  people: z.int(),
  objectives: z.int(),
  kpis: z.int(),
  initiatives: z.int(),
  milestones: z.int(),
  dependencies: z.int(),
  benefits: z.int(),
});
export type PlanEntityCounts = z.infer<typeof planEntityCounts>;

/** A plan file checked as a complete plan (an invalid one is a 400 naming each problem). */
export const planValidation = z.strictObject({
  valid: z.literal(true),
  entities: planEntityCounts,
});
export type PlanValidation = z.infer<typeof planValidation>;

/** What applying a plan file changed (or, for a dry run, would change) and the signals it moved. */
export const planApplyAnswer = z.strictObject({
  dryRun: z.boolean(),
  changes: z.array(entityChange),
  signals: signalSync,
});
export type PlanApplyAnswer = z.infer<typeof planApplyAnswer>;

export const showPlanRoute = {
  response: { 200: planFile, ...errorResponses },
} as const;

export const validatePlanRoute = {
  ...planFileRoute,
  response: { 200: planValidation, ...errorResponses },
} as const;

export const applyPlanRoute = {
  ...planFileRoute,
  querystring: z.strictObject({
    prune: z.boolean().default(false).describe('Remove stored entities the file does not name'),
    dryRun: z.boolean().default(false).describe('Report what would change; change nothing'),
  }),
  response: { 200: planApplyAnswer, ...refusalResponses },
} as const;
