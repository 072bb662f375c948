import { listImportRuns, type ImportRun } from '../store/import-store.ts';
import type { AppContext } from './context.ts';

export type { ImportRun } from '../store/import-store.ts';

/**
 * The import run log (spreadsheet imports and pushes: outcome, rows, problems, who), newest
 * first, of one source when given, at most `limit` (50 unless told).
 */
export function readImportRuns(
  ctx: AppContext,
  options: { source?: string; limit?: number } = {},
): Promise<ImportRun[]> {
  return listImportRuns(ctx.db, options);
}
