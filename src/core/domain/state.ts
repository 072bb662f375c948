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
  | 'unit'
  | 'demand'
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
  /** The forecast: levelled within the units' capacity where a demand holds it. */
  forecastDate: IsoDate;
  /** Present when the resource bottleneck moves the forecast: the date without it. */
  unconstrainedDate?: IsoDate;
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

export type SignalKind =
  | 'milestone.slipped'
  | 'kpi.misses_target'
  | 'capacity.over_allocated'
  | 'source.stale'
  /** A benefit below its promise; a budget overrun (core/governance: value.ts, money.ts). */
  | 'value.below_promise'
  | 'budget.overrun'
  /** An initiative past a gate it never passed (core/governance/stage-gates.ts). */
  | 'governance.gate';

/**
 * The resource bottleneck: every unit's weekly load against its capacity from the as-of week on,
 * where it is over-allocated and by whom, and the levelled (resource-constrained) forecast: the
 * milestones that move once no unit takes on more than it can, and why.
 */
export interface CapacityState {
  /** What capacity and demands are counted in, e.g. `FTE`. */
  measure: string;
  /** Units with a capacity or a demand, in plan order. */
  units: UnitLoad[];
  /** Demands that run from the as-of week on, in plan order. */
  demands: DemandRun[];
  /** Demands that take nothing from the as-of week on, and why (done, over, no end known). */
  idle: { id: string; reason: string }[];
  /** By unit in plan order, then by first week. */
  overAllocations: CapacityOverAllocation[];
  /** Milestones the levelled forecast moves later than the deterministic one, in plan order. */
  milestones: LevelledMilestone[];
}

export interface UnitLoad {
  unit: string;
  /** From the as-of week to the last week any demand runs, as planned or levelled. */
  weeks: UnitWeek[];
}

export interface UnitWeek {
  /** ISO week, `2026-W41`. */
  week: string;
  /** Its Monday. */
  monday: IsoDate;
  /** What the unit can take on that week; null when it declares no capacity. */
  capacity: number | null;
  /** The demands' load as planned, and once levelled. */
  load: number;
  levelledLoad: number;
}

export interface DemandRun {
  id: string;
  initiative: string;
  unit: string;
  perWeek: number;
  /** The work item whose run it follows, when it follows one. */
  workItem?: string;
  /** ISO weeks it runs (first and last, inclusive) as planned and once levelled. */
  plannedStart: string;
  plannedEnd: string;
  levelledStart: string;
  levelledEnd: string;
  /** Weeks the levelled run starts after the planned one. */
  delayWeeks: number;
  /** The milestones that wait for its work. */
  milestones: string[];
}

export interface CapacityOverAllocation {
  /** The id of the signal it raises: `capacity.over_allocated:IT:2026-W41`. */
  id: string;
  unit: string;
  /** Consecutive ISO weeks over capacity. */
  weeks: string[];
  /** The worst of those weeks: its capacity, its load, and the load as a share of it (null at zero capacity). */
  capacity: number;
  peakLoad: number;
  peakPercent: number | null;
  /** Initiatives with demands in those weeks, the largest first (their highest weekly load). */
  initiatives: { id: string; load: number }[];
  sentence: string;
}

/** Why the levelled forecast moves a milestone. */
export type LevelledCause =
  | {
      kind: 'over_allocation';
      /** The over-allocation that delays the milestone's own work (its id). */
      overAllocation: string;
      unit: string;
      /** The delayed demand that decides the levelled date. */
      demand: string;
    }
  /** Its own work waits in the unit's queue behind work that comes first. */
  | { kind: 'queue'; demand: string }
  /** A milestone it depends on moves. */
  | { kind: 'dependency'; predecessor: string };

export interface LevelledMilestone {
  id: string;
  /**
   * The date without the bottleneck (work and dependencies alone) and the levelled one, which is
   * the milestone's forecast.
   */
  forecastDate: IsoDate;
  levelledDate: IsoDate;
  /** How much later, in calendar days and in working days of its calendar. */
  calendarDays: number;
  workingDays: number;
  cause: LevelledCause;
  /** "M-X moves 2 weeks because IT is at 140% in weeks 41–43, taken by I-A and I-B". */
  sentence: string;
}

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
  /** The resource bottleneck and the levelled forecast (empty without capacity or demands). */
  capacity: CapacityState;
  /**
   * Milestone slip signals in plan order, then KPI signals by KPI and period, then capacity
   * signals by unit and week.
   */
  signals: readonly Signal[];
}
