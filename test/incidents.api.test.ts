import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import { useDemoApi } from './support/api-client.ts';
import { TEST_DATABASES } from './support/databases.ts';
import { rawGet } from './support/raw-http.ts';
import { connectSse } from './support/sse-client.ts';

/**
 * `/api/v1/incidents` on the ERP story: one incident for the ERP-17 slip, the K-SAVINGS miss and
 * the IT over-allocation, with its money and who decides; its decision opened by itself, once;
 * hostile reads refused with a clear error.
 */

interface IncidentView {
  id: string;
  headline: string;
  signals: { id: string; chain: { text: string }[] }[];
  money: { currency: string; againstPlan: number; againstTarget: number };
  effects: { milestones: { id: string; text: string }[]; capacity: { unit: string }[] };
  reaches: { person: string; covered: boolean } | null;
  decider: { person: string; name: string } | null;
  decision: { id: string; status: string } | null;
}

const INCIDENT = 'incident:work_item:ERP-17';

describe.each(TEST_DATABASES)('incidents over the API on $name', (kind) => {
  const api = useDemoApi(kind, ['dana', 'priya', 'marco']);
  const { call, tokens } = api;

  it('has no incident before the slip, and opens no decision', async () => {
    const { status, body } = await call<{ incidents: IncidentView[] }>(
      'dana',
      'GET',
      '/api/v1/incidents',
    );
    expect([status, body.incidents]).toEqual([200, []]);
    const decisions = await call<{ decisions: unknown[] }>('dana', 'GET', '/api/v1/decisions');
    expect(decisions.body.decisions).toEqual([]);
  });

  it('groups the ERP-17 slip into one incident with its money, and opens its decision by itself', async () => {
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const ingest = await fetch(`${api.base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(ingest.status).toBe(200);
    const signals = await call<{ signals: { id: string }[] }>('dana', 'GET', '/api/v1/signals');
    const { body } = await call<{ incidents: IncidentView[] }>('priya', 'GET', '/api/v1/incidents');
    expect(body.incidents).toHaveLength(1);
    const incident = body.incidents[0]!;
    expect(incident.id).toBe(INCIDENT);
    expect(incident.signals.map((s) => s.id).sort()).toEqual(
      signals.body.signals.map((s) => s.id).sort(),
    );
    expect(incident.headline).toBe(
      "ERP-17's slip and IT's bottleneck in weeks 41–43 put 480,000 USD of Realised cost savings at risk in 2026-Q4",
    );
    expect(incident.money.currency).toBe('USD');
    expect(Math.round(incident.money.againstPlan)).toBe(480_000);
    expect(Math.round(incident.money.againstTarget)).toBe(411_429);
    expect(incident.effects.capacity.map((c) => c.unit)).toEqual(['IT']);
    expect(incident.effects.milestones.map((m) => m.id)).toEqual([
      'M-GOLIVE',
      'M-PURCH',
      'M-PILOT',
    ]);
    expect(incident.effects.milestones[0]!.text).toContain('ERP go-live, plant 1 (M-GOLIVE)');
    expect(incident.effects.milestones[0]!.text).toContain('15 working days (21 calendar days)');
    expect(incident.reaches).toMatchObject({ person: 'priya', covered: false });
    expect(incident.decider).toEqual(expect.objectContaining({ person: 'dana' }));
    expect(incident.decision).toMatchObject({ id: 'DEC-1', status: 'open' });

    // One incident, shown alone, the same; its id may be sent encoded.
    const one = await call<{ incident: IncidentView }>(
      'marco',
      'GET',
      `/api/v1/incidents/${encodeURIComponent(INCIDENT)}`,
    );
    expect(one.status).toBe(200);
    expect(one.body.incident).toEqual(incident);
    const plain = await call<{ incident: IncidentView }>(
      'dana',
      'GET',
      `/api/v1/incidents/${INCIDENT}`,
    );
    expect(plain.body.incident.id).toBe(INCIDENT);

    // The engine opened it, once: the same ingest again opens nothing more.
    const twice = await fetch(`${api.base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(twice.status).toBe(200);
    const decisions = await call<{
      decisions: { id: string; openedBy: string; incident: string }[];
    }>('dana', 'GET', '/api/v1/decisions');
    expect(decisions.body.decisions.map((d) => [d.id, d.openedBy, d.incident])).toEqual([
      ['DEC-1', 'engine', INCIDENT],
    ]);
  });

  it("sends Priya's stream what the incident affecting her names, as her reads show it", async () => {
    // Priya owns I-ERP; M-PILOT is another unit's milestone that only the incident shows her.
    const stream = connectSse(`${api.base}/api/v1/events`, tokens['priya']!, { lastEventId: 0 });
    await stream.opened;
    const { body } = await call<{ signals: { id: string; subject: { id: string } }[] }>(
      'priya',
      'GET',
      '/api/v1/signals',
    );
    const pilot = body.signals.find((s) => s.subject.id === 'M-PILOT');
    expect(pilot, 'her signal list shows the M-PILOT slip').toBeDefined();
    const event = await stream.waitFor(
      (e) =>
        e.event === 'signal' && (e.data as { signal?: { id: string } }).signal?.id === pilot!.id,
      5000,
    );
    expect(event.event).toBe('signal');
    const state = await stream.waitFor(
      (e) =>
        e.event === 'state' && (e.data as { milestones: string[] }).milestones.includes('M-PILOT'),
      5000,
    );
    expect(state.event).toBe('state');
    stream.close();
  });

  it('opens a decision for an incident, or refuses naming the place', async () => {
    const same = await call<{ decision: { id: string } }>('priya', 'POST', '/api/v1/decisions', {
      incident: INCIDENT,
    });
    expect([same.status, same.body.decision.id]).toEqual([200, 'DEC-1']);
    const again = await call<{ decision: { id: string } }>('priya', 'POST', '/api/v1/decisions', {
      incident: INCIDENT,
    });
    expect([again.status, again.body.decision.id]).toEqual([200, 'DEC-1']);
    const unknown = await call<{ code: string; path: string; message: string }>(
      'priya',
      'POST',
      '/api/v1/decisions',
      { incident: 'incident:work_item:ERP-99' },
    );
    expect([unknown.status, unknown.body.code, unknown.body.path]).toEqual([
      404,
      'not_found',
      '$.incident',
    ]);
    expect(unknown.body.message).toContain('incident:work_item:ERP-99');
    expect(unknown.body.message).toContain(INCIDENT);
    const both = await call<{ code: string; path: string }>('priya', 'POST', '/api/v1/decisions', {
      incident: INCIDENT,
      signal: 'milestone.slipped:M-GOLIVE',
    });
    expect([both.status, both.body.code, both.body.path]).toEqual([
      400,
      'request.invalid',
      '$.incident',
    ]);
    const nul = await call<{ code: string }>('priya', 'POST', '/api/v1/decisions', {
      incident: 'incident:\u0000',
    });
    expect([nul.status, nul.body.code]).toEqual([400, 'request.invalid']);
    const decisions = await call<{ decisions: unknown[] }>('dana', 'GET', '/api/v1/decisions');
    expect(decisions.body.decisions).toHaveLength(1);
  });

  it('refuses hostile reads with a clear error, never a 500 or data', async () => {
    for (const path of ['/api/v1/incidents', `/api/v1/incidents/${INCIDENT}`]) {
      const anonymous = await rawGet(api.port, path);
      expect(anonymous.status).toBe(401);
      const encoded = await rawGet(api.port, path.replace('/api/', '/%61pi/'));
      expect(encoded.status).toBe(401);
      const bogus = await rawGet(api.port, path, 'tl_not-a-token');
      expect(bogus.status).toBe(401);
      expect(bogus.body).not.toContain('480,000');
    }
    const nul = await rawGet(api.port, '/api/v1/incidents/incident%00', tokens['dana']);
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.body)).toMatchObject({ code: 'request.invalid' });
    const missing = await call<{ code: string; message: string; path: string }>(
      'dana',
      'GET',
      '/api/v1/incidents/incident:work_item:ERP-404',
    );
    expect([missing.status, missing.body.code, missing.body.path]).toEqual([
      404,
      'not_found',
      'id',
    ]);
    expect(missing.body.message).toContain("'incident:work_item:ERP-404'");
    const huge = await rawGet(
      api.port,
      `/api/v1/incidents/${'x'.repeat(2 * 1024 * 1024)}`,
      tokens['dana'],
    );
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(huge.body.length).toBeLessThan(10_000);
  });

  it('keeps the incident while a signal is open: deciding IT capacity folds it, no second decision', async () => {
    const decided = await call<{ signals: { resolved: string[] } }>(
      'dana',
      'POST',
      '/api/v1/decisions/DEC-1/decide',
      { option: 2, reason: 'Contractors for October' },
    );
    expect(decided.status).toBe(200);
    expect(decided.body.signals.resolved).toContain('capacity.over_allocated:IT:2026-W41');
    const { body } = await call<{ incident: IncidentView }>(
      'dana',
      'GET',
      `/api/v1/incidents/${INCIDENT}`,
    );
    expect(body.incident.signals.map((s) => s.id)).not.toContain(
      'capacity.over_allocated:IT:2026-W41',
    );
    expect(body.incident.effects.capacity).toEqual([]);
    expect(Math.round(body.incident.money.againstPlan)).toBe(360_000);
    expect(body.incident.decision).toMatchObject({ id: 'DEC-1', status: 'decided' });
    // Decided while it lasts: nothing opens by itself again.
    const decisions = await call<{ decisions: { id: string }[] }>(
      'dana',
      'GET',
      '/api/v1/decisions',
    );
    expect(decisions.body.decisions.map((d) => d.id)).toEqual(['DEC-1']);
  });

  it('describes the routes in the OpenAPI document', async () => {
    const spec = (await (await fetch(`${api.base}/docs/json`)).json()) as {
      paths: Record<string, { get?: { summary?: string; security?: unknown[] } }>;
    };
    for (const path of ['/api/v1/incidents', '/api/v1/incidents/{id}']) {
      expect(spec.paths[path]?.get?.summary).toMatch(/incident/i);
      expect(spec.paths[path]?.get?.security).toEqual([{ bearerAuth: [] }]);
    }
  });
});
