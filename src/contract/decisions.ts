import { z } from 'zod';
import { DECISION_KINDS, type DecisionKind } from '../core/domain/plan.ts';
import type { Decision as CoreDecision, ProposedOption } from '../core/decisions/decision.ts';
import type { DecisionReview as CoreDecisionReview } from '../core/decisions/review.ts';
import { idParams, isoDate, refusalResponses, sameType } from './common.ts';
import { scenarioChange, scenarioResult, sentChange } from './scenarios.ts';
import { signalSync } from './state.ts';

/** `/api/v1/decisions`: open, list, show, add an option, decide. */

const decisionKind = z.enum(DECISION_KINDS as readonly [DecisionKind, ...DecisionKind[]]);

export const optionEffect = z.strictObject({
  kinds: z.array(decisionKind),
  initiatives: z.array(z.string()),
  units: z.array(z.string()),
  amount: z.number(),
  slipWeeks: z.number(),
  kpisBelowTarget: z.array(z.string()),
});

export const decisionOption = z.strictObject({
  number: z.int(),
  title: z.string(),
  proposedBy: z.string(),
  changes: z.array(scenarioChange),
  result: scenarioResult,
  effect: optionEffect,
  lastDay: isoDate.nullable(),
});

export const rightConsidered = z.strictObject({
  right: z.string(),
  person: z.string().nullable(),
  covers: z.boolean(),
  reasons: z.array(z.string()),
});

export const decider = z.strictObject({
  person: z.string(),
  right: z.string().nullable(),
  because: z.string(),
  considered: z.array(rightConsidered),
  escalatesTo: z.string().nullable(),
});

export const decisionOutcome = z.strictObject({
  option: z.int(),
  reason: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
});

/** A decision as the store keeps it and the API shows it. */
export const decision = z.strictObject({
  id: z.string(),
  status: z.enum(['open', 'decided']),
  signal: z.string().nullable(),
  incident: z.string().nullable().optional(),
  title: z.string(),
  kinds: z.array(decisionKind),
  options: z.array(decisionOption),
  decider,
  dueDate: isoDate.nullable(),
  openedBy: z.string(),
  openedAt: z.string(),
  outcome: decisionOutcome.nullable(),
});
export type Decision = z.infer<typeof decision>;
sameType<Decision, CoreDecision>(true);

/** One step of a decision's history (`opened`, `option_added`, `decided`). */
export const decisionEvent = z.strictObject({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type DecisionEventView = z.infer<typeof decisionEvent>;
export type OptionEffect = z.infer<typeof optionEffect>;
export type DecisionOption = z.infer<typeof decisionOption>;
export type RightConsidered = z.infer<typeof rightConsidered>;
export type Decider = z.infer<typeof decider>;
export type DecisionOutcome = z.infer<typeof decisionOutcome>;

const nullableNumber = z.number().nullable();

/** A decided decision's prediction against the actuals (null while it is open). */
export const decisionReview = z
  .strictObject({
    decision: z.string(),
    option: z.int(),
    title: z.string(),
    predictedOn: isoDate,
    predictedWhen: z.enum(['decided', 'added']),
    asOf: isoDate,
    status: z.enum(['awaiting', 'partial', 'complete', 'nothing_to_review']),
    kpis: z.array(
      z.strictObject({
        kpi: z.string(),
        period: z.string().meta({ examples: ['2026-Q4'] }),
        unitOfMeasure: z.string().nullable(),
        target: nullableNumber,
        doNothing: nullableNumber.describe('The forecast without the option'),
        predicted: nullableNumber.describe('The forecast with the option'),
        saved: nullableNumber.describe('predicted − doNothing, positive = better'),
        actual: nullableNumber.describe('null while the period has no actual'),
        gap: nullableNumber.describe('actual − predicted, positive = better'),
        realised: nullableNumber.describe('actual − doNothing, positive = better'),
        ended: z.boolean(),
        note: z.string().meta({ examples: ['awaiting actuals for 2026-Q4'] }),
      }),
    ),
    milestones: z.array(
      z.strictObject({
        milestone: z.string(),
        name: z.string().nullable(),
        doNothing: isoDate.nullable(),
        predicted: isoDate.nullable().describe('null: the option drops the milestone'),
        actual: isoDate.nullable().describe('The day its linked work completed'),
        lateDays: nullableNumber.describe('actual − predicted in calendar days'),
        note: z.string(),
      }),
    ),
    money: z.strictObject({
      currency: z.string(),
      meantToProtect: z.number(),
      predictedWithActuals: z.number(),
      realised: nullableNumber,
      cost: z.number(),
    }),
    awaiting: z.array(z.string()),
    summary: z.string(),
  })
  .describe(
    'What the chosen option predicted (its price when decided) against the actuals: per KPI period moved, per milestone moved, and the money meant to be protected against what was realised.',
  );
export type DecisionReview = z.infer<typeof decisionReview>;
sameType<DecisionReview, CoreDecisionReview>(true);

export const decisionList = z.strictObject({ decisions: z.array(decision) });
export type DecisionList = z.infer<typeof decisionList>;

export const decisionDetail = z.strictObject({
  decision,
  history: z.array(decisionEvent),
  review: decisionReview.nullable(),
});
export type DecisionDetail = z.infer<typeof decisionDetail>;

/** An option: a title and its scenario changes. */
export const proposedOption = z.strictObject({
  title: z.string().min(1).max(500),
  changes: z.array(sentChange).min(1).max(200),
});
sameType<z.infer<typeof proposedOption>, ProposedOption>(true);

export const decideAnswer = z.strictObject({
  decision,
  baseline: z.array(
    z.strictObject({ milestone: z.string(), before: z.string(), after: z.string() }),
  ),
  planChanges: z.number(),
  signals: signalSync,
});
export type DecideAnswer = z.infer<typeof decideAnswer>;

const decisionAnswer = z.strictObject({ decision });

export const listDecisionsRoute = {
  querystring: z.strictObject({ status: z.enum(['open', 'decided', 'all']).default('all') }),
  response: { 200: decisionList, ...refusalResponses },
} as const;

export const showDecisionRoute = {
  params: idParams,
  response: { 200: decisionDetail, ...refusalResponses },
} as const;

/** A decision to open: the body of `POST /api/v1/decisions`, and what the use-case reads. */
export const openDecisionBody = z.strictObject({
  signal: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .describe('The signal it is opened from: the decision is for the incident that holds it'),
  incident: z
    .string()
    .min(1)
    .max(300)
    .optional()
    .describe('The incident it is opened for; the engine proposes the options of all its signals'),
  title: z.string().min(1).max(500).optional(),
  options: z
    .array(proposedOption)
    .max(20)
    .optional()
    .describe('Options a person adds, each a list of scenario changes'),
});
export type OpenDecisionRequest = z.infer<typeof openDecisionBody>;

export const openDecisionRoute = {
  body: openDecisionBody,
  response: { 200: decisionAnswer, 201: decisionAnswer, ...refusalResponses },
} as const;

export const addOptionRoute = {
  params: idParams,
  body: proposedOption,
  response: { 201: decisionAnswer, ...refusalResponses },
} as const;

export const decideRoute = {
  params: idParams,
  body: z.strictObject({
    option: z.int().min(1),
    reason: z.string().min(1).max(5000).regex(/\S/),
  }),
  response: { 200: decideAnswer, ...refusalResponses },
} as const;
