import { readFile } from 'node:fs/promises';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import type { WorkItemEvent } from '../core/domain/work-item.ts';
import type { AppContext } from './context.ts';
import { ingestWorkItemEvents, type IngestResult } from './ingest-work.ts';
import { DEMO_FILES, DEMO_SOURCE } from './load-demo.ts';

/** The saved Jira deliveries of the ERP story that the demo can replay. */
export const DEMO_PAYLOADS = {
  'erp-17-due-date-moved': DEMO_FILES.erp17Slip,
  'erp-17-due-date-restored': DEMO_FILES.erp17Restored,
} as const;

export type DemoPayload = keyof typeof DEMO_PAYLOADS;

/**
 * Delivers a saved demo payload as if Jira sent it now: it is stamped with the current instant,
 * so the story can be played forwards and back again as often as one likes.
 */
export async function replayDemoPayload(
  ctx: AppContext,
  payload: DemoPayload,
): Promise<IngestResult> {
  const file = DEMO_PAYLOADS[payload];
  const json: unknown = JSON.parse(await readFile(file, 'utf8'));
  const batch = normalizeJiraPayload(json, { source: DEMO_SOURCE, file });
  const stamp = ctx.clock.now().toISOString();
  return ingestWorkItemEvents(
    ctx,
    batch.entries.map((event) => stampedAt(event, stamp)),
  );
}

function stampedAt(event: WorkItemEvent, stamp: string): WorkItemEvent {
  const order = { updatedAt: stamp, changelogId: null };
  const dedupeKey = `${event.dedupeKey}:replayed:${stamp}`;
  if (event.op === 'delete') {
    return { ...event, order, dedupeKey, change: { ...event.change, at: stamp } };
  }
  return {
    ...event,
    item: { ...event.item, updatedAt: stamp },
    change: event.change === null ? null : { ...event.change, at: stamp },
    order,
    dedupeKey,
  };
}
