import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import { readPlanFile } from '../plan-file/index.ts';
import { writeSetting } from '../store/setting-store.ts';
import { ensureDemoJiraSite } from './demo-jira-site.ts';
import { applyPlan, type ApplyPlanResult } from './apply-plan.ts';
import { pinnedClock } from './clock.ts';
import { ensurePeriodClosed } from './close-period.ts';
import type { AppContext } from './context.ts';
import { ingestWorkItemEvents, type IngestResult } from './ingest-work.ts';

/** The demo's clock: the day before the ERP-17 slip, so the story reads the same on any day. */
export const DEMO_AS_OF = '2026-09-14';

/** The demo files shipped with the product. */
export const DEMO_FILES = {
  plan: fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url)),
  jiraSnapshot: fileURLToPath(new URL('../../demo/jira/search-initial.json', import.meta.url)),
  erp17Slip: fileURLToPath(new URL('../../demo/jira/erp-17-due-date-moved.json', import.meta.url)),
  erp17Restored: fileURLToPath(
    new URL('../../demo/jira/erp-17-due-date-restored.json', import.meta.url),
  ),
};

/** The reporting period the demo has closed (docs/GOVERNANCE.md "Locked periods"). */
export const DEMO_CLOSED_PERIOD = '2026-08';

/** The Jira site id the demo's work items come from. */
export const DEMO_SOURCE = 'demo';

/**
 * Loads the demo organisation (Acme Manufacturing) and its Jira work, and pins the clock to
 * 2026-09-14 unless a date was given. Safe to run again: nothing changes the second time.
 */
export async function loadDemo(
  ctx: AppContext,
  asOf: string | undefined,
): Promise<{ plan: ApplyPlanResult; work: IngestResult; asOf: string }> {
  const pinned = asOf ?? DEMO_AS_OF;
  await writeSetting(ctx.db, 'pinned_as_of', pinned);
  const demoCtx: AppContext = { db: ctx.db, clock: pinnedClock(pinned) };
  const { plan } = await readPlanFile(DEMO_FILES.plan);
  const planResult = await applyPlan(demoCtx, plan, { actor: 'demo' });
  const payload: unknown = JSON.parse(await readFile(DEMO_FILES.jiraSnapshot, 'utf8'));
  const batch = normalizeJiraPayload(payload, {
    source: DEMO_SOURCE,
    file: DEMO_FILES.jiraSnapshot,
  });
  const work = await ingestWorkItemEvents(demoCtx, batch.entries);
  // The demo's Jira site: its webhooks are signed with the documented demo secret.
  await ensureDemoJiraSite(demoCtx);
  // August 2026 is closed by Lena, the finance controller: its figures are frozen.
  await ensurePeriodClosed(demoCtx, DEMO_CLOSED_PERIOD, 'lena');
  return { plan: planResult, work, asOf: pinned };
}
