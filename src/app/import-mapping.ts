import {
  parseColumnMapping,
  type ColumnMapping,
} from '../connectors/spreadsheet/column-mapping.ts';
import { loadMapping, saveMapping } from '../store/import-store.ts';
import type { AppContext } from './context.ts';
import { type ActorLike, write } from './write.ts';

/** Checks a column mapping and saves it for a source; returns it with its defaults filled in. */
export async function saveImportMapping(
  ctx: AppContext,
  source: string,
  input: unknown,
  actor: ActorLike,
): Promise<ColumnMapping> {
  const mapping = parseColumnMapping(input, `the mapping for source '${source}'`);
  await write(ctx, actor, async ({ tx, at, actor: by, audit }) => {
    await saveMapping(tx, source, mapping, at, by.id);
    audit({ action: 'import.mapping', item: `mapping/${source}`, after: mapping });
  });
  return mapping;
}

/** The mapping saved for a source, with when and by whom; null when none. */
export async function showImportMapping(
  ctx: AppContext,
  source: string,
): Promise<{
  source: string;
  mapping: ColumnMapping;
  updatedAt: string;
  updatedBy: string;
} | null> {
  const saved = await loadMapping(ctx.db, source);
  if (saved === null) return null;
  return {
    ...saved,
    mapping: parseColumnMapping(saved.mapping, `the saved mapping of source '${source}'`),
  };
}
