import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorCode } from '../../src/core/errors.ts';

/** The demo plan file shipped with the product: every bad plan below is it, broken in one place. */
export const DEMO_PLAN_FILE = fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url));

/** The text of the demo plan file. */
export const DEMO_PLAN_TEXT = readFileSync(DEMO_PLAN_FILE, 'utf8');

/** Replaces `from` by `to`, which must occur exactly once, so that a test never breaks nothing. */
export function withChange(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1)
    throw new Error(`expected '${from}' once in the plan text, found it ${count} times`);
  return text.replace(from, () => to);
}

/** The 1-based line of the only line holding `needle`. */
export function lineOf(text: string, needle: string): number {
  const lines = text.split('\n');
  const found = lines.flatMap((line, index) => (line.includes(needle) ? [index + 1] : []));
  if (found.length !== 1 || found[0] === undefined) {
    throw new Error(
      `expected '${needle}' on one line of the plan text, found it on ${found.length}`,
    );
  }
  return found[0];
}

/** A plan file broken in one place, with the one problem it must be refused with. */
export interface BadPlan {
  name: string;
  text: string;
  problem: {
    code: ErrorCode;
    /** JSON path into the file; absent for syntax errors, which precede any path. */
    path?: string;
    line: number;
    column: number;
    message: string;
  };
}

// A harmless edit that travels with every break: if anything of a refused plan were written,
// this rename would show in the stored plan.
const RENAMED = withChange(
  DEMO_PLAN_TEXT,
  'name: Ship on time, every time',
  'name: Ship on time, mostly',
);

const cycle = withChange(
  RENAMED,
  '\nbenefits:',
  '\n  - predecessor: M-PURCH\n    successor: M-SENSORS\n  - predecessor: M-PILOT\n    successor: M-GOLIVE\n\nbenefits:',
);
const committee = withChange(
  RENAMED,
  '    owner: marco\n    parent: O-COST',
  '    owner: Steering Committee\n    parent: O-COST',
);
const dangling = withChange(
  RENAMED,
  'initiative: I-PROC\n    plannedDate',
  'initiative: I-PROCUREMENT\n    plannedDate',
);
const badDate = withChange(RENAMED, 'plannedDate: 2026-10-19', 'plannedDate: 2026-02-30');
const unknownField = withChange(
  RENAMED,
  '    unit: IT\n    objectives: [O-COST]',
  '    unit: IT\n    sponsor: grace\n    objectives: [O-COST]',
);
const syntax = withChange(RENAMED, '  currency: USD', '  currency: USD: EUR');

/** The bad plans of the issue, each with the problem that names its place. */
export const BAD_PLANS: BadPlan[] = [
  {
    name: 'a dependency cycle',
    text: cycle,
    problem: {
      code: 'plan.cycle',
      path: '$.dependencies[0]',
      line: lineOf(cycle, 'predecessor: M-GOLIVE'),
      column: 5,
      message: 'dependency cycle: M-GOLIVE → M-PURCH → M-SENSORS → M-PILOT → M-GOLIVE',
    },
  },
  {
    name: 'a committee as owner',
    text: committee,
    problem: {
      code: 'plan.owner_not_a_person',
      path: '$.objectives[1].owner',
      line: lineOf(committee, 'owner: Steering Committee'),
      column: 5,
      message:
        "'Steering Committee' is not a person of this plan: accountability is binary, name one person (owner of objective 'O-MAINT')",
    },
  },
  {
    name: 'a dangling reference',
    text: dangling,
    problem: {
      code: 'plan.unknown_reference',
      path: '$.milestones[1].initiative',
      line: lineOf(dangling, 'initiative: I-PROCUREMENT'),
      column: 5,
      message:
        "milestone 'M-PURCH' belongs to the initiative 'I-PROCUREMENT', but there is no initiative with that id",
    },
  },
  {
    name: 'a malformed date',
    text: badDate,
    problem: {
      code: 'plan.bad_date',
      path: '$.milestones[1].plannedDate',
      line: lineOf(badDate, 'plannedDate: 2026-02-30'),
      column: 5,
      message:
        "'2026-02-30' is not a real date (the planned date of milestone 'M-PURCH'): write YYYY-MM-DD, e.g. 2026-10-05",
    },
  },
  {
    name: 'an unknown field',
    text: unknownField,
    problem: {
      code: 'plan.unknown_field',
      path: '$.initiatives[0].sponsor',
      line: lineOf(unknownField, 'sponsor: grace'),
      column: 5,
      message:
        "unknown field 'sponsor' in initiative 'I-ERP'; allowed: id, name, owner, unit, objectives, budget, currency, confidential, stage, stageHistory",
    },
  },
];

/** Text that is not YAML at all: refused before any plan rule runs. */
export const SYNTAX_ERROR_PLAN: BadPlan = {
  name: 'a YAML syntax error',
  text: syntax,
  problem: {
    code: 'file.parse',
    line: lineOf(syntax, 'currency: USD: EUR'),
    column: 13,
    message: 'YAML syntax error: Nested mappings are not allowed in compact mappings',
  },
};
