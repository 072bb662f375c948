import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import { useDemoApi } from './support/api-client.ts';
import { TEST_DATABASES } from './support/databases.ts';
import { rawGet } from './support/raw-http.ts';

/**
 * The audit log over the API: every write through the one write path leaves entries with its
 * actor, time, what changed (before and after) and origin; admins and finance controllers read
 * it, filtered by person, item and time; nobody else does; the database refuses to edit it.
 */

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  item: string | null;
  before: unknown;
  after: unknown;
  origin: { via: string; ip?: string; userAgent?: string };
}

describe.each(TEST_DATABASES)('the audit log over the API on $name', (kind) => {
  const api = useDemoApi(kind, ['dana', 'priya', 'lena', 'omar', 'sam', 'marco'], { demo: true });
  const { call, tokens } = api;

  const audit = async (query: string, as = 'omar'): Promise<Entry[]> => {
    const { status, body } = await call<{ entries: Entry[] }>(as, 'GET', `/api/v1/audit${query}`);
    expect(status).toBe(200);
    return body.entries;
  };

  it('holds the demo load: the plan applied entity by entity and the Jira work, by their actors', async () => {
    const entries = await audit('?limit=1000');
    const apply = entries.find((e) => e.action === 'plan.apply');
    expect(apply).toMatchObject({ actor: 'demo', origin: { via: 'cli' } });
    expect(entries.filter((e) => e.action === 'plan.create').length).toBeGreaterThan(20);
    expect(entries.find((e) => e.item === 'kpis/K-SAVINGS')).toMatchObject({
      action: 'plan.create',
      before: null,
      after: { id: 'K-SAVINGS', owner: 'marco' },
    });
    const work = entries.find((e) => e.action === 'work.ingest');
    expect(work).toMatchObject({ actor: 'source:demo', item: 'source/demo' });
    expect((work?.after as { keys: string[] }).keys).toContain('ERP-17');
  });

  it('records a push of KPI actuals with the field before and after, the person and the origin', async () => {
    const pushed = await call<{ changed: number }>(
      'lena',
      'POST',
      '/api/v1/push/kpi-actuals',
      { actuals: [{ kpi: 'K-SAVINGS', period: '2026-10', value: 123_456 }] },
      { 'user-agent': 'audit-test/1.0' },
    );
    expect(pushed.status).toBe(200);
    const entries = await audit('?person=lena&item=kpis/K-SAVINGS');
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      actor: 'lena',
      action: 'plan.update',
      origin: { via: 'api', ip: '127.0.0.1', userAgent: 'audit-test/1.0' },
    });
    const before = (entry!.before as { actuals: Record<string, number> }).actuals;
    const after = (entry!.after as { actuals: Record<string, number> }).actuals;
    expect(after['2026-10']).toBe(123_456);
    expect(before['2026-10']).not.toBe(123_456);
    // Only the fields that changed are kept for an update.
    expect(Object.keys(entry!.after as object)).toEqual(['actuals']);
  });

  it('records the ERP slip delivered by webhook-equivalent ingest and the decision the engine opened', async () => {
    const payload: unknown = JSON.parse(await readFile(DEMO_FILES.erp17Slip, 'utf8'));
    const pushed = await call<{ applied: number }>('omar', 'POST', '/api/v1/jira/ingest', payload);
    expect(pushed.status).toBe(200);
    const opened = await audit('?item=decision/');
    expect(opened).toEqual([
      expect.objectContaining({ action: 'decision.open', item: 'decision/DEC-1' }),
    ]);
  });

  it('records an acknowledgement and a decision with who made it', async () => {
    const signals = await call<{ signals: { id: string }[] }>('dana', 'GET', '/api/v1/signals');
    const id = signals.body.signals[0]!.id;
    expect(
      (await call('dana', 'POST', `/api/v1/signals/${encodeURIComponent(id)}/ack`)).status,
    ).toBe(200);
    const acks = await audit(`?person=dana&item=${encodeURIComponent(`signal/${id}`)}`);
    expect(acks).toEqual([expect.objectContaining({ action: 'signal.ack', actor: 'dana' })]);

    const decided = await call('dana', 'POST', '/api/v1/decisions/DEC-1/decide', {
      option: 2,
      reason: 'audit test',
    });
    expect(decided.status).toBe(200);
    const steps = await audit('?item=decision/DEC-1');
    expect(steps.map((e) => e.action)).toEqual(['decision.open', 'decision.decide']);
    expect(steps[1]).toMatchObject({
      actor: 'dana',
      before: { status: 'open' },
      after: { status: 'decided', option: 2, reason: 'audit test' },
    });
    // The option's plan changes are in the same write, under the same actor.
    const planChanges = (await audit('?person=dana')).filter((e) => e.action.startsWith('plan.'));
    expect(planChanges.length).toBeGreaterThan(0);
    expect(new Set(planChanges.map((e) => e.at))).toEqual(new Set([steps[1]!.at]));
  });

  it('filters by time, pages with after, and refuses bad filters with the parameter named', async () => {
    const all = await audit('?limit=1000');
    const last = all.at(-1)!;
    expect(await audit(`?from=${encodeURIComponent(last.at)}&limit=1000`)).toContainEqual(last);
    expect(await audit(`?to=${encodeURIComponent(all[0]!.at)}`)).toEqual([]);
    const page = await call<{ entries: Entry[]; next: number | null }>(
      'omar',
      'GET',
      '/api/v1/audit?limit=5',
    );
    expect(page.body.entries).toHaveLength(5);
    const next = await audit(`?after=${page.body.next!}&limit=5`);
    expect(next[0]!.seq).toBeGreaterThan(page.body.entries[4]!.seq);
    for (const [query, parameter] of [
      ['?from=yesterday', 'from'],
      ['?to=2026-02-30', 'to'],
      ['?item=a%00b', 'item'],
      [`?person=${'x'.repeat(2_000_000)}`, null],
      ['?limit=0', 'limit'],
      ['?sneaky=1', null],
    ] as const) {
      const refused = await call<{ code: string; problems?: { path?: string }[] }>(
        'omar',
        'GET',
        `/api/v1/audit${query}`,
      );
      expect(refused.status, query.slice(0, 40)).toBeGreaterThanOrEqual(400);
      expect(refused.status, query.slice(0, 40)).toBeLessThan(500);
      if (parameter !== null) expect(JSON.stringify(refused.body), query).toContain(parameter);
    }
  });

  it('is for admins and finance controllers only, through every spelling of the path', async () => {
    expect((await call('lena', 'GET', '/api/v1/audit')).status).toBe(200);
    for (const person of ['sam', 'marco', 'priya']) {
      const refused = await call<{ code: string; message: string }>(person, 'GET', '/api/v1/audit');
      expect(refused.status, person).toBe(403);
      expect(refused.body.code).toBe('access.forbidden');
      expect(refused.body.message).toMatch(/Omar|Lena/);
    }
    expect((await call(null, 'GET', '/api/v1/audit')).status).toBe(401);
    expect((await call('tl_bad_token', 'GET', '/api/v1/audit')).status).toBe(401);
    for (const path of ['/%61pi/v1/audit', '/api/v1/%61udit', '/api/v1//audit', '/API/v1/audit']) {
      const answer = await rawGet(api.port, path, tokens.sam);
      // Refused, or answered by the web app's page (never the log's entries).
      expect([401, 403, 404, 200], path).toContain(answer.status);
      expect(answer.body, path).not.toContain('"entries"');
    }
  });

  it('records a demo sign-in with the person and the door', async () => {
    const response = await fetch(`${api.base}/api/v1/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: api.base },
      body: JSON.stringify({ personId: 'sam' }),
    });
    expect(response.status).toBe(200);
    const entries = await audit('?person=sam');
    expect(entries.at(-1)).toMatchObject({
      action: 'session.sign_in',
      after: { via: 'demo' },
      origin: { via: 'web' },
    });
  });

  it('cannot be edited or emptied, even by the application', async () => {
    const [{ n: before }] = (await api.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_log',
    )) as [{ n: number }];
    await expect(api.db.query(`UPDATE audit_log SET actor = 'nobody'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(api.db.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(api.db.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const [{ n: after }] = (await api.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM audit_log',
    )) as [{ n: number }];
    expect(after).toBe(before);
  });
});
