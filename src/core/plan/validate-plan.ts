import type { ErrorCode, Problem } from '../errors.ts';
import type { Confidentiality, Demand, Plan, PlanCollection } from '../domain/plan.ts';
import { DECISION_KINDS, dependencyId, ROLES, STAGES } from '../domain/plan.ts';
import { DomainError } from '../errors.ts';
import { isIsoDate } from '../calendar.ts';
import { parseCapacityPeriod, parsePeriod } from '../period.ts';
import { findUnstorable, MAX_ID_LENGTH, type UnstorablePlace } from '../storable-text.ts';
import type { PathSegment } from './json-path.ts';
import { formatJsonPath } from './json-path.ts';
import { didYouMean } from './suggest.ts';

/**
 * The domain rules of a plan, checked all at once so that whoever wrote the plan sees every
 * problem in one pass. Each problem names its JSON path into the plan (`$.kpis[0].owner`), which
 * the plan-file reader maps back to a line. The rules hold for a plan from any source: a file,
 * the API or a merge of both.
 */

/** The kinds of thing an id can name, as messages word them. */
type Kind =
  'calendar' | 'unit' | 'person' | 'objective' | 'KPI' | 'initiative' | 'milestone' | 'demand';

const KIND_OF: Partial<Record<PlanCollection, Kind>> = {
  calendars: 'calendar',
  units: 'unit',
  people: 'person',
  objectives: 'objective',
  kpis: 'KPI',
  initiatives: 'initiative',
  milestones: 'milestone',
  demands: 'demand',
};

const BINARY = 'accountability is binary, name one person';
const ISO_CURRENCY = /^[A-Z]{3}$/;
const NO_WHITESPACE = /^\S+$/;
const DEPENDENCY_TYPES: readonly string[] = ['FS', 'SS', 'FF', 'SF'];
const DIRECTIONS: readonly string[] = ['higher_is_better', 'lower_is_better'];

interface Context {
  plan: Plan;
  problems: Problem[];
  /** Ids per kind, in plan order; the first occurrence of a duplicate wins. */
  ids: Record<Kind, Map<string, number>>;
}

/** What `validatePlan` may take as already checked. */
export interface ValidateOptions {
  /**
   * A plan this one was derived from (a scenario's): an entity of a collection that is the very
   * same object as one of `derivedFrom`'s is not searched for text the store cannot hold, since
   * the caller already knows any such problem of it. Every other rule still checks every entity.
   */
  derivedFrom?: Plan;
}

/** Checks every domain rule; returns all problems found (empty when the plan is valid). */
export function validatePlan(plan: Plan, options: ValidateOptions = {}): Problem[] {
  const ctx: Context = {
    plan,
    problems: [],
    ids: {
      calendar: new Map(),
      unit: new Map(),
      person: new Map(),
      objective: new Map(),
      KPI: new Map(),
      initiative: new Map(),
      milestone: new Map(),
      demand: new Map(),
    },
  };
  // Text the store cannot hold is reported alone: later messages would quote it (megabytes, a NUL).
  checkStorable(ctx, options.derivedFrom);
  if (ctx.problems.length > 0) return ctx.problems;
  checkIds(ctx);
  checkOrganisation(ctx);
  checkCalendars(ctx);
  checkUnits(ctx);
  checkPeople(ctx);
  checkObjectives(ctx);
  checkKpis(ctx);
  checkInitiatives(ctx);
  checkMilestones(ctx);
  checkDependencies(ctx);
  checkBenefits(ctx);
  checkDemands(ctx);
  checkDecisionRights(ctx);
  checkReviews(ctx);
  checkObjectiveCycles(ctx);
  checkDependencyCycles(ctx);
  checkDemandCycles(ctx);
  return ctx.problems;
}

/** Throws a DomainError carrying every problem when the plan breaks any rule. */
export function assertValidPlan(plan: Plan): void {
  const problems = validatePlan(plan);
  if (problems.length > 0) throw new DomainError(problems);
}

function report(ctx: Context, code: ErrorCode, at: PathSegment[], message: string): void {
  ctx.problems.push({ code, message, path: formatJsonPath(at) });
}

// ---------------------------------------------------------------------------------------------
// What the store can hold

/** The fields of each section that hold ids: keys of the store, of signals and of links. */
const ID_FIELDS: Record<'organisation' | PlanCollection, readonly string[]> = {
  organisation: ['id', 'defaultCalendar'],
  calendars: ['id'],
  units: ['id', 'calendar'],
  people: ['id', 'unit'],
  objectives: ['id', 'owner', 'parent'],
  kpis: ['id', 'owner', 'objectives'],
  initiatives: ['id', 'owner', 'unit', 'objectives', 'confidential.people'],
  milestones: ['id', 'initiative', 'owner', 'work.keys', 'work.epics'],
  dependencies: ['predecessor', 'successor'],
  benefits: ['id', 'milestone', 'kpi'],
  demands: ['id', 'initiative', 'unit', 'workItem', 'milestone', 'after'],
};

/** A path of `findUnstorable` (`$.a["b c"]`) in this file's form (`$.a['b c']`). */
function planPath(path: string): string {
  return path.replace(/\[("(?:[^"\\]|\\.)*")\]/g, (_, quoted: string) =>
    formatJsonPath([JSON.parse(quoted) as string]).slice(1),
  );
}

/**
 * The first unstorable place of the plan, as `findUnstorable(plan, '$')` finds it, searching only
 * the entities that are not the same objects as `derivedFrom`'s. Each entity is searched in a
 * wrapper as deep as the plan holds it, so that the depth limit counts the same.
 */
function findUnstorableChanged(plan: Plan, derivedFrom: Plan): UnstorablePlace | null {
  for (const [key, value] of Object.entries(plan) as [string, unknown][]) {
    const base: unknown = (derivedFrom as unknown as Record<string, unknown>)[key];
    if (!Array.isArray(value) || !Array.isArray(base)) {
      const found = findUnstorable({ [key]: value }, '$');
      if (found !== null) return found;
      continue;
    }
    const known = new Set<unknown>(base);
    for (let index = 0; index < value.length; index += 1) {
      const entity: unknown = value[index];
      if (known.has(entity)) continue;
      const found = findUnstorable([[entity]], '$');
      if (found !== null)
        return {
          path: `${formatJsonPath([key, index])}${found.path.slice('$[0][0]'.length)}`,
          reason: found.reason,
        };
    }
  }
  return null;
}

/** No NUL or lone surrogate anywhere, and no id longer than {@link MAX_ID_LENGTH}. */
function checkStorable(ctx: Context, derivedFrom: Plan | undefined): void {
  const unstorable =
    derivedFrom === undefined
      ? findUnstorable(ctx.plan, '$')
      : findUnstorableChanged(ctx.plan, derivedFrom);
  if (unstorable !== null) {
    const path = planPath(unstorable.path);
    ctx.problems.push({
      code: 'plan.bad_value',
      message: `this value ${unstorable.reason}`,
      path,
    });
  }
  const sections = Object.entries(ID_FIELDS) as ['organisation' | PlanCollection, string[]][];
  for (const [section, fields] of sections) {
    const entries: readonly unknown[] =
      section === 'organisation' ? [ctx.plan.organisation] : ctx.plan[section];
    const split = fields.map((field) => field.split('.'));
    entries.forEach((entry, index) => {
      const base: PathSegment[] = section === 'organisation' ? [section] : [section, index];
      for (const segments of split) {
        let value: unknown = entry;
        for (const segment of segments) {
          value =
            typeof value === 'object' && value !== null
              ? (value as Record<string, unknown>)[segment]
              : undefined;
        }
        const values = Array.isArray(value) ? value : [value];
        values.forEach((id: unknown, k) => {
          if (typeof id !== 'string' || id.length <= MAX_ID_LENGTH) return;
          const at = [...base, ...segments, ...(Array.isArray(value) ? [k] : [])];
          report(
            ctx,
            'plan.bad_value',
            at,
            `this id is ${id.length} characters long: ids have at most ${MAX_ID_LENGTH}`,
          );
        });
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Ids

function checkIds(ctx: Context): void {
  const withIds: [PlanCollection, { id: string; name?: string }[]][] = [
    ['calendars', ctx.plan.calendars],
    ['units', ctx.plan.units],
    ['people', ctx.plan.people],
    ['objectives', ctx.plan.objectives],
    ['kpis', ctx.plan.kpis],
    ['initiatives', ctx.plan.initiatives],
    ['milestones', ctx.plan.milestones],
    ['benefits', ctx.plan.benefits],
    ['demands', ctx.plan.demands],
  ];
  for (const [collection, items] of withIds) {
    const kind = KIND_OF[collection];
    const seen = kind === undefined ? new Map<string, number>() : ctx.ids[kind];
    const word = kind ?? 'benefit';
    items.forEach((item, index) => {
      const at = [collection, index, 'id'];
      if (typeof item.id !== 'string' || item.id === '') {
        report(ctx, 'plan.bad_value', at, `every ${word} needs an id`);
        return;
      }
      if (!NO_WHITESPACE.test(item.id)) {
        report(ctx, 'plan.bad_value', at, `${word} id '${item.id}' must not contain spaces`);
      }
      if ('name' in item && (typeof item.name !== 'string' || item.name.trim() === '')) {
        report(
          ctx,
          'plan.bad_value',
          [collection, index, 'name'],
          `${word} '${item.id}' needs a name`,
        );
      }
      const first = seen.get(item.id);
      if (first === undefined) seen.set(item.id, index);
      else {
        report(
          ctx,
          'plan.duplicate_id',
          at,
          `duplicate ${word} id '${item.id}': ${formatJsonPath([collection, first])} already has it`,
        );
      }
    });
  }
  // An owner names a person; a unit with the same id would make "is it a person?" ambiguous.
  ctx.plan.people.forEach((person, index) => {
    if (ctx.ids.unit.has(person.id) && ctx.ids.person.get(person.id) === index) {
      report(
        ctx,
        'plan.duplicate_id',
        ['people', index, 'id'],
        `'${person.id}' is both a unit and a person id: give the person an id of their own`,
      );
    }
  });
  const dependencies = new Map<string, number>();
  ctx.plan.dependencies.forEach((dependency, index) => {
    const id = dependencyId(dependency);
    const first = dependencies.get(id);
    if (first === undefined) dependencies.set(id, index);
    else {
      report(
        ctx,
        'plan.duplicate_id',
        ['dependencies', index],
        `duplicate dependency ${id}: ${formatJsonPath(['dependencies', first])} already links these milestones`,
      );
    }
  });
}

/** What else an id names, for a message like "'I-ERP' is an initiative, not an objective". */
function otherKinds(ctx: Context, id: string, expected: Kind): Kind[] {
  return (Object.keys(ctx.ids) as Kind[]).filter(
    (kind) => kind !== expected && ctx.ids[kind].has(id),
  );
}

function article(kind: Kind): string {
  return kind === 'objective' || kind === 'initiative' ? 'an' : 'a';
}

/** Reports an id that should name a `kind` but names none. */
function checkReference(
  ctx: Context,
  id: unknown,
  kind: Kind,
  at: PathSegment[],
  statement: string,
): void {
  if (typeof id !== 'string' || id === '') {
    report(
      ctx,
      'plan.unknown_reference',
      at,
      `${statement} nothing: name ${article(kind)} ${kind}`,
    );
    return;
  }
  if (ctx.ids[kind].has(id)) return;
  const other = otherKinds(ctx, id, kind)[0];
  const why =
    other === undefined
      ? `there is no ${kind} with that id${didYouMean(id, ctx.ids[kind].keys())}`
      : `'${id}' is ${article(other)} ${other}, not ${article(kind)} ${kind}`;
  report(ctx, 'plan.unknown_reference', at, `${statement} '${id}', but ${why}`);
}

/** The owner must be exactly one person of the plan. */
function checkOwner(ctx: Context, owner: unknown, at: PathSegment[], of: string): void {
  if (owner === undefined || owner === null || owner === '') {
    report(ctx, 'plan.owner_not_a_person', at, `${of} has no owner: ${BINARY}`);
    return;
  }
  if (typeof owner !== 'string') {
    const shape = Array.isArray(owner)
      ? 'a list'
      : typeof owner === 'object'
        ? 'an object'
        : `a ${typeof owner}`;
    report(ctx, 'plan.owner_not_a_person', at, `the owner of ${of} is ${shape}: ${BINARY}`);
    return;
  }
  if (ctx.ids.person.has(owner)) return;
  const named = owner
    .split(/\s*(?:,|;|\/|&|\+|\band\b)\s*/)
    .filter((part) => ctx.ids.person.has(part));
  if (named.length > 1) {
    report(
      ctx,
      'plan.owner_not_a_person',
      at,
      `'${owner}' names ${named.length} people: ${BINARY} (owner of ${of})`,
    );
    return;
  }
  // A unit, group or other entry named as owner: "'IT' is a unit, not a person".
  const other = otherKinds(ctx, owner, 'person')[0];
  const what =
    other === undefined
      ? `is not a person of this plan${didYouMean(owner, ctx.ids.person.keys())}`
      : `is ${article(other)} ${other}, not a person`;
  report(ctx, 'plan.owner_not_a_person', at, `'${owner}' ${what}: ${BINARY} (owner of ${of})`);
}

// ---------------------------------------------------------------------------------------------
// Values

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function checkNumber(ctx: Context, value: unknown, at: PathSegment[], what: string): void {
  if (!isFiniteNumber(value)) {
    report(ctx, 'plan.bad_value', at, `${what} must be a finite number, got ${String(value)}`);
  }
}

/** A finite number that is not negative, or (when `positive`) more than zero. */
function checkAmount(
  ctx: Context,
  value: unknown,
  at: PathSegment[],
  what: string,
  positive: boolean,
): void {
  if (!isFiniteNumber(value)) checkNumber(ctx, value, at, what);
  else if (positive && value <= 0) {
    report(ctx, 'plan.bad_value', at, `${what} must be more than 0, got ${value}`);
  } else if (value < 0) {
    report(ctx, 'plan.bad_value', at, `${what} must not be negative, got ${value}`);
  }
}

function checkDate(ctx: Context, value: unknown, at: PathSegment[], what: string): boolean {
  if (typeof value === 'string' && isIsoDate(value)) return true;
  report(
    ctx,
    'plan.bad_date',
    at,
    `'${String(value)}' is not a real date (${what}): write YYYY-MM-DD, e.g. 2026-10-05`,
  );
  return false;
}

/** Checks the labels and values of a map keyed by reporting period. */
function checkPeriodMap<T>(
  ctx: Context,
  map: Record<string, T>,
  at: PathSegment[],
  what: string,
  checkValue: (value: T, valueAt: PathSegment[], label: string) => void,
  weeks = false,
): void {
  for (const [label, value] of Object.entries(map)) {
    const valueAt = [...at, label];
    if ((weeks ? parseCapacityPeriod(label) : parsePeriod(label)) === null) {
      report(
        ctx,
        'plan.bad_period',
        valueAt,
        weeks
          ? `'${label}' in ${what} is not a reporting period or an ISO week: write 2026, 2026-H1, 2026-Q4, 2026-10 or 2026-W41`
          : `'${label}' in ${what} is not a reporting period: write 2026, 2026-H1, 2026-Q4 or 2026-10`,
      );
    }
    checkValue(value, valueAt, label);
  }
}

function checkCurrency(ctx: Context, currency: unknown, at: PathSegment[], of: string): void {
  if (typeof currency !== 'string' || !ISO_CURRENCY.test(currency)) {
    report(
      ctx,
      'plan.bad_value',
      at,
      `currency '${String(currency)}' of ${of} is not an ISO 4217 code such as USD or EUR`,
    );
  }
}

/** Lists of ids must not repeat an id: a repeat double-counts a link. */
function checkNoRepeats(
  ctx: Context,
  list: readonly string[],
  at: PathSegment[],
  of: string,
): void {
  const seen = new Set<string>();
  list.forEach((id, index) => {
    if (seen.has(id)) {
      report(ctx, 'plan.bad_value', [...at, index], `${of} lists '${id}' twice`);
    }
    seen.add(id);
  });
}

/** How a value reads in a message: `'text'`, `3`, `a list`, `nothing`. */
function shapeOf(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function quoted(kind: string, id: string): string {
  return `${kind} '${id}'`;
}

// ---------------------------------------------------------------------------------------------
// Sections

function checkOrganisation(ctx: Context): void {
  const organisation = ctx.plan.organisation;
  const of = quoted('organisation', organisation.id);
  checkReference(
    ctx,
    organisation.defaultCalendar,
    'calendar',
    ['organisation', 'defaultCalendar'],
    `${of} uses the default calendar`,
  );
  checkCurrency(ctx, organisation.currency, ['organisation', 'currency'], of);
  const measure: unknown = organisation.capacityMeasure;
  if (measure !== undefined && (typeof measure !== 'string' || measure.trim() === '')) {
    report(
      ctx,
      'plan.bad_value',
      ['organisation', 'capacityMeasure'],
      `the capacity measure of ${of} must name what capacity is counted in, e.g. FTE, not ${shapeOf(measure)}`,
    );
  }
}

function checkCalendars(ctx: Context): void {
  ctx.plan.calendars.forEach((calendar, index) => {
    const at: PathSegment[] = ['calendars', index];
    const of = quoted('calendar', calendar.id);
    if (calendar.workingDays.length === 0) {
      report(ctx, 'plan.bad_value', [...at, 'workingDays'], `${of} needs at least one working day`);
    }
    const seen = new Set<number>();
    calendar.workingDays.forEach((day, dayIndex) => {
      const dayAt = [...at, 'workingDays', dayIndex];
      if (!Number.isInteger(day) || day < 1 || day > 7) {
        report(
          ctx,
          'plan.bad_value',
          dayAt,
          `working day ${String(day)} of ${of} is not an ISO weekday (1 = Monday … 7 = Sunday)`,
        );
      } else if (seen.has(day)) {
        report(ctx, 'plan.bad_value', dayAt, `${of} lists working day ${day} twice`);
      }
      seen.add(day);
    });
    calendar.holidays.forEach((holiday, holidayIndex) => {
      checkDate(ctx, holiday, [...at, 'holidays', holidayIndex], `holiday of ${of}`);
    });
  });
}

function checkUnits(ctx: Context): void {
  ctx.plan.units.forEach((unit, index) => {
    const of = quoted('unit', unit.id);
    if (unit.calendar !== undefined) {
      checkReference(
        ctx,
        unit.calendar,
        'calendar',
        ['units', index, 'calendar'],
        `${of} uses the calendar`,
      );
    }
    const capacity = unit.capacity;
    if (capacity !== undefined) {
      const at: PathSegment[] = ['units', index, 'capacity'];
      checkAmount(ctx, capacity.perWeek, [...at, 'perWeek'], `the weekly capacity of ${of}`, false);
      if (capacity.costPerWeek !== undefined)
        checkAmount(
          ctx,
          capacity.costPerWeek,
          [...at, 'costPerWeek'],
          `the cost per week of ${of}`,
          false,
        );
      checkPeriodMap(
        ctx,
        capacity.periods ?? {},
        [...at, 'periods'],
        `the capacity periods of ${of}`,
        (value, valueAt, label) =>
          checkAmount(ctx, value, valueAt, `the weekly capacity of ${of} in ${label}`, false),
        true,
      );
    }
  });
}

function checkPeople(ctx: Context): void {
  ctx.plan.people.forEach((person, index) => {
    checkReference(
      ctx,
      person.unit,
      'unit',
      ['people', index, 'unit'],
      `${quoted('person', person.id)} belongs to the unit`,
    );
    const of = quoted('person', person.id);
    if (person.role !== undefined) checkRole(ctx, person.role, ['people', index, 'role'], of);
    (person.roles ?? []).forEach((role, r) =>
      checkRole(ctx, role, ['people', index, 'roles', r], of),
    );
    if (person.roles !== undefined)
      checkNoRepeats(ctx, person.roles, ['people', index, 'roles'], `the roles of ${of}`);
  });
}

function checkRole(ctx: Context, role: unknown, at: PathSegment[], of: string): void {
  if (typeof role === 'string' && (ROLES as readonly string[]).includes(role)) return;
  report(
    ctx,
    'plan.bad_value',
    at,
    `a role of ${of} must be one of ${ROLES.join(', ')}, got '${String(role)}'${didYouMean(String(role), ROLES)}`,
  );
}

/** A confidential initiative names people of the plan and roles that exist, and someone at all. */
function checkConfidentiality(
  ctx: Context,
  confidential: Confidentiality,
  at: PathSegment[],
  of: string,
): void {
  const people = confidential.people ?? [];
  const roles = confidential.roles ?? [];
  people.forEach((id, k) =>
    checkReference(ctx, id, 'person', [...at, 'people', k], `${of} is confidential to`),
  );
  checkNoRepeats(ctx, people, [...at, 'people'], `the people ${of} is confidential to`);
  roles.forEach((role, k) => checkRole(ctx, role, [...at, 'roles', k], of));
  checkNoRepeats(ctx, roles, [...at, 'roles'], `the roles ${of} is confidential to`);
}

function checkObjectives(ctx: Context): void {
  ctx.plan.objectives.forEach((objective, index) => {
    const at: PathSegment[] = ['objectives', index];
    const of = quoted('objective', objective.id);
    checkOwner(ctx, objective.owner, [...at, 'owner'], of);
    if (objective.parent !== undefined) {
      checkReference(
        ctx,
        objective.parent,
        'objective',
        [...at, 'parent'],
        `${of} names as its parent`,
      );
    }
    const horizon = objective.horizon;
    if (horizon !== undefined) {
      const startOk = checkDate(
        ctx,
        horizon.start,
        [...at, 'horizon', 'start'],
        `horizon start of ${of}`,
      );
      const endOk = checkDate(ctx, horizon.end, [...at, 'horizon', 'end'], `horizon end of ${of}`);
      if (startOk && endOk && horizon.start > horizon.end) {
        report(
          ctx,
          'plan.bad_value',
          [...at, 'horizon'],
          `the horizon of ${of} starts ${horizon.start}, after it ends ${horizon.end}`,
        );
      }
    }
  });
}

function checkKpis(ctx: Context): void {
  ctx.plan.kpis.forEach((kpi, index) => {
    const at: PathSegment[] = ['kpis', index];
    const of = quoted('KPI', kpi.id);
    checkOwner(ctx, kpi.owner, [...at, 'owner'], of);
    if (!DIRECTIONS.includes(kpi.direction)) {
      report(
        ctx,
        'plan.bad_value',
        [...at, 'direction'],
        `direction '${String(kpi.direction)}' of ${of} must be higher_is_better or lower_is_better`,
      );
    }
    checkNumber(ctx, kpi.baseline, [...at, 'baseline'], `the baseline of ${of}`);
    for (const field of ['targets', 'actuals'] as const) {
      checkPeriodMap(
        ctx,
        kpi[field],
        [...at, field],
        `the ${field} of ${of}`,
        (value, valueAt, label) =>
          checkNumber(ctx, value, valueAt, `the ${field.slice(0, -1)} of ${of} for ${label}`),
      );
    }
    kpi.objectives.forEach((objective, objectiveIndex) => {
      checkReference(
        ctx,
        objective,
        'objective',
        [...at, 'objectives', objectiveIndex],
        `${of} measures the objective`,
      );
    });
    checkNoRepeats(ctx, kpi.objectives, [...at, 'objectives'], of);
  });
}

function checkInitiatives(ctx: Context): void {
  ctx.plan.initiatives.forEach((initiative, index) => {
    const at: PathSegment[] = ['initiatives', index];
    const of = quoted('initiative', initiative.id);
    checkOwner(ctx, initiative.owner, [...at, 'owner'], of);
    checkReference(ctx, initiative.unit, 'unit', [...at, 'unit'], `${of} belongs to the unit`);
    initiative.objectives.forEach((objective, objectiveIndex) => {
      checkReference(
        ctx,
        objective,
        'objective',
        [...at, 'objectives', objectiveIndex],
        `${of} serves the objective`,
      );
    });
    checkNoRepeats(ctx, initiative.objectives, [...at, 'objectives'], of);
    checkPeriodMap(
      ctx,
      initiative.budget,
      [...at, 'budget'],
      `the budget of ${of}`,
      (line, lineAt, label) => {
        for (const figure of ['plan', 'committed', 'actual'] as const) {
          const value = line[figure];
          if (figure === 'plan' || value !== undefined) {
            checkNumber(
              ctx,
              value,
              [...lineAt, figure],
              `the ${figure} budget of ${of} for ${label}`,
            );
          }
        }
      },
    );
    if (initiative.currency !== undefined) {
      checkCurrency(ctx, initiative.currency, [...at, 'currency'], of);
    }
    if (initiative.confidential !== undefined)
      checkConfidentiality(ctx, initiative.confidential, [...at, 'confidential'], of);
    checkStage(ctx, initiative, at, of);
  });
}

/** A stage is one of the stages; each gate passed names a stage, a real day and a person. */
function checkStage(
  ctx: Context,
  initiative: Plan['initiatives'][number],
  at: PathSegment[],
  of: string,
): void {
  const known = (stage: unknown): boolean =>
    typeof stage === 'string' && (STAGES as readonly string[]).includes(stage);
  const stageWords = `write one of ${STAGES.join(', ')}`;
  if (initiative.stage !== undefined && !known(initiative.stage))
    report(
      ctx,
      'plan.bad_value',
      [...at, 'stage'],
      `the stage of ${of} is not a stage: ${stageWords}`,
    );
  const history: unknown = initiative.stageHistory;
  if (history === undefined) return;
  if (!Array.isArray(history)) {
    report(
      ctx,
      'plan.bad_value',
      [...at, 'stageHistory'],
      `the stage history of ${of} must be a list`,
    );
    return;
  }
  let previous: string | null = null;
  history.forEach((passage: unknown, k) => {
    const here: PathSegment[] = [...at, 'stageHistory', k];
    if (typeof passage !== 'object' || passage === null || Array.isArray(passage)) {
      report(
        ctx,
        'plan.bad_value',
        here,
        `a gate passed by ${of} must be an object with stage and on`,
      );
      return;
    }
    const { stage, on, by } = passage as Record<string, unknown>;
    if (!known(stage))
      report(
        ctx,
        'plan.bad_value',
        [...here, 'stage'],
        `a gate passed by ${of} names no stage: ${stageWords}`,
      );
    if (checkDate(ctx, on, [...here, 'on'], `the day ${of} passed a gate`)) {
      if (previous !== null && (on as string) < previous)
        report(
          ctx,
          'plan.bad_date',
          [...here, 'on'],
          `the stage history of ${of} goes back in time: ${String(on)} comes after ${previous}; list the gates oldest first`,
        );
      previous = on as string;
    }
    if (by !== undefined)
      if (typeof by === 'string' && by.length > MAX_ID_LENGTH)
        report(
          ctx,
          'plan.bad_value',
          [...here, 'by'],
          `this id is ${by.length} characters long: ids have at most ${MAX_ID_LENGTH}`,
        );
      else
        checkReference(ctx, by, 'person', [...here, 'by'], `a gate passed by ${of} was decided by`);
  });
}

/**
 * Whether a milestone passes every check of `checkMilestones`, decided without making the paths
 * and messages a problem would need: the plans of a portfolio hold tens of thousands.
 */
function milestoneIsClean(ctx: Context, milestone: Plan['milestones'][number]): boolean {
  const { initiative, plannedDate, owner } = milestone as unknown as Record<string, unknown>;
  if (typeof initiative !== 'string' || initiative === '' || !ctx.ids.initiative.has(initiative))
    return false;
  if (typeof plannedDate !== 'string' || !isIsoDate(plannedDate)) return false;
  if (
    owner !== undefined &&
    (typeof owner !== 'string' || owner === '' || !ctx.ids.person.has(owner))
  )
    return false;
  for (const list of [milestone.work.keys, milestone.work.epics] as unknown[][]) {
    if (list.length === 0) continue;
    const seen = new Set<unknown>();
    for (const key of list) {
      if (typeof key !== 'string' || !NO_WHITESPACE.test(key) || seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
}

function checkMilestones(ctx: Context): void {
  ctx.plan.milestones.forEach((milestone, index) => {
    if (milestoneIsClean(ctx, milestone)) return;
    const at: PathSegment[] = ['milestones', index];
    const of = quoted('milestone', milestone.id);
    checkReference(
      ctx,
      milestone.initiative,
      'initiative',
      [...at, 'initiative'],
      `${of} belongs to the initiative`,
    );
    checkDate(ctx, milestone.plannedDate, [...at, 'plannedDate'], `the planned date of ${of}`);
    if (milestone.owner !== undefined) checkOwner(ctx, milestone.owner, [...at, 'owner'], of);
    for (const field of ['keys', 'epics'] as const) {
      milestone.work[field].forEach((key, keyIndex) => {
        if (typeof key !== 'string' || !NO_WHITESPACE.test(key)) {
          report(
            ctx,
            'plan.bad_value',
            [...at, 'work', field, keyIndex],
            `work item key '${String(key)}' of ${of} must be a key such as ERP-17`,
          );
        }
      });
      checkNoRepeats(ctx, milestone.work[field], [...at, 'work', field], of);
    }
  });
}

function checkDependencies(ctx: Context): void {
  ctx.plan.dependencies.forEach((dependency, index) => {
    const at: PathSegment[] = ['dependencies', index];
    const of = `dependency ${dependencyId(dependency)}`;
    checkReference(
      ctx,
      dependency.predecessor,
      'milestone',
      [...at, 'predecessor'],
      `${of} has the predecessor`,
    );
    checkReference(
      ctx,
      dependency.successor,
      'milestone',
      [...at, 'successor'],
      `${of} has the successor`,
    );
    if (!DEPENDENCY_TYPES.includes(dependency.type)) {
      report(
        ctx,
        'plan.bad_value',
        [...at, 'type'],
        `type '${String(dependency.type)}' of ${of} must be one of FS, SS, FF, SF`,
      );
    }
    if (!Number.isInteger(dependency.lagDays)) {
      report(
        ctx,
        'plan.bad_value',
        [...at, 'lagDays'],
        `lagDays of ${of} must be a whole number of working days, got ${String(dependency.lagDays)}`,
      );
    }
  });
}

function checkBenefits(ctx: Context): void {
  ctx.plan.benefits.forEach((benefit, index) => {
    const at: PathSegment[] = ['benefits', index];
    const of = quoted('benefit', benefit.id);
    checkReference(
      ctx,
      benefit.milestone,
      'milestone',
      [...at, 'milestone'],
      `${of} starts from the milestone`,
    );
    checkReference(ctx, benefit.kpi, 'KPI', [...at, 'kpi'], `${of} improves the KPI`);
    checkNumber(ctx, benefit.amountPerWeek, [...at, 'amountPerWeek'], `amountPerWeek of ${of}`);
  });
}

function checkDemands(ctx: Context): void {
  ctx.plan.demands.forEach((demand, index) => {
    const at: PathSegment[] = ['demands', index];
    const of = quoted('demand', demand.id);
    checkReference(
      ctx,
      demand.initiative,
      'initiative',
      [...at, 'initiative'],
      `${of} is work of the initiative`,
    );
    checkReference(ctx, demand.unit, 'unit', [...at, 'unit'], `${of} takes capacity of the unit`);
    checkAmount(ctx, demand.perWeek, [...at, 'perWeek'], `perWeek of ${of}`, true);
    checkDemandTiming(ctx, demand, at, of);
    if (demand.milestone !== undefined) checkDemandMilestone(ctx, demand, at, of);
    const after = demand.after ?? [];
    after.forEach((other, afterIndex) => {
      const afterAt = [...at, 'after', afterIndex];
      if (other === demand.id) {
        report(
          ctx,
          'plan.cycle',
          afterAt,
          `${of} waits for itself: its after lists its own id '${other}'`,
        );
      } else {
        checkReference(ctx, other, 'demand', afterAt, `${of} waits for the demand`);
      }
    });
    checkNoRepeats(ctx, after, [...at, 'after'], `the after of ${of}`);
  });
}

/**
 * A decision right names one holder (a person or a role), kinds that exist, a scope of things
 * the plan has and limits that are amounts; ids are unique among rights.
 */
function checkDecisionRights(ctx: Context): void {
  const seen = new Map<string, number>();
  (ctx.plan.decisionRights ?? []).forEach((right, index) => {
    const at: PathSegment[] = ['decisionRights', index];
    if (typeof right.id !== 'string' || !NO_WHITESPACE.test(right.id)) {
      report(
        ctx,
        'plan.bad_value',
        [...at, 'id'],
        'every decision right needs an id without spaces',
      );
      return;
    }
    if (right.id.length > MAX_ID_LENGTH)
      report(ctx, 'plan.bad_value', [...at, 'id'], `ids have at most ${MAX_ID_LENGTH} characters`);
    const of = quoted('decision right', right.id);
    const first = seen.get(right.id);
    if (first !== undefined)
      report(
        ctx,
        'plan.duplicate_id',
        [...at, 'id'],
        `${of} is defined twice (first at $.decisionRights[${first}])`,
      );
    else seen.set(right.id, index);
    if ((right.person === undefined) === (right.role === undefined))
      report(
        ctx,
        right.person === undefined ? 'plan.bad_value' : 'plan.owner_not_a_person',
        at,
        `${of} must name either a person or a role, not ${right.person === undefined ? 'neither' : 'both'}`,
      );
    if (right.person !== undefined)
      checkReference(ctx, right.person, 'person', [...at, 'person'], `${of} is held by`);
    if (right.role !== undefined && !ROLES.includes(right.role))
      report(
        ctx,
        'plan.bad_value',
        [...at, 'role'],
        `the role of ${of} must be one of ${ROLES.join(', ')}, got '${String(right.role)}'${didYouMean(String(right.role), ROLES)}`,
      );
    (right.kinds ?? []).forEach((kind, k) => {
      if (!(DECISION_KINDS as readonly string[]).includes(kind))
        report(
          ctx,
          'plan.bad_value',
          [...at, 'kinds', k],
          `${of} names the decision kind '${String(kind)}', which is none of ${DECISION_KINDS.join(', ')}${didYouMean(String(kind), DECISION_KINDS)}`,
        );
    });
    const scopes: ['objectives' | 'initiatives' | 'units', 'objective' | 'initiative' | 'unit'][] =
      [
        ['objectives', 'objective'],
        ['initiatives', 'initiative'],
        ['units', 'unit'],
      ];
    for (const [field, kind] of scopes) {
      const ids = right[field] ?? [];
      ids.forEach((id, k) =>
        checkReference(ctx, id, kind, [...at, field, k], `${of} reaches the ${kind}`),
      );
      checkNoRepeats(ctx, ids, [...at, field], `the ${field} of ${of}`);
    }
    if (right.maxAmount !== undefined)
      checkAmount(ctx, right.maxAmount, [...at, 'maxAmount'], `maxAmount of ${of}`, false);
    if (right.maxSlipWeeks !== undefined)
      checkAmount(ctx, right.maxSlipWeeks, [...at, 'maxSlipWeeks'], `maxSlipWeeks of ${of}`, false);
  });
}

/** A demand runs in a fixed window (`from` … `to`) or as long as its work item does. */
function checkDemandTiming(ctx: Context, demand: Demand, at: PathSegment[], of: string): void {
  const { from, to, workItem } = demand;
  if (workItem !== undefined) {
    if (typeof workItem !== 'string' || !NO_WHITESPACE.test(workItem)) {
      report(
        ctx,
        'plan.bad_value',
        [...at, 'workItem'],
        `work item key ${shapeOf(workItem)} of ${of} must be a key such as ERP-17`,
      );
    }
    // `from` alone is allowed: it is when the demand starts while the item has no start date.
    if (from !== undefined) checkDate(ctx, from, [...at, 'from'], `the start of ${of}`);
    if (to !== undefined) {
      report(
        ctx,
        'plan.bad_value',
        [...at, 'to'],
        `${of} has both a to (${String(to)}) and the work item '${String(workItem)}', whose forecast finish it follows: give from/to or workItem, not both`,
      );
    }
    return;
  }
  if (from === undefined && to === undefined) {
    report(
      ctx,
      'plan.bad_value',
      at,
      `${of} does not say when it runs: give from and to (its first and last day), or the workItem whose run it follows`,
    );
    return;
  }
  if (from === undefined) {
    report(
      ctx,
      'plan.bad_value',
      [...at, 'from'],
      `${of} has a to but no from: give its first day too, or the workItem whose run it follows`,
    );
  }
  if (to === undefined) {
    report(
      ctx,
      'plan.bad_value',
      [...at, 'to'],
      `${of} has a from but no to: give its last day too, or the workItem whose run it follows`,
    );
  }
  const fromOk = from !== undefined && checkDate(ctx, from, [...at, 'from'], `the start of ${of}`);
  const toOk = to !== undefined && checkDate(ctx, to, [...at, 'to'], `the end of ${of}`);
  if (fromOk && toOk && from > to) {
    report(ctx, 'plan.bad_value', [...at, 'to'], `${of} ends ${to}, before it starts ${from}`);
  }
}

/** The milestone a demand delivers must be one of the demand's own initiative. */
function checkDemandMilestone(ctx: Context, demand: Demand, at: PathSegment[], of: string): void {
  const milestoneAt = [...at, 'milestone'];
  checkReference(ctx, demand.milestone, 'milestone', milestoneAt, `${of} delivers the milestone`);
  const index = ctx.ids.milestone.get(demand.milestone ?? '');
  const milestone = index === undefined ? undefined : ctx.plan.milestones[index];
  // A dangling initiative, of the demand or of the milestone, is reported where it is written.
  if (
    milestone === undefined ||
    !ctx.ids.initiative.has(demand.initiative) ||
    !ctx.ids.initiative.has(milestone.initiative)
  ) {
    return;
  }
  if (milestone.initiative !== demand.initiative) {
    report(
      ctx,
      'plan.bad_value',
      milestoneAt,
      `${of} delivers the milestone '${milestone.id}' of initiative '${milestone.initiative}', but the demand is work of initiative '${demand.initiative}': name a milestone of '${demand.initiative}'`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Cycles

/** The objective tree must be a tree: following parents never comes back. */
function checkObjectiveCycles(ctx: Context): void {
  const parentOf = new Map<string, string>();
  for (const objective of ctx.plan.objectives) {
    if (objective.parent !== undefined && ctx.ids.objective.has(objective.parent)) {
      parentOf.set(objective.id, objective.parent);
    }
  }
  const done = new Set<string>();
  for (const objective of ctx.plan.objectives) {
    const walk: string[] = [];
    const position = new Map<string, number>();
    let current: string | undefined = objective.id;
    while (current !== undefined && !done.has(current) && !position.has(current)) {
      position.set(current, walk.length);
      walk.push(current);
      current = parentOf.get(current);
    }
    if (current !== undefined && position.has(current)) {
      const cycle = walk.slice(position.get(current));
      // Name the cycle from the member that comes first in the plan, so the message is stable.
      const first = cycle.reduce(
        (min, id) => Math.min(min, ctx.ids.objective.get(id) ?? min),
        Number.POSITIVE_INFINITY,
      );
      const firstId = ctx.plan.objectives[first]?.id ?? cycle[0] ?? '';
      const start = cycle.indexOf(firstId);
      const ordered = [...cycle.slice(start), ...cycle.slice(0, start), firstId];
      report(
        ctx,
        'plan.cycle',
        ['objectives', first, 'parent'],
        `objective cycle: ${ordered.join(' → ')} (each names the next as its parent)`,
      );
    }
    for (const id of walk) done.add(id);
  }
}

interface Edge {
  to: number;
  /** Where the link is written, as a number that orders links in plan order. */
  link: number;
}

/** The milestone dependency graph must be acyclic; each cycle is named in order. */
function checkDependencyCycles(ctx: Context): void {
  // Milestones become numbers (their index in the plan) so the graph walk stays fast on
  // portfolios of 100,000 milestones.
  const ids = [...ctx.ids.milestone.keys()];
  const number = new Map(ids.map((id, n) => [id, n]));
  const edges: Edge[][] = ids.map(() => []);
  ctx.plan.dependencies.forEach((dependency, index) => {
    const from = number.get(dependency.predecessor);
    const to = number.get(dependency.successor);
    if (from !== undefined && to !== undefined) edges[from]?.push({ to, link: index });
  });
  for (const cycle of cyclesOf(edges)) {
    report(
      ctx,
      'plan.cycle',
      ['dependencies', cycle.link],
      `dependency cycle: ${cycle.nodes.map((n) => ids[n] ?? '').join(' → ')}`,
    );
  }
}

/**
 * Demands must not wait for each other in a ring through `after`, or none could start; each
 * ring is named in order. A demand that waits for itself is reported where its `after` is read.
 */
function checkDemandCycles(ctx: Context): void {
  const ids = [...ctx.ids.demand.keys()];
  const number = new Map(ids.map((id, n) => [id, n]));
  const edges: Edge[][] = ids.map(() => []);
  const places: PathSegment[][] = [];
  ctx.plan.demands.forEach((demand, index) => {
    const from = number.get(demand.id);
    (demand.after ?? []).forEach((other, afterIndex) => {
      const to = number.get(other);
      if (from === undefined || to === undefined || to === from) return;
      edges[from]?.push({ to, link: places.length });
      places.push(['demands', index, 'after', afterIndex]);
    });
  });
  for (const cycle of cyclesOf(edges)) {
    report(
      ctx,
      'plan.cycle',
      places[cycle.link] ?? ['demands'],
      `demand cycle: ${cycle.nodes.map((n) => ids[n] ?? '').join(' → ')} (each lists the next in its after)`,
    );
  }
}

/**
 * Every cycle of a graph over nodes 0…n-1, one per strongly connected component, as the nodes
 * in order from and back to the start of its first link (lowest `link`), so that messages are
 * stable.
 */
function cyclesOf(edges: readonly Edge[][]): { link: number; nodes: number[] }[] {
  const cycles: { link: number; nodes: number[] }[] = [];
  for (const component of stronglyConnected(edges)) {
    const members = new Set(component);
    let first: { from: number; edge: Edge } | undefined;
    for (const from of component) {
      for (const edge of edges[from] ?? []) {
        if (members.has(edge.to) && (first === undefined || edge.link < first.edge.link)) {
          first = { from, edge };
        }
      }
    }
    if (first === undefined) continue; // a single node without a link to itself
    const path = shortestPath(first.edge.to, first.from, members, edges);
    cycles.push({ link: first.edge.link, nodes: [first.from, ...path] });
  }
  return cycles;
}

/** Breadth-first path from `from` to `to` inside `members`, both ends included. */
function shortestPath(
  from: number,
  to: number,
  members: ReadonlySet<number>,
  edges: readonly Edge[][],
): number[] {
  const cameFrom = new Map<number, number>([[from, -1]]);
  const queue = [from];
  for (let i = 0; i < queue.length && !cameFrom.has(to); i += 1) {
    const node = queue[i] as number;
    for (const edge of edges[node] ?? []) {
      if (members.has(edge.to) && !cameFrom.has(edge.to)) {
        cameFrom.set(edge.to, node);
        queue.push(edge.to);
      }
    }
  }
  const path: number[] = [];
  for (let node = to; node !== -1; node = cameFrom.get(node) ?? -1) path.push(node);
  return path.reverse();
}

/**
 * Tarjan's strongly connected components over nodes 0…n-1, iterative so that a long dependency
 * chain cannot overflow the stack. Returns only the components that can hold a cycle: two or
 * more nodes, or one node with an edge to itself.
 */
function stronglyConnected(edges: readonly Edge[][]): number[][] {
  const n = edges.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  // The explicit DFS: a node and how many of its edges it has followed.
  const workNode: number[] = [];
  const workNext: number[] = [];
  let counter = 0;
  const visit = (node: number): void => {
    index[node] = counter;
    low[node] = counter;
    counter += 1;
    stack.push(node);
    onStack[node] = 1;
    workNode.push(node);
    workNext.push(0);
  };
  for (let root = 0; root < n; root += 1) {
    if (index[root] !== -1) continue;
    visit(root);
    while (workNode.length > 0) {
      const top = workNode.length - 1;
      const node = workNode[top] as number;
      const out = edges[node] ?? [];
      const next = workNext[top] as number;
      const edge = out[next];
      if (edge !== undefined) {
        workNext[top] = next + 1;
        if (index[edge.to] === -1) visit(edge.to);
        else if (onStack[edge.to] === 1) {
          low[node] = Math.min(low[node] as number, index[edge.to] as number);
        }
        continue;
      }
      workNode.pop();
      workNext.pop();
      const parent = workNode[workNode.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent] as number, low[node] as number);
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack[member] = 0;
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || out.some((e) => e.to === node)) components.push(component);
      }
    }
  }
  return components;
}

const WEEKDAY_NAMES: readonly string[] = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
];
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Whether the runtime knows an IANA time zone (`Europe/Berlin`). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A review has a unique id, a name, a cadence that is a week day or a month day at a time of day,
 * a time zone that exists, attendees who are people of the plan (each once) and a scope of
 * objectives and initiatives the plan has.
 */
function checkReviews(ctx: Context): void {
  const seen = new Map<string, number>();
  (ctx.plan.reviews ?? []).forEach((review, index) => {
    const at: PathSegment[] = ['reviews', index];
    if (typeof review.id !== 'string' || !NO_WHITESPACE.test(review.id)) {
      report(ctx, 'plan.bad_value', [...at, 'id'], 'every review needs an id without spaces');
      return;
    }
    const of = quoted('review', review.id);
    const first = seen.get(review.id);
    if (first !== undefined)
      report(
        ctx,
        'plan.duplicate_id',
        [...at, 'id'],
        `${of} is defined twice (first at $.reviews[${first}])`,
      );
    else seen.set(review.id, index);
    if (typeof review.name !== 'string' || review.name.trim() === '')
      report(ctx, 'plan.bad_value', [...at, 'name'], `${of} needs a name`);
    const cadence = review.cadence as unknown as Record<string, unknown> | undefined;
    if (typeof cadence !== 'object' || cadence === null) {
      report(
        ctx,
        'plan.bad_value',
        [...at, 'cadence'],
        `${of} needs a cadence (every week or month)`,
      );
    } else {
      if (cadence.every === 'week') {
        if (typeof cadence.weekday !== 'string' || !WEEKDAY_NAMES.includes(cadence.weekday))
          report(
            ctx,
            'plan.bad_value',
            [...at, 'cadence', 'weekday'],
            `${of} meets weekly on a weekday, one of ${WEEKDAY_NAMES.join(', ')}; got '${String(cadence.weekday)}'${didYouMean(String(cadence.weekday), WEEKDAY_NAMES)}`,
          );
      } else if (cadence.every === 'month') {
        const day = cadence.day;
        if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 31)
          report(
            ctx,
            'plan.bad_value',
            [...at, 'cadence', 'day'],
            `${of} meets monthly on a day from 1 to 31; got '${String(day)}'`,
          );
      } else {
        report(
          ctx,
          'plan.bad_value',
          [...at, 'cadence', 'every'],
          `${of} meets every 'week' or every 'month'; got '${String(cadence.every)}'`,
        );
      }
      if (typeof cadence.at !== 'string' || !TIME_OF_DAY.test(cadence.at))
        report(
          ctx,
          'plan.bad_value',
          [...at, 'cadence', 'at'],
          `${of} meets at a time of day written HH:MM (e.g. 09:00); got '${String(cadence.at)}'`,
        );
    }
    if (review.timeZone !== undefined && !isTimeZone(review.timeZone))
      report(
        ctx,
        'plan.bad_value',
        [...at, 'timeZone'],
        `${of} names the time zone '${review.timeZone}', which is not an IANA time zone (e.g. Europe/Berlin)`,
      );
    const attendees = Array.isArray(review.attendees) ? review.attendees : [];
    if (attendees.length === 0)
      report(ctx, 'plan.bad_value', [...at, 'attendees'], `${of} needs at least one attendee`);
    attendees.forEach((person, k) =>
      checkReference(ctx, person, 'person', [...at, 'attendees', k], `${of} is attended by`),
    );
    checkNoRepeats(ctx, attendees, [...at, 'attendees'], `the attendees of ${of}`);
    (review.scope?.objectives ?? []).forEach((id, k) =>
      checkReference(ctx, id, 'objective', [...at, 'scope', 'objectives', k], `${of} covers`),
    );
    (review.scope?.initiatives ?? []).forEach((id, k) =>
      checkReference(ctx, id, 'initiative', [...at, 'scope', 'initiatives', k], `${of} covers`),
    );
  });
}
