import type { Direction, IsoDate } from '../../core/domain/plan.ts';
import type {
  CapacityOverAllocation,
  ChainStep,
  DemandRun,
  DerivedStatus,
  EntityKind,
  ExplanationStep,
  KpiPeriodForecast,
  LevelledCause,
  LevelledMilestone,
  MilestoneDriver,
  Signal,
  Status,
  UnitLoad,
  UnitWeek,
} from '../../core/domain/state.ts';
import type {
  PlanFieldChange,
  PlanHistoryItem,
  PlanHistoryPage,
} from '../../core/plan/diff-plan.ts';

/** The shapes the API answers with, as the web app reads them. */

export type {
  CapacityOverAllocation,
  ChainStep,
  DemandRun,
  DerivedStatus,
  EntityKind,
  ExplanationStep,
  KpiPeriodForecast,
  LevelledCause,
  LevelledMilestone,
  PlanFieldChange,
  PlanHistoryItem,
  PlanHistoryPage,
  Status,
  UnitLoad,
  UnitWeek,
};

export interface PersonRef {
  id: string;
  name: string;
}

export interface Person extends PersonRef {
  title: string | null;
  unit: string | null;
  unitName: string | null;
}

export interface Me {
  person: Person;
  demo: boolean;
  /** The person's roles (executive, strategy_office, finance_controller, member, admin). */
  roles: string[];
  /**
   * What the access policy lets them do, from `GET /api/v1/me` (plan.apply, scenario.create,
   * sites.manage …): the app shows only these actions.
   */
  permissions: Record<string, boolean>;
}

/** Whether the signed-in person may take an action (false when the server did not say). */
export function mayDo(me: Me, action: string): boolean {
  return me.permissions[action] === true;
}

export interface WorkItemRef {
  key: string;
  summary: string;
  status: string;
  statusCategory: 'todo' | 'in_progress' | 'done';
  dueDate: IsoDate | null;
  forecastFinish: IsoDate | null;
}

export interface MilestoneView {
  id: string;
  name: string;
  plannedDate: IsoDate;
  forecastDate: IsoDate;
  slipWorkingDays: number;
  complete: boolean;
  status: DerivedStatus;
  workItems: WorkItemRef[];
}

export interface InitiativeView {
  id: string;
  name: string;
  owner: PersonRef | null;
  unit: string;
  delivery: DerivedStatus | null;
  value: DerivedStatus | null;
  milestones: MilestoneView[];
}

export interface KpiView {
  id: string;
  name: string;
  owner: PersonRef | null;
  unitOfMeasure: string;
  direction: Direction;
  status: DerivedStatus | null;
  periods: KpiPeriodForecast[];
}

export interface ObjectiveView {
  id: string;
  name: string;
  owner: PersonRef | null;
  horizon: { start: IsoDate; end: IsoDate } | null;
  status: DerivedStatus | null;
  kpis: KpiView[];
  initiatives: InitiativeView[];
  children: ObjectiveView[];
}

export interface StateView {
  asOf: IsoDate;
  organisation: { id: string; name: string };
  objectives: ObjectiveView[];
  openSignals: number;
}

export interface InboxSignal extends Signal {
  status: 'open' | 'resolved';
  raisedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  forMe: boolean;
  acknowledgedByMe: boolean;
  acknowledgedAt: string | null;
}

export interface SignalList {
  asOf: IsoDate;
  signals: InboxSignal[];
}

/** How a source's webhook deliveries stand (`GET /api/v1/sources`). */
export interface SourceDeliveries {
  pending: number;
  retrying: number;
  deadLettered: number;
  oldestPendingAt: string | null;
}

export interface SourceFreshness {
  source: string;
  workItems: number;
  latestUpdateAt: string | null;
  deliveries: SourceDeliveries;
}

/** A webhook delivery set aside because it could not be applied. */
export interface DeadLetter {
  seq: number;
  source: string;
  deliveryId: string | null;
  receivedAt: string;
  deadLetteredAt: string;
  attempts: number;
  problems: Problem[];
}

export interface DeadLetterList {
  deadLetters: DeadLetter[];
}

export interface SourceList {
  asOf: IsoDate;
  sources: SourceFreshness[];
}

export interface Health {
  status: 'ok' | 'degraded';
  database: 'pglite' | 'postgres';
  asOf: IsoDate;
  asOfPinned: boolean;
  webhooks: { pending: number; retrying: number; stuck: number; deadLettered: number };
}

/** `GET /api/v1/<collection>/:id`: an entity, what the engine derived for it, and why. */
export interface Explained<Entity, Derived> {
  asOf: IsoDate;
  kind: EntityKind;
  id: string;
  entity: Entity;
  derived: Derived | null;
  status: DerivedStatus | { delivery: DerivedStatus; value: DerivedStatus } | null;
  explanation: ExplanationStep[];
}

export interface MilestoneDerived {
  id: string;
  plannedDate: IsoDate;
  forecastDate: IsoDate;
  slipWorkingDays: number;
  complete: boolean;
  driver: MilestoneDriver;
  status: DerivedStatus;
  explanation: ExplanationStep[];
}

export interface WorkItemEntity {
  key: string;
  source: string;
  summary: string;
  status: string;
  statusCategory: 'todo' | 'in_progress' | 'done';
  issueType?: string;
  dueDate: IsoDate | null;
  startDate: IsoDate | null;
  doneDate: IsoDate | null;
  parentKey: string | null;
  blockedBy: string[];
  blocks: string[];
  links: { relation: string; key: string }[];
  assignee: string | null;
  updatedAt: string;
}

export interface WorkItemDerived {
  key: string;
  open: boolean;
  forecastFinish: IsoDate | null;
  explanation: ExplanationStep[];
}

/** `GET /api/v1/capacity`: each unit's weekly load against its capacity, and what levelling moves. */
export interface CapacityView {
  asOf: IsoDate;
  /** What capacity and demands are counted in, e.g. `FTE`. */
  measure: string;
  units: UnitLoad[];
  demands: DemandRun[];
  /** Demands that take nothing from the as-of week on, and why. */
  idle: { id: string; reason: string }[];
  overAllocations: CapacityOverAllocation[];
  milestones: LevelledMilestone[];
}

/** A unit of the plan, as `GET /api/v1/units/:id` returns it. */
export interface UnitEntity {
  id: string;
  name: string;
  calendar?: string;
  capacity?: { perWeek: number; periods?: Record<string, number> };
}

/** A problem the server found, naming its place (same as the CLI prints). */
export interface Problem {
  code: string;
  message: string;
  path?: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  path?: string;
  problems?: Problem[];
}
