import type { ScenarioChangeKind } from '../../core/scenario/scenario.ts';
import { parseJsonPath, type PathSegment } from '../../core/plan/json-path.ts';
import type { ScenarioChange } from '../api/decision-types.ts';
import type { Problem } from '../api/types.ts';

/**
 * The levers of a scenario as the builder's forms hold them (docs/DECISIONS.md, "The levers"):
 * each field as text while it is edited, turned into a change only when it is sent. The server
 * checks every change; its problems come back here to the row and field they name.
 */

/** What a field picks or takes: an entity of the plan, a date, a number, a text, a period. */
export type FieldType =
  | 'milestone'
  | 'initiative'
  | 'initiatives'
  | 'unit'
  | 'demand'
  | 'benefit'
  | 'date'
  | 'number'
  | 'text'
  | 'period';

export interface LeverField {
  /** Where the value goes in the change: `unit`, `cost.amount`, `from.initiative`. */
  path: string;
  label: string;
  type: FieldType;
  required: boolean;
  description?: string;
}

export interface Lever {
  kind: ScenarioChangeKind;
  label: string;
  /** One sentence on what it does to the plan. */
  help: string;
  fields: LeverField[];
}

const field = (
  path: string,
  label: string,
  type: FieldType,
  required = true,
  description?: string,
): LeverField => ({ path, label, type, required, description });

/** The ten levers, in the order docs/DECISIONS.md lists them. */
export const LEVERS: readonly Lever[] = [
  {
    kind: 'move_milestone',
    label: 'Move a milestone',
    help: 'Sets the milestone’s planned date (its baseline).',
    fields: [
      field('milestone', 'Milestone', 'milestone'),
      field('plannedDate', 'Planned date', 'date'),
    ],
  },
  {
    kind: 'accept_slip',
    label: 'Accept a slip',
    help: 'Re-baselines: the planned date becomes the current forecast.',
    fields: [field('milestone', 'Milestone', 'milestone')],
  },
  {
    kind: 'add_capacity',
    label: 'Add capacity',
    help: 'Adds to a unit’s weekly capacity in whole weeks or months, at a cost if you give one.',
    fields: [
      field('unit', 'Unit', 'unit'),
      field('perWeek', 'More per week', 'number'),
      field('from', 'From', 'date', true, 'A Monday, or the first day of a month'),
      field('to', 'To', 'date', true, 'A Sunday, or the last day of a month'),
      field('cost.amount', 'Cost', 'number', false),
      field('cost.period', 'Cost falls in period', 'period', false, 'e.g. 2026-Q4'),
      field(
        'cost.initiative',
        'Cost on the budget of',
        'initiative',
        false,
        'Empty: counted as the scenario’s own cost',
      ),
    ],
  },
  {
    kind: 'move_demand',
    label: 'Move a demand',
    help: 'Sets the window a demand takes its unit’s capacity in.',
    fields: [
      field('demand', 'Demand', 'demand'),
      field('from', 'From', 'date', false),
      field('to', 'To', 'date', false),
    ],
  },
  {
    kind: 'prioritise',
    label: 'Give an initiative priority',
    help: 'At a unit, in its over-allocated weeks, the other initiatives’ work waits.',
    fields: [
      field('unit', 'Unit', 'unit'),
      field('initiative', 'Initiative first', 'initiative'),
      field('over', 'Before', 'initiatives'),
    ],
  },
  {
    kind: 'move_budget',
    label: 'Move budget',
    help: 'Moves budget plan from one initiative’s period to another’s.',
    fields: [
      field('from.initiative', 'From initiative', 'initiative'),
      field('from.period', 'From period', 'period'),
      field('to.initiative', 'To initiative', 'initiative'),
      field('to.period', 'To period', 'period'),
      field('amount', 'Amount', 'number'),
    ],
  },
  {
    kind: 'descope_milestone',
    label: 'Descope a milestone',
    help: 'Drops the milestone with its benefits, dependencies and demands.',
    fields: [field('milestone', 'Milestone', 'milestone')],
  },
  {
    kind: 'descope_benefit',
    label: 'Descope a benefit',
    help: 'Drops the benefit.',
    fields: [field('benefit', 'Benefit', 'benefit')],
  },
  {
    kind: 'hold_initiative',
    label: 'Put an initiative on hold',
    help: 'Until a day: its work and milestones to come move by the days of the hold.',
    fields: [
      field('initiative', 'Initiative', 'initiative'),
      field('reason', 'Reason', 'text'),
      field('until', 'Until', 'date', false, 'Empty: until further notice'),
    ],
  },
  {
    kind: 'stop_initiative',
    label: 'Stop an initiative',
    help: 'Its work ends, its milestones to come are dropped, its remaining budget released.',
    fields: [field('initiative', 'Initiative', 'initiative')],
  },
];

/** The lever of a kind of change. */
export function leverOf(kind: ScenarioChangeKind): Lever {
  const lever = LEVERS.find((l) => l.kind === kind);
  if (lever === undefined) throw new Error(`no lever '${kind}'`);
  return lever;
}

/** A change as its form holds it: each field's text (a list for `initiatives`). */
export interface ChangeDraft {
  /** Stable across edits, for React. */
  key: number;
  kind: ScenarioChangeKind;
  values: Record<string, string | string[]>;
}

/** The change a form describes; empty fields are left out, so the server names what is missing. */
export function changeOf(draft: ChangeDraft): ScenarioChange {
  const change: Record<string, unknown> = { kind: draft.kind };
  for (const f of leverOf(draft.kind).fields) {
    const value = draft.values[f.path];
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
      continue;
    const typed = f.type === 'number' && typeof value === 'string' ? Number(value) : value;
    const [head, tail] = f.path.split('.') as [string, string | undefined];
    if (tail === undefined) change[head] = typed;
    else {
      const inner = (change[head] ?? {}) as Record<string, unknown>;
      inner[tail] = typed;
      change[head] = inner;
    }
  }
  // The shape is the server's to check: a form may well be incomplete.
  return change as unknown as ScenarioChange;
}

/** The form of a change (to edit a saved scenario in the builder). */
export function draftOf(change: ScenarioChange, key: number): ChangeDraft {
  const values: Record<string, string | string[]> = {};
  const source = change as unknown as Record<string, unknown>;
  for (const f of leverOf(change.kind).fields) {
    const [head, tail] = f.path.split('.') as [string, string | undefined];
    const outer = source[head];
    const value =
      tail === undefined
        ? outer
        : typeof outer === 'object' && outer !== null
          ? (outer as Record<string, unknown>)[tail]
          : undefined;
    if (Array.isArray(value)) values[f.path] = value.map(String);
    else if (typeof value === 'string' || typeof value === 'number') values[f.path] = String(value);
  }
  return { key, kind: change.kind, values };
}

/** The server's problems about one change: by field path, and those about the change whole. */
export interface RowProblems {
  fields: Record<string, string[]>;
  row: string[];
}

/** Problems sorted for the builder: per change row, per top field (`id`, `name`), the rest. */
export interface BuilderProblems {
  rows: Map<number, RowProblems>;
  top: Record<string, string[]>;
  general: Problem[];
}

export const NO_BUILDER_PROBLEMS: BuilderProblems = { rows: new Map(), top: {}, general: [] };

/**
 * Sorts problems whose paths start with `prefix` (`$.scenarios[0]` for a comparison, nothing
 * for a save): `$.changes[1].milestone` goes to row 1's milestone field, `$.changes[1]` to row 1
 * as a whole, `$.name` next to the name; anything else is shown above the form with its path.
 */
export function sortBuilderProblems(
  problems: readonly Problem[],
  drafts: readonly ChangeDraft[],
  prefix: readonly PathSegment[] = [],
): BuilderProblems {
  const sorted: BuilderProblems = { rows: new Map(), top: {}, general: [] };
  for (const problem of problems) {
    const segments = problem.path === undefined ? null : parseJsonPath(problem.path);
    const ours =
      segments !== null &&
      prefix.every((s, k) => segments[k] === s) &&
      segments.length > prefix.length;
    const rest = ours && segments !== null ? segments.slice(prefix.length) : [];
    const [first, index, ...inner] = rest;
    const draft = typeof index === 'number' ? drafts[index] : undefined;
    if (first === 'changes' && typeof index === 'number' && draft !== undefined) {
      const entry = sorted.rows.get(index) ?? { fields: {}, row: [] };
      const path = inner.join('.');
      // `over[1]` belongs to the field `over`; `cost` whole to the row.
      const named = leverOf(draft.kind).fields.find(
        (f) => path === f.path || path.startsWith(`${f.path}.`),
      );
      if (named !== undefined) (entry.fields[named.path] ??= []).push(problem.message);
      else entry.row.push(problem.message);
      sorted.rows.set(index, entry);
    } else if ((first === 'id' || first === 'name') && rest.length === 1) {
      (sorted.top[first] ??= []).push(problem.message);
    } else {
      sorted.general.push(problem);
    }
  }
  return sorted;
}

/** A suggested scenario id from its name: `S-MORE-IT-IN-OCTOBER`. */
export function idFromName(name: string): string {
  const words = name
    .normalize('NFKD')
    // Accents go (Ä → A); anything else that is not a letter or digit separates words.
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .toUpperCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  return words.length === 0 ? '' : `S-${words.join('-')}`.slice(0, 60).replace(/-+$/, '');
}
