import { parseJsonPath, type PathSegment } from '../../core/plan/json-path.ts';
import type { Problem } from '../api/types.ts';
import { readableText } from '../format/format.ts';
import { PLAN_ENTITY_NOUN } from './change-summary.ts';

/**
 * The plan's problems in the user's words: `Milestone 7 needs an id` rather than `id of milestone
 * .milestones[6] must not be empty · '' is not a valid id`, `Dependency 1, its predecessor: …`
 * rather than `$.dependencies[0].predecessor`. Pure: the plan editor shows what this returns.
 */

const ENTITY: Record<string, string> = { ...PLAN_ENTITY_NOUN, organisation: 'The organisation' };

const FIELD: Record<string, string> = {
  id: 'id',
  name: 'name',
  owner: 'owner',
  plannedDate: 'planned date',
  startDate: 'start date',
  endDate: 'end date',
  dueDate: 'due date',
  predecessor: 'predecessor',
  successor: 'successor',
  initiative: 'initiative',
  objective: 'objective',
  objectives: 'objectives',
  kpi: 'KPI',
  kpis: 'KPIs',
  unit: 'unit',
  milestone: 'milestone',
  targets: 'target',
  horizon: 'horizon',
  perWeek: 'amount a week',
  amountPerWeek: 'amount a week',
  lagWorkingDays: 'lag (working days)',
  type: 'type',
  period: 'period',
  value: 'value',
  capacity: 'capacity',
  budget: 'budget',
};

/** A plan file's collections, enough to name the entity a path points at. */
export type PlanLike = object;

function words(key: string): string {
  return FIELD[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) || /^(KPI|id)\b/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

/** The entity a path points at: `Milestone 7`, `Milestone M-GOLIVE`, `The organisation`. */
function entityWords(segments: PathSegment[], plan: PlanLike | undefined): string | null {
  const [collection, index] = segments;
  if (typeof collection !== 'string') return null;
  const noun = ENTITY[collection];
  if (noun === undefined) return null;
  if (typeof index !== 'number') return noun;
  const list = (plan as Partial<Record<string, unknown>> | undefined)?.[collection];
  const entity = Array.isArray(list)
    ? (list[index] as Record<string, unknown> | undefined)
    : undefined;
  const id = entity?.id;
  if (typeof id === 'string' && id.trim() !== '') return `${noun} ${id}`;
  if (collection === 'dependencies' && entity !== undefined) {
    const { predecessor, successor } = entity;
    if (
      typeof predecessor === 'string' &&
      typeof successor === 'string' &&
      predecessor &&
      successor
    )
      return `The dependency ${predecessor} → ${successor}`;
  }
  return `${noun} ${index + 1}`;
}

/**
 * A JSON path in words: `$.milestones[6].id` → `Milestone 7, its id`; `$.kpis[0].targets[1].value`
 * → `KPI K-DOWNTIME, target 2, its value`; a path it cannot read comes back as it is.
 */
export function humanPath(path: string, plan?: PlanLike): string {
  const segments = parseJsonPath(path);
  if (segments === null || segments.length === 0) return path === '$' ? 'The plan' : path;
  const entity = entityWords(segments, plan);
  if (entity === null) return path;
  const rest = segments.slice(typeof segments[1] === 'number' ? 2 : 1);
  const parts: string[] = [entity];
  for (let i = 0; i < rest.length; i++) {
    const segment = rest[i];
    const next = rest[i + 1];
    if (typeof segment === 'string' && typeof next === 'number') {
      parts.push(`${words(segment).replace(/s$/, '')} ${next + 1}`);
      i++;
    } else if (typeof segment === 'string') {
      parts.push(i === rest.length - 1 ? `its ${words(segment)}` : words(segment));
    } else if (typeof segment === 'number') {
      parts.push(`item ${segment + 1}`);
    }
  }
  return parts.join(', ');
}

/** The last field a path names (`id` of `$.milestones[6].id`), or null. */
function lastField(path: string | undefined): string | null {
  const segments = path === undefined ? null : parseJsonPath(path);
  const last = segments?.at(-1);
  return typeof last === 'string' ? last : null;
}

/** Replaces JSON paths inside a sentence (`.milestones[6]`, `$.dependencies[0]`) with words. */
function pathsInWords(message: string, plan: PlanLike | undefined): string {
  return message.replace(
    /\$?(\.[A-Za-z]+(\[\d+\])+(\.[A-Za-z]+(\[\d+\])*)*)/g,
    (match, tail: string) => {
      const human = humanPath(`$${tail}`, plan);
      return human.startsWith('$') ? match : human;
    },
  );
}

/**
 * The field a path names, as a phrase after the entity: a unit's `capacity a week`, `capacity a
 * week in 2026-12`, `cost of one more a week`; a demand's `amount a week`; else the field's words.
 */
function fieldPhrase(segments: PathSegment[]): string {
  const rest = segments.slice(typeof segments[1] === 'number' ? 2 : 1);
  const [first, second, third] = rest;
  if (first === 'capacity') {
    if (second === 'perWeek') return 'capacity a week';
    if (second === 'costPerWeek') return 'cost of one more capacity a week';
    if (second === 'periods' && third !== undefined) return `capacity a week in ${String(third)}`;
    return 'capacity';
  }
  if (segments[0] === 'demands' && first === 'perWeek') return 'amount a week';
  return rest.map((s) => (typeof s === 'number' ? `${s + 1}` : words(s))).join(' ');
}

/** Messages about amounts and a demand's timing, said in the plan editor's words; null: not one. */
function amountOrTiming(message: string, entity: string, segments: PathSegment[]): string | null {
  const phrase = fieldPhrase(segments);
  const negative = /must not be negative, got (\S+)$/.exec(message);
  if (negative) return `${entity}: the ${phrase} cannot be negative (you wrote ${negative[1]})`;
  const positive = /must be more than 0, got (\S+)$/.exec(message);
  if (positive) return `${entity}: the ${phrase} must be more than 0 (you wrote ${positive[1]})`;
  if (/must be a number, not nothing$/.test(message)) return `${entity} needs a ${phrase}`;
  if (segments[0] !== 'demands') return null;
  if (/does not say when it runs/.test(message))
    return `${entity} does not say when it runs: give its first and last day, or the work item whose run it follows`;
  const both = /has both a to \(([^)]*)\) and the work item '([^']*)'/.exec(message);
  if (both)
    return `${entity} has both a last day (${both[1]}) and the work item ${both[2]}, whose forecast finish it follows: give a window or a work item, not both`;
  const order = /ends (\S+), before it starts (\S+)$/.exec(message);
  if (order) return `${entity} ends ${order[1]}, before it starts ${order[2]}`;
  if (/has a to but no from/.test(message))
    return `${entity} has a last day but no first day: give its first day too, or the work item whose run it follows`;
  if (/has a from but no to/.test(message))
    return `${entity} has a first day but no last day: give its last day too, or the work item whose run it follows`;
  return null;
}

/** One problem in the user's words: the message people read, keeping code and path. */
export function humanProblem(problem: Problem, plan?: PlanLike): Problem {
  const segments = problem.path === undefined ? null : parseJsonPath(problem.path);
  const entity = segments === null ? null : entityWords(segments, plan);
  const field = lastField(problem.path);
  const said =
    entity === null || segments === null ? null : amountOrTiming(problem.message, entity, segments);
  if (said !== null) return { ...problem, message: readableText(said) };
  if (
    entity !== null &&
    field !== null &&
    /must not be empty|is required|is missing/.test(problem.message)
  ) {
    return { ...problem, message: `${entity} needs ${article(words(field))}` };
  }
  let message = pathsInWords(problem.message, plan)
    .replace(/write YYYY-MM-DD, e\.g\. \d{4}-\d{2}-\d{2}/, 'write a date like 5 Oct 2026')
    .replace(/\s*\((?:and )?\d+ more\)$/, '');
  message = readableText(message);
  const where = problem.path === undefined ? null : humanPath(problem.path, plan);
  if (where !== null && !where.startsWith('$') && !message.includes(where)) {
    message = `${where}: ${message}`;
  }
  return { ...problem, message };
}

/**
 * The problems of a refused plan in the user's words, one per place and meaning: an empty id
 * says `Milestone 7 needs an id` once, not also that '' is not a valid id.
 */
export function humanProblems(problems: Problem[], plan?: PlanLike): Problem[] {
  const out: Problem[] = [];
  const needs = new Set<string>();
  for (const problem of problems) {
    const human = humanProblem(problem, plan);
    const key = problem.path ?? '';
    if (needs.has(key) && /^'' is not a valid|must not be empty/.test(problem.message)) continue;
    if (/ needs an? /.test(human.message) && !human.message.includes(':')) needs.add(key);
    if (out.some((p) => p.path === human.path && p.message === human.message)) continue;
    out.push(human);
  }
  return out;
}
