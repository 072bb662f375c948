import { z } from 'zod';
import { STAGES, type Stage } from '../core/domain/plan.ts';
import { idParams, isoDate, refusalResponses } from './common.ts';
import { decider } from './decisions.ts';

/** Stage gates (docs/GOVERNANCE.md "Stage gates"): a gate, a go / no-go, the portfolio by stage. */

export const stage = z.enum(STAGES as readonly [Stage, ...Stage[]]);

const stagePassage = z.strictObject({
  stage,
  on: isoDate,
  by: z.string().optional(),
  decision: z.string().optional(),
  note: z.string().optional(),
});

const gateCriterion = z.strictObject({
  id: z.string(),
  label: z.string(),
  pass: z.boolean(),
  message: z.string(),
});

/** A go or no-go recorded at a gate. */
export const gateDecision = z.strictObject({
  id: z.string(),
  initiative: z.string(),
  from: stage,
  to: stage,
  go: z.boolean(),
  note: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
  decidedOn: z.string(),
  owner: decider,
  /** The criteria as they were checked when deciding. */
  criteria: z.array(gateCriterion),
});

/** An initiative at its gate: where it stands, the gate ahead, its criteria and its owner. */
export const gateView = z.strictObject({
  initiative: z.string(),
  name: z.string(),
  stage,
  gate: stage.nullable(),
  criteria: z.array(gateCriterion),
  passes: z.boolean(),
  owner: decider.nullable(),
  history: z.array(stagePassage),
  ownerName: z.string().nullable(),
  decisions: z.array(gateDecision),
});
export type GateView = z.infer<typeof gateView>;

const money = z.strictObject({ plan: z.number(), committed: z.number(), actual: z.number() });

/** The initiatives the caller may see, by stage, with money per stage. */
export const portfolioView = z.strictObject({
  currency: z.string(),
  stages: z.array(
    z.strictObject({
      stage,
      initiatives: z.array(
        z.strictObject({
          id: z.string(),
          name: z.string(),
          owner: z.string(),
          unit: z.string(),
          stage,
          currency: z.string(),
          budget: money,
          gate: stage.nullable(),
          gatePasses: z.boolean(),
          missing: z.array(z.string()),
          lastPassedOn: isoDate.nullable(),
        }),
      ),
      money,
    }),
  ),
  total: money,
  statuses: z.record(z.string(), z.strictObject({ delivery: z.string(), value: z.string() })),
  units: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  owners: z.array(z.strictObject({ id: z.string(), name: z.string() })),
});
export type PortfolioView = z.infer<typeof portfolioView>;

export const showGateRoute = {
  params: idParams,
  response: { 200: z.strictObject({ gate: gateView, mayPass: z.boolean() }), ...refusalResponses },
} as const;

export const decideGateRoute = {
  params: idParams,
  body: z.strictObject({
    decision: z.enum(['go', 'no_go']),
    note: z.string().min(1).max(2000).regex(/\S/),
  }),
  response: {
    201: z.strictObject({ decision: gateDecision, gate: gateView }),
    ...refusalResponses,
  },
} as const;

export const portfolioRoute = {
  response: { 200: z.strictObject({ portfolio: portfolioView }), ...refusalResponses },
} as const;
