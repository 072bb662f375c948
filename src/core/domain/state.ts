import type { IsoDate, PeriodLabel } from './plan.ts';

/**
 * What the engine derives from the plan and the work: forecasts, statuses and signals.
 * Every derived figure carries the facts and the rule that produced it.
 */

/**
 * Derived figures of one kind, by id (work item key, milestone id …), in plan or input order.
 * The engine keeps its figures as numbers and makes each entry, explanation included, when it is
 * read: ask only for what you show.
 */
export type DerivedTable<T> = ReadonlyMap<string, T>;

export type Status = 'on_track' | 'at_risk' | 'off_track';

/** One fact or rule application behind a derived figure, readable by a person. */
export interface ExplanationStep {
  /** A stable machine code for the rule applied, e.g. `milestone.after_latest_work`. */
  rule: string;
  /** The sentence a person reads. */
  text: string;
  /** The entity this step is about, when it is one (work item key, milestone id …). */
  ref?: { kind: EntityKind; id: string };
  /** The facts of this step as data: dates, days, amounts, the calendar, the link and its lag. */
  figures?: Record<string, number | string>;
}

export type EntityKind =
  | 'work_item'
  | 'milestone'
  | 'dependency'
  | 'benefit'
  | 'kpi'
  | 'initiative'
  | 'objective'
  /** A connected source (a Jira site). */
  | 'source';

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
  /** The Monte Carlo forecast, when the engine was given the teams' history. */
  probabilistic?: ProbabilisticForecast;
}

/**
 * A milestone's date as a distribution: from each team's history (cycle times and weekly
 * throughput of completed work), many seeded trials of its open work and its dependencies.
 */
export type ProbabilisticForecast =
  | {
      p50: IsoDate;
      p85: IsoDate;
      p95: IsoDate;
      /** Trials run. */
      samples: number;
      seed: number;
      basis: ProbabilisticBasis;
    }
  | { insufficient: InsufficientHistory };

/** What a probabilistic forecast was drawn from. */
export interface ProbabilisticBasis {
  method: 'monte_carlo';
  /** The teams whose open work the milestone (or a milestone it depends on) waits for. */
  teams: TeamBasis[];
  /** Milestones upstream whose trials fed this one through dependencies. */
  upstream: string[];
}

export interface TeamBasis {
  /** The team: the project key of its work items (`ERP` for `ERP-17`). */
  team: string;
  /** Completed work items in its history. */
  completed: number;
  /** Weeks of throughput history sampled. */
  weeks: number;
  /** Cycle times sampled (first in progress → done, calendar days). */
  cycleTimes: number;
  /** Open work items of this milestone in this team. */
  openItems: number;
}

/** Too little history to draw a distribution from: who lacks it, and how much there is. */
export interface InsufficientHistory {
  reason: 'insufficient_history';
  /** The team whose history is too thin. */
  team: string;
  completed: number;
  needed: number;
  /** The milestone whose open work that team holds (this one, or one upstream). */
  milestone: string;
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

export type SignalKind = 'milestone.slipped' | 'kpi.misses_target' | 'source.stale';

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
  workItems: DerivedTable<WorkItemForecast>;
  milestones: DerivedTable<MilestoneForecast>;
  kpis: DerivedTable<KpiForecast>;
  initiatives: DerivedTable<InitiativeStatus>;
  objectives: DerivedTable<ObjectiveStatus>;
  /** Milestone slip signals in plan order, then KPI signals by KPI and period. */
  signals: readonly Signal[];
}
