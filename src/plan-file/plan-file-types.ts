import type {
  Benefit,
  Calendar,
  DecisionRight,
  Demand,
  Dependency,
  Initiative,
  Kpi,
  Milestone,
  Objective,
  Organisation,
  Person,
  Review,
  Unit,
  WorkLink,
} from '../core/domain/plan.ts';

/**
 * The shape of a plan file (`schema/plan.schema.json`): the core `Plan` with the same field
 * names, where fields that have a default may be left out.
 */

export type CalendarEntry = Omit<Calendar, 'holidays'> & Partial<Pick<Calendar, 'holidays'>>;

export type KpiEntry = Omit<Kpi, 'baseline' | 'targets' | 'actuals' | 'objectives'> &
  Partial<Pick<Kpi, 'baseline' | 'targets' | 'actuals' | 'objectives'>>;

export type InitiativeEntry = Omit<Initiative, 'objectives' | 'budget'> &
  Partial<Pick<Initiative, 'objectives' | 'budget'>>;

export type MilestoneEntry = Omit<Milestone, 'work'> & { work?: Partial<WorkLink> };

export type DependencyEntry = Omit<Dependency, 'type' | 'lagDays'> &
  Partial<Pick<Dependency, 'type' | 'lagDays'>>;

export interface PlanFile {
  /** A link to the JSON Schema, for editors; ignored. */
  $schema?: string;
  organisation: Organisation;
  calendars?: CalendarEntry[];
  units?: Unit[];
  people?: Person[];
  objectives?: Objective[];
  kpis?: KpiEntry[];
  initiatives?: InitiativeEntry[];
  milestones?: MilestoneEntry[];
  dependencies?: DependencyEntry[];
  benefits?: Benefit[];
  demands?: Demand[];
  decisionRights?: DecisionRight[];
  reviews?: Review[];
}

export type PlanFileFormat = 'yaml' | 'json';
