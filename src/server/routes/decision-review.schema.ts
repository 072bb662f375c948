/**
 * The answer of `GET /api/v1/decisions/{id}`: the decision and its history as stored, and its
 * review (core/decisions/review.ts), described field by field for the OpenAPI document.
 */

const nullableNumber = { type: ['number', 'null'] } as const;
const nullableDate = { type: ['string', 'null'], format: 'date' } as const;

const kpiPeriodReview = {
  type: 'object',
  properties: {
    kpi: { type: 'string' },
    period: { type: 'string', examples: ['2026-Q4'] },
    unitOfMeasure: { type: ['string', 'null'] },
    target: nullableNumber,
    doNothing: { ...nullableNumber, description: 'The forecast without the option' },
    predicted: { ...nullableNumber, description: 'The forecast with the option' },
    saved: { ...nullableNumber, description: 'predicted − doNothing, positive = better' },
    actual: { ...nullableNumber, description: 'null while the period has no actual' },
    gap: { ...nullableNumber, description: 'actual − predicted, positive = better' },
    realised: { ...nullableNumber, description: 'actual − doNothing, positive = better' },
    ended: { type: 'boolean' },
    note: { type: 'string', examples: ['awaiting actuals for 2026-Q4'] },
  },
  required: ['kpi', 'period', 'predicted', 'actual', 'note'],
} as const;

const milestoneReview = {
  type: 'object',
  properties: {
    milestone: { type: 'string' },
    name: { type: ['string', 'null'] },
    doNothing: nullableDate,
    predicted: { ...nullableDate, description: 'null: the option drops the milestone' },
    actual: { ...nullableDate, description: 'The day its linked work completed' },
    lateDays: { ...nullableNumber, description: 'actual − predicted in calendar days' },
    note: { type: 'string' },
  },
  required: ['milestone', 'predicted', 'actual', 'note'],
} as const;

/** A decided decision's prediction against the actuals (null while it is open). */
export const decisionReviewSchema = {
  type: ['object', 'null'],
  description:
    'What the chosen option predicted (its price when decided) against the actuals: per KPI period moved, per milestone moved, and the money meant to be protected against what was realised.',
  properties: {
    decision: { type: 'string' },
    option: { type: 'integer' },
    title: { type: 'string' },
    predictedOn: { type: 'string', format: 'date' },
    predictedWhen: { type: 'string', enum: ['decided', 'added'] },
    asOf: { type: 'string', format: 'date' },
    status: { type: 'string', enum: ['awaiting', 'partial', 'complete', 'nothing_to_review'] },
    kpis: { type: 'array', items: kpiPeriodReview },
    milestones: { type: 'array', items: milestoneReview },
    money: {
      type: 'object',
      properties: {
        currency: { type: 'string' },
        meantToProtect: { type: 'number' },
        predictedWithActuals: { type: 'number' },
        realised: nullableNumber,
        cost: { type: 'number' },
      },
      required: ['currency', 'meantToProtect', 'predictedWithActuals', 'realised', 'cost'],
    },
    awaiting: { type: 'array', items: { type: 'string' } },
    summary: { type: 'string' },
  },
} as const;

/** `GET /api/v1/decisions/{id}`: 200. */
export const decisionDetailSchema = {
  type: 'object',
  properties: {
    decision: { type: 'object', additionalProperties: true },
    history: { type: 'array', items: { type: 'object', additionalProperties: true } },
    review: decisionReviewSchema,
  },
  required: ['decision', 'history', 'review'],
} as const;
