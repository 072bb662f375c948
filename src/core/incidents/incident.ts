import type { IsoDate, PeriodLabel } from '../domain/plan.ts';
import type { ChainStep, SignalKind } from '../domain/state.ts';

/**
 * An incident (PRODUCT.md §3, docs/DECISIONS.md "Incidents"): the signals that share a root
 * cause, told once. It is derived from the current signals: it lasts while any of them is open
 * and is gone when all of them resolve.
 */
export interface Incident {
  /** `incident:` and the key of its root cause: `incident:work_item:ERP-17`. */
  id: string;
  /** One sentence in plain words with one money figure, e.g. what the causes put at risk. */
  headline: string;
  /** The cause the id is taken from: the first source event, else the first milestone, else the first signal. */
  root: IncidentCause;
  causes: IncidentCause[];
  money: IncidentMoney;
  /** The most calendar weeks any of its milestones is forecast after its plan (one decimal). */
  slipWeeks: number;
  signals: IncidentSignal[];
  effects: IncidentEffects;
  /** Initiatives and units its effects reach, the terms decision rights speak. */
  initiatives: string[];
  units: string[];
  /** KPI periods its signals say are below target (`K-SAVINGS 2026-Q4`). */
  kpisBelowTarget: string[];
  /** Person ids: every owner its signals affect. */
  owners: string[];
  /** The person it reaches first and whether their decision rights cover it (null: nobody). */
  reaches: IncidentReach | null;
}

/** A root cause: a source event, a milestone late on its own, a bottleneck, a KPI, a source. */
export interface IncidentCause {
  /** `work_item:ERP-17`, `milestone:M-X`, or a signal id. */
  key: string;
  kind: 'work_item' | 'milestone' | 'capacity' | 'kpi' | 'source';
  id: string;
  /** What happened, with names beside ids and the kind of days counted. */
  text: string;
}

export interface IncidentMoney {
  /** The organisation's currency: only KPIs measured in it are summed. */
  currency: string;
  /** How far below target its KPI signals forecast the KPIs, summed. */
  againstTarget: number;
  /** How much less its milestones' benefits bring than on their planned dates, summed. */
  againstPlan: number;
  /** Per KPI and period (KPIs in another unit are listed, not summed: `counted` false). */
  kpis: KpiStake[];
}

export interface KpiStake {
  kpi: string;
  name: string;
  period: PeriodLabel | null;
  unitOfMeasure: string;
  counted: boolean;
  againstTarget: number;
  againstPlan: number;
}

/** One of its signals, its chain told with names beside ids. */
export interface IncidentSignal {
  id: string;
  kind: SignalKind;
  title: string;
  chain: ChainStep[];
}

/** What it does, folded: milestones, KPIs, objectives, capacity, sources. */
export interface IncidentEffects {
  milestones: MilestoneEffect[];
  kpis: KpiEffect[];
  objectives: ObjectiveEffect[];
  capacity: CapacityEffect[];
  sources: SourceEffect[];
}

export interface MilestoneEffect {
  id: string;
  name: string;
  /** Its slip signal, when it has one. */
  signal: string | null;
  plannedDate: IsoDate;
  forecastDate: IsoDate;
  /** Forecast minus plan: working days of its calendar, and calendar days. */
  slipWorkingDays: number;
  slipCalendarDays: number;
  /** Its date without the resource bottleneck, when the bottleneck moves it. */
  unconstrainedDate: IsoDate | null;
  text: string;
}

export interface KpiEffect {
  id: string;
  name: string;
  period: PeriodLabel;
  signal: string;
  unitOfMeasure: string;
  forecast: number;
  target: number | null;
  forecastAtPlan: number;
  text: string;
}

export interface ObjectiveEffect {
  id: string;
  name: string;
  status: string;
  text: string;
}

export interface CapacityEffect {
  signal: string;
  unit: string;
  name: string;
  weeks: string[];
  text: string;
}

export interface SourceEffect {
  signal: string;
  text: string;
}

/**
 * The person an incident reaches first — the owner of its root cause — and whether any decision
 * right of theirs covers it (its reach, money at stake and weeks of slip). Beyond it, a decision
 * opens by itself (docs/DECISIONS.md "Opening automatically").
 */
export interface IncidentReach {
  person: string;
  /** Why it reaches them: `owner of M-GOLIVE`. */
  as: string;
  /** The money weighed against their limits: the larger of against target and against plan. */
  amount: number;
  /** True when one of their rights covers the incident; false means beyond their threshold. */
  covered: boolean;
  /** Why each of their rights falls short (none: they hold no right, a threshold of 0). */
  reasons: string[];
}
