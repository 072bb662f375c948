import { z } from 'zod';
import { IMPORT_KINDS } from '../connectors/spreadsheet/column-mapping.ts';
import {
  entityChange,
  errorBody,
  errorResponses,
  figureChange,
  problem,
  signalIds,
  sourceName,
} from './common.ts';

/**
 * Spreadsheet imports over HTTP (`/api/v1/imports`, `/api/v1/imports/mappings/:source`): the
 * query of an upload, its result, the run log and a source's saved column mapping.
 */

/** Names that reach messages and the run log: no NUL or other control characters. */
// eslint-disable-next-line no-control-regex -- the control characters are what it refuses
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f\u007f]+$/;
const name = z.string().min(1).max(200).regex(NO_CONTROL_CHARACTERS);

export const importQuery = z.strictObject({
  source: sourceName.describe('The spreadsheet source'),
  dryRun: z.boolean().default(false).describe('Report what would change; change nothing'),
  skipBadRows: z.boolean().default(false).describe('Import the good rows and report the bad ones'),
  sheet: name.optional().describe('Read only this sheet (XLSX)'),
  file: name
    .optional()
    .describe('The file name that messages use (default upload.csv / upload.xlsx)'),
  mapping: z.string().max(20_000).optional().describe('A column mapping, as JSON'),
});

/** What an import did (or, for a dry run, would do). */
export const importResult = z.strictObject({
  runId: z.int().nullable().describe('The recorded run; null for a dry run'),
  source: z.string(),
  file: z.string(),
  format: z.enum(['csv', 'xlsx']),
  kind: z.enum(IMPORT_KINDS),
  dryRun: z.boolean(),
  mode: z.enum(['all_or_nothing', 'skip_bad_rows']),
  rows: z.strictObject({
    read: z.int(),
    applied: z.int(),
    skipped: z.int(),
    blank: z.int(),
  }),
  changes: z.array(entityChange),
  figureChanges: z.array(figureChange).describe('The figures that moved (the first 200)'),
  figureChangeCount: z.int(),
  workItems: z.strictObject({ applied: z.int(), duplicates: z.int(), stale: z.int() }).nullable(),
  problems: z.array(problem).describe('Bad rows skipped (the first 100)'),
  problemCount: z.int(),
  signals: signalIds,
  mappingSaved: z.boolean(),
  durationMs: z.number(),
});
export type ImportResultView = z.infer<typeof importResult>;

export const importRoute = {
  querystring: importQuery,
  response: { 200: importResult, ...errorResponses, 403: errorBody },
} as const;

/** One run of the import log (spreadsheet imports and pushes). */
export const importRun = z.strictObject({
  id: z.int(),
  source: z.string(),
  file: z.string(),
  format: z.enum(['csv', 'xlsx']),
  kind: z.string(),
  mode: z.enum(['all_or_nothing', 'skip_bad_rows']),
  outcome: z.enum(['applied', 'refused']),
  startedAt: z.string(),
  finishedAt: z.string(),
  rowsRead: z.int(),
  rowsApplied: z.int(),
  rowsSkipped: z.int(),
  changes: z.int(),
  problemCount: z.int(),
  problems: z.array(problem),
  mapping: z.unknown(),
  actor: z.string(),
});

export const importRunList = z.strictObject({ imports: z.array(importRun) });

export const importRunsRoute = {
  querystring: z.strictObject({
    source: sourceName.optional(),
    limit: z.int().min(1).max(500).default(50),
  }),
  response: { 200: importRunList, ...errorResponses, 403: errorBody },
} as const;

/** A column mapping (docs/SPREADSHEETS.md): its kind and columns, checked by the use-case. */
export const columnMapping = z
  .looseObject({ kind: z.enum(IMPORT_KINDS) })
  .describe('A column mapping (see docs/SPREADSHEETS.md)');

export const savedMapping = z.strictObject({
  source: z.string(),
  mapping: columnMapping,
  updatedAt: z.string(),
  updatedBy: z.string(),
});

const sourceParams = z.object({ source: sourceName });

export const showMappingRoute = {
  params: sourceParams,
  response: { 200: savedMapping, ...errorResponses, 403: errorBody },
} as const;

export const saveMappingRoute = {
  params: sourceParams,
  body: z
    .looseObject({})
    .describe('A column mapping')
    .meta({
      examples: [
        {
          kind: 'budgets',
          columns: {
            initiative: 'Initiative',
            period: 'Period',
            plan: 'Plan',
            committed: 'Committed',
            actual: 'Actual',
          },
        },
      ],
    }),
  response: {
    200: z.strictObject({ source: z.string(), mapping: columnMapping }),
    ...errorResponses,
    403: errorBody,
  },
} as const;
