import { z } from 'zod';
import type {
  PlanFieldChange as CorePlanFieldChange,
  PlanHistoryItem as CorePlanHistoryItem,
  PlanHistoryPage as CorePlanHistoryPage,
} from '../core/plan/diff-plan.ts';
import { errorResponses, sameType } from './common.ts';

/** `GET /api/v1/plan/history`: the plan's changes, who made them and when. */

export const planFieldChange = z.strictObject({
  field: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type PlanFieldChange = z.infer<typeof planFieldChange>;
sameType<PlanFieldChange, CorePlanFieldChange>(true);

export const planHistoryItem = z.strictObject({
  seq: z.number(),
  at: z.string(),
  actor: z.string().nullable(),
  actorName: z.string().nullable(),
  collection: z.string(),
  id: z.string(),
  action: z.string(),
  fields: z.array(planFieldChange),
});
export type PlanHistoryItem = z.infer<typeof planHistoryItem>;
sameType<PlanHistoryItem, CorePlanHistoryItem>(true);

export const planHistoryPage = z.strictObject({
  changes: z.array(planHistoryItem),
  next: z.number().nullable(),
});
export type PlanHistoryPage = z.infer<typeof planHistoryPage>;
sameType<PlanHistoryPage, CorePlanHistoryPage>(true);

export const planHistoryRoute = {
  querystring: z.strictObject({
    // No control characters: 400 naming the parameter.
    item: z
      .string()
      .min(3)
      .max(300)
      .regex(/^[A-Za-z]+\/[^\u0000-\u001f]+$/) // eslint-disable-line no-control-regex
      .optional(),
    before: z.int().min(1).optional(),
    limit: z.int().min(1).max(500).default(100),
  }),
  response: { 200: planHistoryPage, ...errorResponses },
} as const;
