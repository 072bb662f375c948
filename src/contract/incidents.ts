import { z } from 'zod';
import type * as core from '../core/incidents/incident.ts';
import { NO_CONTROL, errorResponses, isoDate, sameType } from './common.ts';
import { chainStep, signalKind } from './state.ts';

/** `/api/v1/incidents`: the open signals grouped by root cause (docs/DECISIONS.md "Incidents"). */

const cause = z.strictObject({
  key: z.string(),
  kind: z.enum(['work_item', 'milestone', 'capacity', 'kpi', 'source']),
  id: z.string(),
  text: z.string(),
});

const effects = z.strictObject({
  milestones: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      signal: z.string().nullable(),
      plannedDate: isoDate,
      forecastDate: isoDate,
      slipWorkingDays: z.number(),
      slipCalendarDays: z.number(),
      unconstrainedDate: isoDate.nullable(),
      text: z.string(),
    }),
  ),
  kpis: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      period: z.string(),
      signal: z.string(),
      unitOfMeasure: z.string(),
      forecast: z.number(),
      target: z.number().nullable(),
      forecastAtPlan: z.number(),
      text: z.string(),
    }),
  ),
  objectives: z.array(
    z.strictObject({ id: z.string(), name: z.string(), status: z.string(), text: z.string() }),
  ),
  capacity: z.array(
    z.strictObject({
      signal: z.string(),
      unit: z.string(),
      name: z.string(),
      weeks: z.array(z.string()),
      text: z.string(),
    }),
  ),
  sources: z.array(z.strictObject({ signal: z.string(), text: z.string() })),
});

const incidentFields = {
  id: z.string(),
  headline: z.string(),
  root: cause,
  causes: z.array(cause),
  money: z.strictObject({
    currency: z.string(),
    againstTarget: z.number(),
    againstPlan: z.number(),
    kpis: z.array(
      z.strictObject({
        kpi: z.string(),
        name: z.string(),
        period: z.string().nullable(),
        unitOfMeasure: z.string(),
        counted: z.boolean(),
        againstTarget: z.number(),
        againstPlan: z.number(),
      }),
    ),
  }),
  slipWeeks: z.number(),
  signals: z.array(
    z.strictObject({
      id: z.string(),
      kind: signalKind,
      title: z.string(),
      chain: z.array(chainStep),
    }),
  ),
  effects,
  initiatives: z.array(z.string()),
  units: z.array(z.string()),
  kpisBelowTarget: z.array(z.string()),
  owners: z.array(z.string()),
  reaches: z
    .strictObject({
      person: z.string(),
      as: z.string(),
      amount: z.number(),
      covered: z.boolean(),
      reasons: z.array(z.string()),
    })
    .nullable(),
};
sameType<z.infer<z.ZodObject<typeof incidentFields>>, core.Incident>(true);

/** An incident, who must decide it and its latest decision. */
export const incident = z.strictObject({
  ...incidentFields,
  decider: z.strictObject({ person: z.string(), name: z.string(), because: z.string() }).nullable(),
  decision: z
    .strictObject({
      id: z.string(),
      status: z.enum(['open', 'decided']),
      title: z.string(),
      dueDate: z.string().nullable(),
    })
    .nullable(),
});
export type Incident = z.infer<typeof incident>;

export const incidentList = z.strictObject({ incidents: z.array(incident) });
export type IncidentList = z.infer<typeof incidentList>;

export const listIncidentsRoute = {
  response: { 200: incidentList, ...errorResponses },
} as const;

export const showIncidentRoute = {
  // No control characters: 400 naming the parameter.
  params: z.object({ id: z.string().min(1).max(300).regex(NO_CONTROL) }),
  response: { 200: z.strictObject({ incident }), ...errorResponses },
} as const;
