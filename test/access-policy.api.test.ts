import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { loadPlan } from '../src/store/plan-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { connectSse } from './support/sse-client.ts';

/**
 * The access policy's demo facts (issue 11, "Done when") through every door of the API: the
 * confidential I-DIVEST seen only by executives, Lena and its owner; Sam's view of Operations and
 * of the ERP incident that names it; Priya's own milestones but not K-SAVINGS' target; Lena's
 * actuals; no whole-plan apply by Sam or Marco, and nothing stored when refused.
 */

const PEOPLE = ['dana', 'grace', 'lena', 'marco', 'priya', 'nina', 'sam', 'omar'] as const;
type PersonId = (typeof PEOPLE)[number];
const SECRET = /DIVEST|PLANT3|PORTFOLIO|plant 3/i;
const APPLY_REFUSAL =
  'Only the strategy office (Lena Hoffmann) or an admin (Omar Haddad) may apply the whole plan';

describe.each(TEST_DATABASES)('the access policy over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  const tokens = {} as Record<PersonId, string>;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    for (const id of PEOPLE) tokens[id] = await createApiToken(db, id, 'test', new Date());
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  async function call(
    who: PersonId,
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: unknown; text: string }> {
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${tokens[who]}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return {
      status: response.status,
      text,
      body: json && text !== '' ? (JSON.parse(text) as unknown) : null,
    };
  }

  const slip = async (): Promise<void> => {
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const response = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.dana}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(response.status).toBe(200);
  };

  it('shows I-DIVEST to executives, Lena and its owner only, through state, plan and explanations', async () => {
    for (const who of PEOPLE) {
      const cleared = ['dana', 'grace', 'lena'].includes(who);
      const state = await call(who, '/api/v1/state');
      expect(state.status, who).toBe(200);
      expect(SECRET.test(state.text), `${who} state`).toBe(cleared);
      const plan = await call(who, '/api/v1/plan');
      expect(plan.status, who).toBe(200);
      expect(SECRET.test(plan.text), `${who} plan`).toBe(cleared);
      for (const path of [
        '/api/v1/initiatives/I-DIVEST',
        '/api/v1/milestones/M-DIVEST-CLOSE',
        '/api/v1/kpis/K-PLANT3-COST',
        '/api/v1/objectives/O-PORTFOLIO',
      ]) {
        const one = await call(who, path);
        expect(one.status, `${who} ${path}`).toBe(cleared ? 200 : 404);
        // Beyond the id asked for, a refusal says nothing of the hidden thing.
        if (!cleared) expect(one.text.split(path.split('/').at(-1)!).join('')).not.toMatch(SECRET);
      }
      const capacity = await call(who, '/api/v1/capacity');
      expect(SECRET.test(capacity.text), `${who} capacity`).toBe(false);
      const exported = await call(who, '/api/v1/exports/initiatives.csv');
      expect(exported.status, who).toBe(200);
      expect(SECRET.test(exported.text), `${who} export`).toBe(cleared);
    }
    // The unknown and the hidden read alike.
    const hidden = await call('sam', '/api/v1/initiatives/I-DIVEST');
    const unknown = await call('sam', '/api/v1/initiatives/I-NOPE');
    expect(hidden.status).toBe(unknown.status);
    expect((hidden.body as { code: string }).code).toBe((unknown.body as { code: string }).code);
  });

  it("shows Sam Operations' items, and after the slip the ERP incident that names Operations", async () => {
    const before = await call('sam', '/api/v1/plan');
    const plan = before.body as { initiatives: { id: string }[] };
    expect(plan.initiatives.map((i) => i.id).sort()).toEqual(['I-MAINT', 'I-PROC']);
    expect((await call('sam', '/api/v1/initiatives/I-ERP')).status).toBe(404);

    await slip();
    const incidents = (await call('sam', '/api/v1/incidents')).body as {
      incidents: { id: string; initiatives: string[] }[];
    };
    expect(incidents.incidents.map((i) => i.id)).toEqual(['incident:work_item:ERP-17']);
    // It names Operations' I-PROC (purchasing waits for the ERP go-live).
    expect(incidents.incidents[0]?.initiatives).toContain('I-PROC');
    expect((await call('sam', '/api/v1/incidents/incident:work_item:ERP-17')).status).toBe(200);
    // What the incident names, Sam now sees: the work item and the initiative behind it.
    expect((await call('sam', '/api/v1/work-items/ERP-17')).status).toBe(200);
    expect((await call('sam', '/api/v1/initiatives/I-ERP')).status).toBe(200);
    const signals = (await call('sam', '/api/v1/signals')).body as { signals: { id: string }[] };
    expect(signals.signals.map((s) => s.id)).toContain('kpi.misses_target:K-SAVINGS:2026-Q4');
    // Nina, of Operations too, sees it; Omar (IT admin, owning nothing) sees it through IT.
    const nina = (await call('nina', '/api/v1/incidents')).body as { incidents: unknown[] };
    expect(nina.incidents).toHaveLength(1);
  });

  it('refuses the whole-plan apply to Sam and Marco with 403 naming who may, storing nothing', async () => {
    // Marco may still change his own milestone's fields: that is not a whole-plan apply.
    const marcoOwn = (await call('marco', '/api/v1/plan')).body as {
      milestones: { id: string; name: string }[];
    };
    marcoOwn.milestones.find((m) => m.id === 'M-PURCH')!.name = 'Central purchasing live';
    expect((await call('marco', '/api/v1/plan', { method: 'POST', body: marcoOwn })).status).toBe(
      200,
    );
    const demo = await readFile('demo/plan.yaml', 'utf8');
    const stored = await loadPlan(db);
    for (const who of ['sam', 'marco'] as const) {
      // Priya's go-live and a new unit: neither is Sam's or Marco's to change.
      const moved = demo
        .replace('plannedDate: 2026-10-05', 'plannedDate: 2026-12-07')
        .replace('units:\n', 'units:\n  - { id: LEGAL, name: Legal }\n');
      expect(moved).toContain('LEGAL');
      const response = await fetch(`${base}/api/v1/plan`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/yaml' },
        body: moved,
      });
      const body = (await response.json()) as { code: string; message: string };
      expect(response.status, JSON.stringify(body)).toBe(403);
      expect(body.code).toBe('access.forbidden');
      expect(body.message).toContain(APPLY_REFUSAL);
      const prune = await fetch(`${base}/api/v1/plan?prune=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/yaml' },
        body: demo,
      });
      expect(prune.status).toBe(403);
    }
    expect(await loadPlan(db)).toEqual(stored);
    const me = (await call('sam', '/api/v1/me')).body as { permissions: Record<string, boolean> };
    expect(me.permissions['plan.apply']).toBe(false);
    const lena = (await call('lena', '/api/v1/me')).body as {
      roles: string[];
      permissions: Record<string, boolean>;
    };
    expect(lena.roles).toEqual(['strategy_office', 'finance_controller']);
    expect(lena.permissions['plan.apply']).toBe(true);
  });

  it('keeps I-DIVEST when Omar, an admin not cleared for it, prunes with the plan he reads', async () => {
    const before = await loadPlan(db);
    const secret = (plan: typeof before) => ({
      initiatives: plan?.initiatives.filter((i) => SECRET.test(JSON.stringify(i))),
      milestones: plan?.milestones.filter((m) => m.initiative === 'I-DIVEST'),
      objectives: plan?.objectives.filter((o) => o.id === 'O-PORTFOLIO'),
    });
    expect(secret(before).initiatives).toHaveLength(1);
    expect(secret(before).milestones?.length).toBeGreaterThan(0);
    const seen = (await call('omar', '/api/v1/plan')).body as { initiatives: { id: string }[] };
    expect(seen.initiatives.map((i) => i.id)).not.toContain('I-DIVEST');
    const pruned = await call('omar', '/api/v1/plan?prune=true', { method: 'POST', body: seen });
    expect(pruned.status, pruned.text).toBe(200);
    expect(pruned.text).not.toMatch(SECRET);
    expect(secret(await loadPlan(db))).toEqual(secret(before));
    // What he sees and sent back unchanged is unchanged too: the prune removed nothing.
    expect(await loadPlan(db)).toEqual(before);
  });

  it("lets Priya move her milestone but not K-SAVINGS' target", async () => {
    const own = (await call('priya', '/api/v1/plan')).body as {
      milestones: { id: string; plannedDate: string }[];
      kpis: { id: string; targets?: Record<string, number> }[];
    };
    const moved = structuredClone(own);
    moved.milestones.find((m) => m.id === 'M-GOLIVE')!.plannedDate = '2026-10-12';
    const ok = await call('priya', '/api/v1/plan', { method: 'POST', body: moved });
    expect(ok.status, ok.text).toBe(200);
    expect((await loadPlan(db))?.milestones.find((m) => m.id === 'M-GOLIVE')?.plannedDate).toBe(
      '2026-10-12',
    );

    const stored = await loadPlan(db);
    const target = structuredClone(own);
    target.milestones.find((m) => m.id === 'M-GOLIVE')!.plannedDate = '2026-10-12';
    target.kpis.find((k) => k.id === 'K-SAVINGS')!.targets = { '2026-Q4': 1 };
    const refused = await call('priya', '/api/v1/plan', { method: 'POST', body: target });
    expect(refused.status).toBe(403);
    expect((refused.body as { message: string }).message).toContain(
      'move the targets of K-SAVINGS',
    );
    expect(await loadPlan(db)).toEqual(stored);
    // Nor another owner's milestone.
    const other = structuredClone(own);
    other.milestones.find((m) => m.id === 'M-PURCH')!.plannedDate = '2026-12-01';
    expect((await call('priya', '/api/v1/plan', { method: 'POST', body: other })).status).toBe(403);
    // Put it back for the tests after.
    const back = structuredClone(own);
    back.milestones.find((m) => m.id === 'M-GOLIVE')!.plannedDate = '2026-10-05';
    expect((await call('priya', '/api/v1/plan', { method: 'POST', body: back })).status).toBe(200);
  });

  it('lets Lena record actuals; Marco, whose benefit K-SAVINGS proves, may not', async () => {
    const body = {
      source: 'finance',
      actuals: [{ kpi: 'K-SAVINGS', period: '2026-Q3', value: 1000 }],
    };
    const stored = await loadPlan(db);
    const marco = await call('marco', '/api/v1/push/kpi-actuals', { method: 'POST', body });
    expect(marco.status).toBe(403);
    expect((marco.body as { message: string }).message).toBe(
      'Only a finance controller (Lena Hoffmann) or an admin (Omar Haddad) may record the actuals of K-SAVINGS',
    );
    expect(await loadPlan(db)).toEqual(stored);
    const lena = await call('lena', '/api/v1/push/kpi-actuals', { method: 'POST', body });
    expect(lena.status, lena.text).toBe(200);
    expect((await loadPlan(db))?.kpis.find((k) => k.id === 'K-SAVINGS')?.actuals['2026-Q3']).toBe(
      1000,
    );
  });

  it('keeps I-DIVEST out of the live stream of those not cleared', async () => {
    const sam = connectSse(`${base}/api/v1/events`, tokens.sam);
    const lena = connectSse(`${base}/api/v1/events`, tokens.lena);
    await Promise.all([sam.opened, lena.opened]);
    const plan = (await call('lena', '/api/v1/plan')).body as {
      milestones: { id: string; plannedDate: string }[];
    };
    plan.milestones.find((m) => m.id === 'M-DIVEST-CLOSE')!.plannedDate = '2026-12-11';
    const applied = await call('lena', '/api/v1/plan', { method: 'POST', body: plan });
    expect(applied.status, applied.text).toBe(200);
    const seen = await lena.waitFor(
      (e) => e.event === 'state' && JSON.stringify(e.data).includes('M-DIVEST-CLOSE'),
      3000,
    );
    expect(seen.event).toBe('state');
    // Then something Sam may see, so that his stream has surely caught up past the change.
    plan.milestones.find((m) => m.id === 'M-PILOT')!.plannedDate = '2026-11-23';
    expect((await call('lena', '/api/v1/plan', { method: 'POST', body: plan })).status).toBe(200);
    await sam.waitFor(
      (e) => e.event === 'state' && JSON.stringify(e.data).includes('M-PILOT'),
      3000,
    );
    expect(JSON.stringify(sam.events)).not.toMatch(SECRET);
    expect(sam.events.length).toBeGreaterThan(0);
    sam.close();
    lena.close();
  });
});
