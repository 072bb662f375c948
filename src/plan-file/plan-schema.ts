import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorCode } from '../core/errors.ts';
import type { PathSegment } from '../core/plan/json-path.ts';
import { formatJsonPath } from '../core/plan/json-path.ts';
import { didYouMean } from '../core/plan/suggest.ts';
import { MAX_ID_LENGTH } from '../core/storable-text.ts';
import planSchemaJson from '../../schema/plan.schema.json' with { type: 'json' };
import type { PlanFile } from './plan-file-types.ts';

/**
 * Checks a parsed plan file against the published JSON Schema and turns each failure into a
 * problem a person can act on: the domain's error code where one fits (an owner that is a list
 * is `plan.owner_not_a_person`, a malformed date is `plan.bad_date`), a sentence that names the
 * entry and the field, and the JSON path.
 */

/** The published JSON Schema of plan files (`schema/plan.schema.json`). */
export const planSchema: Readonly<Record<string, unknown>> = planSchemaJson;

/** A schema problem before it is placed in a file. */
export interface SchemaProblem {
  code: ErrorCode;
  message: string;
  segments: PathSegment[];
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, strict: true }).compile(planSchema);
  return compiled;
}

const BINARY = 'accountability is binary, name one person';

const KIND_OF_COLLECTION: Record<string, string> = {
  calendars: 'calendar',
  units: 'unit',
  people: 'person',
  objectives: 'objective',
  kpis: 'KPI',
  initiatives: 'initiative',
  milestones: 'milestone',
  dependencies: 'dependency',
  benefits: 'benefit',
  demands: 'demand',
  decisionRights: 'decision right',
  reviews: 'review',
};

/** True when the value matches the plan schema; `planSchemaProblems` says why not. */
export function checkPlanSchema(value: unknown): value is PlanFile {
  return validator()(value);
}

/** Every way the value fails the plan schema, as problems with JSON path segments. */
export function planSchemaProblems(value: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(value)) return [];
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = describeError(error, value);
    if (problem === undefined) continue;
    const key = `${problem.code} ${formatJsonPath(problem.segments)} ${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

/** Turns an ajv JSON pointer into path segments, using the data to tell indexes from keys. */
function segmentsOf(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      segments.push(Number(key));
      node = node[Number(key)] as unknown;
    } else {
      segments.push(key);
      node =
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[key]
          : undefined;
    }
  }
  return segments;
}

/** "KPI 'K-SAVINGS'", "targets of KPI 'K-SAVINGS'", "the organisation", "the plan". */
function placeOf(segments: readonly PathSegment[], root: unknown): string {
  const [section, index] = segments;
  let entity: string;
  let rest: PathSegment[];
  if (section === undefined) return 'the plan';
  if (section === 'organisation') {
    entity = 'the organisation';
    rest = segments.slice(1);
  } else if (typeof index === 'number' && typeof section === 'string') {
    const kind = KIND_OF_COLLECTION[section] ?? section;
    const sectionValue = (root as Record<string, unknown>)[section];
    const item = Array.isArray(sectionValue) ? (sectionValue[index] as unknown) : undefined;
    entity = `${kind} ${formatJsonPath([section, index]).slice(1)}`;
    if (typeof item === 'object' && item !== null) {
      const { id, predecessor, successor } = item as Record<string, unknown>;
      if (typeof id === 'string' && id !== '' && id.length <= MAX_ID_LENGTH) {
        entity = `${kind} '${id}'`;
      } else if (
        typeof predecessor === 'string' &&
        typeof successor === 'string' &&
        predecessor.length + successor.length <= MAX_ID_LENGTH
      ) {
        entity = `${kind} ${predecessor}->${successor}`;
      }
    }
    rest = segments.slice(2);
  } else {
    return `'${String(section)}'`;
  }
  return rest.length === 0 ? entity : `${fieldOf(rest)} of ${entity}`;
}

function fieldOf(segments: readonly PathSegment[]): string {
  return formatJsonPath(segments).replace(/^\$\.?/, '');
}

function shapeOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  // A message never quotes megabytes back: long text is shown by its start and its length.
  if (typeof value === 'string') {
    return value.length <= 80
      ? `'${value}'`
      : `'${value.slice(0, 40)}…' (${value.length} characters)`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of fields',
  null: 'empty',
};

function describeError(error: ErrorObject, root: unknown): SchemaProblem | undefined {
  const segments = segmentsOf(error.instancePath, root);
  const place = placeOf(segments, root);
  const def = /#\/\$defs\/([A-Za-z]+)\//.exec(error.schemaPath)?.[1];
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  const problem = (code: ErrorCode, message: string, at = segments): SchemaProblem => ({
    code,
    message,
    segments: at,
  });

  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const properties = (error.parentSchema as { properties?: Record<string, unknown> })
        .properties;
      const allowed = Object.keys(properties ?? {}).filter((name) => name !== '$schema');
      const what = segments.length === 0 ? 'section' : 'field';
      return problem(
        'plan.unknown_field',
        `unknown ${what} '${field}' in ${place}${didYouMean(field, allowed)}; allowed: ${allowed.join(', ')}`,
        [...segments, field],
      );
    }
    case 'required': {
      const field = String(params.missingProperty);
      if (field === 'owner')
        return problem('plan.owner_not_a_person', `${place} has no owner: ${BINARY}`);
      return problem('plan.schema', `${place} is missing the required field '${field}'`);
    }
    case 'propertyNames': {
      const label = String(params.propertyName);
      const weeks = segments.includes('capacity');
      return problem(
        'plan.bad_period',
        weeks
          ? `'${label}' in ${place} is not a reporting period or an ISO week: write 2026, 2026-H1, 2026-Q4, 2026-10 or 2026-W41`
          : `'${label}' in ${place} is not a reporting period: write 2026, 2026-H1, 2026-Q4 or 2026-10`,
        [...segments, label],
      );
    }
    case 'type': {
      const expected = String(params.type);
      if (segments.length === 0) {
        return problem(
          'plan.schema',
          data === null || data === undefined
            ? "the plan file is empty: it needs at least an 'organisation' section"
            : `the plan file must be a mapping of sections (organisation, people, …), not ${shapeOf(data)}`,
        );
      }
      if (def === 'owner') {
        if (data === null)
          return problem('plan.owner_not_a_person', `${place} is empty: ${BINARY}`);
        const listed = Array.isArray(data) ? ` (${data.map(String).join(', ')})` : '';
        return problem(
          'plan.owner_not_a_person',
          `${place} is ${shapeOf(data)}${listed}, not one person id: ${BINARY}`,
        );
      }
      if (def === 'isoDate') {
        return problem(
          'plan.bad_date',
          `${place} must be a date written YYYY-MM-DD, e.g. 2026-10-05, not ${shapeOf(data)}`,
        );
      }
      if (typeof data === 'number' && expected === 'integer') {
        return problem('plan.bad_value', `${place} must be a whole number, got ${data}`);
      }
      if (typeof data === 'number' && expected === 'number') {
        return problem('plan.bad_value', `${place} must be a finite number, got ${data}`);
      }
      const hint =
        expected === 'string' && (typeof data === 'number' || typeof data === 'boolean')
          ? ` (quote it: "${String(data)}")`
          : '';
      return problem(
        'plan.schema',
        `${place} must be ${TYPE_WORDS[expected] ?? expected}, not ${shapeOf(data)}${hint}`,
      );
    }
    case 'pattern': {
      // A bad period label is reported once, by its `propertyNames` error.
      if ('propertyName' in error) return undefined;
      if (def === 'isoDate') {
        return problem(
          'plan.bad_date',
          `${shapeOf(data)} is not a date (${place}): write YYYY-MM-DD, e.g. 2026-10-05`,
        );
      }
      if (def === 'currency') {
        return problem(
          'plan.bad_value',
          `${shapeOf(data)} is not an ISO 4217 currency code such as USD or EUR (${place})`,
        );
      }
      if (def === 'workItemKey') {
        return problem(
          'plan.bad_value',
          `${shapeOf(data)} is not a work item key such as ERP-17 (${place}): keys have no spaces`,
        );
      }
      if (def === 'id') {
        return problem(
          'plan.bad_value',
          `${shapeOf(data)} is not a valid id (${place}): ids have no spaces`,
        );
      }
      return problem(
        'plan.schema',
        `${shapeOf(data)} does not match ${String(params.pattern)} (${place})`,
      );
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return problem(
        'plan.bad_value',
        `${shapeOf(data)} is not a valid ${place}: use one of ${allowed.join(', ')}`,
      );
    }
    case 'minLength':
      if (def === 'owner')
        return problem('plan.owner_not_a_person', `${place} is empty: ${BINARY}`);
      return problem('plan.bad_value', `${place} must not be empty`);
    case 'maxLength': {
      const length = typeof data === 'string' ? data.length : 0;
      return problem(
        'plan.bad_value',
        `${place} is ${length} characters long: at most ${String(params.limit)} are allowed`,
      );
    }
    case 'minItems':
      if (segments.at(-1) === 'workingDays') {
        return problem('plan.bad_value', `${place} needs at least one working day`);
      }
      return problem('plan.bad_value', `${place} needs at least ${String(params.limit)} entries`);
    case 'minimum':
    case 'maximum':
      if (segments.at(-2) === 'workingDays') {
        return problem(
          'plan.bad_value',
          `${shapeOf(data)} in ${place} is not an ISO weekday (1 = Monday … 7 = Sunday)`,
        );
      }
      if (error.keyword === 'minimum' && params.limit === 0) {
        return problem('plan.bad_value', `${place} must not be negative, got ${shapeOf(data)}`);
      }
      return problem('plan.bad_value', `${place} ${error.message ?? 'is out of range'}`);
    case 'exclusiveMinimum':
      return problem(
        'plan.bad_value',
        `${place} must be more than ${String(params.limit)}, got ${shapeOf(data)}`,
      );
    case 'uniqueItems': {
      const list = Array.isArray(data) ? data : [];
      const repeated = list[Number(params.i)] as unknown;
      return problem('plan.bad_value', `${place} lists ${shapeOf(repeated)} twice`, [
        ...segments,
        Number(params.i),
      ]);
    }
    default:
      return problem(
        'plan.schema',
        `${place} ${error.message ?? 'does not match the plan schema'}`,
      );
  }
}
