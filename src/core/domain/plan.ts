/**
 * The plan: what leadership intends. Every type here mirrors a word of PRODUCT.md §3.
 * These are the core's own shapes; plan files, the API and the store translate into them.
 */

/** A calendar date, `YYYY-MM-DD`, no time zone: plans are made in days. */
export type IsoDate = string;

/** A reporting period label: `2026` (year), `2026-H2`, `2026-Q4` or `2026-10` (month). */
export type PeriodLabel = string;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface Calendar {
  id: string;
  name: string;
  /** Working weekdays, ISO numbering (1 = Monday). */
  workingDays: Weekday[];
  /** Non-working dates on otherwise working weekdays. */
  holidays: IsoDate[];
}

/**
 * What a unit can take on in a week, in the organisation's capacity measure (people, FTE,
 * points …): the whole unit, not one initiative's share.
 */
export interface UnitCapacity {
  /** Weekly capacity in any week that no period below names. */
  perWeek: number;
  /**
   * Weekly capacity during a reporting period (`2026-Q4`, `2026-12` …), for hiring, holidays or
   * a freeze. A week belongs to the periods that hold its Monday; the most specific one (month,
   * then quarter, half, year) wins.
   */
  periods?: Record<PeriodLabel, number>;
  /** What one more unit of capacity costs a week (organisation's currency), to price proposals. */
  costPerWeek?: number;
}

/** A department or team. */
export interface Unit {
  id: string;
  name: string;
  /** The unit's working calendar; the plan's default calendar when absent. */
  calendar?: string;
  /** What it can take on per week; without it, demands on the unit are not checked. */
  capacity?: UnitCapacity;
}

/**
 * What a person may see and do (`src/core/access/policy.ts`): executives and the strategy office
 * see the whole organisation; the strategy office and admins apply the plan; finance controllers
 * record actuals and read the audit log; admins manage sites and everyone's tokens; a member sees
 * their unit's items and what they own.
 */
export type Role = 'executive' | 'strategy_office' | 'finance_controller' | 'member' | 'admin';

/** Every role, in the order the docs list them. */
export const ROLES: readonly Role[] = [
  'executive',
  'strategy_office',
  'finance_controller',
  'member',
  'admin',
];

export interface Person {
  id: string;
  name: string;
  title?: string;
  unit: string;
  email?: string;
  /** `member` when absent. */
  role?: Role;
  /** Further roles the person holds besides `role` (a controller who is also an admin …). */
  roles?: Role[];
}

export interface Horizon {
  start: IsoDate;
  end: IsoDate;
}

export interface Objective {
  id: string;
  name: string;
  /** Exactly one person. */
  owner: string;
  parent?: string;
  horizon?: Horizon;
  description?: string;
}

export type Direction = 'higher_is_better' | 'lower_is_better';

export interface Kpi {
  id: string;
  name: string;
  owner: string;
  /** Unit of measure, e.g. `USD`, `%`, `days`. */
  unitOfMeasure: string;
  direction: Direction;
  /** The value per period before any benefit lands; used for a period with no actual. */
  baseline: number;
  /** Target per reporting period. */
  targets: Record<PeriodLabel, number>;
  /** Measured value per reporting period (so far, for the current period). */
  actuals: Record<PeriodLabel, number>;
  /** Objectives this KPI measures. */
  objectives: string[];
}

export interface BudgetLine {
  plan: number;
  committed?: number;
  actual?: number;
}

export interface Initiative {
  id: string;
  name: string;
  owner: string;
  unit: string;
  /** Objectives this initiative serves. */
  objectives: string[];
  /** Budget per reporting period. */
  budget: Record<PeriodLabel, BudgetLine>;
  currency?: string;
  /**
   * Only the people named here (and its owner) see a confidential initiative, its milestones,
   * benefits, demands and signals; not even executives unless named or role-listed.
   */
  confidential?: Confidentiality;
  /** Where it stands on the way from idea to closed (docs/GOVERNANCE.md); `idea` when absent. */
  stage?: Stage;
  /** The gates it passed, oldest first: declared for those before Throughline, appended by each go. */
  stageHistory?: StagePassage[];
}

/**
 * An initiative's stage: idea → defined → approved → in delivery → delivered → value validated →
 * closed, or set aside (on hold, cancelled). Each move along the line passes a gate.
 */
export type Stage =
  | 'idea'
  | 'defined'
  | 'approved'
  | 'in_delivery'
  | 'delivered'
  | 'value_validated'
  | 'closed'
  | 'on_hold'
  | 'cancelled';

/** Every stage: the line in order, then the two set aside. */
export const STAGES: readonly Stage[] = [
  'idea',
  'defined',
  'approved',
  'in_delivery',
  'delivered',
  'value_validated',
  'closed',
  'on_hold',
  'cancelled',
];

/** A gate passed: the stage reached, the day, who decided (a person) and the decision's record. */
export interface StagePassage {
  stage: Stage;
  on: IsoDate;
  by?: string;
  /** The gate decision's id (`G-1`), when it was passed in Throughline. */
  decision?: string;
  note?: string;
}

/** Who may see a confidential initiative: these people, and everyone holding one of these roles. */
export interface Confidentiality {
  people?: string[];
  roles?: Role[];
}

/** How a milestone finds the work items that deliver it. */
export interface WorkLink {
  /** Work item keys, e.g. `ERP-17`. */
  keys: string[];
  /** Epic or parent keys: every child of these is linked work. */
  epics: string[];
}

export interface Milestone {
  id: string;
  name: string;
  initiative: string;
  /** The baseline date. */
  plannedDate: IsoDate;
  /** Defaults to the initiative's owner. */
  owner?: string;
  work: WorkLink;
}

/** Finish-to-start, start-to-start, finish-to-finish, start-to-finish. */
export type DependencyType = 'FS' | 'SS' | 'FF' | 'SF';

export interface Dependency {
  /** The milestone that must happen first. */
  predecessor: string;
  /** The milestone that waits. */
  successor: string;
  type: DependencyType;
  /** Lag in working days of the successor's calendar; may be negative. */
  lagDays: number;
}

export interface Benefit {
  id: string;
  /** From this milestone's completion (inclusive) … */
  milestone: string;
  /** … this KPI improves … */
  kpi: string;
  /** … by this amount per week, accrued per calendar day at amountPerWeek / 7. */
  amountPerWeek: number;
  description?: string;
}

/**
 * What an initiative's work takes from a unit's capacity, each week it runs. It runs either in a
 * fixed window (`from` … `to`), or as long as a work item does: from the item's start (or
 * `from`, or today, for an item not started) to its forecast finish, so that a slip in the
 * source moves the demand too.
 */
export interface Demand {
  id: string;
  initiative: string;
  /** The unit whose capacity it takes. */
  unit: string;
  /** How much of the unit's weekly capacity it takes in each week it runs. */
  perWeek: number;
  /** The first day it runs (inclusive); with `workItem`, only while the item has no start date. */
  from?: IsoDate;
  /** The last day it runs (inclusive); not with `workItem`. */
  to?: IsoDate;
  /** The work item (key) whose run it follows. */
  workItem?: string;
  /**
   * The milestone this work delivers: it cannot land before the demand's work is done. Of the
   * demand's initiative; without it, the milestones the work item is linked to.
   */
  milestone?: string;
  /** Demands (ids) whose work must be done before this one starts. */
  after?: string[];
}

export interface Organisation {
  id: string;
  name: string;
  /** The calendar used where a unit names none. */
  defaultCalendar: string;
  currency: string;
  /** What units' capacity and demands are counted in, e.g. `FTE`; `FTE` when absent. */
  capacityMeasure?: string;
  /** When true, a KPI's owner may move its targets; by default only the strategy office may. */
  ownersSetTargets?: boolean;
}

export interface Plan {
  organisation: Organisation;
  calendars: Calendar[];
  units: Unit[];
  people: Person[];
  objectives: Objective[];
  kpis: Kpi[];
  initiatives: Initiative[];
  milestones: Milestone[];
  dependencies: Dependency[];
  benefits: Benefit[];
  /** What initiatives' work takes from units' capacity. */
  demands: Demand[];
  /** Who may decide what (absent: none written; see docs/DECISIONS.md). */
  decisionRights?: DecisionRight[];
  /** The review cadence: meetings and who attends (absent: none; docs/GOVERNANCE.md). */
  reviews?: Review[];
}

/** A day of the week as plan files write it. */
export type WeekdayName =
  'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

/**
 * When a review meets, at `at` (`HH:MM`) in the review's time zone: every week on a weekday, or
 * every month on a day (a day past the month's end is its last day).
 */
export type ReviewCadence =
  { every: 'week'; weekday: WeekdayName; at: string } | { every: 'month'; day: number; at: string };

/**
 * A recurring governance meeting (a weekly operations review, a monthly steering): Throughline
 * assembles its pack from the data at each meeting's time.
 */
export interface Review {
  id: string;
  name: string;
  cadence: ReviewCadence;
  /** IANA time zone of `cadence.at`, e.g. `Europe/Berlin`; UTC when absent. */
  timeZone?: string;
  /** Person ids: they receive the pack and may read it. */
  attendees: string[];
  /** What the pack covers: these objectives (and their initiatives) and initiatives; all when absent. */
  scope?: { objectives?: string[]; initiatives?: string[] };
}

/**
 * The kinds of decision (PRODUCT.md §3): accept a slip or re-plan, add capacity or budget,
 * re-prioritise, change scope, hold, stop, go / no-go.
 */
export type DecisionKind =
  'replan' | 'add_capacity' | 'reprioritise' | 'scope_change' | 'hold' | 'stop' | 'go_no_go';

/** Every decision kind, in the order the docs list them. */
export const DECISION_KINDS: readonly DecisionKind[] = [
  'replan',
  'add_capacity',
  'reprioritise',
  'scope_change',
  'hold',
  'stop',
  'go_no_go',
];

/**
 * A decision right: a person (or everyone with a role) may decide decisions of these kinds whose
 * options stay within the scope and the limits. A decision goes to the holder of the lowest rule
 * (the narrowest reach: limited before unlimited, initiatives before units before objectives
 * before everywhere) that covers every option.
 */
export interface DecisionRight {
  id: string;
  /** The person who holds it; give this or `role`. */
  person?: string;
  /** Everyone with this role holds it. */
  role?: Role;
  /** The kinds it covers; every kind when absent. */
  kinds?: DecisionKind[];
  /** Scope: on these objectives (and their children's) … */
  objectives?: string[];
  /** … these initiatives … */
  initiatives?: string[];
  /** … and these units (and the initiatives they run); anywhere when no scope is given. */
  units?: string[];
  /** The most money (organisation's currency) an option may move; no limit when absent. */
  maxAmount?: number;
  /** The most calendar weeks an option may move a date later; no limit when absent. */
  maxSlipWeeks?: number;
  /** When true, an option must leave no KPI it touches below target. */
  kpisOnTarget?: boolean;
}

/** The entity collections of a plan, by the name used in plan files and the store. */
export type PlanCollection = Exclude<keyof Plan, 'organisation' | 'decisionRights' | 'reviews'>;

export const PLAN_COLLECTIONS: readonly PlanCollection[] = [
  'calendars',
  'units',
  'people',
  'objectives',
  'kpis',
  'initiatives',
  'milestones',
  'dependencies',
  'benefits',
  'demands',
];

/** A stable id for a dependency, which has no id of its own: `M-A->M-B`. */
export function dependencyId(dependency: Pick<Dependency, 'predecessor' | 'successor'>): string {
  return `${dependency.predecessor}->${dependency.successor}`;
}
