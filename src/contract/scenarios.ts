import { z } from 'zod';
import type * as core from '../core/scenario/scenario.ts';
import type * as priced from '../core/scenario/price-scenario.ts';
import { NO_CONTROL, errorResponses, isoDate, refusalResponses, sameType } from './common.ts';
import { signalKind } from './state.ts';

/** Scenarios (a list of changes to the plan) and their price against doing nothing. */

const budgetPlace = z.strictObject({ initiative: z.string(), period: z.string() });

/** One change a scenario or a decision's option makes to the plan. */
export const scenarioChange = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('move_milestone'),
    milestone: z.string(),
    plannedDate: isoDate,
  }),
  z.strictObject({ kind: z.literal('accept_slip'), milestone: z.string() }),
  z.strictObject({
    kind: z.literal('add_capacity'),
    unit: z.string(),
    perWeek: z.number(),
    from: isoDate,
    to: isoDate,
    cost: z
      .strictObject({ amount: z.number(), period: z.string(), initiative: z.string().optional() })
      .optional(),
  }),
  z.strictObject({
    kind: z.literal('move_demand'),
    demand: z.string(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  }),
  z.strictObject({
    kind: z.literal('prioritise'),
    unit: z.string(),
    initiative: z.string(),
    over: z.array(z.string()),
  }),
  z.strictObject({
    kind: z.literal('move_budget'),
    from: budgetPlace,
    to: budgetPlace,
    amount: z.number(),
  }),
  z.strictObject({ kind: z.literal('descope_milestone'), milestone: z.string() }),
  z.strictObject({ kind: z.literal('descope_benefit'), benefit: z.string() }),
  z.strictObject({
    kind: z.literal('hold_initiative'),
    initiative: z.string(),
    until: isoDate.optional(),
    reason: z.string(),
  }),
  z.strictObject({ kind: z.literal('stop_initiative'), initiative: z.string() }),
]);
sameType<z.infer<typeof scenarioChange>, core.ScenarioChange>(true);

const compared = <T extends z.ZodType>(value: T) => z.strictObject({ before: value, after: value });
const nullableNumber = z.number().nullable();
const signalRef = z.strictObject({ id: z.string(), kind: signalKind });
const roi = z.strictObject({ benefitValue: z.number(), budget: z.number(), ratio: nullableNumber });

/** A scenario's price: every figure before and after it. */
export const scenarioResult = z.strictObject({
  asOf: isoDate,
  milestones: z.array(
    z.strictObject({
      id: z.string(),
      plannedDate: compared(isoDate.nullable()),
      forecastDate: compared(isoDate.nullable()),
      slipWorkingDays: compared(nullableNumber),
      levelledDate: compared(isoDate.nullable()),
    }),
  ),
  kpis: z.array(
    z.strictObject({
      kpi: z.string(),
      period: z.string(),
      target: compared(nullableNumber),
      forecast: compared(nullableNumber),
      gap: compared(nullableNumber),
    }),
  ),
  budget: z.array(
    z.strictObject({ initiative: z.string(), period: z.string(), plan: compared(z.number()) }),
  ),
  capacity: z.array(
    z.strictObject({
      unit: z.string(),
      peakPercent: compared(nullableNumber),
      overAllocatedWeeks: compared(z.array(z.string())),
    }),
  ),
  roi: z.array(z.strictObject({ initiative: z.string(), roi: compared(roi.nullable()) })),
  signals: z.strictObject({ raised: z.array(signalRef), resolved: z.array(signalRef) }),
  totals: z.strictObject({
    milestonesChanged: z.number(),
    budgetPlan: compared(z.number()),
    scenarioCost: z.number(),
    currency: z.string(),
    moneyAtStake: z.strictObject({
      againstTarget: compared(z.number()),
      againstPlan: compared(z.number()),
    }),
    moneyLaterByCapacity: compared(z.number()),
    signals: compared(z.number()),
  }),
});
sameType<z.infer<typeof scenarioResult>, priced.ScenarioResult>(true);

export const scenario = z.strictObject({
  id: z.string(),
  name: z.string(),
  author: z.string(),
  createdAt: z.string(),
  changes: z.array(scenarioChange),
});
sameType<z.infer<typeof scenario>, core.Scenario>(true);

export const scenarioColumn = z.strictObject({
  id: z.string(),
  name: z.string(),
  author: z.string(),
  result: scenarioResult,
});
sameType<z.infer<typeof scenarioColumn>, priced.ScenarioColumn>(true);

export type ScenarioChange = z.infer<typeof scenarioChange>;
export type ScenarioResult = z.infer<typeof scenarioResult>;
export type Scenario = z.infer<typeof scenario>;
export type ScenarioColumn = z.infer<typeof scenarioColumn>;

/** A change as sent: an object, checked change by change by the core (named errors). */
export const sentChange = z
  .custom<ScenarioChange>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  .meta({ type: 'object', description: 'A scenario change (checked change by change)' });

/** A scenario id as a request names it: no control character (a NUL never reaches the database). */
const scenarioId = z.string().min(1).max(200).regex(NO_CONTROL);

export const scenarioList = z.strictObject({ scenarios: z.array(scenario) });
export type ScenarioList = z.infer<typeof scenarioList>;

export const scenarioComparison = z.strictObject({ scenarios: z.array(scenarioColumn) });
export type ScenarioComparison = z.infer<typeof scenarioComparison>;

export const savedScenario = z.strictObject({ scenario, column: scenarioColumn });
export type SavedScenario = z.infer<typeof savedScenario>;

export const listScenariosRoute = {
  response: { 200: scenarioList, ...refusalResponses },
} as const;

export const showScenarioRoute = {
  params: z.object({ id: scenarioId }),
  response: { 200: scenarioColumn, ...refusalResponses },
} as const;

export const saveScenarioRoute = {
  body: z.strictObject({
    id: z.string().min(1).max(200).regex(/^\S+$/),
    name: z.string().min(1).max(500),
    changes: z.array(sentChange).max(200),
  }),
  response: { 201: savedScenario, ...refusalResponses },
} as const;

export const compareScenariosRoute = {
  body: z.strictObject({
    ids: z.array(scenarioId).min(1).max(4).optional(),
    scenarios: z
      .array(z.looseObject({}).describe('A whole scenario: id, name and changes'))
      .min(1)
      .max(4)
      .optional(),
  }),
  response: { 200: scenarioComparison, ...errorResponses },
} as const;
