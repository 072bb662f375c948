import type {
  Benefit,
  Calendar,
  Confidentiality,
  DecisionRight,
  Demand,
  Dependency,
  Initiative,
  Kpi,
  Milestone,
  Objective,
  Organisation,
  Person,
  Plan,
  StagePassage,
  Review,
  Unit,
  UnitCapacity,
} from '../core/domain/plan.ts';
import type {
  CalendarEntry,
  DependencyEntry,
  InitiativeEntry,
  KpiEntry,
  MilestoneEntry,
  PlanFile,
} from './plan-file-types.ts';

/**
 * Between a plan file and the core `Plan`: reading fills the defaults, writing leaves them out,
 * so that a file exported from the store reads like one a person wrote. Both directions build
 * fresh objects in the schema's field order and copy only the fields the schema knows.
 */

/** Only the keys whose value is defined, so optional fields stay absent rather than undefined. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function isEmpty(value: readonly unknown[] | Record<string, unknown>): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0;
}

/*
 * Fields the core itself keeps optional (the capacity measure, a unit's capacity, a demand's
 * timing and links) are copied as they are, both ways: what their absence means is the core's
 * to say, and an export must not write `FTE` into a file that never named a measure.
 */

function organisationOf(organisation: Organisation): Organisation {
  return defined({
    id: organisation.id,
    name: organisation.name,
    defaultCalendar: organisation.defaultCalendar,
    currency: organisation.currency,
    capacityMeasure: organisation.capacityMeasure,
    ownersSetTargets: organisation.ownersSetTargets,
  });
}

function unitOf(unit: Unit): Unit {
  return defined({
    id: unit.id,
    name: unit.name,
    calendar: unit.calendar,
    capacity: unit.capacity && capacityOf(unit.capacity),
  });
}

function capacityOf(capacity: UnitCapacity): UnitCapacity {
  return defined({
    perWeek: capacity.perWeek,
    periods: capacity.periods && { ...capacity.periods },
    costPerWeek: capacity.costPerWeek,
  });
}

function demandOf(demand: Demand): Demand {
  return defined({
    id: demand.id,
    initiative: demand.initiative,
    unit: demand.unit,
    perWeek: demand.perWeek,
    from: demand.from,
    to: demand.to,
    workItem: demand.workItem,
    milestone: demand.milestone,
    after: demand.after && [...demand.after],
  });
}

function confidentialityOf(confidential: Confidentiality): Confidentiality {
  return defined({
    people: confidential.people && [...confidential.people],
    roles: confidential.roles && [...confidential.roles],
  });
}

function stagePassagesOf(passages: readonly StagePassage[]): StagePassage[] {
  return passages.map((p) =>
    defined({ stage: p.stage, on: p.on, by: p.by, decision: p.decision, note: p.note }),
  );
}

function decisionRightOf(right: DecisionRight): DecisionRight {
  const list = (ids: readonly string[] | undefined): string[] | undefined => ids && [...ids];
  return defined({
    id: right.id,
    person: right.person,
    role: right.role,
    kinds: right.kinds && [...right.kinds],
    objectives: list(right.objectives),
    initiatives: list(right.initiatives),
    units: list(right.units),
    maxAmount: right.maxAmount,
    maxSlipWeeks: right.maxSlipWeeks,
    kpisOnTarget: right.kpisOnTarget,
  });
}

function reviewOf(review: Review): Review {
  const scope = review.scope && {
    objectives: review.scope.objectives && [...review.scope.objectives],
    initiatives: review.scope.initiatives && [...review.scope.initiatives],
  };
  return defined({
    id: review.id,
    name: review.name,
    cadence: { ...review.cadence },
    timeZone: review.timeZone,
    attendees: [...review.attendees],
    scope: scope && defined(scope),
  });
}

/** The core plan a (schema-valid) plan file describes, with every default filled in. */
export function planFromFileObject(file: PlanFile): Plan {
  // Rights are absent from a plan that names none, so plans without them read as before.
  const rights =
    file.decisionRights === undefined
      ? {}
      : { decisionRights: file.decisionRights.map(decisionRightOf) };
  const reviews = file.reviews === undefined ? {} : { reviews: file.reviews.map(reviewOf) };
  return {
    ...rights,
    ...reviews,
    organisation: organisationOf(file.organisation),
    calendars: (file.calendars ?? []).map((c): Calendar => ({
      id: c.id,
      name: c.name,
      workingDays: [...c.workingDays],
      holidays: [...(c.holidays ?? [])],
    })),
    units: (file.units ?? []).map(unitOf),
    people: (file.people ?? []).map((p): Person =>
      defined({
        id: p.id,
        name: p.name,
        title: p.title,
        unit: p.unit,
        email: p.email,
        role: p.role,
        roles: p.roles && [...p.roles],
      }),
    ),
    objectives: (file.objectives ?? []).map((o): Objective =>
      defined({
        id: o.id,
        name: o.name,
        owner: o.owner,
        parent: o.parent,
        horizon: o.horizon && { start: o.horizon.start, end: o.horizon.end },
        description: o.description,
      }),
    ),
    kpis: (file.kpis ?? []).map((k): Kpi => ({
      id: k.id,
      name: k.name,
      owner: k.owner,
      unitOfMeasure: k.unitOfMeasure,
      direction: k.direction,
      baseline: k.baseline ?? 0,
      targets: { ...k.targets },
      actuals: { ...k.actuals },
      objectives: [...(k.objectives ?? [])],
    })),
    initiatives: (file.initiatives ?? []).map((i): Initiative =>
      defined({
        id: i.id,
        name: i.name,
        owner: i.owner,
        unit: i.unit,
        objectives: [...(i.objectives ?? [])],
        budget: Object.fromEntries(
          Object.entries(i.budget ?? {}).map(([period, line]) => [
            period,
            defined({ plan: line.plan, committed: line.committed, actual: line.actual }),
          ]),
        ),
        currency: i.currency,
        confidential: i.confidential && confidentialityOf(i.confidential),
        stage: i.stage,
        stageHistory: i.stageHistory && stagePassagesOf(i.stageHistory),
      }),
    ),
    milestones: (file.milestones ?? []).map((m): Milestone =>
      defined({
        id: m.id,
        name: m.name,
        initiative: m.initiative,
        plannedDate: m.plannedDate,
        owner: m.owner,
        work: { keys: [...(m.work?.keys ?? [])], epics: [...(m.work?.epics ?? [])] },
      }),
    ),
    dependencies: (file.dependencies ?? []).map((d): Dependency => ({
      predecessor: d.predecessor,
      successor: d.successor,
      type: d.type ?? 'FS',
      lagDays: d.lagDays ?? 0,
    })),
    benefits: (file.benefits ?? []).map((b): Benefit =>
      defined({
        id: b.id,
        milestone: b.milestone,
        kpi: b.kpi,
        amountPerWeek: b.amountPerWeek,
        description: b.description,
      }),
    ),
    demands: (file.demands ?? []).map(demandOf),
  };
}

/** The plan as a plan-file object, leaving out every field that holds its default. */
export function planToFileObject(plan: Plan): PlanFile {
  const file: PlanFile = {
    organisation: organisationOf(plan.organisation),
    calendars: plan.calendars.map((c): CalendarEntry =>
      defined({
        id: c.id,
        name: c.name,
        workingDays: [...c.workingDays],
        holidays: isEmpty(c.holidays) ? undefined : [...c.holidays],
      }),
    ),
    units: plan.units.map(unitOf),
    people: plan.people.map((p): Person =>
      defined({
        id: p.id,
        name: p.name,
        title: p.title,
        unit: p.unit,
        email: p.email,
        role: p.role,
        roles: p.roles && [...p.roles],
      }),
    ),
    objectives: plan.objectives.map((o): Objective =>
      defined({
        id: o.id,
        name: o.name,
        owner: o.owner,
        parent: o.parent,
        horizon: o.horizon && { start: o.horizon.start, end: o.horizon.end },
        description: o.description,
      }),
    ),
    kpis: plan.kpis.map((k): KpiEntry =>
      defined({
        id: k.id,
        name: k.name,
        owner: k.owner,
        unitOfMeasure: k.unitOfMeasure,
        direction: k.direction,
        baseline: k.baseline === 0 ? undefined : k.baseline,
        targets: isEmpty(k.targets) ? undefined : { ...k.targets },
        actuals: isEmpty(k.actuals) ? undefined : { ...k.actuals },
        objectives: isEmpty(k.objectives) ? undefined : [...k.objectives],
      }),
    ),
    initiatives: plan.initiatives.map((i): InitiativeEntry =>
      defined({
        id: i.id,
        name: i.name,
        owner: i.owner,
        unit: i.unit,
        objectives: isEmpty(i.objectives) ? undefined : [...i.objectives],
        budget: isEmpty(i.budget)
          ? undefined
          : Object.fromEntries(
              Object.entries(i.budget).map(([period, line]) => [
                period,
                defined({ plan: line.plan, committed: line.committed, actual: line.actual }),
              ]),
            ),
        currency: i.currency,
        confidential: i.confidential && confidentialityOf(i.confidential),
        stage: i.stage,
        stageHistory: isEmpty(i.stageHistory ?? [])
          ? undefined
          : stagePassagesOf(i.stageHistory ?? []),
      }),
    ),
    milestones: plan.milestones.map((m): MilestoneEntry => {
      const work = defined({
        keys: isEmpty(m.work.keys) ? undefined : [...m.work.keys],
        epics: isEmpty(m.work.epics) ? undefined : [...m.work.epics],
      });
      return defined({
        id: m.id,
        name: m.name,
        initiative: m.initiative,
        plannedDate: m.plannedDate,
        owner: m.owner,
        work: isEmpty(work) ? undefined : work,
      });
    }),
    dependencies: plan.dependencies.map((d): DependencyEntry =>
      defined({
        predecessor: d.predecessor,
        successor: d.successor,
        type: d.type === 'FS' ? undefined : d.type,
        lagDays: d.lagDays === 0 ? undefined : d.lagDays,
      }),
    ),
    benefits: plan.benefits.map((b): Benefit =>
      defined({
        id: b.id,
        milestone: b.milestone,
        kpi: b.kpi,
        amountPerWeek: b.amountPerWeek,
        description: b.description,
      }),
    ),
    demands: plan.demands.map(demandOf),
    decisionRights: (plan.decisionRights ?? []).map(decisionRightOf),
    reviews: (plan.reviews ?? []).map(reviewOf),
  };
  // Empty sections are left out, like any other default.
  for (const key of Object.keys(file) as (keyof PlanFile)[]) {
    const value = file[key];
    if (Array.isArray(value) && value.length === 0) delete file[key];
  }
  return file;
}
