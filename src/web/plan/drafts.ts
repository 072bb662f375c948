import type {
  DependencyEntry,
  InitiativeEntry,
  KpiEntry,
  MilestoneEntry,
  PlanFile,
} from '../../plan-file/plan-file-types.ts';
import type {
  Benefit,
  DecisionKind,
  Demand,
  Unit,
  DecisionRight,
  Direction,
  DependencyType,
  Objective,
  Role,
} from '../../core/domain/plan.ts';
import type { PeriodRow } from './period-rows.tsx';

/**
 * What the plan editor edits: objectives, KPIs, initiatives, milestones, dependencies, benefits,
 * units (their capacity), demands and decision rights.
 */
export type EditableCollection =
  | 'units'
  | 'demands'
  | 'objectives'
  | 'kpis'
  | 'initiatives'
  | 'milestones'
  | 'dependencies'
  | 'benefits'
  | 'decisionRights';

export interface ObjectiveDraft {
  kind: 'objectives';
  id: string;
  name: string;
  owner: string | null;
  parent: string | null;
  start: string;
  end: string;
  description: string;
}

export interface KpiDraft {
  kind: 'kpis';
  id: string;
  name: string;
  owner: string | null;
  unitOfMeasure: string;
  direction: Direction;
  baseline: number | '';
  objectives: string[];
  targets: PeriodRow[];
  actuals: PeriodRow[];
}

export interface InitiativeDraft {
  kind: 'initiatives';
  id: string;
  name: string;
  owner: string | null;
  unit: string | null;
  objectives: string[];
  currency: string;
  budget: PeriodRow[];
}

export interface MilestoneDraft {
  kind: 'milestones';
  id: string;
  name: string;
  initiative: string | null;
  plannedDate: string;
  owner: string | null;
  keys: string[];
  epics: string[];
}

export interface DependencyDraft {
  kind: 'dependencies';
  predecessor: string | null;
  successor: string | null;
  type: DependencyType;
  lagDays: number | '';
}

/** What a milestone's completion is worth to a KPI, each week from then on. */
export interface BenefitDraft {
  kind: 'benefits';
  id: string;
  milestone: string | null;
  kpi: string | null;
  amountPerWeek: number | '';
  description: string;
}

/** A unit and what it can take on a week (the capacity measure: FTE, people…). */
export interface UnitDraft {
  kind: 'units';
  id: string;
  name: string;
  /** Kept as it is: the editor does not change calendars. */
  calendar: string | null;
  /** Empty, with no periods and no cost: the unit has no capacity, its demands are not checked. */
  perWeek: number | '';
  periods: PeriodRow[];
  costPerWeek: number | '';
}

/** What an initiative's work takes from a unit's capacity, each week it runs. */
export interface DemandDraft {
  kind: 'demands';
  id: string;
  initiative: string | null;
  unit: string | null;
  perWeek: number | '';
  /** A fixed window (from … to), or as long as a work item runs. */
  runs: 'window' | 'work';
  from: string;
  to: string;
  workItem: string;
  milestone: string | null;
  after: string[];
}

export interface DecisionRightDraft {
  kind: 'decisionRights';
  id: string;
  /** Held by one person, or by everyone with a role. */
  holder: 'person' | 'role';
  person: string | null;
  role: Role | null;
  kinds: DecisionKind[];
  objectives: string[];
  initiatives: string[];
  units: string[];
  maxAmount: number | '';
  maxSlipWeeks: number | '';
  kpisOnTarget: boolean;
}

export type Draft =
  | ObjectiveDraft
  | KpiDraft
  | InitiativeDraft
  | MilestoneDraft
  | DependencyDraft
  | BenefitDraft
  | UnitDraft
  | DemandDraft
  | DecisionRightDraft;

/** A number from a form, or null (which the plan file refuses, naming the field) when empty. */
function numberOrNull(value: number | ''): number | null {
  return value === '' ? null : value;
}

/** The fields that hold something: null, an empty text and an empty list are left out. */
function given(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) =>
        value !== null && value !== '' && !(Array.isArray(value) && value.length === 0),
    ),
  );
}

function rowsOf(record: Record<string, number> | undefined): PeriodRow[] {
  return Object.entries(record ?? {}).map(([period, value]) => ({ period, values: [value] }));
}

function recordOf(rows: PeriodRow[]): Record<string, number | null> {
  return Object.fromEntries(rows.map((r) => [r.period.trim(), numberOrNull(r.values[0] ?? '')]));
}

/** The id a draft is stored under (a dependency's is `predecessor->successor`). */
export function draftId(draft: Draft): string {
  return draft.kind === 'dependencies'
    ? `${draft.predecessor ?? ''}->${draft.successor ?? ''}`
    : draft.id.trim();
}

/** A new, empty draft for a collection. */
export function emptyDraft(kind: EditableCollection, plan: PlanFile): Draft {
  const currency = plan.organisation.currency;
  switch (kind) {
    case 'objectives':
      return {
        kind,
        id: '',
        name: '',
        owner: null,
        parent: null,
        start: '',
        end: '',
        description: '',
      };
    case 'kpis':
      return {
        kind,
        id: '',
        name: '',
        owner: null,
        unitOfMeasure: currency,
        direction: 'higher_is_better',
        baseline: 0,
        objectives: [],
        targets: [],
        actuals: [],
      };
    case 'initiatives':
      return {
        kind,
        id: '',
        name: '',
        owner: null,
        unit: null,
        objectives: [],
        currency: '',
        budget: [],
      };
    case 'milestones':
      return {
        kind,
        id: '',
        name: '',
        initiative: null,
        plannedDate: '',
        owner: null,
        keys: [],
        epics: [],
      };
    case 'dependencies':
      return { kind, predecessor: null, successor: null, type: 'FS', lagDays: 0 };
    case 'benefits':
      return { kind, id: '', milestone: null, kpi: null, amountPerWeek: '', description: '' };
    case 'units':
      return {
        kind,
        id: '',
        name: '',
        calendar: null,
        perWeek: '',
        periods: [],
        costPerWeek: '',
      };
    case 'demands':
      return {
        kind,
        id: '',
        initiative: null,
        unit: null,
        perWeek: '',
        runs: 'window',
        from: '',
        to: '',
        workItem: '',
        milestone: null,
        after: [],
      };
    case 'decisionRights':
      return {
        kind,
        id: '',
        holder: 'person',
        person: null,
        role: null,
        kinds: [],
        objectives: [],
        initiatives: [],
        units: [],
        maxAmount: '',
        maxSlipWeeks: '',
        kpisOnTarget: false,
      };
  }
}

/** The draft of a stored entity. */
export function draftOf(kind: EditableCollection, entity: unknown): Draft {
  switch (kind) {
    case 'objectives': {
      const o = entity as Objective;
      return {
        kind,
        id: o.id,
        name: o.name,
        owner: o.owner,
        parent: o.parent ?? null,
        start: o.horizon?.start ?? '',
        end: o.horizon?.end ?? '',
        description: o.description ?? '',
      };
    }
    case 'kpis': {
      const k = entity as KpiEntry;
      return {
        kind,
        id: k.id,
        name: k.name,
        owner: k.owner,
        unitOfMeasure: k.unitOfMeasure,
        direction: k.direction,
        baseline: k.baseline ?? 0,
        objectives: k.objectives ?? [],
        targets: rowsOf(k.targets),
        actuals: rowsOf(k.actuals),
      };
    }
    case 'initiatives': {
      const i = entity as InitiativeEntry;
      return {
        kind,
        id: i.id,
        name: i.name,
        owner: i.owner,
        unit: i.unit,
        objectives: i.objectives ?? [],
        currency: i.currency ?? '',
        budget: Object.entries(i.budget ?? {}).map(([period, line]) => ({
          period,
          values: [line.plan, line.committed ?? '', line.actual ?? ''],
        })),
      };
    }
    case 'milestones': {
      const m = entity as MilestoneEntry;
      return {
        kind,
        id: m.id,
        name: m.name,
        initiative: m.initiative,
        plannedDate: m.plannedDate,
        owner: m.owner ?? null,
        keys: m.work?.keys ?? [],
        epics: m.work?.epics ?? [],
      };
    }
    case 'dependencies': {
      const d = entity as DependencyEntry;
      return {
        kind,
        predecessor: d.predecessor,
        successor: d.successor,
        type: d.type ?? 'FS',
        lagDays: d.lagDays ?? 0,
      };
    }
    case 'benefits': {
      const b = entity as Benefit;
      return {
        kind,
        id: b.id,
        milestone: b.milestone,
        kpi: b.kpi,
        amountPerWeek: b.amountPerWeek,
        description: b.description ?? '',
      };
    }
    case 'units': {
      const u = entity as Unit;
      return {
        kind,
        id: u.id,
        name: u.name,
        calendar: u.calendar ?? null,
        perWeek: u.capacity?.perWeek ?? '',
        periods: rowsOf(u.capacity?.periods),
        costPerWeek: u.capacity?.costPerWeek ?? '',
      };
    }
    case 'demands': {
      const d = entity as Demand;
      return {
        kind,
        id: d.id,
        initiative: d.initiative,
        unit: d.unit,
        perWeek: d.perWeek,
        runs: d.workItem === undefined ? 'window' : 'work',
        from: d.from ?? '',
        to: d.to ?? '',
        workItem: d.workItem ?? '',
        milestone: d.milestone ?? null,
        after: d.after ?? [],
      };
    }
    case 'decisionRights': {
      const r = entity as DecisionRight;
      return {
        kind,
        id: r.id,
        holder: r.role !== undefined && r.person === undefined ? 'role' : 'person',
        person: r.person ?? null,
        role: r.role ?? null,
        kinds: r.kinds ?? [],
        objectives: r.objectives ?? [],
        initiatives: r.initiatives ?? [],
        units: r.units ?? [],
        maxAmount: r.maxAmount ?? '',
        maxSlipWeeks: r.maxSlipWeeks ?? '',
        kpisOnTarget: r.kpisOnTarget === true,
      };
    }
  }
}

/** The plan-file entry of a draft; empty optional fields are left out, empty required ones sent as they are. */
export function entryOf(draft: Draft): unknown {
  switch (draft.kind) {
    case 'objectives':
      return {
        id: draft.id.trim(),
        name: draft.name,
        owner: draft.owner ?? '',
        ...given({ parent: draft.parent }),
        ...(draft.start === '' && draft.end === ''
          ? {}
          : { horizon: { start: draft.start, end: draft.end } }),
        ...(draft.description.trim() === '' ? {} : { description: draft.description }),
      };
    case 'kpis':
      return {
        id: draft.id.trim(),
        name: draft.name,
        owner: draft.owner ?? '',
        unitOfMeasure: draft.unitOfMeasure,
        direction: draft.direction,
        baseline: numberOrNull(draft.baseline),
        targets: recordOf(draft.targets),
        actuals: recordOf(draft.actuals),
        objectives: draft.objectives,
      };
    case 'initiatives':
      return {
        id: draft.id.trim(),
        name: draft.name,
        owner: draft.owner ?? '',
        unit: draft.unit ?? '',
        objectives: draft.objectives,
        budget: Object.fromEntries(
          draft.budget.map((r) => {
            const [plan = '', committed = '', actual = ''] = r.values;
            return [
              r.period.trim(),
              {
                plan: numberOrNull(plan),
                ...given({ committed, actual }),
              },
            ];
          }),
        ),
        ...given({ currency: draft.currency.trim() }),
      };
    case 'milestones':
      return {
        id: draft.id.trim(),
        name: draft.name,
        initiative: draft.initiative ?? '',
        plannedDate: draft.plannedDate,
        ...given({ owner: draft.owner }),
        work: { keys: draft.keys, epics: draft.epics },
      };
    case 'dependencies':
      return {
        predecessor: draft.predecessor ?? '',
        successor: draft.successor ?? '',
        type: draft.type,
        lagDays: numberOrNull(draft.lagDays),
      };
    case 'benefits':
      return {
        id: draft.id.trim(),
        milestone: draft.milestone ?? '',
        kpi: draft.kpi ?? '',
        amountPerWeek: numberOrNull(draft.amountPerWeek),
        ...given({ description: draft.description.trim() }),
      };
    case 'units': {
      const hasCapacity =
        draft.perWeek !== '' || draft.periods.length > 0 || draft.costPerWeek !== '';
      return {
        id: draft.id.trim(),
        name: draft.name,
        ...given({ calendar: draft.calendar }),
        ...(hasCapacity
          ? {
              capacity: {
                perWeek: numberOrNull(draft.perWeek),
                ...(draft.periods.length === 0 ? {} : { periods: recordOf(draft.periods) }),
                ...given({ costPerWeek: draft.costPerWeek }),
              },
            }
          : {}),
      };
    }
    case 'demands':
      // A window sends its days as written (an empty one is named by the plan's rules); a work
      // item's run sends the key, and a start only when given.
      return {
        id: draft.id.trim(),
        initiative: draft.initiative ?? '',
        unit: draft.unit ?? '',
        perWeek: numberOrNull(draft.perWeek),
        ...(draft.runs === 'window'
          ? {
              ...given({ from: draft.from, to: draft.to }),
            }
          : {
              workItem: draft.workItem.trim(),
              ...given({ from: draft.from }),
            }),
        ...given({ milestone: draft.milestone, after: draft.after }),
      };
    case 'decisionRights':
      // Empty lists and limits mean "every kind", "everywhere", "no limit": they are left out.
      return {
        id: draft.id.trim(),
        ...(draft.holder === 'person'
          ? { person: draft.person ?? '' }
          : { role: draft.role ?? '' }),
        ...given({
          kinds: draft.kinds,
          objectives: draft.objectives,
          initiatives: draft.initiatives,
          units: draft.units,
          maxAmount: draft.maxAmount,
          maxSlipWeeks: draft.maxSlipWeeks,
        }),
        ...(draft.kpisOnTarget ? { kpisOnTarget: true } : {}),
      };
  }
}

/** The id of a stored entity of a collection. */
export function entityId(kind: EditableCollection, entity: unknown): string {
  if (kind === 'dependencies') {
    const d = entity as DependencyEntry;
    return `${d.predecessor}->${d.successor}`;
  }
  return (entity as { id: string }).id;
}
