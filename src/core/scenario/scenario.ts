import type { IsoDate, PeriodLabel } from '../domain/plan.ts';
import { isIsoDate } from '../calendar.ts';
import { DomainError, type Problem } from '../errors.ts';
import { parsePeriod } from '../period.ts';
import { formatJsonPath, type PathSegment } from '../plan/json-path.ts';
import { didYouMean } from '../plan/suggest.ts';

/**
 * A scenario: a named set of changes to the plan, never applied until someone applies it. Each
 * change is one lever a decision can pull; `applyScenario` turns them into a plan, and
 * `priceScenario` computes that plan with the same engine as the live forecast. What each lever
 * does to the plan, exactly, is written in docs/DECISIONS.md ("Scenarios").
 */

/** Where a cost is booked: a budget line of an initiative, or the scenario's own cost. */
export interface ScenarioCost {
  /** In the organisation's currency. */
  amount: number;
  /** The reporting period it falls in (`2026-Q4`, `2026-10` …). */
  period: PeriodLabel;
  /** The initiative whose budget plan carries it; without it, it is counted as scenario cost. */
  initiative?: string;
}

/** A budget line of an initiative in a period. */
export interface BudgetPlace {
  initiative: string;
  period: PeriodLabel;
}

export type ScenarioChange =
  /** Move a milestone's planned date (its baseline). */
  | { kind: 'move_milestone'; milestone: string; plannedDate: IsoDate }
  /** Accept a slip: re-baseline the planned date to the current forecast. */
  | { kind: 'accept_slip'; milestone: string }
  /**
   * Give a unit more weekly capacity in whole months (`from` the first day of a month, `to` the
   * last day of one): the plan holds capacity per reporting period, a month at the finest.
   */
  | {
      kind: 'add_capacity';
      unit: string;
      perWeek: number;
      from: IsoDate;
      to: IsoDate;
      cost?: ScenarioCost;
    }
  /** Move a demand's window (or, for one that follows a work item, the day it starts). */
  | { kind: 'move_demand'; demand: string; from?: IsoDate; to?: IsoDate }
  /**
   * Give an initiative's work at a unit priority over other initiatives' work there: in the
   * weeks the unit is over-allocated, their demands wait for its demands (an `after` link).
   */
  | { kind: 'prioritise'; unit: string; initiative: string; over: string[] }
  /** Move budget plan from one initiative's period to another's (or the same one's). */
  | { kind: 'move_budget'; from: BudgetPlace; to: BudgetPlace; amount: number }
  /** Drop a milestone, with its benefits, its dependencies and the demands that deliver it. */
  | { kind: 'descope_milestone'; milestone: string }
  /** Drop a benefit. */
  | { kind: 'descope_benefit'; benefit: string }
  /** Pause an initiative until a day (or until further notice). */
  | { kind: 'hold_initiative'; initiative: string; until?: IsoDate; reason: string }
  /** Stop an initiative: remaining budget released, future benefits and demands gone. */
  | { kind: 'stop_initiative'; initiative: string };

export type ScenarioChangeKind = ScenarioChange['kind'];

export interface Scenario {
  id: string;
  name: string;
  /** The person who wrote it. */
  author: string;
  /** When it was written (an ISO instant or date). */
  createdAt: string;
  changes: ScenarioChange[];
}

/** At most this many scenarios are compared side by side. */
export const MAX_COMPARED_SCENARIOS = 4;

/** The fields each kind of change takes: true when required. */
const FIELDS: Record<ScenarioChangeKind, Record<string, boolean>> = {
  move_milestone: { milestone: true, plannedDate: true },
  accept_slip: { milestone: true },
  add_capacity: { unit: true, perWeek: true, from: true, to: true, cost: false },
  move_demand: { demand: true, from: false, to: false },
  prioritise: { unit: true, initiative: true, over: true },
  move_budget: { from: true, to: true, amount: true },
  descope_milestone: { milestone: true },
  descope_benefit: { benefit: true },
  hold_initiative: { initiative: true, until: false, reason: true },
  stop_initiative: { initiative: true },
};

/** The kinds of change a scenario may hold, in the order the docs list them. */
export const SCENARIO_CHANGE_KINDS = Object.keys(FIELDS) as ScenarioChangeKind[];

function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'undefined' ? 'nothing' : typeof value;
}

class ShapeCheck {
  readonly problems: Problem[] = [];

  report(at: readonly PathSegment[], message: string): void {
    this.problems.push({ code: 'scenario.bad_change', message, path: formatJsonPath(at) });
  }

  text(value: unknown, at: readonly PathSegment[], what: string): void {
    if (typeof value !== 'string' || value.trim() === '')
      this.report(at, `${what} must be a non-empty text, got ${shapeOf(value)}`);
  }

  date(value: unknown, at: readonly PathSegment[], what: string): void {
    if (typeof value !== 'string' || !isIsoDate(value))
      this.report(at, `${what} must be a real date written YYYY-MM-DD, got ${shapeOf(value)}`);
  }

  period(value: unknown, at: readonly PathSegment[], what: string): void {
    if (typeof value !== 'string' || parsePeriod(value) === null)
      this.report(
        at,
        `${what} must be a reporting period (2026, 2026-H2, 2026-Q4 or 2026-10), got ${shapeOf(value)}`,
      );
  }

  amount(value: unknown, at: readonly PathSegment[], what: string, positive: boolean): void {
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.report(at, `${what} must be a number, got ${shapeOf(value)}`);
    else if (positive ? value <= 0 : value < 0)
      this.report(at, `${what} must be ${positive ? 'more than 0' : 'at least 0'}, got ${value}`);
  }

  object(
    value: unknown,
    at: readonly PathSegment[],
    what: string,
  ): value is Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.report(at, `${what} must be an object, got ${shapeOf(value)}`);
    return false;
  }

  fields(
    value: Record<string, unknown>,
    allowed: Record<string, boolean>,
    at: readonly PathSegment[],
    what: string,
  ): void {
    for (const key of Object.keys(value))
      if (!(key in allowed))
        this.report(
          [...at, key],
          `${what} takes no field '${key}'${didYouMean(key, Object.keys(allowed))}`,
        );
    for (const [key, required] of Object.entries(allowed))
      if (required && value[key] === undefined) this.report([...at, key], `${what} needs '${key}'`);
  }
}

function checkChange(check: ShapeCheck, value: unknown, at: readonly PathSegment[]): void {
  if (!check.object(value, at, 'a change')) return;
  const kind = value['kind'];
  if (typeof kind !== 'string' || !(kind in FIELDS)) {
    check.report(
      [...at, 'kind'],
      `the kind of change must be one of ${SCENARIO_CHANGE_KINDS.join(', ')}, got ${shapeOf(kind)}${typeof kind === 'string' ? didYouMean(kind, SCENARIO_CHANGE_KINDS) : ''}`,
    );
    return;
  }
  const what = `a ${kind} change`;
  check.fields(value, { kind: true, ...FIELDS[kind as ScenarioChangeKind] }, at, what);
  const field = (name: string): [unknown, PathSegment[]] => [value[name], [...at, name]];
  const present = (name: string): boolean => value[name] !== undefined;
  const textFields = ['milestone', 'unit', 'initiative', 'demand', 'benefit', 'reason'];
  for (const name of textFields)
    if (name in FIELDS[kind as ScenarioChangeKind] && present(name))
      check.text(...field(name), `${name} of ${what}`);
  switch (kind as ScenarioChangeKind) {
    case 'move_milestone':
      if (present('plannedDate')) check.date(...field('plannedDate'), 'plannedDate');
      break;
    case 'add_capacity':
      if (present('perWeek')) check.amount(...field('perWeek'), 'perWeek', true);
      if (present('from')) check.date(...field('from'), 'from');
      if (present('to')) check.date(...field('to'), 'to');
      if (present('cost')) {
        const [cost, costAt] = field('cost');
        if (check.object(cost, costAt, 'cost')) {
          check.fields(cost, { amount: true, period: true, initiative: false }, costAt, 'cost');
          if (cost['amount'] !== undefined)
            check.amount(cost['amount'], [...costAt, 'amount'], 'the cost', false);
          if (cost['period'] !== undefined)
            check.period(cost['period'], [...costAt, 'period'], 'the period of the cost');
          if (cost['initiative'] !== undefined)
            check.text(cost['initiative'], [...costAt, 'initiative'], 'the initiative of the cost');
        }
      }
      break;
    case 'move_demand':
      if (!present('from') && !present('to'))
        check.report(at, `${what} needs 'from', 'to' or both`);
      if (present('from')) check.date(...field('from'), 'from');
      if (present('to')) check.date(...field('to'), 'to');
      break;
    case 'prioritise': {
      const [over, overAt] = field('over');
      if (over === undefined) break;
      if (!Array.isArray(over) || over.length === 0)
        check.report(overAt, `over must list at least one initiative, got ${shapeOf(over)}`);
      else over.forEach((id, k) => check.text(id, [...overAt, k], 'an initiative of over'));
      break;
    }
    case 'move_budget':
      for (const side of ['from', 'to']) {
        const [place, placeAt] = field(side);
        if (place === undefined || !check.object(place, placeAt, side)) continue;
        check.fields(
          place,
          { initiative: true, period: true },
          placeAt,
          `the budget line '${side}'`,
        );
        if (place['initiative'] !== undefined)
          check.text(place['initiative'], [...placeAt, 'initiative'], 'the initiative');
        if (place['period'] !== undefined)
          check.period(place['period'], [...placeAt, 'period'], 'the period');
      }
      if (present('amount')) check.amount(...field('amount'), 'the amount', true);
      break;
    case 'hold_initiative':
      if (present('until')) check.date(...field('until'), 'until');
      break;
    default:
      break;
  }
}

/**
 * Checks the shape of a list of changes (kinds, fields, dates, amounts), every problem at once
 * with its JSON path (`$.changes[2].plannedDate`); throws `scenario.bad_change` when any is
 * wrong. References to the plan are checked when the changes are applied.
 */
export function checkScenarioChanges(
  value: unknown,
  at: readonly PathSegment[] = ['changes'],
): ScenarioChange[] {
  const check = new ShapeCheck();
  if (!Array.isArray(value)) check.report(at, `changes must be a list, got ${shapeOf(value)}`);
  else value.forEach((change: unknown, k) => checkChange(check, change, [...at, k]));
  if (check.problems.length > 0) throw new DomainError(check.problems);
  return value as ScenarioChange[];
}

/**
 * Reads a scenario (from a file or a request body): id, name, author, createdAt and its changes,
 * every problem at once with its JSON path; throws `scenario.bad_change` when any is wrong.
 */
export function parseScenario(value: unknown): Scenario {
  const check = new ShapeCheck();
  if (!check.object(value, [], 'a scenario')) throw new DomainError(check.problems);
  check.fields(
    value,
    { id: true, name: true, author: true, createdAt: true, changes: true },
    [],
    'a scenario',
  );
  for (const name of ['id', 'name', 'author', 'createdAt'])
    if (value[name] !== undefined) check.text(value[name], [name], name);
  const changes = value['changes'];
  if (changes !== undefined) {
    if (!Array.isArray(changes))
      check.report(['changes'], `changes must be a list, got ${shapeOf(changes)}`);
    else changes.forEach((change: unknown, k) => checkChange(check, change, ['changes', k]));
  }
  if (check.problems.length > 0) throw new DomainError(check.problems);
  return value as unknown as Scenario;
}
