import { z } from 'zod';
import { closestMatch } from '../../core/plan/suggest.ts';
import { DomainError, type Problem } from '../../core/errors.ts';

/**
 * The column mapping of a spreadsheet source: what its rows hold (KPI actuals, budget lines,
 * benefits, or Jira's own CSV export) and which column holds each field. A mapping is saved
 * per source, so a monthly file from the same hands imports with one command. See
 * docs/SPREADSHEETS.md for the format and examples.
 */

/** What the rows of a source are. */
export const IMPORT_KINDS = ['kpi_actuals', 'budgets', 'benefits', 'jira_csv'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type FigureKind = Exclude<ImportKind, 'jira_csv'>;

/**
 * Where a field's value comes from: a header text (matched ignoring case and spacing), a
 * column letter, or one value for every row (a sheet that holds a single period).
 */
export type ColumnSpec = { header: string } | { column: string } | { value: string | number };

interface MappingBase {
  /** Sheets to read (XLSX): names, or `*` for all; the first sheet when absent. */
  sheets?: string[] | '*';
  /** The row that holds the headers; rows above it are ignored. */
  headerRow: number;
  /** The CSV field separator. */
  delimiter: string;
}

export interface FigureMapping extends MappingBase {
  kind: FigureKind;
  /** `,` for files written with decimal commas (`1.234,5`). */
  decimal: '.' | ',';
  /** Whether rows name KPIs, initiatives and milestones by id or by name. */
  referenceBy: 'id' | 'name';
  columns: Partial<Record<string, ColumnSpec>>;
}

export interface JiraCsvMapping extends MappingBase {
  kind: 'jira_csv';
  /** The export's column that holds the start date. */
  startDateColumn: string;
  /** The time zone of the export's times (the exporting user's): `Z` or `+02:00`. */
  timeZone: string;
}

export type ColumnMapping = FigureMapping | JiraCsvMapping;

/** The fields each kind of row has: which must be mapped, and which may. */
export const FIGURE_FIELDS: Record<
  FigureKind,
  { required: readonly string[]; optional: readonly string[]; atLeastOne?: readonly string[] }
> = {
  kpi_actuals: { required: ['kpi', 'period', 'value'], optional: [] },
  budgets: {
    required: ['initiative', 'period'],
    optional: ['plan', 'committed', 'actual'],
    atLeastOne: ['plan', 'committed', 'actual'],
  },
  benefits: {
    required: ['benefit', 'amountPerWeek'],
    optional: ['milestone', 'kpi', 'description'],
  },
};

/** Jira Cloud's own column for the start date in "Export CSV (all fields)". */
export const JIRA_START_DATE_COLUMN = 'Custom field (Start date)';

const columnSpecSchema = z.union([
  z.string().trim().min(1),
  z.strictObject({ header: z.string().trim().min(1) }),
  z.strictObject({
    column: z.string().regex(/^[A-Za-z]{1,3}$/, 'expected column letters such as C or AB'),
  }),
  z.strictObject({ value: z.union([z.string(), z.number()]) }),
]);

const base = {
  sheets: z.union([z.literal('*'), z.array(z.string().trim().min(1)).min(1)]).optional(),
  headerRow: z.int().min(1).max(10_000).default(1),
  delimiter: z.string().length(1).default(','),
};

const mappingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.enum(['kpi_actuals', 'budgets', 'benefits']),
    ...base,
    decimal: z.enum(['.', ',']).default('.'),
    referenceBy: z.enum(['id', 'name']).default('id'),
    columns: z.record(z.string(), columnSpecSchema),
  }),
  z.strictObject({
    kind: z.literal('jira_csv'),
    ...base,
    startDateColumn: z.string().trim().min(1).default(JIRA_START_DATE_COLUMN),
    timeZone: z
      .string()
      .regex(/^(Z|[+-]\d{2}:\d{2})$/, 'expected Z or an offset such as +02:00')
      .default('Z'),
  }),
]);

/**
 * Reads a column mapping (a parsed JSON document), filling in defaults. A mapping that does
 * not fit fails with `import.bad_mapping`, one that names a field its kind does not have with
 * `import.unknown_column`; each problem names the JSON path in the mapping.
 */
export function parseColumnMapping(input: unknown, file: string): ColumnMapping {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) {
    throw new DomainError(
      parsed.error.issues.slice(0, 10).map((issue) => {
        const path = jsonPath(issue.path);
        return {
          code: 'import.bad_mapping' as const,
          message: `${file}: ${path} ${describeIssue(issue)}`,
          path,
          file,
        };
      }),
    );
  }
  const mapping = parsed.data;
  if (mapping.kind === 'jira_csv') return mapping;
  const problems = fieldProblems(mapping.kind, mapping.columns, file);
  if (problems.length > 0) throw new DomainError(problems);
  const columns: Partial<Record<string, ColumnSpec>> = {};
  for (const [field, spec] of Object.entries(mapping.columns)) {
    columns[field] = typeof spec === 'string' ? { header: spec } : spec;
  }
  return { ...mapping, columns };
}

function fieldProblems(
  kind: FigureKind,
  columns: Record<string, unknown>,
  file: string,
): Problem[] {
  const fields = FIGURE_FIELDS[kind];
  const known = [...fields.required, ...fields.optional];
  const problems: Problem[] = [];
  for (const field of Object.keys(columns)) {
    if (known.includes(field)) continue;
    const guess = closestMatch(field, known);
    problems.push({
      code: 'import.unknown_column',
      message: `${file}: $.columns.${field}: rows of kind ${kind} have no field '${field}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}; they have ${known.join(', ')}`,
      path: `$.columns.${field}`,
      file,
    });
  }
  for (const field of fields.required) {
    if (columns[field] === undefined) {
      problems.push({
        code: 'import.bad_mapping',
        message: `${file}: $.columns: rows of kind ${kind} need a column for '${field}'`,
        path: '$.columns',
        file,
      });
    }
  }
  const atLeastOne = fields.atLeastOne;
  if (atLeastOne !== undefined && !atLeastOne.some((field) => columns[field] !== undefined)) {
    problems.push({
      code: 'import.bad_mapping',
      message: `${file}: $.columns: rows of kind ${kind} need a column for at least one of ${atLeastOne.join(', ')}`,
      path: '$.columns',
      file,
    });
  }
  return problems;
}

function jsonPath(path: readonly PropertyKey[]): string {
  let text = '$';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  }
  return text;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_union':
      return issue.path.at(-2) === 'columns'
        ? 'must be a header text, {"header": …}, {"column": "C"} or {"value": …}'
        : `is not valid: ${issue.message}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown key${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_type':
      return `must be ${issue.expected}`;
    default:
      return issue.message;
  }
}

/** The mapping used when a source has none and its header is Jira's own export. */
export function defaultJiraCsvMapping(): JiraCsvMapping {
  return {
    kind: 'jira_csv',
    headerRow: 1,
    delimiter: ',',
    startDateColumn: JIRA_START_DATE_COLUMN,
    timeZone: 'Z',
  };
}
