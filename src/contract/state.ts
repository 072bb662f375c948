import { z } from 'zod';
import type * as core from '../core/domain/state.ts';
import {
  boundedIdParams,
  errorResponses,
  isoDate,
  knownAtParameter,
  NO_CONTROL,
  personRef,
  sameType,
  signalIds,
  type Flat,
} from './common.ts';
import {
  MAX_STATE_ENTITY_ID_LENGTH,
  MAX_STATE_ENTITY_IDS,
  type StateEntitiesRequest,
} from './live-events.ts';

/**
 * The strategic view (`GET /api/v1/state`), the capacity view (`GET /api/v1/capacity`), an
 * entity with its explanation (`GET /api/v1/<collection>/:id`), and the engine's shapes they
 * carry (statuses, explanation steps, signals and their cause chains). Each shape the core also
 * declares is proven the same type as the core's (`sameType`).
 */

export const status = z.enum(['on_track', 'at_risk', 'off_track']);
export type Status = z.infer<typeof status>;

export const entityKind = z.enum([
  'work_item',
  'milestone',
  'dependency',
  'benefit',
  'kpi',
  'initiative',
  'objective',
  'unit',
  'demand',
  'source',
]);
sameType<z.infer<typeof entityKind>, core.EntityKind>(true);

/** A status and the rule that decided it. */
export const derivedStatus = z.strictObject({ status, rule: z.string(), reason: z.string() });
sameType<z.infer<typeof derivedStatus>, core.DerivedStatus>(true);

const figures = z.record(z.string(), z.union([z.number(), z.string()]));

/** One fact or rule application behind a derived figure, readable by a person. */
export const explanationStep = z.strictObject({
  rule: z.string(),
  text: z.string(),
  ref: z.strictObject({ kind: entityKind, id: z.string() }).optional(),
  figures: figures.optional(),
});
sameType<z.infer<typeof explanationStep>, core.ExplanationStep>(true);

/** One link of a cause chain, from the source event to the money and the objective. */
export const chainStep = z.strictObject({
  kind: entityKind,
  id: z.string(),
  text: z.string(),
  figures,
});
sameType<z.infer<typeof chainStep>, core.ChainStep>(true);

export const signalKind = z.enum([
  'milestone.slipped',
  'kpi.misses_target',
  'capacity.over_allocated',
  'source.stale',
  'value.below_promise',
  'budget.overrun',
  'governance.gate',
]);

const signalFields = {
  id: z.string(),
  kind: signalKind,
  subject: z.strictObject({ kind: entityKind, id: z.string() }),
  title: z.string(),
  chain: z.array(chainStep),
  affectedOwners: z.array(z.string()),
};
/** A signal as the engine raises it. */
export const signal = z.strictObject(signalFields);
sameType<z.infer<typeof signal>, core.Signal>(true);

/** What a write did to the signals: their ids, and each resolved one's last form. */
export const signalSync = z.strictObject({
  ...signalIds.shape,
  resolvedSignals: z.record(z.string(), signal).optional(),
});

/** A signal as the store keeps it: open or resolved, and when. */
export const storedSignalFields = {
  ...signalFields,
  status: z.enum(['open', 'resolved']),
  raisedAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
};

const benefitAccrual = z.strictObject({
  benefit: z.string(),
  milestone: z.string(),
  from: isoDate.nullable(),
  days: z.number(),
  amount: z.number(),
});

export const kpiPeriodForecast = z.strictObject({
  period: z.string(),
  start: isoDate,
  end: isoDate,
  target: z.number().nullable(),
  actual: z.number().nullable(),
  forecast: z.number(),
  forecastAtPlan: z.number(),
  gap: z.number().nullable(),
  benefits: z.array(benefitAccrual),
  status: derivedStatus,
});
sameType<z.infer<typeof kpiPeriodForecast>, core.KpiPeriodForecast>(true);

// --- The strategic view ---------------------------------------------------------------------

const statusCategory = z.enum(['todo', 'in_progress', 'done']);

export const workItemRef = z.strictObject({
  key: z.string(),
  summary: z.string(),
  status: z.string(),
  statusCategory,
  dueDate: isoDate.nullable(),
  forecastFinish: isoDate.nullable(),
});
export type WorkItemRef = z.infer<typeof workItemRef>;

export const milestoneView = z.strictObject({
  id: z.string(),
  name: z.string(),
  plannedDate: isoDate,
  forecastDate: isoDate,
  slipWorkingDays: z.number(),
  complete: z.boolean(),
  status: derivedStatus,
  workItems: z.array(workItemRef),
});
export type MilestoneView = z.infer<typeof milestoneView>;

export const initiativeView = z.strictObject({
  id: z.string(),
  name: z.string(),
  owner: personRef.nullable(),
  unit: z.string(),
  delivery: derivedStatus.nullable(),
  value: derivedStatus.nullable(),
  milestones: z.array(milestoneView),
});
export type InitiativeView = z.infer<typeof initiativeView>;

export const kpiView = z.strictObject({
  id: z.string(),
  name: z.string(),
  owner: personRef.nullable(),
  unitOfMeasure: z.string(),
  direction: z.enum(['higher_is_better', 'lower_is_better']),
  status: derivedStatus.nullable(),
  periods: z.array(kpiPeriodForecast),
});
export type KpiView = z.infer<typeof kpiView>;

export interface ObjectiveView {
  id: string;
  name: string;
  owner: z.infer<typeof personRef> | null;
  horizon: { start: string; end: string } | null;
  status: core.DerivedStatus | null;
  kpis: KpiView[];
  initiatives: InitiativeView[];
  children: ObjectiveView[];
}
/** An objective with its KPIs, initiatives and child objectives (recursive). */
export const objectiveView: z.ZodType<ObjectiveView> = z.strictObject({
  id: z.string(),
  name: z.string(),
  owner: personRef.nullable(),
  horizon: z.strictObject({ start: isoDate, end: isoDate }).nullable(),
  status: derivedStatus.nullable(),
  kpis: z.array(kpiView),
  initiatives: z.array(initiativeView),
  get children() {
    return z.array(objectiveView);
  },
});

/** `GET /api/v1/state`: objectives → KPIs → initiatives → milestones, with derived status. */
export const stateView = z.strictObject({
  asOf: isoDate,
  knownAt: z.string().optional(),
  organisation: z.strictObject({ id: z.string(), name: z.string() }),
  objectives: z.array(objectiveView),
  openSignals: z.int().min(0),
});
export type StateView = z.infer<typeof stateView>;

export const knownAtQuery = z.object({ knownAt: knownAtParameter.optional() });

// --- Capacity ---------------------------------------------------------------------------------

const unitWeek = z.strictObject({
  week: z.string(),
  monday: isoDate,
  capacity: z.number().nullable(),
  load: z.number(),
  levelledLoad: z.number(),
});
export const unitLoad = z.strictObject({ unit: z.string(), weeks: z.array(unitWeek) });
sameType<z.infer<typeof unitLoad>, core.UnitLoad>(true);

export const demandRun = z.strictObject({
  id: z.string(),
  initiative: z.string(),
  unit: z.string(),
  perWeek: z.number(),
  workItem: z.string().optional(),
  plannedStart: z.string(),
  plannedEnd: z.string(),
  levelledStart: z.string(),
  levelledEnd: z.string(),
  delayWeeks: z.number(),
  milestones: z.array(z.string()),
});
sameType<z.infer<typeof demandRun>, core.DemandRun>(true);

export const capacityOverAllocation = z.strictObject({
  id: z.string(),
  unit: z.string(),
  weeks: z.array(z.string()),
  capacity: z.number(),
  peakLoad: z.number(),
  peakPercent: z.number().nullable(),
  initiatives: z.array(z.strictObject({ id: z.string(), load: z.number() })),
  sentence: z.string(),
});
sameType<z.infer<typeof capacityOverAllocation>, core.CapacityOverAllocation>(true);

export const levelledCause = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('over_allocation'),
    overAllocation: z.string(),
    unit: z.string(),
    demand: z.string(),
  }),
  z.strictObject({ kind: z.literal('queue'), demand: z.string() }),
  z.strictObject({ kind: z.literal('dependency'), predecessor: z.string() }),
]);
sameType<z.infer<typeof levelledCause>, core.LevelledCause>(true);

export const levelledMilestone = z.strictObject({
  id: z.string(),
  forecastDate: isoDate,
  levelledDate: isoDate,
  calendarDays: z.number(),
  workingDays: z.number(),
  cause: levelledCause,
  sentence: z.string(),
});
sameType<z.infer<typeof levelledMilestone>, core.LevelledMilestone>(true);

/** `GET /api/v1/capacity`: each unit's weekly load against its capacity, and what levelling moves. */
export const capacityView = z.strictObject({
  asOf: isoDate,
  measure: z.string(),
  units: z.array(unitLoad),
  demands: z.array(demandRun),
  idle: z.array(z.strictObject({ id: z.string(), reason: z.string() })),
  overAllocations: z.array(capacityOverAllocation),
  milestones: z.array(levelledMilestone),
});
export type CapacityView = z.infer<typeof capacityView>;

// --- An entity and why ------------------------------------------------------------------------

export const milestoneDriver = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('plan') }),
  z.strictObject({ kind: z.literal('work_item'), key: z.string() }),
  z.strictObject({
    kind: z.literal('dependency'),
    predecessor: z.string(),
    type: z.string(),
    lagDays: z.number(),
  }),
]);
sameType<z.infer<typeof milestoneDriver>, core.MilestoneDriver>(true);

const teamBasis = z.strictObject({
  team: z.string(),
  completed: z.number(),
  weeks: z.number(),
  cycleTimes: z.number(),
  openItems: z.number(),
});

/** A milestone's date as a distribution, or why there is none (too little history). */
export const probabilisticForecast = z.union([
  z.strictObject({
    p50: isoDate,
    p85: isoDate,
    p95: isoDate,
    samples: z.number(),
    seed: z.number(),
    basis: z.strictObject({
      method: z.literal('monte_carlo'),
      teams: z.array(teamBasis),
      upstream: z.array(z.string()),
    }),
  }),
  z.strictObject({
    insufficient: z.strictObject({
      reason: z.literal('insufficient_history'),
      team: z.string(),
      completed: z.number(),
      needed: z.number(),
      milestone: z.string(),
    }),
  }),
]);
sameType<z.infer<typeof probabilisticForecast>, core.ProbabilisticForecast>(true);

/** What the engine derived for a milestone (`derived` of `GET /api/v1/milestones/:id`). */
export const milestoneDerived = z.strictObject({
  id: z.string(),
  plannedDate: isoDate,
  forecastDate: isoDate,
  unconstrainedDate: isoDate.optional(),
  slipWorkingDays: z.number(),
  complete: z.boolean(),
  driver: milestoneDriver,
  status: derivedStatus,
  explanation: z.array(explanationStep),
  probabilistic: probabilisticForecast.optional(),
});
export type MilestoneDerived = z.infer<typeof milestoneDerived>;
sameType<MilestoneDerived, core.MilestoneForecast>(true);

/** What the engine derived for a work item (`derived` of `GET /api/v1/work-items/:id`). */
export const workItemDerived = z.strictObject({
  key: z.string(),
  open: z.boolean(),
  forecastFinish: isoDate.nullable(),
  explanation: z.array(explanationStep),
});
export type WorkItemDerived = z.infer<typeof workItemDerived>;
sameType<WorkItemDerived, core.WorkItemForecast>(true);

/** A work item as mirrored from its source (`entity` of `GET /api/v1/work-items/:id`). */
export const workItemEntity = z.looseObject({
  key: z.string(),
  source: z.string(),
  summary: z.string(),
  status: z.string(),
  statusCategory,
  issueType: z.string().optional(),
  dueDate: isoDate.nullable(),
  startDate: isoDate.nullable(),
  doneDate: isoDate.nullable(),
  parentKey: z.string().nullable(),
  blockedBy: z.array(z.string()),
  blocks: z.array(z.string()),
  links: z.array(z.strictObject({ relation: z.string(), key: z.string() })),
  assignee: z.string().nullable(),
  updatedAt: z.string(),
});
export type WorkItemEntity = z.infer<typeof workItemEntity>;

/** A unit of the plan (`entity` of `GET /api/v1/units/:id`). */
export const unitEntity = z.looseObject({
  id: z.string(),
  name: z.string(),
  calendar: z.string().optional(),
  capacity: z
    .looseObject({
      perWeek: z.number(),
      periods: z.record(z.string(), z.number()).optional(),
    })
    .optional(),
});
export type UnitEntity = z.infer<typeof unitEntity>;

const explainedFields = {
  asOf: isoDate,
  knownAt: z.string().optional(),
  kind: entityKind,
  id: z.string(),
  status: z
    .union([derivedStatus, z.strictObject({ delivery: derivedStatus, value: derivedStatus })])
    .nullable(),
  explanation: z.array(explanationStep),
  probabilistic: probabilisticForecast.optional(),
};

/**
 * `GET /api/v1/<collection>/:id`: the entity (as the plan or the source declares it), what the
 * engine derived for it, its status and why. The entity and the derived figures differ by kind:
 * `explained` leaves them open, `explainedOf` names them (as the milestone, work item and unit
 * pages read them).
 */
export const explained = z.strictObject({
  ...explainedFields,
  entity: z.looseObject({}),
  derived: z.looseObject({}).nullable(),
});

export function explainedOf<E extends z.ZodType, D extends z.ZodType>(entity: E, derived: D) {
  return z.strictObject({ ...explainedFields, entity, derived: derived.nullable() });
}
export const explainedMilestone = explainedOf(z.looseObject({}), milestoneDerived);
export const explainedWorkItem = explainedOf(workItemEntity, workItemDerived);
export const explainedUnit = explainedOf(unitEntity, unitLoad);

/** An entity with what the engine derived for it, and why. */
export type Explained<Entity, Derived> = Omit<z.infer<typeof explained>, 'entity' | 'derived'> & {
  entity: Entity;
  derived: Derived | null;
};

export type CapacityOverAllocation = z.infer<typeof capacityOverAllocation>;
export type ChainStep = z.infer<typeof chainStep>;
export type DemandRun = z.infer<typeof demandRun>;
export type DerivedStatus = z.infer<typeof derivedStatus>;
export type EntityKind = z.infer<typeof entityKind>;
export type ExplanationStep = z.infer<typeof explanationStep>;
export type KpiPeriodForecast = z.infer<typeof kpiPeriodForecast>;
export type LevelledCause = z.infer<typeof levelledCause>;
export type LevelledMilestone = z.infer<typeof levelledMilestone>;
export type Signal = z.infer<typeof signal>;
export type UnitLoad = z.infer<typeof unitLoad>;
export type UnitWeek = z.infer<typeof unitWeek>;

// --- The routes -------------------------------------------------------------------------------

/** `GET /api/v1/state`. */
export const stateRoute = {
  querystring: knownAtQuery,
  response: { 200: stateView, ...errorResponses },
} as const;

/** `GET /api/v1/capacity`. */
export const capacityRoute = { response: { 200: capacityView, ...errorResponses } } as const;

/**
 * `GET /api/v1/<collection>/:id` (objectives, kpis, initiatives, milestones, work-items, units):
 * the id only bounded (an unknown one is a 404 naming it).
 */
export const entityRoute = {
  params: boundedIdParams(200),
  querystring: knownAtQuery,
  response: {
    200: z.union([explainedMilestone, explainedWorkItem, explainedUnit, explained]),
    ...errorResponses,
  },
} as const;

/** The ids of one kind a live `state` event named: bounded, no control characters. */
const entityIds = z
  .array(z.string().min(1).max(MAX_STATE_ENTITY_ID_LENGTH).regex(NO_CONTROL))
  .max(MAX_STATE_ENTITY_IDS);

/** `POST /api/v1/state/entities`: the body, by kind (at most MAX_STATE_ENTITY_IDS ids in all). */
export const stateEntitiesBody = z.strictObject({
  objectives: entityIds.optional(),
  kpis: entityIds.optional(),
  initiatives: entityIds.optional(),
  milestones: entityIds.optional(),
  workItems: entityIds.optional(),
});
sameType<Flat<Required<z.infer<typeof stateEntitiesBody>>>, Required<StateEntitiesRequest>>(true);

/** An objective or an initiative in that answer: its own fields, not what hangs under it. */
export const objectiveFieldsView = z.strictObject({
  id: z.string(),
  name: z.string(),
  owner: personRef.nullable(),
  horizon: z.strictObject({ start: isoDate, end: isoDate }).nullable(),
  status: derivedStatus.nullable(),
});
export const initiativeFieldsView = initiativeView.omit({ milestones: true });

/** The answer of `POST /api/v1/state/entities`, in the shapes of `GET /api/v1/state`. */
export const stateEntities = z.strictObject({
  asOf: isoDate,
  openSignals: z.int().min(0),
  /** A fingerprint of which entities the caller's view shows (see `sightOf`). */
  sight: z.string(),
  objectives: z.array(objectiveFieldsView),
  kpis: z.array(kpiView),
  initiatives: z.array(initiativeFieldsView),
  milestones: z.array(milestoneView),
  removed: z.strictObject({
    objectives: z.array(z.string()),
    kpis: z.array(z.string()),
    initiatives: z.array(z.string()),
    milestones: z.array(z.string()),
    workItems: z.array(z.string()),
  }),
});
export type StateEntities = z.infer<typeof stateEntities>;

export const stateEntitiesRoute = {
  body: stateEntitiesBody,
  response: { 200: stateEntities, ...errorResponses },
} as const;
