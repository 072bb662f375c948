import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { loadDemo } from '../src/app/load-demo.ts';
import type { ErrorCode } from '../src/core/errors.ts';
import { MAX_ID_LENGTH } from '../src/core/storable-text.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { listPlanHistory, loadPlan } from '../src/store/plan-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { loadWorkItems } from '../src/store/work-item-store.ts';
import { DEMO_PLAN_TEXT, lineOf, withChange } from './support/bad-plans.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';

/**
 * Hostile input over HTTP: text PostgreSQL cannot store (NUL, lone surrogates), ids of
 * megabytes, nesting of thousands of levels. Each is a 400 naming its place, and nothing is
 * stored; a fault of ours is a 500 that is logged under the request id it quotes.
 */

interface ErrorBody {
  code: string;
  message: string;
  path?: string;
  requestId?: string;
  problems?: { code: string; path?: string; file?: string; line?: number; column?: number }[];
}

const TWO_MB = 'x'.repeat(2 * 1024 * 1024);
const DEMO_PLAN = parse(DEMO_PLAN_TEXT) as {
  organisation: Record<string, unknown>;
  dependencies: Record<string, unknown>[];
};

/** The demo plan as pretty JSON, with one change to its organisation. */
function demoJson(change: (plan: typeof DEMO_PLAN) => void): string {
  const plan = structuredClone(DEMO_PLAN);
  change(plan);
  return JSON.stringify(plan, null, 2);
}

async function expectError(
  response: Response,
  status: number,
  code: ErrorCode,
): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, text.slice(0, 500)).toBe(status);
  // Never megabytes back: a message quotes the start of what it refuses, not all of it.
  expect(text.length).toBeLessThan(10_000);
  const body = JSON.parse(text) as ErrorBody;
  expect(body.code, text.slice(0, 500)).toBe(code);
  return body;
}

describe.each(TEST_DATABASES)('the API refuses hostile input on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let token: string;
  let planBefore: Awaited<ReturnType<typeof loadPlan>>;
  let historyBefore: Awaited<ReturnType<typeof listPlanHistory>>;
  let workBefore: Awaited<ReturnType<typeof loadWorkItems>>;

  function post(path: string, body: string, contentType: string, headers = {}): Promise<Response> {
    return fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
      body,
    });
  }

  async function expectNothingStored(): Promise<void> {
    expect(await loadPlan(db)).toEqual(planBefore);
    expect(await listPlanHistory(db, 10_000)).toEqual(historyBefore);
    expect(await loadWorkItems(db)).toEqual(workBefore);
  }

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock('2026-09-14') };
    await loadDemo(ctx, undefined);
    token = await createApiToken(db, 'dana', 'test', new Date());
    app = await buildServer(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    planBefore = await loadPlan(db);
    historyBefore = await listPlanHistory(db, 10_000);
    workBefore = await loadWorkItems(db);
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  describe.each(['/api/v1/plan', '/api/v1/plan/validate'])('POST %s', (route) => {
    it('refuses a NUL character in a JSON plan with 400, naming the line and the JSON path', async () => {
      const json = demoJson((plan) => {
        plan.organisation.name = 'Acme\u0000Manufacturing';
      });
      const body = await expectError(
        await post(route, json, 'application/json'),
        400,
        'plan.bad_value',
      );
      expect(body.path).toBe('$.organisation.name');
      expect(body.message).toContain('NUL character');
      expect(body.problems?.[0]).toMatchObject({
        file: 'request body',
        line: lineOf(json, '"name": "Acme\\u0000'),
      });
      await expectNothingStored();
    });

    it('refuses an unpaired surrogate in a YAML plan with 400, naming the line', async () => {
      const yaml = withChange(DEMO_PLAN_TEXT, 'name: Acme Manufacturing', 'name: "Acme \\uD800"');
      const body = await expectError(
        await post(route, yaml, 'application/yaml'),
        400,
        'plan.bad_value',
      );
      expect(body.path).toBe('$.organisation.name');
      expect(body.message).toContain('unpaired UTF-16 surrogate');
      expect(body.problems?.[0]).toMatchObject({ line: lineOf(yaml, 'name: "Acme \\uD800"') });
      await expectNothingStored();
    });

    it('refuses an organisation id of 2 MB with 400, naming it without quoting it', async () => {
      const json = demoJson((plan) => {
        plan.organisation.id = TWO_MB;
      });
      const body = await expectError(
        await post(route, json, 'application/json'),
        400,
        'plan.bad_value',
      );
      expect(body.path).toBe('$.organisation.id');
      expect(body.message).toContain(`at most ${MAX_ID_LENGTH}`);
      expect(body.problems?.[0]).toMatchObject({
        file: 'request body',
        line: expect.any(Number) as number,
      });
      await expectNothingStored();
    });

    it('refuses a reference of 2 MB (a dependency on a milestone) with 400', async () => {
      const json = demoJson((plan) => {
        plan.dependencies[0]!.predecessor = TWO_MB;
      });
      const body = await expectError(
        await post(route, json, 'application/json'),
        400,
        'plan.bad_value',
      );
      expect(body.path).toBe('$.dependencies[0].predecessor');
      await expectNothingStored();
    });

    it('refuses JSON nested 20,000 levels deep with 400 file.parse, once', async () => {
      const json = `{"organisation": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
      const body = await expectError(
        await post(route, json, 'application/json'),
        400,
        'file.parse',
      );
      expect(body.message).toContain('nested too deeply');
      expect(body.problems).toHaveLength(1);
      await expectNothingStored();
    });

    it('refuses a YAML alias bomb with 400 file.parse', async () => {
      const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
      for (let k = 1; k < 8; k++) {
        const previous = String.fromCharCode(96 + k);
        const name = String.fromCharCode(97 + k);
        levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
      }
      const yaml = `${levels.join('\n')}\norganisation: *h\n`;
      await expectError(await post(route, yaml, 'application/yaml'), 400, 'file.parse');
      await expectNothingStored();
    });
  });

  describe('the push API', () => {
    const item = (fields: Record<string, unknown>): string =>
      JSON.stringify({
        source: 'servicenow',
        items: [
          {
            key: 'CHG-1',
            summary: 'Cut over',
            status: 'Scheduled',
            statusCategory: 'todo',
            updatedAt: '2026-09-14T09:30:00Z',
            ...fields,
          },
        ],
      });

    it.each([
      ['a NUL in a summary', { summary: 'Cut\u0000over' }, 'body.items[0].summary'],
      ['a NUL in a key', { key: 'CHG-\u00001' }, 'body.items[0].key'],
      ['a NUL in a blocking key', { blockedBy: ['\u0000'] }, 'body.items[0].blockedBy[0]'],
      [
        'an unpaired surrogate in a link',
        { links: [{ relation: 'blocks\ud800', key: 'CHG-2' }] },
        'body.items[0].links[0].relation',
      ],
    ])(
      'refuses work items with %s with 400 request.invalid naming the place',
      async (_, fields, path) => {
        const body = await expectError(
          await post('/api/v1/push/work-items', item(fields), 'application/json'),
          400,
          'request.invalid',
        );
        expect(body.path).toBe(path);
        expect(body.message).toMatch(/NUL character|unpaired UTF-16 surrogate/);
        await expectNothingStored();
      },
    );

    it('refuses a blocking key of 2 MB with 400 request.invalid', async () => {
      const body = await expectError(
        await post('/api/v1/push/work-items', item({ blockedBy: [TWO_MB] }), 'application/json'),
        400,
        'request.invalid',
      );
      expect(body.path).toBe('body/items/0/blockedBy/0');
      await expectNothingStored();
    });

    it('refuses KPI actuals with a NUL in the source, with an idempotency key, with 400', async () => {
      const body = await expectError(
        await post(
          '/api/v1/push/kpi-actuals',
          JSON.stringify({
            source: 'bi\u0000',
            actuals: [{ kpi: 'K-OTD', period: '2026-Q3', value: 96.1 }],
          }),
          'application/json',
          { 'idempotency-key': 'hostile-nul-source' },
        ),
        400,
        'request.invalid',
      );
      expect(body.path).toBe('body.source');
      await expectNothingStored();
    });

    it('refuses KPI actuals with an unpaired surrogate in the source with 400', async () => {
      const body = await expectError(
        await post(
          '/api/v1/push/kpi-actuals',
          JSON.stringify({
            source: 'bi\udc00',
            actuals: [{ kpi: 'K-OTD', period: '2026-Q3', value: 96.1 }],
          }),
          'application/json',
        ),
        400,
        'request.invalid',
      );
      expect(body.path).toBe('body.source');
      await expectNothingStored();
    });
  });
});

describe('a fault of ours', () => {
  it('is logged with its request id by default, and the 500 answer quotes that id', async () => {
    const db = await openTestDatabase({ name: 'pglite' });
    const ctx: AppContext = { db, clock: pinnedClock('2026-09-14') };
    await loadDemo(ctx, undefined);
    const token = await createApiToken(db, 'dana', 'test', new Date());
    const lines: string[] = [];
    // No `logger` option: what every server does unless told to log requests too.
    const app = await buildServer(ctx, { logStream: { write: (line) => lines.push(line) } });
    try {
      // A database that is not what the code expects is a fault of ours, not of the request.
      await db.exec('ALTER TABLE plan_entity RENAME TO plan_entity_gone');
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/plan',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(500);
      const body = response.json<ErrorBody>();
      expect(body.code).toBe('internal');
      expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.message).toContain(body.requestId);
      const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const fault = logged.find((entry) => entry.reqId === body.requestId);
      expect(fault, lines.join('')).toMatchObject({ level: 50, msg: 'unexpected error' });
      expect(fault?.err).toMatchObject({ message: expect.any(String) as string });
      // Requests themselves are not logged unless asked (THROUGHLINE_LOG=1): quiet by default.
      expect(logged.filter((entry) => entry.msg === 'incoming request')).toEqual([]);
    } finally {
      await app.close();
      await db.close();
    }
  }, 120_000);
});
