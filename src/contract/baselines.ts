import { z } from 'zod';
import type { Baseline, VarianceReport } from '../app/baselines.ts';
import type { KpiForecastHistory } from '../app/known-at.ts';
import {
  errorResponses,
  isoDate,
  NO_CONTROL,
  refusalResponses,
  sameType,
  type Flat,
} from './common.ts';

/**
 * `/api/v1/baselines`: named baselines of the plan and the variance against them; and a KPI's
 * forecast history (`GET /api/v1/kpis/:id/forecast-history`).
 */

export const baseline = z.strictObject({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['approved', 'replan', 'manual', 'original']),
  planSeq: z.int(),
  savedAt: z.string(),
  savedBy: z.string(),
  decision: z.string().nullable(),
  note: z.string().nullable(),
});
sameType<z.infer<typeof baseline>, Flat<Baseline>>(true);

export const baselineList = z.strictObject({ baselines: z.array(baseline) });

export const listBaselinesRoute = { response: { 200: baselineList, ...errorResponses } } as const;

/** A baseline to save: the body of `POST /api/v1/baselines`, and what the use-case reads. */
export const newBaseline = z.strictObject({
  name: z.string().min(1).max(100),
  kind: z
    .enum(['approved', 'manual'])
    .optional()
    .describe('`approved`: the plan as approved; `manual` (the default): any moment worth keeping'),
  note: z.string().max(2000).optional(),
});
export type NewBaseline = z.infer<typeof newBaseline>;

export const saveBaselineRoute = {
  body: newBaseline,
  response: { 201: baseline, ...refusalResponses },
} as const;

const baselineChange = z.enum(['unchanged', 'changed', 'added', 'removed']);

export const varianceReport = z.strictObject({
  baseline,
  planAt: z.string().nullable(),
  asOf: isoDate,
  milestones: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      initiative: z.string(),
      baselineDate: isoDate.nullable(),
      plannedDate: isoDate.nullable(),
      forecastDate: isoDate.nullable(),
      plannedDays: z.number().nullable(),
      forecastDays: z.number().nullable(),
      change: baselineChange,
    }),
  ),
  initiatives: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      currency: z.string(),
      baselineBudget: z.number(),
      currentBudget: z.number(),
      variance: z.number(),
      actual: z.number(),
      periods: z.array(
        z.strictObject({
          period: z.string(),
          baseline: z.number(),
          current: z.number(),
          variance: z.number(),
        }),
      ),
      change: baselineChange,
    }),
  ),
  totals: z.strictObject({
    currency: z.string(),
    baselineBudget: z.number(),
    currentBudget: z.number(),
    variance: z.number(),
    replanned: z.int(),
    late: z.int(),
    worstForecastDays: z.number(),
  }),
});
sameType<z.infer<typeof varianceReport>, Flat<VarianceReport>>(true);

/** An id or name as a path names it: no control character (a NUL never reaches the database). */
const idParams = z.object({ id: z.string().min(1).max(200).regex(NO_CONTROL) });

export const varianceRoute = {
  params: idParams,
  response: { 200: varianceReport, ...errorResponses },
} as const;

export const kpiForecastHistory = z.strictObject({
  kpi: z.string(),
  name: z.string(),
  unitOfMeasure: z.string(),
  direction: z.string(),
  targets: z.array(z.strictObject({ period: z.string(), target: z.number() })),
  points: z.array(
    z.strictObject({
      at: z.string(),
      asOf: isoDate,
      cause: z.enum(['plan', 'work', 'plan+work']),
      periods: z.array(
        z.strictObject({
          period: z.string(),
          forecast: z.number(),
          target: z.number(),
          actual: z.number().nullable(),
        }),
      ),
    }),
  ),
  writes: z.int(),
  truncated: z.boolean(),
});
sameType<z.infer<typeof kpiForecastHistory>, KpiForecastHistory>(true);
export type KpiForecastHistoryView = z.infer<typeof kpiForecastHistory>;

export const forecastHistoryRoute = {
  params: idParams,
  response: { 200: kpiForecastHistory, ...errorResponses },
} as const;
