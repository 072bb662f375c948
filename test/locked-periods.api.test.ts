import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import type { Plan } from '../src/core/domain/plan.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { listPlanHistory, loadPlan } from '../src/store/plan-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { apiCaller } from './support/api-client.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { SPREADSHEETS } from './support/import-helpers.ts';

/**
 * Locked periods over the API (docs/GOVERNANCE.md "Locked periods"): the demo has August 2026
 * closed by Lena; an import, a push or a plan apply that would change an August figure is refused
 * whole, naming the period and the figure; Lena corrects it with an adjustment; nobody else may
 * close or adjust; bad and hostile input is a clear 4xx.
 */

interface ErrorBody {
  code: string;
  message: string;
  path?: string;
  problems?: { code: string; message: string; path?: string }[];
}

interface Figure {
  label: string;
  frozen: number | null;
  standing: number | null;
  adjustments: { amount: number; reason: string; by: string }[];
}

const STACK_TRACE = /\bat .+\(.+:\d+:\d+\)/;

describe.each(TEST_DATABASES)('locked periods over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    for (const person of ['dana', 'lena', 'omar', 'sam', 'marco'])
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    app = await buildServer(ctx, { demo: true });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const call = apiCaller(() => base, tokens);

  function refused(
    answer: { status: number; body: unknown },
    status: number,
    code: string,
  ): ErrorBody {
    const text = JSON.stringify(answer.body);
    expect(answer.status, text).toBe(status);
    expect(text).not.toMatch(STACK_TRACE);
    expect((answer.body as ErrorBody).code, text).toBe(code);
    return answer.body as ErrorBody;
  }

  const otdAugust = async (): Promise<number | undefined> =>
    (await loadPlan(db))?.kpis.find((k) => k.id === 'K-OTD')?.actuals['2026-08'];
  const planNow = async (): Promise<{ plan: Plan | null; changes: number }> => ({
    plan: await loadPlan(db),
    changes: (await listPlanHistory(db, 100_000)).length,
  });

  it('lists August closed by Lena for anyone signed in, and nobody without a token', async () => {
    const listed = await call<{ periods: Record<string, unknown>[] }>(
      'sam',
      'GET',
      '/api/v1/periods',
    );
    expect(listed.status).toBe(200);
    expect(listed.body.periods).toEqual([
      expect.objectContaining({
        period: '2026-08',
        closedBy: 'lena',
        closedByName: 'Lena Hoffmann',
        adjustments: 0,
      }),
    ]);
    refused(await call(null, 'GET', '/api/v1/periods'), 401, 'auth.missing_token');
    refused(await call(null, 'POST', '/api/v1/periods/2026-09/close'), 401, 'auth.missing_token');
  });

  it('shows the frozen figures and the forecast as it stood at closing', async () => {
    const shown = await call<{ period: { figures: Figure[]; forecast: { kpis: unknown[] } } }>(
      'dana',
      'GET',
      '/api/v1/periods/2026-08',
    );
    expect(shown.status).toBe(200);
    expect(shown.body.period.figures).toContainEqual(
      expect.objectContaining({
        label: 'the actual of K-OTD for 2026-08',
        frozen: 96.1,
        standing: 96.1,
        adjustments: [],
      }),
    );
    expect(shown.body.period.forecast.kpis).toContainEqual(
      expect.objectContaining({ kpi: 'K-OTD', period: '2026-08', actual: 96.1, forecast: 96.1 }),
    );
  });

  it('refuses a spreadsheet re-import that would change an August actual, naming the period and the figure; nothing of it applied', async () => {
    const before = await planNow();
    const mapping = await readFile(`${SPREADSHEETS}kpi-actuals.mapping.json`, 'utf8');
    const query = new URLSearchParams({ source: 'finance', file: 'august-reimport.csv', mapping });
    const response = await fetch(`${base}/api/v1/imports?${query.toString()}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.lena}`, 'content-type': 'text/csv' },
      body: await readFile(`${SPREADSHEETS}august-reimport.csv`),
    });
    const body = refused(
      { status: response.status, body: await response.json() },
      409,
      'period.closed',
    );
    expect(body.message).toMatch(
      /^2026-08 is closed \(by Lena Hoffmann on \d{4}-\d{2}-\d{2}\): the actual of K-OTD for 2026-08 would change from 96\.1 to 95\.2; a controller can record an adjustment$/,
    );
    expect(body.path).toBe('$.kpis[K-OTD].actuals.2026-08');
    // The Q3 downtime row of the same file is not applied either.
    expect(await planNow()).toEqual(before);
  });

  it('refuses a push of an August actual whole, the other actuals of the batch too', async () => {
    const before = await planNow();
    const pushed = await call('lena', 'POST', '/api/v1/push/kpi-actuals', {
      actuals: [
        { kpi: 'K-DOWNTIME', period: '2026-Q3', value: 101 },
        { kpi: 'K-OTD', period: '2026-08', value: 90 },
      ],
    });
    const body = refused(pushed, 409, 'period.closed');
    expect(body.message).toContain('the actual of K-OTD for 2026-08 would change from 96.1 to 90');
    expect(await planNow()).toEqual(before);
  });

  it('refuses a plan apply (and its dry run) that would change or remove an August figure', async () => {
    const before = await planNow();
    const yaml = await readFile(DEMO_FILES.plan, 'utf8');
    expect(yaml).toContain('      2026-08: 96.1\n');
    const post = (text: string, query = '') =>
      fetch(`${base}/api/v1/plan${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.lena}`, 'content-type': 'application/yaml' },
        body: text,
      });
    for (const query of ['', '?dryRun=true']) {
      const moved = await post(yaml.replace('      2026-08: 96.1\n', '      2026-08: 97\n'), query);
      const body = refused(
        { status: moved.status, body: await moved.json() },
        409,
        'period.closed',
      );
      expect(body.message).toContain('would change from 96.1 to 97');
    }
    for (const query of ['', '?prune=true']) {
      const removed = await post(yaml.replace('      2026-08: 96.1\n', ''), query);
      const body = refused(
        { status: removed.status, body: await removed.json() },
        409,
        'period.closed',
      );
      expect(body.message).toContain(
        'the actual of K-OTD for 2026-08 would be removed (it stands at 96.1)',
      );
    }
    expect(await otdAugust()).toBe(96.1);
    // The same plan again changes nothing and is not refused.
    expect((await post(yaml)).status).toBe(200);
    expect((await planNow()).plan).toEqual(before.plan);
  });

  it('lets only finance controllers close or adjust, naming who may', async () => {
    for (const person of ['sam', 'dana', 'omar', 'marco']) {
      const close = refused(
        await call(person, 'POST', '/api/v1/periods/2026-09/close'),
        403,
        'access.forbidden',
      );
      expect(close.message).toContain('Lena Hoffmann');
      refused(
        await call(person, 'POST', '/api/v1/periods/2026-08/adjustments', {
          kpi: 'K-OTD',
          amount: 1,
          reason: 'mine',
        }),
        403,
        'access.forbidden',
      );
    }
    expect(
      (await call<{ periods: unknown[] }>('lena', 'GET', '/api/v1/periods')).body.periods,
    ).toHaveLength(1);
  });

  it('records an adjustment by Lena beside the frozen figure; the figure stands at its new value', async () => {
    const adjusted = await call<{ from: number; to: number; periods: string[] }>(
      'lena',
      'POST',
      '/api/v1/periods/2026-08/adjustments',
      { kpi: 'K-OTD', amount: -0.3, reason: 'Late returns booked after closing' },
    );
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);
    expect(adjusted.body).toMatchObject({ from: 96.1, to: 95.8, periods: ['2026-08'] });
    expect(await otdAugust()).toBe(95.8);
    const shown = await call<{ period: { figures: Figure[] } }>(
      'lena',
      'GET',
      '/api/v1/periods/2026-08',
    );
    const otd = shown.body.period.figures.find((f) => f.label.includes('K-OTD'));
    expect(otd).toMatchObject({
      frozen: 96.1,
      standing: 95.8,
      adjustments: [{ amount: -0.3, reason: 'Late returns booked after closing', by: 'lena' }],
    });
    // The same figure pushed at its standing value is no change; the old value is refused.
    const same = await call('lena', 'POST', '/api/v1/push/kpi-actuals', {
      actuals: [{ kpi: 'K-OTD', period: '2026-08', value: 95.8 }],
    });
    expect(same.status).toBe(200);
    const back = refused(
      await call('lena', 'POST', '/api/v1/push/kpi-actuals', {
        actuals: [{ kpi: 'K-OTD', period: '2026-08', value: 96.1 }],
      }),
      409,
      'period.closed',
    );
    expect(back.message).toContain('would change from 95.8 to 96.1');
    const audit = await call<{ entries: { action: string; actor: string; after: unknown }[] }>(
      'lena',
      'GET',
      '/api/v1/audit?item=period/2026-08',
    );
    expect(audit.body.entries.map((e) => e.action)).toEqual(['period.close', 'period.adjust']);
  });

  it('refuses bad adjustments naming the field, nothing recorded', async () => {
    const cases: [unknown, number, string, RegExp][] = [
      [{ kpi: 'K-OTD', amount: 1, reason: '   ' }, 400, 'request.invalid', /reason/],
      [{ kpi: 'K-OTD', amount: 'one', reason: 'x' }, 400, 'request.invalid', /amount/],
      [{ kpi: 'K-OTD', amount: 0, reason: 'x' }, 400, 'plan.bad_value', /other than 0/],
      [{ amount: 1, reason: 'x' }, 400, 'request.invalid', /name one figure/],
      [
        { kpi: 'K-OTD', initiative: 'I-ERP', amount: 1, reason: 'x' },
        400,
        'request.invalid',
        /name one figure/,
      ],
      [{ kpi: 'K-NOPE', amount: 1, reason: 'x' }, 400, 'plan.unknown_reference', /K-NOPE/],
      [
        { kpi: 'K-OTD', figurePeriod: '2026-09', amount: 1, reason: 'x' },
        400,
        'plan.bad_period',
        /not inside 2026-08/,
      ],
      [
        { initiative: 'I-ERP', amount: 1, reason: 'x' },
        400,
        'plan.bad_value',
        /no budget line for 2026-08/,
      ],
      [{ kpi: 'K-OTD', line: 'actual', amount: 1, reason: 'x' }, 400, 'request.invalid', /line/],
      [
        { kpi: 'K-OTD', amount: 1, reason: 'x', extra: 1 },
        400,
        'request.invalid',
        /extra|additional/,
      ],
      [{ kpi: 'x'.repeat(200_000), amount: 1, reason: 'x' }, 400, 'request.invalid', /body\/kpi/],
    ];
    const before = await planNow();
    for (const [body, status, code, message] of cases) {
      const answer = refused(
        await call('lena', 'POST', '/api/v1/periods/2026-08/adjustments', body),
        status,
        code,
      );
      expect(answer.message).toMatch(message);
    }
    const huge = await call<ErrorBody>('lena', 'POST', '/api/v1/periods/2026-08/adjustments', {
      kpi: 'K-OTD',
      amount: 1,
      reason: 'x'.repeat(2_000_000),
    });
    expect([400, 413]).toContain(huge.status);
    expect(huge.body.code).toMatch(/^request\./);
    refused(
      await call('lena', 'POST', '/api/v1/periods/2026-10/adjustments', {
        kpi: 'K-OTD',
        amount: 1,
        reason: 'x',
      }),
      404,
      'period.not_closed',
    );
    expect(await planNow()).toEqual(before);
  });

  it('refuses bad and hostile periods with a clear error, never a 500', async () => {
    for (const bad of ['2026-13', '2026', '2026-H2', 'august', '2026-8', '2026-W35']) {
      const answer = refused(
        await call('lena', 'POST', `/api/v1/periods/${encodeURIComponent(bad)}/close`),
        400,
        'plan.bad_period',
      );
      expect(answer.message).toContain('is not a month (2026-08) or a quarter (2026-Q3)');
    }
    refused(await call('lena', 'GET', '/api/v1/periods/2026-10'), 404, 'period.not_closed');
    refused(await call('lena', 'GET', '/api/v1/periods/nonsense'), 400, 'plan.bad_period');
    for (const hostile of ['2026-08%00', '%00', '2026%2F08', '..%2F..%2Fetc']) {
      const answer = await call('lena', 'POST', `/api/v1/periods/${hostile}/close`);
      expect(answer.status, hostile).toBeGreaterThanOrEqual(400);
      expect(answer.status, hostile).toBeLessThan(500);
    }
    const long = await fetch(`${base}/api/v1/periods/${'9'.repeat(2_000_000)}`, {
      headers: { authorization: `Bearer ${tokens.lena}` },
    });
    expect(long.status).toBeGreaterThanOrEqual(400);
    expect(long.status).toBeLessThan(500);
    expect(
      (await call<{ periods: unknown[] }>('lena', 'GET', '/api/v1/periods')).body.periods,
    ).toHaveLength(1);
  });

  it('refuses closing a closed period again, and a month inside a closed quarter', async () => {
    const again = refused(
      await call('lena', 'POST', '/api/v1/periods/2026-08/close'),
      409,
      'period.already_closed',
    );
    expect(again.message).toMatch(/^2026-08 is closed already \(by Lena Hoffmann on /);
    const quarter = await call<{ period: { period: string; figures: Figure[] } }>(
      'lena',
      'POST',
      '/api/v1/periods/2026-Q3/close',
    );
    expect(quarter.status, JSON.stringify(quarter.body)).toBe(201);
    expect(quarter.body.period.figures.map((f) => f.label)).toEqual(
      expect.arrayContaining([
        'the actual of K-OTD for 2026-Q3',
        'the actual of K-OTD for 2026-08',
        'the plan budget of I-ERP for 2026-Q3',
      ]),
    );
    const inside = refused(
      await call('lena', 'POST', '/api/v1/periods/2026-09/close'),
      409,
      'period.already_closed',
    );
    expect(inside.message).toContain('2026-09 is inside 2026-Q3, which closed already');
    // An adjustment of August now stands in both closed periods.
    const adjusted = await call<{ periods: string[] }>(
      'lena',
      'POST',
      '/api/v1/periods/2026-08/adjustments',
      {
        kpi: 'K-OTD',
        amount: 0.1,
        reason: 'Rounding',
      },
    );
    expect(adjusted.status).toBe(201);
    expect(adjusted.body.periods).toEqual(['2026-08', '2026-Q3']);
    const q3Push = refused(
      await call('lena', 'POST', '/api/v1/push/kpi-actuals', {
        actuals: [{ kpi: 'K-DOWNTIME', period: '2026-Q3', value: 100 }],
      }),
      409,
      'period.closed',
    );
    expect(q3Push.message).toContain('2026-Q3 is closed');
  });
});
