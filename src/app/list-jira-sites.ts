import { listJiraSites, listStaleSources, type StaleSource } from '../store/jira-site-store.ts';
import { viewJiraSite, type JiraSiteView } from './add-jira-site.ts';
import type { AppContext } from './context.ts';

export interface JiraSiteStatus extends JiraSiteView {
  /** Set when the site's data is older than the threshold (see `listStaleSources`). */
  stale: StaleSource | null;
}

/** Every Jira site (no secrets), with its staleness at the context's "now". */
export async function listJiraSiteStatus(
  ctx: AppContext,
  staleAfterMinutes: number,
): Promise<JiraSiteStatus[]> {
  const stale = new Map(
    (await listStaleSources(ctx.db, ctx.clock.now(), staleAfterMinutes)).map((s) => [s.source, s]),
  );
  return (await listJiraSites(ctx.db)).map((site) => ({
    ...viewJiraSite(site),
    stale: stale.get(site.id) ?? null,
  }));
}
