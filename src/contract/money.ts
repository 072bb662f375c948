import { z } from 'zod';
import type {
  InitiativeMoney as CoreInitiativeMoney,
  ObjectiveMoney as CoreObjectiveMoney,
  PortfolioMoney as CorePortfolioMoney,
} from '../core/governance/money.ts';
import type {
  BenefitValue as CoreBenefitValue,
  ValueValidation,
} from '../core/governance/value.ts';
import { type Flat, idParams, isoDate, refusalResponses, sameType } from './common.ts';

/** Money and validated value (docs/GOVERNANCE.md): `/api/v1/money`, `…/:id/money`, `…/:id/value`. */

const periodMoney = z.strictObject({
  period: z.string(),
  start: isoDate,
  end: isoDate,
  plan: z.number(),
  committed: z.number(),
  actual: z.number().nullable(),
  elapsed: z.number(),
  overrun: z.boolean(),
});

const totalsFields = {
  plan: z.number(),
  committed: z.number(),
  actual: z.number(),
  planToDate: z.number(),
  eac: z.number(),
  benefitsRealised: z.number(),
  benefitsForecast: z.number(),
};

const roi = z.strictObject({ toDate: z.number().nullable(), atCompletion: z.number().nullable() });

export const initiativeMoney = z.strictObject({
  ...totalsFields,
  initiative: z.string(),
  name: z.string(),
  owner: z.string(),
  currency: z.string(),
  objectives: z.array(z.string()),
  periods: z.array(periodMoney),
  runRate: z.number().nullable(),
  variance: z.number(),
  overrun: z.boolean(),
  roi,
  horizon: isoDate.nullable(),
});
export type InitiativeMoney = z.infer<typeof initiativeMoney>;
sameType<InitiativeMoney, CoreInitiativeMoney>(true);

export const objectiveMoney = z.strictObject({
  ...totalsFields,
  objective: z.string(),
  name: z.string(),
  initiatives: z.array(z.strictObject({ id: z.string(), share: z.number() })),
  children: z.array(z.string()),
  roi,
});
export type ObjectiveMoney = z.infer<typeof objectiveMoney>;
sameType<ObjectiveMoney, CoreObjectiveMoney>(true);

/** `GET /api/v1/money`. */
export const portfolioMoney = z.strictObject({
  asOf: isoDate,
  currency: z.string(),
  totals: z.strictObject({ ...totalsFields, roi }),
  objectives: z.array(objectiveMoney),
  initiatives: z.array(initiativeMoney),
});
export type PortfolioMoney = z.infer<typeof portfolioMoney>;
sameType<PortfolioMoney['totals'], Flat<CorePortfolioMoney['totals']>>(true);
sameType<Omit<PortfolioMoney, 'totals'>, Omit<CorePortfolioMoney, 'totals'>>(true);

export const valueValidation = z.strictObject({
  benefit: z.string(),
  period: z.string(),
  amount: z.number(),
  note: z.string(),
  by: z.string(),
  at: z.string(),
});
sameType<z.infer<typeof valueValidation>, ValueValidation>(true);

const valuePeriod = z.strictObject({
  period: z.string(),
  start: isoDate,
  end: isoDate,
  promised: z.number(),
  claimed: z.number(),
  validation: valueValidation.nullable(),
  realised: z.number(),
  ratio: z.number().nullable(),
  belowPromise: z.boolean(),
  status: z.enum(['in_progress', 'claimed', 'validated']),
});

const benefitValueFields = {
  benefit: z.string(),
  milestone: z.string(),
  kpi: z.string(),
  initiative: z.string(),
  amountPerWeek: z.number(),
  landedOn: isoDate.nullable(),
  periods: z.array(valuePeriod),
  promised: z.number(),
  claimed: z.number(),
  validated: z.number(),
  realised: z.number(),
  shortfallStreak: z.number(),
  threshold: z.number(),
  periodsNeeded: z.number(),
  status: z.enum(['none', 'claimed', 'validated']),
};
export const benefitValue = z.strictObject(benefitValueFields);
export type BenefitValue = z.infer<typeof benefitValue>;
sameType<BenefitValue, CoreBenefitValue>(true);

/** `GET /api/v1/initiatives/:id/money`. */
export const initiativeMoneyView = z.strictObject({
  asOf: isoDate,
  money: initiativeMoney,
  benefits: z.array(benefitValue),
});
export type InitiativeMoneyView = z.infer<typeof initiativeMoneyView>;

/** `GET /api/v1/objectives/:id/money`. */
export const objectiveMoneyView = z.strictObject({
  asOf: isoDate,
  currency: z.string(),
  money: objectiveMoney,
  initiatives: z.array(initiativeMoney),
});
export type ObjectiveMoneyView = z.infer<typeof objectiveMoneyView>;

/** `GET /api/v1/benefits/:id/value`: the value, its validations, and who may validate. */
export const benefitValueView = z.strictObject({
  ...benefitValueFields,
  asOf: isoDate,
  validations: z.array(valueValidation),
  mayValidate: z.boolean(),
  whoMayValidate: z.string().nullable(),
});
export type BenefitValueView = z.infer<typeof benefitValueView>;

export const moneyRoute = { response: { 200: portfolioMoney, ...refusalResponses } } as const;
export const initiativeMoneyRoute = {
  params: idParams,
  response: { 200: initiativeMoneyView, ...refusalResponses },
} as const;
export const objectiveMoneyRoute = {
  params: idParams,
  response: { 200: objectiveMoneyView, ...refusalResponses },
} as const;
export const benefitValueRoute = {
  params: idParams,
  response: { 200: benefitValueView, ...refusalResponses },
} as const;

/** The longest note kept with a validation (app/validate-value.ts's, proven in conformance.ts). */
export const MAX_NOTE_LENGTH = 2000;

/** `POST /api/v1/benefits/:id/validations`: a finance controller confirms a period's amount. */
export const validationBody = z.strictObject({
  period: z.string().min(4).max(20).describe('The reporting period validated, e.g. 2026-08'),
  amount: z.number().min(0).describe("The realised amount confirmed, in the KPI's unit"),
  note: z.string().min(1).max(MAX_NOTE_LENGTH).describe('What the confirmation rests on'),
});
export type ValidationBody = z.infer<typeof validationBody>;

/** The validation stored, or the same one found again (`duplicate`: nothing stored). */
export const validateValueAnswer = z.strictObject({
  validation: valueValidation,
  duplicate: z.boolean(),
});

export const validateValueRoute = {
  params: idParams,
  body: validationBody,
  response: { 200: validateValueAnswer, 201: validateValueAnswer, ...refusalResponses },
} as const;
