import { parseJsonPath } from '../../core/plan/json-path.ts';
import type { Problem } from '../api/types.ts';

/** Server problems sorted for a form: those about a field of the edited entity, and the rest. */
export interface FormProblems {
  /** By field name (the first key under the entity, e.g. `owner`, `targets`, `horizon`). */
  fields: Record<string, string[]>;
  /** About the entity as a whole, or about other entities (e.g. a cycle, a dangling reference). */
  general: Problem[];
}

export const NO_PROBLEMS: FormProblems = { fields: {}, general: [] };

/**
 * Sorts the problems of a refused plan: one whose JSON path points into `$.<collection>[index]`
 * goes next to its field; every other one is shown above the form, with its path.
 */
export function sortProblems(problems: Problem[], collection: string, index: number): FormProblems {
  const sorted: FormProblems = { fields: {}, general: [] };
  for (const problem of problems) {
    const segments = problem.path === undefined ? null : parseJsonPath(problem.path);
    const field =
      segments !== null && segments[0] === collection && segments[1] === index
        ? segments[2]
        : undefined;
    if (typeof field === 'string') {
      (sorted.fields[field] ??= []).push(problem.message);
    } else {
      sorted.general.push(problem);
    }
  }
  return sorted;
}

/** The error text of a field, or undefined when it has none. */
export function fieldError(problems: FormProblems, ...fields: string[]): string | undefined {
  const messages = fields.flatMap((f) => problems.fields[f] ?? []);
  return messages.length === 0 ? undefined : messages.join(' · ');
}
