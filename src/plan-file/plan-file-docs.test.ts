import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_ID_LENGTH } from '../core/storable-text.ts';
import { parsePlanText } from './parse-plan-file.ts';
import { planSchema } from './plan-schema.ts';

const DOC = fileURLToPath(new URL('../../docs/plan-file.md', import.meta.url));

describe('docs/plan-file.md', () => {
  it('shows a complete example that is a valid plan', async () => {
    const doc = await readFile(DOC, 'utf8');
    const section = doc.slice(doc.indexOf('## A complete example'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const { plan } = parsePlanText(example ?? '', 'example.yaml');
    expect(plan.milestones.map((m) => m.id)).toEqual(['M-GOLIVE', 'M-PURCH']);
    expect(plan.benefits[0]?.amountPerWeek).toBe(120000);
    expect(plan.organisation.capacityMeasure).toBe('FTE');
    expect(plan.units[0]?.capacity).toEqual({ perWeek: 12, periods: { '2026-12': 9 } });
    expect(plan.demands.map((d) => [d.id, d.workItem ?? `${d.from} … ${d.to}`])).toEqual([
      ['D-ERP-BUILD', '2026-06-01 … 2026-09-04'],
      ['D-ERP-CUTOVER', 'ERP-18'],
    ]);
    expect(plan.demands[1]?.after).toEqual(['D-ERP-BUILD']);
  });

  it('states the id limit that the schema and the store hold', async () => {
    const defs = planSchema.$defs as Record<string, { maxLength?: number }>;
    for (const name of ['id', 'reference', 'owner', 'workItemKey']) {
      expect(defs[name]?.maxLength, name).toBe(MAX_ID_LENGTH);
    }
    const doc = await readFile(DOC, 'utf8');
    expect(doc).toContain(`at most ${MAX_ID_LENGTH}\n  characters`);
  });
});
