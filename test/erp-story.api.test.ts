import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import {
  expectStoryOnTrack,
  expectStorySignal,
  expectStorySlipped,
  type SignalView,
  type StateView,
} from './support/erp-story.ts';

interface CapacityView {
  units: { unit: string; weeks: { week: string; load: number }[] }[];
  overAllocations: { sentence: string }[];
  milestones: { sentence: string }[];
}

describe.each(TEST_DATABASES)('the ERP story over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let token: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    token = await createApiToken(db, 'dana', 'test', new Date());
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  async function get<T>(path: string): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  it('replays the slip: forecasts, money, signal chain and owners', async () => {
    expectStoryOnTrack(await get<StateView>('/api/v1/state'));
    expect((await get<{ signals: SignalView[] }>('/api/v1/signals')).signals).toEqual([]);
    // IT is busy but within capacity: 6 of 6 FTE in weeks 42–43.
    const before = await get<CapacityView>('/api/v1/capacity');
    expect(before.overAllocations).toEqual([]);
    expect(before.milestones).toEqual([]);
    expect(Math.max(...before.units[0]!.weeks.map((week) => week.load))).toBe(6);

    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const response = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(response.status).toBe(200);
    const ingest = (await response.json()) as { applied: number; signals: { raised: string[] } };
    expect(ingest.applied).toBe(1);
    expect(ingest.signals.raised).toContain('kpi.misses_target:K-SAVINGS:2026-Q4');

    expectStorySlipped(await get<StateView>('/api/v1/state'));
    expectStorySignal((await get<{ signals: SignalView[] }>('/api/v1/signals')).signals);
  });

  it('explains each derived figure', async () => {
    const purch = await get<{ kind: string; explanation: { rule: string; text: string }[] }>(
      '/api/v1/milestones/M-PURCH',
    );
    expect(purch.kind).toBe('milestone');
    expect(purch.explanation.map((s) => s.text).join('\n')).toContain('M-GOLIVE');
    const kpi = await get<{ kind: string; explanation: { text: string }[] }>(
      '/api/v1/kpis/K-SAVINGS',
    );
    expect(kpi.kind).toBe('kpi');
    expect(kpi.explanation.length).toBeGreaterThan(0);
    const item = await get<{ kind: string; derived: { forecastFinish: string } }>(
      '/api/v1/work-items/ERP-17',
    );
    expect(item.derived.forecastFinish).toBe('2026-10-23');
  });

  it('shows the resource bottleneck the slip causes, with the money and who decides', async () => {
    const capacity = await get<CapacityView>('/api/v1/capacity');
    expect(capacity.overAllocations.map((over) => over.sentence)).toEqual([
      'IT is at 167% in weeks 41–43 (10 against a capacity of 6 a week), taken by I-ERP (4), I-MAINT (3) and I-PROC (3)',
    ]);
    expect(capacity.milestones.map((move) => move.sentence)).toEqual([
      'M-PILOT moves 1 week to 2026-11-23 because IT is at 167% in weeks 41–43, taken by I-ERP, I-MAINT and I-PROC',
      'M-PURCH moves 1 week to 2026-11-16 because IT is at 167% in weeks 41–43, taken by I-ERP, I-MAINT and I-PROC',
    ]);
    const { signals } = await get<{ signals: SignalView[] }>('/api/v1/signals');
    const signal = signals.find((s) => s.id === 'capacity.over_allocated:IT:2026-W41');
    expect(signal?.chain.map((step) => step.text)).toContain(
      'K-SAVINGS: 120,000 USD of benefit lost in the forecast because IT is at 167% in weeks 41–43 — B-PURCH-SAVINGS lands later with M-PURCH',
    );
    expect(signal?.chain.at(-1)?.text).toBe(
      "Trade-off: IT's capacity in weeks 41–43 between I-ERP, I-MAINT and I-PROC, or more capacity for IT; Dana Whitfield decides, as owner of O-COST",
    );
    const unit = await get<{ kind: string; explanation: { rule: string }[] }>('/api/v1/units/IT');
    expect(unit.kind).toBe('unit');
    expect(unit.explanation.map((step) => step.rule)).toEqual([
      'unit.capacity',
      'capacity.demand',
      'capacity.demand',
      'capacity.demand',
      'capacity.over_allocated',
    ]);
    const purch = await get<{
      derived: { forecastDate: string; unconstrainedDate?: string };
      explanation: { rule: string; text: string }[];
    }>('/api/v1/milestones/M-PURCH');
    // The levelled date is the forecast; the date without the bottleneck explains it.
    expect(purch.derived).toMatchObject({
      forecastDate: '2026-11-16',
      unconstrainedDate: '2026-11-09',
    });
    expect(purch.explanation.find((step) => step.rule === 'milestone.levelled')?.text).toBe(
      `${capacity.milestones.find((move) => move.sentence.startsWith('M-PURCH'))?.sentence}; 2026-11-09 without it`,
    );

    // The date comes back in Jira: IT has room again and the signal resolves.
    const restore = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: await readFile(DEMO_FILES.erp17Restored, 'utf8'),
    });
    expect(restore.status).toBe(200);
    const restored = (await restore.json()) as { signals: { resolved: string[] } };
    expect(restored.signals.resolved).toContain('capacity.over_allocated:IT:2026-W41');
    expect((await get<CapacityView>('/api/v1/capacity')).overAllocations).toEqual([]);
  });

  it('serves its OpenAPI description at /docs', async () => {
    const response = await fetch(`${base}/docs/json`);
    expect(response.status).toBe(200);
    const spec = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/api/v1/state',
        '/api/v1/signals',
        '/api/v1/plan',
        '/api/v1/jira/ingest',
        '/api/v1/capacity',
        '/api/v1/units/{id}',
      ]),
    );
  });
});
