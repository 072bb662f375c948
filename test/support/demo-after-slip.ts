import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeJiraPayload } from '../../src/connectors/jira/normalize-jira.ts';
import type { WorkItem, WorkItemChange } from '../../src/core/domain/work-item.ts';
import type { EngineInput } from '../../src/core/engine/engine.ts';
import { readPlanFile } from '../../src/plan-file/index.ts';

const DEMO = new URL('../../demo/', import.meta.url);

/** The engine input of the demo plan and its Jira work after the ERP-17 slip (README: "the ERP story"). */
export async function demoInputAfterSlip(asOf: string): Promise<EngineInput> {
  const { plan } = await readPlanFile(fileURLToPath(new URL('plan.yaml', DEMO)));
  const items = new Map<string, WorkItem>();
  const changes: Record<string, WorkItemChange> = {};
  for (const file of ['search-initial.json', 'erp-17-due-date-moved.json']) {
    const json: unknown = JSON.parse(readFileSync(new URL(`jira/${file}`, DEMO), 'utf8'));
    for (const entry of normalizeJiraPayload(json, { source: 'demo' }).entries) {
      if (entry.op !== 'upsert') continue;
      items.set(entry.item.key, entry.item);
      if (entry.change !== null) changes[entry.item.key] = entry.change;
    }
  }
  return { plan, workItems: [...items.values()], changes, asOf };
}
