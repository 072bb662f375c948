import { describe, expect, it } from 'vitest';
import type { PlanHistoryPage as History } from '../src/core/plan/diff-plan.ts';
import type { PlanFile } from '../src/plan-file/plan-file-types.ts';
import { sendablePlan } from '../src/web/plan/sendable-plan.ts';
import { useDemoApi } from './support/api-client.ts';
import { TEST_DATABASES } from './support/databases.ts';
import { rawGet } from './support/raw-http.ts';

/**
 * The plan's history over the API (`GET /api/v1/plan/history`): each change with who made it,
 * when on the product's clock, and each field before and after; only what the reader sees.
 */

describe.each(TEST_DATABASES)('the plan history over the API on $name', (kind) => {
  const api = useDemoApi(kind, ['dana', 'priya', 'lena', 'sam'], { demo: true });
  const { call } = api;
  const history = async (as: string, query = ''): Promise<History> => {
    const answer = await call<History>(as, 'GET', `/api/v1/plan/history${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  it("lists Priya's move of her milestone with the date before and after, her name and the product's time", async () => {
    const plan = await call<{ milestones: { id: string; plannedDate: string }[] }>(
      'priya',
      'GET',
      '/api/v1/plan',
    );
    const golive = plan.body.milestones.find((m) => m.id === 'M-GOLIVE');
    expect(golive).toBeDefined();
    // What she sees, less what points at initiatives hidden from her (as the plan editor sends it).
    const moved = {
      ...sendablePlan(plan.body as unknown as PlanFile),
      milestones: plan.body.milestones.map((m) =>
        m.id === 'M-GOLIVE' ? { ...m, plannedDate: '2026-10-15' } : m,
      ),
    };
    const applied = await call<{ changes: unknown[] }>('priya', 'POST', '/api/v1/plan', moved);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    const { changes } = await history('priya', '?item=milestones/M-GOLIVE&limit=5');
    expect(changes[0]).toMatchObject({
      actor: 'priya',
      actorName: 'Priya Shah',
      collection: 'milestones',
      id: 'M-GOLIVE',
      action: 'updated',
      fields: [{ field: 'plannedDate', before: golive?.plannedDate, after: '2026-10-15' }],
    });
    // The instant of the write (the web app shows it on the product's clock).
    expect(Math.abs(Date.parse(changes[0]?.at ?? '') - Date.now())).toBeLessThan(60_000);
    // The demo load is the oldest change of the milestone: created, by the demo.
    expect(changes.at(-1)).toMatchObject({ action: 'created', actor: 'demo' });
  });

  it('shows a confidential initiative only to who may see it', async () => {
    const sam0 = await history('sam', '?limit=500');
    expect(sam0.changes.some((c) => c.id === 'I-DIVEST')).toBe(false);
    const dana = await history('dana', '?limit=500');
    expect(dana.changes.some((c) => c.id === 'I-DIVEST')).toBe(true);
    for (const person of ['sam', 'priya']) {
      const seen = await history(person, '?limit=500');
      expect(seen.changes.length, person).toBeGreaterThan(0);
      expect(JSON.stringify(seen), person).not.toMatch(/DIVEST|plant 3/i);
    }
    // One item asked for by name: still nothing when hidden.
    expect((await history('sam', '?item=initiatives/I-DIVEST')).changes).toEqual([]);
  });

  it('pages back with before, without repeating or skipping', async () => {
    const first = await history('dana', '?limit=10');
    expect(first.changes).toHaveLength(10);
    expect(first.next).toBe(first.changes.at(-1)?.seq);
    const second = await history('dana', `?limit=10&before=${first.next}`);
    expect(second.changes[0]?.seq).toBeLessThan(first.next ?? 0);
    const all = await history('dana', '?limit=20');
    expect([...first.changes, ...second.changes].map((c) => c.seq)).toEqual(
      all.changes.map((c) => c.seq),
    );
  });

  it('refuses no token, a bad token, control characters, a huge id and bad numbers; answers twice alike', async () => {
    expect((await call(null, 'GET', '/api/v1/plan/history')).status).toBe(401);
    expect((await call('tl_bad_token', 'GET', '/api/v1/plan/history')).status).toBe(401);
    const nul = await call<{ code: string }>('sam', 'GET', '/api/v1/plan/history?item=kpis/K%00X');
    expect(nul.status).toBe(400);
    const huge = await call(
      'sam',
      'GET',
      `/api/v1/plan/history?item=kpis/${'X'.repeat(2_000_000)}`,
    );
    expect([400, 414, 431]).toContain(huge.status);
    for (const query of ['?limit=0', '?limit=100000', '?before=-1', '?before=abc', '?what=1']) {
      expect((await call('sam', 'GET', `/api/v1/plan/history${query}`)).status, query).toBe(400);
    }
    const once = await history('sam', '?item=milestones/M-PILOT');
    const twice = await history('sam', '?item=milestones/M-PILOT');
    expect(twice).toEqual(once);
    for (const path of [
      '/%61pi/v1/plan/history',
      '/api/v1/plan/%68istory',
      '/API/v1/plan/history',
    ]) {
      const answer = await rawGet(api.port, path);
      // Without a token: refused, or the web app's page; never the history.
      expect([401, 403, 404, 200], path).toContain(answer.status);
      expect(answer.body, path).not.toContain('"changes"');
    }
  });
});
