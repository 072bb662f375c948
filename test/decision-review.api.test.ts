import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/app/clock.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import type { DecisionReview } from '../src/core/decisions/review.ts';
import type { ScenarioResult } from '../src/core/scenario/price-scenario.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { apiCaller } from './support/api-client.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { rawGet } from './support/raw-http.ts';

/**
 * The decision review over the API, on the ERP story: Dana decides to add IT capacity; the
 * current state is then exactly what that option predicted; the review awaits the Q4 actuals;
 * once K-SAVINGS' 2026-Q4 actual is pushed through the push API after the quarter, the review
 * sets it against the prediction and against doing nothing.
 */

interface OptionView {
  number: number;
  title: string;
  changes: { kind: string; cost?: { amount: number } }[];
  result: ScenarioResult;
}
interface DecisionDetail {
  decision: { id: string; status: string; options: OptionView[] };
  history: { action: string; detail: Record<string, unknown> }[];
  review: DecisionReview | null;
}
interface MilestoneView {
  id: string;
  plannedDate: string;
  forecastDate: string;
}
interface KpiView {
  id: string;
  periods: { period: string; forecast: number; target: number | null }[];
}
interface ObjectiveView {
  kpis: KpiView[];
  initiatives: { milestones: (MilestoneView | null)[] }[];
  children: (ObjectiveView | null)[];
}
interface StateView {
  asOf: string;
  objectives: (ObjectiveView | null)[];
  openSignals: number;
}

/** Every milestone and KPI period the strategic view shows, by id. */
function figuresOf(state: StateView): {
  milestones: Map<string, MilestoneView>;
  kpis: Map<string, number>;
} {
  const milestones = new Map<string, MilestoneView>();
  const kpis = new Map<string, number>();
  const walk = (o: ObjectiveView | null): void => {
    if (o === null) return;
    for (const k of o.kpis) for (const p of k.periods) kpis.set(`${k.id} ${p.period}`, p.forecast);
    for (const i of o.initiatives)
      for (const m of i.milestones) if (m !== null) milestones.set(m.id, m);
    o.children.forEach(walk);
  };
  state.objectives.forEach(walk);
  return { milestones, kpis };
}

describe.each(TEST_DATABASES)('decision review on the ERP story over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let port: number;
  let today = DEMO_AS_OF;
  const clock: Clock = { now: () => new Date(), asOf: () => today, pinned: true };
  const tokens: Record<string, string> = {};
  /** The state before Dana decides, and the option she decides. */
  let before: StateView;
  let chosen: OptionView;
  /** The decision on the IT over-allocation (opened automatically or by Priya). */
  let id: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    await loadDemo({ db, clock }, undefined);
    for (const person of ['dana', 'priya', 'marco', 'lena'])
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    app = await buildServer({ db, clock });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const call = apiCaller(() => base, tokens);

  const savingsQ4 = (review: DecisionReview) =>
    review.kpis.find((k) => k.kpi === 'K-SAVINGS' && k.period === '2026-Q4')!;

  it('Dana decides the capacity option; the state is then exactly what the option predicted', async () => {
    const ingest = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: await readFile(DEMO_FILES.erp17Slip, 'utf8'),
    });
    expect(ingest.status).toBe(200);
    const { body: inbox } = await call<{ signals: { id: string; kind: string }[] }>(
      'priya',
      'GET',
      '/api/v1/signals',
    );
    const signal = inbox.signals.find((s) => s.kind === 'capacity.over_allocated')!.id;
    // An open decision for the signal, opened automatically or by hand, is given back.
    const opened = await call<DecisionDetail>('priya', 'POST', '/api/v1/decisions', { signal });
    expect([200, 201]).toContain(opened.status);
    id = opened.body.decision.id;
    chosen = opened.body.decision.options.find((o) => o.changes[0]!.kind === 'add_capacity')!;
    before = (await call<StateView>('dana', 'GET', '/api/v1/state')).body;

    const decided = await call<unknown>('dana', 'POST', `/api/v1/decisions/${id}/decide`, {
      option: chosen.number,
      reason: 'Contractors are cheaper than a late purchasing desk',
    });
    expect(decided.status).toBe(200);

    const after = (await call<StateView>('dana', 'GET', '/api/v1/state')).body;
    const was = figuresOf(before);
    const now = figuresOf(after);
    // Every milestone the option moves is where it said; every other one is where it was.
    const moved = new Map(chosen.result.milestones.map((m) => [m.id, m]));
    expect(moved.get('M-PURCH')?.forecastDate).toEqual({
      before: '2026-11-16',
      after: '2026-11-09',
    });
    expect(now.milestones.size).toBe(was.milestones.size);
    for (const [id, m] of now.milestones) {
      const predicted = moved.get(id);
      expect([id, m.plannedDate, m.forecastDate]).toEqual([
        id,
        predicted?.plannedDate.after ?? was.milestones.get(id)!.plannedDate,
        predicted?.forecastDate.after ?? was.milestones.get(id)!.forecastDate,
      ]);
    }
    // Every KPI period likewise: K-SAVINGS 2026-Q4 at the option's 908,571.
    const kpis = new Map(chosen.result.kpis.map((k) => [`${k.kpi} ${k.period}`, k.forecast.after]));
    expect(kpis.get('K-SAVINGS 2026-Q4')).toBeCloseTo(908_571.43, 1);
    expect(now.kpis.size).toBe(was.kpis.size);
    for (const [key, forecast] of now.kpis)
      expect([key, forecast]).toEqual([key, kpis.get(key) ?? was.kpis.get(key)]);
    expect(after.openSignals).toBe(chosen.result.totals.signals.after);
  });

  it('keeps the prediction in the decided step and awaits the Q4 actuals', async () => {
    const { status, body } = await call<DecisionDetail>('marco', 'GET', `/api/v1/decisions/${id}`);
    expect(status).toBe(200);
    const decided = body.history.find((e) => e.action === 'decided')!;
    // Priced the same day against the same state: the price stored with the option.
    expect(decided.detail['prediction']).toBe('as priced when the option was added');
    const review = body.review!;
    expect(review).toMatchObject({
      decision: id,
      option: chosen.number,
      predictedOn: DEMO_AS_OF,
      predictedWhen: 'decided',
      status: 'awaiting',
    });
    const q4 = savingsQ4(review);
    expect(q4).toMatchObject({ actual: null, gap: null, realised: null });
    expect(q4.note).toBe('awaiting actuals for 2026-Q4');
    expect(q4.doNothing).toBeCloseTo(788_571.43, 1);
    expect(q4.predicted).toBeCloseTo(908_571.43, 1);
    expect(q4.saved).toBeCloseTo(120_000, 6);
    expect(review.awaiting).toContain('K-SAVINGS: awaiting actuals for 2026-Q4');
    expect(review.money).toMatchObject({
      currency: 'USD',
      realised: null,
      cost: chosen.changes[0]!.cost!.amount,
    });
    expect(review.money.meantToProtect).toBeCloseTo(120_000, 6);
    const purch = review.milestones.find((m) => m.milestone === 'M-PURCH')!;
    expect([purch.doNothing, purch.predicted]).toEqual(['2026-11-16', '2026-11-09']);
  });

  it('sets the pushed Q4 actual against the prediction: 95,000 realised of 120,000', async () => {
    today = '2027-01-04';
    const doNothing = savingsQ4(
      (await call<DecisionDetail>('dana', 'GET', `/api/v1/decisions/${id}`)).body.review!,
    ).doNothing!;
    const push = {
      source: 'finance',
      actuals: [{ kpi: 'K-SAVINGS', period: '2026-Q4', value: doNothing + 95_000 }],
    };
    const key = { 'idempotency-key': 'savings-2026-Q4' };
    // Actuals come from finance (Lena, the controller), not from the KPI's owner.
    const pushed = await call<{ changed: number }>(
      'lena',
      'POST',
      '/api/v1/push/kpi-actuals',
      push,
      key,
    );
    expect([pushed.status, pushed.body.changed]).toEqual([200, 1]);

    const { body } = await call<DecisionDetail>('dana', 'GET', `/api/v1/decisions/${id}`);
    const review = body.review!;
    const q4 = savingsQ4(review);
    expect(q4.actual).toBeCloseTo(doNothing + 95_000, 6);
    expect(q4.gap).toBeCloseTo(-25_000, 6);
    expect(q4.realised).toBeCloseTo(95_000, 6);
    expect(q4.ended).toBe(true);
    expect(q4.note).toBe(
      'actual 883,571 against 908,571 predicted (−25,000); +95,000 against doing nothing, 120,000 meant',
    );
    expect(review.money.realised).toBeCloseTo(95_000, 6);
    expect(review.asOf).toBe('2027-01-04');
    expect(review.awaiting).toEqual([]);
    expect(review.summary).toContain('was to protect 120,000 USD (K-SAVINGS 2026-Q4)');
    expect(review.summary).toMatch(/realised 95,000 USD\.$/);

    // The same push again is answered from the record and changes nothing.
    const again = await call<{ changed: number }>(
      'lena',
      'POST',
      '/api/v1/push/kpi-actuals',
      push,
      key,
    );
    expect([again.status, again.body.changed]).toEqual([200, 1]);
    const same = await call<DecisionDetail>('dana', 'GET', `/api/v1/decisions/${id}`);
    expect(same.body.review).toEqual(review);
  });

  it('shows no review for an open decision', async () => {
    today = DEMO_AS_OF;
    const opened = await call<DecisionDetail>('marco', 'POST', '/api/v1/decisions', {
      title: 'Sensors a few days later?',
      options: [
        {
          title: 'Sensors on 2026-09-21',
          changes: [{ kind: 'move_milestone', milestone: 'M-SENSORS', plannedDate: '2026-09-21' }],
        },
      ],
    });
    expect(opened.status).toBe(201);
    const shown = await call<DecisionDetail>(
      'marco',
      'GET',
      `/api/v1/decisions/${opened.body.decision.id}`,
    );
    expect([shown.status, shown.body.decision.status, shown.body.review]).toEqual([
      200,
      'open',
      null,
    ]);
  });

  it('predicts what the option gives on the day it is decided, not the day it was added', async () => {
    today = DEMO_AS_OF;
    const opened = await call<DecisionDetail>('marco', 'POST', '/api/v1/decisions', {
      title: 'Sensors a day later?',
      options: [
        {
          title: 'Sensors on 2026-09-22',
          changes: [{ kind: 'move_milestone', milestone: 'M-SENSORS', plannedDate: '2026-09-22' }],
        },
      ],
    });
    expect(opened.status).toBe(201);
    const later = opened.body.decision.id;
    expect(opened.body.decision.options[0]!.result.asOf).toBe(DEMO_AS_OF);
    today = '2026-09-16';
    const decided = await call('marco', 'POST', `/api/v1/decisions/${later}/decide`, {
      option: 1,
      reason: 'the crew is a day late',
    });
    expect(decided.status).toBe(200);
    const { body } = await call<DecisionDetail>('marco', 'GET', `/api/v1/decisions/${later}`);
    const kept = body.history.find((e) => e.action === 'decided')!.detail['prediction'] as
      ScenarioResult | undefined;
    expect(kept?.asOf).toBe('2026-09-16');
    expect(body.review).toMatchObject({ predictedOn: '2026-09-16', predictedWhen: 'decided' });
    expect(body.review!.milestones.find((m) => m.milestone === 'M-SENSORS')?.predicted).toBe(
      kept!.milestones.find((m) => m.id === 'M-SENSORS')!.forecastDate.after,
    );
  });

  it('describes the review in the OpenAPI document', async () => {
    const spec = (await (await fetch(`${base}/docs/json`)).json()) as {
      paths: Record<string, { get?: { responses: Record<string, unknown> } }>;
    };
    const ok = spec.paths['/api/v1/decisions/{id}']!.get!.responses['200'] as {
      content: { 'application/json': { schema: { properties: Record<string, unknown> } } };
    };
    const review = ok.content['application/json'].schema.properties['review'] as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(review.properties)).toEqual(
      expect.arrayContaining(['kpis', 'milestones', 'money', 'awaiting', 'summary']),
    );
  });

  it('refuses hostile reads with a clear error, never a 500 or data', async () => {
    const plain = await rawGet(port, `/api/v1/decisions/${id}`);
    expect(plain.status).toBe(401);
    const encoded = await rawGet(port, `/%61pi/v1/decisions/${id}`);
    expect(encoded.status).toBe(401);
    const bogus = await rawGet(port, `/api/v1/decisions/${id}`, 'tl_not-a-token');
    expect(bogus.status).toBe(401);
    // Another person's token reads the same decision (decisions are visible to everyone).
    const priya = await call<DecisionDetail>('priya', 'GET', `/api/v1/decisions/${id}`);
    expect(priya.status).toBe(200);
    expect(priya.body.review?.option).toBe(chosen.number);
    const nul = await rawGet(port, `/api/v1/decisions/${id}%00`, tokens['dana']);
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.body)).toMatchObject({ code: 'request.invalid' });
    expect(nul.body).toContain('id');
    const decideNul = await call<{ code: string }>(
      'dana',
      'POST',
      `/api/v1/decisions/${id}%00/decide`,
      { option: 1, reason: 'x' },
    );
    expect([decideNul.status, decideNul.body.code]).toEqual([400, 'request.invalid']);
    const missing = await call<{ code: string; message: string }>(
      'dana',
      'GET',
      '/api/v1/decisions/DEC-404',
    );
    expect([missing.status, missing.body.code]).toEqual([404, 'not_found']);
    expect(missing.body.message).toContain('DEC-404');
    const huge = await rawGet(
      port,
      `/api/v1/decisions/${'x'.repeat(2 * 1024 * 1024)}`,
      tokens['dana'],
    );
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(huge.body).not.toContain('review');
  });
});
