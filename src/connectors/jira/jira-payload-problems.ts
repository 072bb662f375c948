import type { z } from 'zod';
import { DomainError } from '../../core/errors.ts';
import type { Problem } from '../../core/errors.ts';

/**
 * Turns schema failures into `jira.bad_payload` problems that name the file and the JSON path
 * of each bad field, in words a person can act on rather than a schema library's dump.
 */

/** How many problems one error lists; the rest are counted, not listed. */
export const MAX_LISTED_PROBLEMS = 5;

type PathSegment = PropertyKey;

/** A JSON path such as `$.issues[0].fields.status`. */
export function formatJsonPath(path: readonly PathSegment[]): string {
  let text = '$';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment))
      text += `.${segment}`;
    else text += `[${JSON.stringify(String(segment))}]`;
  }
  return text;
}

/** The bad-payload error for one problem at a path. */
export function badPayload(
  path: readonly PathSegment[],
  what: string,
  file: string | undefined,
): DomainError {
  return new DomainError(problemAt(path, what, file));
}

/** The bad-payload error listing a schema's complaints, the first one naming the error. */
export function badPayloadFromSchema(
  error: z.ZodError,
  input: unknown,
  file: string | undefined,
  pathPrefix: readonly PathSegment[] = [],
): DomainError {
  const issues = error.issues;
  const problems = issues
    .slice(0, MAX_LISTED_PROBLEMS)
    .map((issue) =>
      problemAt([...pathPrefix, ...issue.path], describe(issue, valueAt(input, issue.path)), file),
    );
  const unlisted = issues.length - problems.length;
  const last = problems[problems.length - 1];
  if (unlisted > 0 && last !== undefined) {
    problems[problems.length - 1] = {
      ...last,
      message: `${last.message} (${unlisted} further problem${unlisted === 1 ? '' : 's'} not listed)`,
    };
  }
  return new DomainError(problems);
}

function problemAt(path: readonly PathSegment[], what: string, file: string | undefined): Problem {
  const jsonPath = formatJsonPath(path);
  return {
    code: 'jira.bad_payload',
    message: `${file ?? 'Jira payload'}: ${jsonPath} ${what}`,
    path: jsonPath,
    ...(file === undefined ? {} : { file }),
  };
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined && issue.code === 'invalid_type') return 'is missing';
  switch (issue.code) {
    case 'invalid_type':
      return `has the wrong type: expected ${withArticle(issue.expected)}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `is ${JSON.stringify(value)}, expected one of ${issue.values
        .map((v) => JSON.stringify(v))
        .join(', ')}`;
    case 'too_small':
      return issue.origin === 'string' ? 'is empty' : `is too small: ${issue.message}`;
    default:
      // Our own refinements and unions carry a readable message; zod's defaults are acceptable.
      return `is invalid: ${issue.message} (got ${describeValue(value)})`;
  }
}

function withArticle(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** A short description of a JSON value for messages: `null`, `an array`, `the string "x"`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return withArticle(typeof value);
}

function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
