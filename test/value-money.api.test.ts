import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../src/app/apply-plan.ts';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, loadDemo } from '../src/app/load-demo.ts';
import type { Plan } from '../src/core/domain/plan.ts';
import { emptyPlan } from '../src/core/plan/diff-plan.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { loadPlan } from '../src/store/plan-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { apiCaller } from './support/api-client.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';

/**
 * Money and validated value over the API (docs/GOVERNANCE.md): the demo's budgets rolled up with
 * their forecast at completion, Lena validating the ERP's August invoicing benefit, the refusals
 * (the benefit's owner, anyone who is not a finance controller) and bad input, and a benefit that
 * stays below its promise raising a value signal and a stop / continue decision.
 */

interface InitiativeMoney {
  initiative: string;
  plan: number;
  committed: number;
  actual: number;
  planToDate: number;
  eac: number;
  runRate: number | null;
  overrun: boolean;
  benefitsRealised: number;
  benefitsForecast: number;
  roi: { toDate: number | null; atCompletion: number | null };
}
interface Portfolio {
  asOf: string;
  totals: InitiativeMoney;
  initiatives: InitiativeMoney[];
  objectives: (InitiativeMoney & {
    objective: string;
    initiatives: { id: string; share: number }[];
  })[];
}
interface Value {
  benefit: string;
  landedOn: string | null;
  status: string;
  mayValidate: boolean;
  periods: {
    period: string;
    promised: number;
    claimed: number;
    realised: number;
    status: string;
  }[];
}
interface ErrorBody {
  code: string;
  message: string;
  path?: string;
}

// Q3 2026 has 92 days; on 2026-09-14, 76 of them have gone by.
const Q3_GONE = 76 / 92;

describe.each(TEST_DATABASES)('money and validated value over the API on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
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
  const validate = (as: string | null, benefit: string, body: unknown) =>
    call<ErrorBody & { duplicate: boolean }>(
      as,
      'POST',
      `/api/v1/benefits/${encodeURIComponent(benefit)}/validations`,
      body,
    );

  it("rolls the demo's budgets up with the forecast at completion from the run rate", async () => {
    const { status, body } = await call<Portfolio>('dana', 'GET', '/api/v1/money');
    expect(status).toBe(200);
    const erp = body.initiatives.find((i) => i.initiative === 'I-ERP')!;
    const planToDate = 250_000 + 300_000 + 400_000 * Q3_GONE;
    const runRate = 835_500 / planToDate;
    expect(erp).toMatchObject({
      plan: 1_300_000,
      committed: 1_070_000,
      actual: 835_500,
      overrun: false,
    });
    expect(erp.planToDate).toBeCloseTo(planToDate, 6);
    expect(erp.runRate).toBeCloseTo(runRate, 9);
    expect(erp.eac).toBeCloseTo(835_500 + (350_000 + 400_000 * (1 - Q3_GONE)) * runRate, 6);
    expect(Math.round(erp.eac)).toBe(1_233_652);
    const proc = body.initiatives.find((i) => i.initiative === 'I-PROC')!;
    expect(proc).toMatchObject({ plan: 210_000, actual: 45_000 });
    expect(proc.eac).toBeCloseTo(
      45_000 + (120_000 + 90_000 * (1 - Q3_GONE)) * (45_000 / (90_000 * Q3_GONE)),
      6,
    );
    // I-MAINT serves two objectives: half of its money in each. O-COST holds its child O-MAINT.
    const maint = body.initiatives.find((i) => i.initiative === 'I-MAINT')!;
    const objective = (id: string) => body.objectives.find((o) => o.objective === id)!;
    expect(objective('O-MAINT').plan).toBe(70_000);
    expect(objective('O-CUSTOMER').initiatives).toEqual([{ id: 'I-MAINT', share: 0.5 }]);
    expect(objective('O-COST').plan).toBe(1_300_000 + 210_000 + 70_000);
    expect(body.totals.plan).toBe(1_300_000 + 210_000 + 140_000);
    expect(body.totals.eac).toBeCloseTo(erp.eac + proc.eac + maint.eac, 6);
    // Realised so far on I-ERP: the invoicing benefit's July and August actuals.
    expect(erp.benefitsRealised).toBe(19_500 + 41_000);
  });

  it('keeps confidential initiatives out of the money of those not cleared for them', async () => {
    const dana = (await call<Portfolio>('dana', 'GET', '/api/v1/money')).body;
    const priya = (await call<Portfolio>('priya', 'GET', '/api/v1/money')).body;
    expect(dana.initiatives.map((i) => i.initiative)).toContain('I-DIVEST');
    expect(priya.initiatives.map((i) => i.initiative)).not.toContain('I-DIVEST');
    expect(priya.objectives.map((o) => o.objective)).not.toContain('O-PORTFOLIO');
    const hidden = await call<ErrorBody>('priya', 'GET', '/api/v1/initiatives/I-DIVEST/money');
    expect(hidden.status).toBe(404);
    expect(
      (await call<ErrorBody>('priya', 'GET', '/api/v1/objectives/O-PORTFOLIO/money')).status,
    ).toBe(404);
    const one = await call<{ money: InitiativeMoney }>(
      'priya',
      'GET',
      '/api/v1/initiatives/I-ERP/money',
    );
    expect(one.status).toBe(200);
    expect(one.body.money.plan).toBe(1_300_000);
    const cost = await call<{ money: { plan: number } }>(
      'dana',
      'GET',
      '/api/v1/objectives/O-COST/money',
    );
    expect(cost.body.money.plan).toBe(1_580_000);
    expect((await call<ErrorBody>(null, 'GET', '/api/v1/money')).status).toBe(401);
  });

  it('shows a benefit claimed until Lena validates August, once (the same request twice stores one row)', async () => {
    const before = await call<Value>('priya', 'GET', '/api/v1/benefits/B-ERP-INVOICING/value');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      landedOn: '2026-07-17',
      status: 'claimed',
      mayValidate: false,
    });
    expect(before.body.periods.map((p) => [p.period, p.promised, p.claimed, p.status])).toEqual([
      ['2026-07', 22_500, 19_500, 'claimed'],
      ['2026-08', 46_500, 41_000, 'claimed'],
    ]);
    const body = {
      period: '2026-08',
      amount: 40_250,
      note: 'Matched to the AP ledger, August close',
    };
    const first = await validate('lena', 'B-ERP-INVOICING', body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await validate('lena', 'B-ERP-INVOICING', body);
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const after = await call<Value>('lena', 'GET', '/api/v1/benefits/B-ERP-INVOICING/value');
    expect(after.body.mayValidate).toBe(true);
    expect(after.body.periods[1]).toMatchObject({
      period: '2026-08',
      realised: 40_250,
      status: 'validated',
    });
    const rows = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM value_validation WHERE benefit_id = 'B-ERP-INVOICING'",
    );
    expect(rows[0]!.n).toBe(1);
    const audit = await db.query<{ actor: string; after: unknown }>(
      "SELECT actor, after FROM audit_log WHERE action = 'value.validate' ORDER BY seq",
    );
    expect(audit).toEqual([
      { actor: 'lena', after: { period: '2026-08', amount: 40_250, note: body.note } },
    ]);
    await expect(db.query('DELETE FROM value_validation')).rejects.toThrow(/append-only/);
  });

  it('refuses anyone who is not a finance controller, naming who may', async () => {
    const body = { period: '2026-07', amount: 19_500, note: 'July' };
    for (const who of ['dana', 'omar', 'sam', 'priya']) {
      const answer = await validate(who, 'B-ERP-INVOICING', body);
      expect(answer.status, who).toBe(403);
      expect(answer.body.code).toBe('access.forbidden');
      expect(answer.body.message).toMatch(
        /Only a finance controller \(Lena Hoffmann\) may validate/,
      );
    }
    expect((await validate(null, 'B-ERP-INVOICING', body)).status).toBe(401);
  });

  it('refuses bad input naming the field, storing nothing', async () => {
    const ok = { period: '2026-07', amount: 19_500, note: 'July' };
    const cases: [string, unknown, number, RegExp][] = [
      ['B-NONE', ok, 404, /no benefit 'B-NONE'/],
      ['B-DIVEST-COST', ok, 400, /M-DIVEST-CLOSE has not landed/],
      [
        'B-ERP-INVOICING',
        { ...ok, period: '2026-13' },
        400,
        /period: '2026-13' is not a reporting period/,
      ],
      ['B-ERP-INVOICING', { ...ok, period: '2026-09' }, 400, /no actual for 2026-09/],
      ['B-ERP-INVOICING', { ...ok, period: '2026-06' }, 400, /no actual for 2026-06/],
      ['B-ERP-INVOICING', { ...ok, amount: -1 }, 400, /amount/],
      ['B-ERP-INVOICING', { ...ok, amount: 'NaN' }, 400, /amount/],
      ['B-ERP-INVOICING', { ...ok, amount: 1e300 }, 400, /amount/],
      ['B-ERP-INVOICING', { ...ok, note: 'a\u0000b' }, 400, /note.*NUL/],
      ['B-ERP-INVOICING', { ...ok, note: '   ' }, 400, /note/],
      ['B-ERP-INVOICING', { ...ok, note: 'x'.repeat(2_000_001) }, 400, /note/],
      ['B-ERP-INVOICING', { period: '2026-07' }, 400, /amount/],
      ['B-ERP-INVOICING', { ...ok, extra: 1 }, 400, /./],
      ['x'.repeat(300), ok, 414, /./],
    ];
    for (const [benefit, body, status, message] of cases) {
      const answer = await validate('lena', benefit, body);
      expect(answer.status, `${benefit.slice(0, 20)} ${JSON.stringify(body).slice(0, 80)}`).toBe(
        status,
      );
      expect(answer.body.message).toMatch(message);
    }
    expect((await call<ErrorBody>('lena', 'GET', '/api/v1/benefits/%00/value')).status).toBe(400);
    // A 2 MB id is refused before any route runs (headers too large), never a 500.
    const huge = await fetch(`${base}/api/v1/benefits/${'x'.repeat(2_000_000)}/validations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.lena!}`, 'content-type': 'application/json' },
      body: JSON.stringify(ok),
    });
    expect(huge.status).toBe(431);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM value_validation');
    expect(rows[0]!.n).toBe(1);
  });

  it("refuses the owner of the benefit's initiative even when they are a finance controller", async () => {
    const stored = (await loadPlan(db))!;
    const priya = stored.people.find((p) => p.id === 'priya')!;
    await applyPlan(
      ctx,
      { ...emptyPlan(stored.organisation), people: [{ ...priya, roles: ['finance_controller'] }] },
      { actor: 'lena' },
    );
    const answer = await validate('priya', 'B-ERP-INVOICING', {
      period: '2026-07',
      amount: 19_500,
      note: 'my own',
    });
    expect(answer.status).toBe(403);
    expect(answer.body.message).toMatch(/never Priya Shah, the owner of I-ERP/);
    await applyPlan(ctx, { ...emptyPlan(stored.organisation), people: [priya] }, { actor: 'lena' });
  });

  it('raises a value signal for a benefit below its promise two months running, an overrun signal, and a stop decision where the return turned negative', async () => {
    const stored = (await loadPlan(db))!;
    // 1,000 a day from 2026-04-30; May and June far below; Q2 over its budget.
    const test: Plan = {
      ...emptyPlan(stored.organisation),
      kpis: [
        {
          id: 'K-TEST',
          name: 'Test savings',
          owner: 'marco',
          unitOfMeasure: 'USD',
          direction: 'higher_is_better',
          baseline: 0,
          targets: {},
          actuals: { '2026-05': 10_000, '2026-06': 12_000 },
          objectives: ['O-COST'],
        },
      ],
      initiatives: [
        {
          id: 'I-TEST',
          name: 'Test initiative',
          owner: 'marco',
          unit: 'OPS',
          objectives: ['O-COST'],
          budget: { '2026-Q2': { plan: 300_000, committed: 300_000, actual: 330_000 } },
        },
      ],
      milestones: [
        {
          id: 'M-TEST',
          name: 'Test live',
          initiative: 'I-TEST',
          plannedDate: '2026-04-30',
          work: { keys: [], epics: [] },
        },
      ],
      benefits: [{ id: 'B-TEST', milestone: 'M-TEST', kpi: 'K-TEST', amountPerWeek: 7000 }],
    };
    await applyPlan(ctx, test, { actor: 'lena' });
    const signals = (
      await call<{
        signals: { id: string; kind: string; chain: { kind: string; id: string }[] }[];
      }>('dana', 'GET', '/api/v1/signals')
    ).body.signals;
    const value = signals.find((s) => s.id === 'value.below_promise:B-TEST');
    expect(value?.chain.map((s) => `${s.kind}:${s.id}`)).toEqual([
      'benefit:B-TEST',
      'kpi:K-TEST',
      'initiative:I-TEST',
      'objective:O-COST',
    ]);
    const overrun = signals.find((s) => s.id === 'budget.overrun:I-TEST');
    expect(overrun?.chain.map((s) => `${s.kind}:${s.id}`)).toEqual([
      'initiative:I-TEST',
      'objective:O-COST',
    ]);
    // The demo's own initiatives neither overrun nor fall short.
    expect(
      signals
        .filter((s) => s.kind === 'budget.overrun' || s.kind === 'value.below_promise')
        .map((s) => s.id)
        .sort(),
    ).toEqual(['budget.overrun:I-TEST', 'value.below_promise:B-TEST']);
    const decisions = (
      await call<{
        decisions: {
          signal: string | null;
          kinds: string[];
          decider: { person: string };
          status: string;
        }[];
      }>('dana', 'GET', '/api/v1/decisions')
    ).body.decisions;
    const stop = decisions.filter((d) => d.signal === 'value.below_promise:B-TEST');
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatchObject({ kinds: ['stop'], status: 'open' });
    expect(['dana', 'grace']).toContain(stop[0]!.decider.person);

    // Lena validates June above the threshold: the shortfall streak breaks, the signal resolves.
    const answer = await validate('lena', 'B-TEST', {
      period: '2026-06',
      amount: 25_000,
      note: 'late invoices',
    });
    expect(answer.status).toBe(201);
    const open = (await call<{ signals: { id: string }[] }>('dana', 'GET', '/api/v1/signals')).body
      .signals;
    expect(open.map((s) => s.id)).not.toContain('value.below_promise:B-TEST');
    // Marco owns I-TEST: it is not his to validate, controller or not.
    const own = await validate('marco', 'B-TEST', {
      period: '2026-05',
      amount: 31_000,
      note: 'mine',
    });
    expect(own.status).toBe(403);
  });
});
