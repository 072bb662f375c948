import type { Queryable } from '../store/database.ts';
import { loadWorkItems } from '../store/work-item-store.ts';

/** How fresh one source's mirror is. */
export interface SourceFreshness {
  source: string;
  workItems: number;
  /** The latest last-updated instant the source reported for any of its items (ISO 8601). */
  latestUpdateAt: string | null;
}

/** Each source with its item count and the newest update it reported, by source name. */
export async function sourceFreshness(db: Queryable): Promise<SourceFreshness[]> {
  const bySource = new Map<string, SourceFreshness>();
  for (const item of await loadWorkItems(db)) {
    const entry = bySource.get(item.source) ?? {
      source: item.source,
      workItems: 0,
      latestUpdateAt: null,
    };
    entry.workItems += 1;
    if (
      entry.latestUpdateAt === null ||
      Date.parse(item.updatedAt) > Date.parse(entry.latestUpdateAt)
    ) {
      entry.latestUpdateAt = item.updatedAt;
    }
    bySource.set(item.source, entry);
  }
  return [...bySource.values()].sort((a, b) => a.source.localeCompare(b.source));
}
