import { z } from 'zod';
import type { AdjustmentResult } from '../app/adjust-period.ts';
import type { ClosedPeriodSummary, PeriodView } from '../app/periods.ts';
import { NO_CONTROL, refusalResponses, sameType, type Flat } from './common.ts';

/** `/api/v1/periods`: closed periods (docs/GOVERNANCE.md "Locked periods"). */

const label = z.string().min(1).max(40).regex(NO_CONTROL);
const id = z.string().min(1).max(200).regex(NO_CONTROL);
const budgetField = z.enum(['plan', 'committed', 'actual']);

/** One figure a closing freezes: a KPI's actual, or one figure of an initiative's budget line. */
export const figureRef = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('kpi_actual'), kpi: z.string(), period: z.string() }),
  z.strictObject({
    kind: z.literal('budget'),
    initiative: z.string(),
    period: z.string(),
    line: budgetField,
  }),
]);

export const periodAdjustment = z.strictObject({
  period: z.string(),
  figure: figureRef,
  amount: z.number(),
  reason: z.string(),
  by: z.string(),
  at: z.string(),
});

export const closedPeriodSummary = z.strictObject({
  period: z.string(),
  closedBy: z.string(),
  closedByName: z.string(),
  closedAt: z.string(),
  figures: z.int(),
  adjustments: z.int(),
});
sameType<z.infer<typeof closedPeriodSummary>, ClosedPeriodSummary>(true);

export const periodList = z.strictObject({ periods: z.array(closedPeriodSummary) });
export type PeriodList = z.infer<typeof periodList>;

export const frozenFigureView = z.strictObject({
  figure: figureRef,
  label: z.string(),
  frozen: z.number().nullable(),
  adjustments: z.array(periodAdjustment),
  standing: z.number().nullable(),
});

export const periodView = z.strictObject({
  period: z.string(),
  closedBy: z.string(),
  closedByName: z.string(),
  closedAt: z.string(),
  forecast: z.strictObject({
    kpis: z.array(
      z.strictObject({
        kpi: z.string(),
        period: z.string(),
        target: z.number().nullable(),
        actual: z.number().nullable(),
        forecast: z.number(),
        forecastAtPlan: z.number(),
      }),
    ),
    milestones: z.array(
      z.strictObject({
        milestone: z.string(),
        plannedDate: z.string(),
        forecastDate: z.string(),
        complete: z.boolean(),
      }),
    ),
  }),
  figures: z.array(frozenFigureView),
  adjustments: z.array(periodAdjustment),
});
sameType<z.infer<typeof periodView>, Flat<PeriodView>>(true);

export const periodAnswer = z.strictObject({ period: periodView });
export type PeriodAnswer = z.infer<typeof periodAnswer>;

const periodParams = z.strictObject({ period: label });

export const listPeriodsRoute = {
  response: { 200: periodList, ...refusalResponses },
} as const;

export const showPeriodRoute = {
  params: periodParams,
  response: { 200: periodAnswer, ...refusalResponses },
} as const;

export const closePeriodRoute = {
  params: periodParams,
  response: { 201: periodAnswer, ...refusalResponses },
} as const;

export const adjustmentAnswer = z.strictObject({
  adjustment: periodAdjustment,
  from: z.number().nullable(),
  to: z.number(),
  periods: z.array(z.string()),
});
sameType<z.infer<typeof adjustmentAnswer>, AdjustmentResult>(true);

export const adjustPeriodRoute = {
  params: periodParams,
  body: z.strictObject({
    kpi: id.optional(),
    initiative: id.optional(),
    line: budgetField.optional(),
    figurePeriod: label.optional(),
    amount: z.number(),
    reason: z.string().min(1).max(2000).regex(/\S/),
  }),
  response: { 201: adjustmentAnswer, ...refusalResponses },
} as const;
