import type { IsoDate, PeriodLabel } from '../../../src/core/domain/plan.ts';

/**
 * What the engine derives from the plan and the work: forecasts, statuses and signals.
 * Every derived figure carries the facts and the rule that produced it.
 */

export type Status = 'on_track' | 'at_risk' | 'off_track';

/** One fact or rule application behind a derived figure, readable by a person. */
export interface ExplanationStep {
  /** A stable machine code for the rule applied, e.g. `milestone.after_latest_work`. */
  rule: string;
  /** The sentence a person reads. */
  text: string;
  /** The entity this step is about, when it is one (work item key, milestone id …). */
  ref?: { kind: EntityKind; id: string };
}

export type EntityKind =
  'work_item' | 'milestone' | 'dependency' | 'benefit' | 'kpi' | 'initiative' | 'objective';

/** A status and the rule that decided it. */
export interface DerivedStatus {
  status: Status;
  rule: string;
  reason: string;
}

export interface WorkItemForecast {
  key: string;
  open: boolean;
  /** When it is expected to finish (open) or finished (done); null when it cannot be told. */
  forecastFinish: IsoDate | null;
  explanation: ExplanationStep[];
}

/** What set a milestone's forecast date. */
export type MilestoneDriver =
  | { kind: 'plan' }
  | { kind: 'work_item'; key: string }
  | { kind: 'dependency'; predecessor: string; type: string; lagDays: number };

export interface MilestoneForecast {
  id: string;
  plannedDate: IsoDate;
  forecastDate: IsoDate;
  /** Forecast minus plan in working days of the milestone's calendar (positive = late). */
  slipWorkingDays: number;
  /** True when every linked work item is done. */
  complete: boolean;
  driver: MilestoneDriver;
  status: DerivedStatus;
  explanation: ExplanationStep[];
}

export interface BenefitAccrual {
  benefit: string;
  milestone: string;
  /** The first day the benefit counts in this period (inclusive), or null when none do. */
  from: IsoDate | null;
  days: number;
  amount: number;
}

export interface KpiPeriodForecast {
  period: PeriodLabel;
  start: IsoDate;
  end: IsoDate;
  target: number | null;
  actual: number | null;
  forecast: number;
  /** The forecast had every milestone landed on its planned date. */
  forecastAtPlan: number;
  /** Forecast minus target, signed so that negative means worse than target. */
  gap: number | null;
  benefits: BenefitAccrual[];
  status: DerivedStatus;
}

export interface KpiForecast {
  id: string;
  periods: KpiPeriodForecast[];
  status: DerivedStatus;
  explanation: ExplanationStep[];
}

export interface InitiativeStatus {
  id: string;
  /** Are the milestones on time? */
  delivery: DerivedStatus;
  /** Will the promised benefit arrive? */
  value: DerivedStatus;
  explanation: ExplanationStep[];
}

export interface ObjectiveStatus {
  id: string;
  status: DerivedStatus;
  explanation: ExplanationStep[];
}

export type SignalKind = 'milestone.slipped' | 'kpi.misses_target';

/** One link of a cause chain, from the source event to the money and the objective. */
export interface ChainStep {
  kind: EntityKind;
  id: string;
  text: string;
  /** The figures of this step, e.g. `{ slipWorkingDays: 15 }` or `{ delta: -360000 }`. */
  figures: Record<string, number | string>;
}

export interface Signal {
  /** Stable across recomputes: the same problem keeps its id, e.g. `kpi.misses_target:K-SAVINGS:2026-Q4`. */
  id: string;
  kind: SignalKind;
  subject: { kind: EntityKind; id: string };
  title: string;
  chain: ChainStep[];
  /** Person ids: the owners along the chain and the owners of the objectives served. */
  affectedOwners: string[];
}

export interface DerivedState {
  asOf: IsoDate;
  workItems: Record<string, WorkItemForecast>;
  milestones: Record<string, MilestoneForecast>;
  kpis: Record<string, KpiForecast>;
  initiatives: Record<string, InitiativeStatus>;
  objectives: Record<string, ObjectiveStatus>;
  signals: Signal[];
}
