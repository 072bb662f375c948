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
 * Stage gates over the API on the demo: I-ERP in delivery, I-PROC approved, I-MAINT blocked at
 * the approval gate (no benefit). Only the gate's owner (Dana, by R-COST's go_no_go) passes a
 * gate; a go whose criteria fail is refused naming the criterion, and nothing is stored; the
 * portfolio shows initiatives by stage with money, confidential ones only to those cleared.
 */

interface Problem {
  code: string;
  message: string;
  path?: string;
}
interface Criterion {
  id: string;
  pass: boolean;
  message: string;
}
interface GateView {
  initiative: string;
  stage: string;
  gate: string | null;
  passes: boolean;
  criteria: Criterion[];
  owner: { person: string; right: string | null } | null;
  history: { stage: string; on: string; by?: string; decision?: string; note?: string }[];
  decisions: { id: string; go: boolean; to: string; note: string; decidedBy: string }[];
}
interface PortfolioView {
  currency: string;
  stages: {
    stage: string;
    initiatives: { id: string; budget: { plan: number }; gatePasses: boolean; missing: string[] }[];
    money: { plan: number; committed: number; actual: number };
  }[];
  total: { plan: number };
}
interface AuditEntry {
  actor: string;
  action: string;
  item: string | null;
  after: unknown;
}

describe.each(TEST_DATABASES)('stage gates over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    for (const person of ['dana', 'priya', 'lena', 'omar', 'sam', 'marco'])
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    app = await buildServer(ctx, { demo: true });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const call = apiCaller(() => base, tokens);
  const gate = async (id: string, as = 'dana'): Promise<GateView> => {
    const { status, body } = await call<{ gate: GateView }>(
      as,
      'GET',
      `/api/v1/initiatives/${id}/gate`,
    );
    expect(status).toBe(200);
    return body.gate;
  };

  it('shows each demo initiative at its gate: I-MAINT blocked at approval for want of a benefit', async () => {
    const erp = await gate('I-ERP');
    expect(erp).toMatchObject({ stage: 'in_delivery', gate: 'delivered', passes: false });
    expect(erp.criteria[0]).toMatchObject({ id: 'milestones_done', pass: false });
    expect((await gate('I-PROC')).stage).toBe('approved');
    const maint = await gate('I-MAINT');
    expect(maint).toMatchObject({
      stage: 'defined',
      gate: 'approved',
      passes: false,
      owner: { person: 'dana', right: 'R-COST' },
    });
    expect(maint.criteria.filter((c) => !c.pass).map((c) => c.id)).toEqual(['benefits']);
    expect(maint.criteria.find((c) => c.id === 'benefits')?.message).toContain(
      'I-MAINT (Predictive maintenance pilot, line 3) has no benefit',
    );
    const answer = await call<{ mayPass: boolean }>(
      'marco',
      'GET',
      '/api/v1/initiatives/I-MAINT/gate',
    );
    expect(answer.body.mayPass).toBe(false);
    const dana = await call<{ mayPass: boolean }>(
      'dana',
      'GET',
      '/api/v1/initiatives/I-MAINT/gate',
    );
    expect(dana.body.mayPass).toBe(true);
  });

  it('refuses a go whose criteria fail, naming the criterion, and stores nothing', async () => {
    const refused = await call<Problem>('dana', 'POST', '/api/v1/initiatives/I-MAINT/gate', {
      decision: 'go',
      note: 'Ship it',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('gate.criteria_failed');
    expect(refused.body.message).toContain(
      'benefits: I-MAINT (Predictive maintenance pilot, line 3) has no benefit',
    );
    expect(refused.body.path).toBe('criteria.benefits');
    const after = await gate('I-MAINT');
    expect(after.stage).toBe('defined');
    expect(after.decisions).toEqual([]);
  });

  it('refuses anyone but the gate owner (403 naming Dana), and hides a confidential initiative', async () => {
    const marco = await call<Problem>('marco', 'POST', '/api/v1/initiatives/I-PROC/gate', {
      decision: 'go',
      note: 'Ready',
    });
    expect(marco.status).toBe(403);
    expect(marco.body.message).toContain('Dana Whitfield');
    expect((await gate('I-PROC')).stage).toBe('approved');
    expect((await call('sam', 'GET', '/api/v1/initiatives/I-DIVEST/gate')).status).toBe(404);
    const hidden = await call<Problem>('sam', 'POST', '/api/v1/initiatives/I-DIVEST/gate', {
      decision: 'go',
      note: 'x',
    });
    expect(hidden.status).toBe(404);
    expect((await call('sam', 'GET', '/api/v1/initiatives/I-404/gate')).status).toBe(404);
  });

  it('passes a gate as its owner: the stage moves in the plan, recorded and audited; twice is refused', async () => {
    const passed = await call<{
      decision: { id: string; go: boolean; to: string };
      gate: GateView;
    }>('dana', 'POST', '/api/v1/initiatives/I-PROC/gate', {
      decision: 'go',
      note: 'Desk staffed, ERP link planned',
    });
    expect(passed.status).toBe(201);
    expect(passed.body.decision).toMatchObject({ id: 'G-1', go: true, to: 'in_delivery' });
    expect(passed.body.gate.stage).toBe('in_delivery');
    expect(passed.body.gate.history.at(-1)).toEqual({
      stage: 'in_delivery',
      on: DEMO_AS_OF,
      by: 'dana',
      decision: 'G-1',
      note: 'Desk staffed, ERP link planned',
    });
    const plan = await call<{ initiatives: { id: string; stage?: string }[] }>(
      'dana',
      'GET',
      '/api/v1/plan',
    );
    expect(plan.body.initiatives.find((i) => i.id === 'I-PROC')?.stage).toBe('in_delivery');
    const audit = await call<{ entries: AuditEntry[] }>(
      'omar',
      'GET',
      '/api/v1/audit?item=initiatives/I-PROC',
    );
    expect(audit.body.entries.map((e) => `${e.actor} ${e.action}`)).toEqual(
      expect.arrayContaining(['dana gate.go', 'dana plan.update']),
    );
    // The same request again meets the next gate, whose milestones are not done.
    const again = await call<Problem>('dana', 'POST', '/api/v1/initiatives/I-PROC/gate', {
      decision: 'go',
      note: 'Desk staffed, ERP link planned',
    });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(
      'milestones_done: I-PROC (Procurement consolidation) has 1 milestone not done: M-PURCH',
    );
    expect((await gate('I-PROC')).stage).toBe('in_delivery');
  });

  it('records a no-go with its note and leaves the stage', async () => {
    const noGo = await call<{ decision: { id: string; go: boolean } }>(
      'dana',
      'POST',
      '/api/v1/initiatives/I-MAINT/gate',
      {
        decision: 'no_go',
        note: 'Name the benefit first',
      },
    );
    expect(noGo.status).toBe(201);
    expect(noGo.body.decision).toMatchObject({ id: 'G-2', go: false });
    const after = await gate('I-MAINT');
    expect(after.stage).toBe('defined');
    expect(after.decisions.map((d) => [d.id, d.go, d.note])).toEqual([
      ['G-2', false, 'Name the benefit first'],
    ]);
  });

  it('answers hostile input with a clear 4xx, never a 500', async () => {
    const post = (id: string, body: unknown, as: string | null = 'dana') =>
      call<Problem>(as, 'POST', `/api/v1/initiatives/${id}/gate`, body);
    expect((await call(null, 'GET', '/api/v1/initiatives/I-ERP/gate')).status).toBe(401);
    expect((await call(null, 'GET', '/api/v1/portfolio')).status).toBe(401);
    expect((await post('I-MAINT', { decision: 'go', note: 'x' }, null)).status).toBe(401);
    expect((await call('dana', 'GET', '/api/v1/initiatives/I-ERP%00/gate')).status).toBe(400);
    expect(
      (await call('dana', 'GET', `/api/v1/initiatives/${'I'.repeat(2_000_000)}/gate`)).status,
    ).toBeLessThan(500);
    const cases: [unknown, string][] = [
      [{ decision: 'maybe', note: 'x' }, 'decision'],
      [{ decision: 'go' }, 'note'],
      [{ decision: 'go', note: '' }, 'note'],
      [{ decision: 'go', note: '   ' }, 'note'],
      [{ decision: 'go', note: 'x', extra: 1 }, 'extra'],
      [{ decision: 'go', note: 'a\u0000b' }, 'note'],
      [{ decision: 'go', note: 'a\ud800b' }, 'note'],
      [{ decision: 'go', note: 'x'.repeat(2001) }, 'note'],
      [[], ''],
    ];
    for (const [body] of cases) {
      const answer = await post('I-MAINT', body);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.code).toMatch(/^request\./);
    }
    expect((await post('I-404', { decision: 'go', note: 'x' })).status).toBe(404);
    expect((await gate('I-MAINT')).decisions).toHaveLength(1);
  });

  it('gives the portfolio by stage with money per stage, confidential initiatives only to those cleared', async () => {
    const dana = await call<{ portfolio: PortfolioView }>('dana', 'GET', '/api/v1/portfolio');
    expect(dana.status).toBe(200);
    const byStage = Object.fromEntries(dana.body.portfolio.stages.map((s) => [s.stage, s]));
    expect(byStage.in_delivery?.initiatives.map((i) => i.id)).toEqual(['I-ERP', 'I-PROC']);
    expect(byStage.in_delivery?.money.plan).toBe(1_300_000 + 210_000);
    expect(byStage.defined?.initiatives.map((i) => i.id)).toEqual(['I-MAINT']);
    expect(byStage.defined?.initiatives[0]).toMatchObject({
      gatePasses: false,
      missing: ['benefits'],
    });
    expect(byStage.idea?.initiatives.map((i) => i.id)).toEqual(['I-DIVEST']);
    expect(dana.body.portfolio.total.plan).toBe(1_300_000 + 210_000 + 140_000);
    const sam = await call<{ portfolio: PortfolioView }>('sam', 'GET', '/api/v1/portfolio');
    const ids = sam.body.portfolio.stages.flatMap((s) => s.initiatives.map((i) => i.id));
    expect(ids).not.toContain('I-DIVEST');
  });

  it('approves I-MAINT once it names a benefit, keeping the plan as approved as a baseline', async () => {
    const text = await readFile(DEMO_FILES.plan, 'utf8');
    const withBenefit = text.replace(
      'benefits:\n',
      'benefits:\n  - { id: B-MAINT-DOWNTIME, milestone: M-PILOT, kpi: K-DOWNTIME, amountPerWeek: 2 }\n',
    );
    const applied = await fetch(`${base}/api/v1/plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.lena}`, 'content-type': 'application/yaml' },
      body: withBenefit,
    });
    expect(applied.status).toBe(200);
    expect((await gate('I-MAINT')).passes).toBe(true);
    const go = await call<{ decision: { id: string }; gate: GateView }>(
      'dana',
      'POST',
      '/api/v1/initiatives/I-MAINT/gate',
      { decision: 'go', note: 'Benefit named: downtime' },
    );
    expect(go.status).toBe(201);
    expect(go.body.gate.stage).toBe('approved');
    const baselines = await call<{
      baselines: { name: string; kind: string; decision: string | null }[];
    }>('dana', 'GET', '/api/v1/baselines');
    expect(baselines.body.baselines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: `${go.body.decision.id} I-MAINT approved`,
          kind: 'approved',
          decision: go.body.decision.id,
        }),
      ]),
    );
  });

  it('raises a governance signal when a plan apply skips a gate: in delivery without approval', async () => {
    const text = await readFile(DEMO_FILES.plan, 'utf8');
    const skipped = text.replace(
      /(objectives: \[O-MAINT, O-CUSTOMER\]\n(?:.*\n)*? {4}stage: )defined/,
      '$1in_delivery',
    );
    expect(skipped).not.toBe(text);
    const applied = await fetch(`${base}/api/v1/plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.lena}`, 'content-type': 'application/yaml' },
      body: skipped,
    });
    expect(applied.status).toBe(200);
    const signals = await call<{ signals: { id: string; kind: string; title: string }[] }>(
      'dana',
      'GET',
      '/api/v1/signals',
    );
    const governance = signals.body.signals.filter((s) => s.kind === 'governance.gate');
    expect(governance.map((s) => s.id).sort()).toEqual([
      'governance.gate:I-MAINT:approved',
      'governance.gate:I-MAINT:in_delivery',
    ]);
    expect(governance.find((s) => s.id.endsWith(':approved'))?.title).toContain(
      'in delivery without approval',
    );
  });
});
