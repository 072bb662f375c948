import type {
  Benefit,
  Calendar,
  Dependency,
  Initiative,
  IsoDate,
  Kpi,
  Milestone,
  Objective,
  Organisation,
  Person,
  Plan,
  Unit,
} from './domain/plan.ts';
import type { WorkItem, WorkItemChange } from './domain/work-item.ts';

/**
 * Factories for tests: each builds a valid entity with plain defaults and takes overrides, so a
 * test states only what it is about. `buildErpScenario` is the product brief's ERP story.
 */

/** Builds a Monday-to-Friday calendar without holidays (id `standard`). */
export function buildCalendar(overrides: Partial<Calendar> = {}): Calendar {
  return {
    id: 'standard',
    name: 'Mon–Fri',
    workingDays: [1, 2, 3, 4, 5],
    holidays: [],
    ...overrides,
  };
}

/** Builds an organisation whose default calendar is `standard` and currency USD. */
export function buildOrganisation(overrides: Partial<Organisation> = {}): Organisation {
  return {
    id: 'acme',
    name: 'Acme Manufacturing',
    defaultCalendar: 'standard',
    currency: 'USD',
    ...overrides,
  };
}

/** Builds a unit on the organisation's default calendar. */
export function buildUnit(overrides: Partial<Unit> = {}): Unit {
  return { id: 'IT', name: 'IT', ...overrides };
}

/** Builds a person in unit IT. */
export function buildPerson(overrides: Partial<Person> = {}): Person {
  return { id: 'priya', name: 'Priya Shah', unit: 'IT', ...overrides };
}

/** Builds a root objective owned by `dana`. */
export function buildObjective(overrides: Partial<Objective> = {}): Objective {
  return { id: 'O-1', name: 'Objective', owner: 'dana', ...overrides };
}

/** Builds a higher-is-better USD KPI with baseline 0 and no targets, actuals or objectives. */
export function buildKpi(overrides: Partial<Kpi> = {}): Kpi {
  return {
    id: 'K-1',
    name: 'KPI',
    owner: 'marco',
    unitOfMeasure: 'USD',
    direction: 'higher_is_better',
    baseline: 0,
    targets: {},
    actuals: {},
    objectives: [],
    ...overrides,
  };
}

/** Builds an initiative of unit IT owned by `priya`, serving no objective yet, without budget. */
export function buildInitiative(overrides: Partial<Initiative> = {}): Initiative {
  return {
    id: 'I-1',
    name: 'Initiative',
    owner: 'priya',
    unit: 'IT',
    objectives: [],
    budget: {},
    ...overrides,
  };
}

/** Builds a milestone of initiative `I-1` planned 2026-10-05 with no linked work. */
export function buildMilestone(overrides: Partial<Milestone> = {}): Milestone {
  return {
    id: 'M-1',
    name: 'Milestone',
    initiative: 'I-1',
    plannedDate: '2026-10-05',
    work: { keys: [], epics: [] },
    ...overrides,
  };
}

/** Builds a finish-to-start dependency without lag. */
export function buildDependency(overrides: Partial<Dependency> = {}): Dependency {
  return { predecessor: 'M-1', successor: 'M-2', type: 'FS', lagDays: 0, ...overrides };
}

/** Builds a benefit of 1,000 a week from `M-1` on `K-1`. */
export function buildBenefit(overrides: Partial<Benefit> = {}): Benefit {
  return { id: 'B-1', milestone: 'M-1', kpi: 'K-1', amountPerWeek: 1000, ...overrides };
}

/** Builds a plan with the `standard` calendar and otherwise nothing but what the overrides bring. */
export function buildPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    organisation: buildOrganisation(),
    calendars: [buildCalendar()],
    units: [],
    people: [],
    objectives: [],
    kpis: [],
    initiatives: [],
    milestones: [],
    dependencies: [],
    benefits: [],
    demands: [],
    ...overrides,
  };
}

/** Builds an open Jira work item `ERP-1`, in progress, with no dates and no links. */
export function buildWorkItem(overrides: Partial<WorkItem> = {}): WorkItem {
  return {
    key: 'ERP-1',
    source: 'jira',
    summary: 'Work item',
    status: 'In Progress',
    statusCategory: 'in_progress',
    dueDate: null,
    startDate: null,
    doneDate: null,
    parentKey: null,
    blockedBy: [],
    blocks: [],
    links: [],
    assignee: null,
    updatedAt: '2026-09-01T09:00:00.000+0000',
    ...overrides,
  };
}

/** Builds a done work item, done on the given date. */
export function buildDoneWorkItem(doneDate: IsoDate, overrides: Partial<WorkItem> = {}): WorkItem {
  return buildWorkItem({ status: 'Done', statusCategory: 'done', doneDate, ...overrides });
}

/** Builds the change a source reports when a work item's due date moves. */
export function buildDueDateChange(
  key: string,
  from: IsoDate | null,
  to: IsoDate | null,
  at = '2026-09-15T10:00:00.000+0000',
): WorkItemChange {
  return { key, at, kind: 'updated', changes: [{ field: 'dueDate', label: 'Due date', from, to }] };
}

/** The ERP story of the product brief: what the engine reads, as of one day. */
export interface ErpScenario {
  plan: Plan;
  workItems: WorkItem[];
  changes: Record<string, WorkItemChange>;
  asOf: IsoDate;
}

/**
 * Builds the product brief's ERP story as of 2026-09-14, on plan: IT's go-live (M-GOLIVE, ERP-17
 * due 2026-10-02, ERP-18 done) must precede Operations' purchasing switch-over (M-PURCH, FS + 10
 * working days), whose benefit of 120,000 USD a week feeds the Q4 savings target of O-COST.
 */
export function buildErpScenario(): ErpScenario {
  const plan = buildPlan({
    units: [
      buildUnit({ id: 'IT', name: 'IT' }),
      buildUnit({ id: 'Operations', name: 'Operations' }),
      buildUnit({ id: 'Finance', name: 'Finance' }),
    ],
    people: [
      buildPerson({ id: 'dana', name: 'Dana Whitfield', title: 'COO', unit: 'Operations' }),
      buildPerson({ id: 'marco', name: 'Marco Rossi', title: 'VP Operations', unit: 'Operations' }),
      buildPerson({ id: 'priya', name: 'Priya Shah', title: 'IT lead', unit: 'IT' }),
    ],
    objectives: [buildObjective({ id: 'O-COST', name: 'Cut operating cost', owner: 'dana' })],
    kpis: [
      buildKpi({
        id: 'K-SAVINGS',
        name: 'Procurement savings',
        owner: 'marco',
        unitOfMeasure: 'USD',
        direction: 'higher_is_better',
        baseline: 0,
        targets: { '2026-Q4': 1_200_000 },
        objectives: ['O-COST'],
      }),
    ],
    initiatives: [
      buildInitiative({
        id: 'I-ERP',
        name: 'ERP migration',
        owner: 'priya',
        unit: 'IT',
        objectives: ['O-COST'],
      }),
      buildInitiative({
        id: 'I-PROC',
        name: 'Procurement consolidation',
        owner: 'marco',
        unit: 'Operations',
        objectives: ['O-COST'],
      }),
    ],
    milestones: [
      buildMilestone({
        id: 'M-GOLIVE',
        name: 'ERP go-live',
        initiative: 'I-ERP',
        plannedDate: '2026-10-05',
        work: { keys: ['ERP-17', 'ERP-18'], epics: [] },
      }),
      buildMilestone({
        id: 'M-PURCH',
        name: 'Purchasing on the new ERP',
        initiative: 'I-PROC',
        plannedDate: '2026-10-19',
      }),
    ],
    dependencies: [
      buildDependency({ predecessor: 'M-GOLIVE', successor: 'M-PURCH', type: 'FS', lagDays: 10 }),
    ],
    benefits: [
      buildBenefit({
        id: 'B-SAVINGS',
        milestone: 'M-PURCH',
        kpi: 'K-SAVINGS',
        amountPerWeek: 120_000,
        description: 'Consolidated purchasing saves 120,000 USD a week',
      }),
    ],
  });
  return {
    plan,
    workItems: [
      buildWorkItem({
        key: 'ERP-17',
        summary: 'Migrate vendor master data',
        dueDate: '2026-10-02',
      }),
      buildDoneWorkItem('2026-09-10', {
        key: 'ERP-18',
        summary: 'Set up the ERP tenant',
        dueDate: '2026-09-11',
      }),
    ],
    changes: {},
    asOf: '2026-09-14',
  };
}

/** Builds the ERP story after ERP-17's due date moved from 2026-10-02 to 2026-10-23. */
export function buildErpSlipScenario(): ErpScenario {
  const scenario = buildErpScenario();
  return {
    ...scenario,
    workItems: scenario.workItems.map((item) =>
      item.key === 'ERP-17'
        ? { ...item, dueDate: '2026-10-23', updatedAt: '2026-09-15T10:00:00.000+0000' }
        : item,
    ),
    changes: { 'ERP-17': buildDueDateChange('ERP-17', '2026-10-02', '2026-10-23') },
  };
}
