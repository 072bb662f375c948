import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { apiCaller } from './support/api-client.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';

/**
 * "What did we believe then" over the API (issue 13 part 5): `?knownAt=` on the read routes
 * answers from the history (the plan, the work, the forecasts and the signals as known then),
 * refuses an instant before the first write or one it cannot read, and keeps the access policy
 * (a confidential initiative stays hidden in the past too); named baselines are saved, listed
 * and compared with (dates and money), one made by a re-plan decision by itself; a KPI's
 * forecast history shows how its forecast moved.
 */

interface Problem {
  code: string;
  message: string;
  path?: string;
}

interface StateView {
  asOf: string;
  knownAt?: string;
  objectives: unknown[];
}

interface Explained {
  asOf: string;
  knownAt?: string;
  kind: string;
  forecastDate?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(TEST_DATABASES)('known-at reads and baselines over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<string, string> = {};
  let beforeLoad: Date;
  let beforeSlip: string;
  let afterSlip: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    beforeLoad = new Date();
    await sleep(5);
    await loadDemo(ctx, undefined);
    for (const person of ['dana', 'lena', 'omar', 'sam', 'priya'])
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    await sleep(5);
    beforeSlip = new Date().toISOString();
    await sleep(5);
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const ingest = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.dana}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(ingest.status).toBe(200);
    await sleep(5);
    afterSlip = new Date().toISOString();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const call = apiCaller(() => base, tokens);
  const q = (at: string): string => `knownAt=${encodeURIComponent(at)}`;

  it('answers the state as known before the slip, and now with the slip', async () => {
    const then = await call<StateView>('dana', 'GET', `/api/v1/state?${q(beforeSlip)}`);
    expect(then.status).toBe(200);
    expect(then.body.knownAt).toBe(beforeSlip);
    expect(then.body.asOf).toBe(DEMO_AS_OF);
    const now = await call<StateView>('dana', 'GET', '/api/v1/state');
    expect(now.body.knownAt).toBeUndefined();
    // The same instant as now reads back the same view (the history is the state).
    const atNow = await call<StateView>('dana', 'GET', `/api/v1/state?${q(afterSlip)}`);
    expect(atNow.body.objectives).toEqual(now.body.objectives);
    expect(then.body.objectives).not.toEqual(now.body.objectives);

    const workThen = await call<{ forecastFinish?: string; item?: { dueDate?: string } }>(
      'dana',
      'GET',
      `/api/v1/work-items/ERP-17?${q(beforeSlip)}`,
    );
    const workNow = await call<{ item?: { dueDate?: string } }>(
      'dana',
      'GET',
      '/api/v1/work-items/ERP-17',
    );
    expect(workThen.status).toBe(200);
    expect(JSON.stringify(workThen.body)).not.toEqual(JSON.stringify(workNow.body));

    const milestone = await call<Explained>(
      'dana',
      'GET',
      `/api/v1/milestones/M-GOLIVE?${q(beforeSlip)}`,
    );
    expect([milestone.status, milestone.body.kind, milestone.body.knownAt]).toEqual([
      200,
      'milestone',
      beforeSlip,
    ]);
  });

  it('answers the signals we had then: none of the slip before it', async () => {
    const then = await call<{ signals: { id: string }[]; knownAt: string }>(
      'dana',
      'GET',
      `/api/v1/signals?${q(beforeSlip)}`,
    );
    const now = await call<{ signals: { id: string }[] }>('dana', 'GET', '/api/v1/signals');
    expect(then.status).toBe(200);
    const slipNow = now.body.signals.filter((s) => s.id.includes('ERP-17') || s.id.includes('M-'));
    expect(slipNow.length).toBeGreaterThan(0);
    const thenIds = new Set(then.body.signals.map((s) => s.id));
    expect(now.body.signals.some((s) => !thenIds.has(s.id))).toBe(true);
    const atNow = await call<{ signals: { id: string }[] }>(
      'dana',
      'GET',
      `/api/v1/signals?${q(afterSlip)}`,
    );
    expect(atNow.body.signals.map((s) => s.id).sort()).toEqual(
      now.body.signals.map((s) => s.id).sort(),
    );
  });

  it('refuses an instant before the first write, naming the parameter and the first write', async () => {
    const early = await call<Problem>(
      'dana',
      'GET',
      `/api/v1/state?${q(new Date(beforeLoad.getTime() - 60_000).toISOString())}`,
    );
    expect(early.status).toBe(400);
    expect([early.body.code, early.body.path]).toEqual(['history.before_first_write', 'knownAt']);
    expect(early.body.message).toMatch(
      /knownAt .* is before the first write: the plan was first applied at \d{4}-\d{2}-\d{2}T/,
    );
    const kpi = await call<Problem>('dana', 'GET', `/api/v1/kpis/K-SAVINGS?${q('2001-01-01')}`);
    expect([kpi.status, kpi.body.code]).toEqual([400, 'history.before_first_write']);
  });

  it('refuses instants it cannot read, with a 4xx naming knownAt, never a 500', async () => {
    const bad = [
      'yesterday',
      '2026-13-01',
      '2026-02-30',
      '2026-09-14T25:00Z',
      '2026-09-14T10:00',
      '2026-09-14 10:00Z',
      '1e9',
      '2026-09-14\u0000',
      `2026-09-14T10:00:00Z${'x'.repeat(100)}`,
      '',
    ];
    for (const text of bad) {
      const answer = await call<Problem>('dana', 'GET', `/api/v1/state?${q(text)}`);
      expect(answer.status, text).toBe(400);
      expect(answer.body.message, text).toMatch(/knownAt/);
    }
    const future = await call<Problem>(
      'dana',
      'GET',
      `/api/v1/state?${q(new Date(Date.now() + 86_400_000).toISOString())}`,
    );
    expect([future.status, future.body.code]).toEqual([400, 'history.bad_instant']);
    expect(future.body.message).toContain('in the future');
    // 2 MB of query string: refused before any handler, never a 500.
    const huge = await fetch(`${base}/api/v1/state?knownAt=${'9'.repeat(2_000_000)}`, {
      headers: { authorization: `Bearer ${tokens.dana}` },
    });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    const none = await call<Problem>(null, 'GET', `/api/v1/state?${q(beforeSlip)}`);
    expect(none.status).toBe(401);
  });

  it('keeps a confidential initiative hidden in the past too', async () => {
    const sam = await call<Problem>('sam', 'GET', `/api/v1/initiatives/I-DIVEST?${q(beforeSlip)}`);
    expect(sam.status).toBe(404);
    const dana = await call<Explained>(
      'dana',
      'GET',
      `/api/v1/initiatives/I-DIVEST?${q(beforeSlip)}`,
    );
    expect([dana.status, dana.body.kind]).toEqual([200, 'initiative']);
    const samState = await call<StateView>('sam', 'GET', `/api/v1/state?${q(beforeSlip)}`);
    expect(samState.status).toBe(200);
    expect(JSON.stringify(samState.body)).not.toContain('I-DIVEST');
    expect(JSON.stringify(samState.body)).not.toContain('M-DIVEST');
    const samSignals = await call<{ signals: unknown[] }>(
      'sam',
      'GET',
      `/api/v1/signals?${q(beforeSlip)}`,
    );
    expect(JSON.stringify(samSignals.body)).not.toContain('DIVEST');
    const history = await call<Problem>(
      'sam',
      'GET',
      '/api/v1/kpis/K-PLANT3-COST/forecast-history',
    );
    expect(history.status).toBe(404);
  });

  it("shows how a KPI's forecast moved: the slip moved it", async () => {
    const answer = await call<{
      kpi: string;
      targets: { period: string; target: number }[];
      points: { at: string; cause: string; periods: { period: string; forecast: number }[] }[];
      writes: number;
    }>('dana', 'GET', '/api/v1/kpis/K-SAVINGS/forecast-history');
    expect(answer.status).toBe(200);
    expect(answer.body.targets.length).toBeGreaterThan(0);
    expect(answer.body.points.length).toBeGreaterThanOrEqual(2);
    const last = answer.body.points[answer.body.points.length - 1]!;
    expect(last.at >= beforeSlip).toBe(true);
    expect(last.cause).toBe('work');
    // The latest point is the forecast the state shows now.
    const now = await call<{ derived: { periods: { period: string; forecast: number }[] } }>(
      'dana',
      'GET',
      '/api/v1/kpis/K-SAVINGS',
    );
    for (const period of last.periods)
      expect(now.body.derived.periods.find((p) => p.period === period.period)?.forecast).toBe(
        period.forecast,
      );
    const missing = await call<Problem>('dana', 'GET', '/api/v1/kpis/K-NOPE/forecast-history');
    expect(missing.status).toBe(404);
  });

  it('saves, lists and compares baselines; only planners save; a name is taken once', async () => {
    const refused = await call<Problem>('sam', 'POST', '/api/v1/baselines', { name: 'Sam' });
    expect([refused.status, refused.body.code]).toEqual([403, 'access.forbidden']);
    const saved = await call<{ id: string; name: string; kind: string }>(
      'lena',
      'POST',
      '/api/v1/baselines',
      { name: 'Approved September plan', kind: 'approved' },
    );
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: 'Approved September plan', kind: 'approved' });
    const twice = await call<Problem>('lena', 'POST', '/api/v1/baselines', {
      name: 'Approved September plan',
    });
    expect([twice.status, twice.body.code, twice.body.path]).toEqual([
      409,
      'baseline.exists',
      '$.name',
    ]);
    for (const name of ['B7', 'original', '   ', 'x'.repeat(101), 'a\u0000b']) {
      const bad = await call<Problem>('lena', 'POST', '/api/v1/baselines', { name });
      expect(bad.status, name).toBe(400);
    }
    const list = await call<{ baselines: { id: string; name: string; kind: string }[] }>(
      'sam',
      'GET',
      '/api/v1/baselines',
    );
    expect(list.body.baselines.map((b) => [b.id, b.kind])).toEqual([
      ['B0', 'original'],
      [saved.body.id, 'approved'],
    ]);
    const variance = await call<{
      baseline: { name: string };
      milestones: { id: string; baselineDate: string; forecastDays: number | null }[];
      initiatives: { id: string; variance: number }[];
      totals: { late: number; variance: number };
    }>(
      'dana',
      'GET',
      `/api/v1/baselines/${encodeURIComponent('Approved September plan')}/variance`,
    );
    expect(variance.status).toBe(200);
    expect(variance.body.baseline.name).toBe('Approved September plan');
    expect(variance.body.totals.variance).toBe(0);
    expect(variance.body.totals.late).toBeGreaterThan(0);
    expect(variance.body.milestones.some((m) => m.id === 'M-DIVEST-BUYER')).toBe(true);
    const samVariance = await call<{ milestones: { id: string }[] }>(
      'sam',
      'GET',
      '/api/v1/baselines/B0/variance',
    );
    expect(samVariance.status).toBe(200);
    expect(JSON.stringify(samVariance.body)).not.toContain('DIVEST');
    for (const id of ['B999', 'nope', '%00', 'x'.repeat(300)]) {
      const missing = await fetch(`${base}/api/v1/baselines/${id}/variance`, {
        headers: { authorization: `Bearer ${tokens.dana}` },
      });
      // Unknown: 404; longer than a path parameter may be: 414 (before any handler).
      expect([400, 404, 414], id).toContain(missing.status);
    }
  });

  it('keeps a baseline of its own for a re-plan decision when it is decided', async () => {
    const decisions = await call<{
      decisions: {
        id: string;
        status: string;
        decider: { person: string };
        options: { number: number; effect: { kinds: string[] } }[];
      }[];
    }>('dana', 'GET', '/api/v1/decisions');
    const open = decisions.body.decisions.find((d) => d.status === 'open');
    expect(open).toBeDefined();
    const replan = open!.options.find((o) => o.effect.kinds.includes('replan'));
    expect(replan).toBeDefined();
    const decided = await call<{ planChanges: number }>(
      open!.decider.person,
      'POST',
      `/api/v1/decisions/${open!.id}/decide`,
      { option: replan!.number, reason: 'Known-at test: accept the new date' },
    );
    expect(decided.status).toBe(200);
    const list = await call<{ baselines: { name: string; kind: string; decision: string }[] }>(
      'dana',
      'GET',
      '/api/v1/baselines',
    );
    expect(list.body.baselines.at(-1)).toMatchObject({
      name: `replan ${open!.id}`,
      kind: 'replan',
      decision: open!.id,
    });
    const variance = await call<{ totals: { replanned: number } }>(
      'dana',
      'GET',
      '/api/v1/baselines/original/variance',
    );
    expect(variance.body.totals.replanned).toBeGreaterThan(0);
  });
});
