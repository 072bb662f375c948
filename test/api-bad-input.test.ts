import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { loadDemo } from '../src/app/load-demo.ts';
import type { ErrorCode } from '../src/core/errors.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { listPlanHistory, loadPlan } from '../src/store/plan-store.ts';
import { listSignals } from '../src/store/signal-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { loadWorkItems } from '../src/store/work-item-store.ts';
import { BAD_PLANS, DEMO_PLAN_TEXT, lineOf, SYNTAX_ERROR_PLAN } from './support/bad-plans.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';

/** What an error answer may hold, and nothing else. */
const ERROR_KEYS = ['code', 'message', 'path', 'problems'];

/** A line of a stack trace (`at fn (file.ts:1:2)`) or a source location of ours. */
const STACK_TRACE = /^\s*at\s|\bat\s+\S+\s+\(|\.(?:ts|js|mjs|cjs):\d+:\d+/m;

interface ErrorBody {
  code: string;
  message: string;
  path?: string;
  problems?: {
    code: string;
    message: string;
    path?: string;
    file?: string;
    line?: number;
    column?: number;
  }[];
}

/** Checks an answer is a JSON error with this status and code, and no internals; returns its body. */
async function expectError(
  response: Response,
  status: number,
  code: ErrorCode,
): Promise<ErrorBody> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(text).not.toMatch(STACK_TRACE);
  expect(text).not.toContain('node_modules');
  expect(text).not.toContain('FST_ERR');
  const body = JSON.parse(text) as ErrorBody;
  expect(
    Object.keys(body).every((key) => ERROR_KEYS.includes(key)),
    text,
  ).toBe(true);
  expect(body.code).toBe(code);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  return body;
}

describe.each(TEST_DATABASES)('the API refuses bad input on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let token: string;
  /** The stored plan (as GET /api/v1/plan answers it), its history, the work and the signals after the demo. */
  let planBefore: unknown;
  let historyBefore: Awaited<ReturnType<typeof listPlanHistory>>;
  let storedPlanBefore: Awaited<ReturnType<typeof loadPlan>>;
  let workBefore: Awaited<ReturnType<typeof loadWorkItems>>;
  let signalsBefore: Awaited<ReturnType<typeof listSignals>>;

  function call(path: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
    const { auth = true, headers, ...rest } = init;
    return fetch(`${base}${path}`, {
      ...rest,
      headers: {
        ...(auth ? { authorization: `Bearer ${token}` } : {}),
        ...(headers as Record<string, string>),
      },
    });
  }

  function postPlan(
    text: string,
    contentType = 'application/yaml',
    path = '/api/v1/plan',
  ): Promise<Response> {
    return call(path, { method: 'POST', headers: { 'content-type': contentType }, body: text });
  }

  async function storedPlanAnswer(): Promise<unknown> {
    const response = await call('/api/v1/plan');
    expect(response.status).toBe(200);
    return response.json();
  }

  /** The stored plan and its history are exactly as they were after the demo loaded. */
  async function expectPlanUnchanged(): Promise<void> {
    expect(await storedPlanAnswer()).toEqual(planBefore);
    expect(await loadPlan(db)).toEqual(storedPlanBefore);
    expect(await listPlanHistory(db, 10_000)).toEqual(historyBefore);
  }

  /** The work mirrored from Jira and the signals are exactly as they were. */
  async function expectWorkUnchanged(): Promise<void> {
    expect(await loadWorkItems(db)).toEqual(workBefore);
    expect(await listSignals(db, true)).toEqual(signalsBefore);
  }

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock('2026-09-14') };
    await loadDemo(ctx, undefined);
    token = await createApiToken(db, 'dana', 'test', new Date());
    app = await buildServer(ctx);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    planBefore = await storedPlanAnswer();
    storedPlanBefore = await loadPlan(db);
    historyBefore = await listPlanHistory(db, 10_000);
    workBefore = await loadWorkItems(db);
    signalsBefore = await listSignals(db, true);
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('starts from the demo plan, which the API takes back without a change', async () => {
    // Guards the checks below: "unchanged" means something only when there is a plan to change.
    expect(planBefore).toMatchObject({
      organisation: { id: 'acme' },
      objectives: expect.arrayContaining([
        expect.objectContaining({ id: 'O-CUSTOMER', name: 'Ship on time, every time' }),
      ]) as unknown,
    });
    expect(historyBefore.length).toBeGreaterThan(0);
    expect(workBefore.length).toBeGreaterThan(0);
    const response = await postPlan(DEMO_PLAN_TEXT);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ dryRun: false, changes: [] });
    await expectPlanUnchanged();
  });

  describe.each(BAD_PLANS)('POST /api/v1/plan with $name', ({ text, problem }) => {
    it(`answers 400 ${problem.code} naming the place, and stores nothing`, async () => {
      const body = await expectError(await postPlan(text), 400, problem.code);
      expect(body.message).toBe(problem.message);
      expect(body.path).toBe(problem.path);
      expect(body.problems).toEqual([{ ...problem, file: 'request body' }]);
      await expectPlanUnchanged();
    });

    it('is refused the same way by POST /api/v1/plan/validate', async () => {
      const body = await expectError(
        await postPlan(text, 'application/yaml', '/api/v1/plan/validate'),
        400,
        problem.code,
      );
      expect(body.problems).toEqual([{ ...problem, file: 'request body' }]);
      await expectPlanUnchanged();
    });
  });

  it('refuses a plan that is not YAML, naming the line and column', async () => {
    const body = await expectError(await postPlan(SYNTAX_ERROR_PLAN.text), 400, 'file.parse');
    expect(body.problems).toEqual([{ ...SYNTAX_ERROR_PLAN.problem, file: 'request body' }]);
    await expectPlanUnchanged();
  });

  it('refuses a JSON plan with an unknown field, naming the line of the JSON text', async () => {
    const plan = parse(DEMO_PLAN_TEXT) as { initiatives: Record<string, unknown>[] };
    plan.initiatives[2] = { ...plan.initiatives[2], sponsor: 'grace' };
    const json = JSON.stringify(plan, null, 2);
    const body = await expectError(
      await postPlan(json, 'application/json'),
      400,
      'plan.unknown_field',
    );
    expect(body.path).toBe('$.initiatives[2].sponsor');
    expect(body.message).toContain("unknown field 'sponsor' in initiative 'I-MAINT'");
    expect(body.problems?.[0]).toMatchObject({
      file: 'request body',
      line: lineOf(json, '"sponsor"'),
    });
    await expectPlanUnchanged();
  });

  it('refuses a plan body that is not JSON, naming line 1', async () => {
    const body = await expectError(
      await postPlan('{not json', 'application/json'),
      400,
      'file.parse',
    );
    expect(body.problems?.[0]).toMatchObject({ code: 'file.parse', file: 'request body', line: 1 });
    await expectPlanUnchanged();
  });

  it('refuses a plan upload of 50 MB with 413, and keeps answering', async () => {
    const huge = `"${'x'.repeat(50 * 1024 * 1024 - 2)}"`;
    await expectError(await postPlan(huge, 'application/json'), 413, 'request.too_large');
    expect((await call('/health', { auth: false })).status).toBe(200);
    await expectPlanUnchanged();
  });

  describe('POST /api/v1/jira/ingest', () => {
    function ingest(body: string, init: RequestInit & { auth?: boolean } = {}): Promise<Response> {
      return call('/api/v1/jira/ingest', {
        method: 'POST',
        body,
        ...init,
        headers: {
          'content-type': 'application/json',
          ...(init.headers as Record<string, string>),
        },
      });
    }

    it('refuses a body that is not JSON with 400 request.bad_json', async () => {
      const body = await expectError(await ingest('{not json'), 400, 'request.bad_json');
      expect(body.message).toMatch(/JSON/);
      await expectWorkUnchanged();
    });

    it('refuses an empty JSON body with 400 request.bad_json', async () => {
      await expectError(await ingest(''), 400, 'request.bad_json');
      await expectWorkUnchanged();
    });

    it('refuses a body it cannot read with 415 request.unsupported_media_type', async () => {
      const response = await ingest('<issues/>', {
        headers: { 'content-type': 'application/xml' },
      });
      await expectError(response, 415, 'request.unsupported_media_type');
      await expectWorkUnchanged();
    });

    it('refuses a request without a token with 401 auth.missing_token', async () => {
      const body = await expectError(
        await ingest('{}', { auth: false }),
        401,
        'auth.missing_token',
      );
      expect(body.path).toBe('headers.authorization');
      expect(body.message).toContain('Authorization: Bearer');
      await expectWorkUnchanged();
    });

    it('refuses a request with a token that is not one of ours with 401 auth.bad_token', async () => {
      const response = await ingest('{}', {
        auth: false,
        headers: { authorization: 'Bearer tl_not-a-real-token' },
      });
      const body = await expectError(response, 401, 'auth.bad_token');
      expect(body.path).toBe('headers.authorization');
      await expectWorkUnchanged();
    });

    it('checks the token before it reads the body', async () => {
      await expectError(await ingest('{not json', { auth: false }), 401, 'auth.missing_token');
    });

    it('refuses an upload of 50 MB with 413 request.too_large, and keeps answering', async () => {
      const huge = `"${'x'.repeat(50 * 1024 * 1024 - 2)}"`;
      expect(Buffer.byteLength(huge)).toBe(50 * 1024 * 1024);
      await expectError(await ingest(huge), 413, 'request.too_large');
      const health = await call('/health', { auth: false });
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      await expectWorkUnchanged();
    });

    it('refuses a payload of the wrong shape with 400 jira.bad_payload naming the JSON path', async () => {
      const payload = { issues: [{ id: '10017', key: 'ERP-17', fields: { summary: 42 } }] };
      const body = await expectError(
        await ingest(JSON.stringify(payload)),
        400,
        'jira.bad_payload',
      );
      expect(body.path).toBe('$.issues[0].fields.summary');
      expect(body.message).toMatch(
        /^request body: \$\.issues\[0\]\.fields\.summary has the wrong type/,
      );
      expect(body.problems?.[0]).toMatchObject({
        code: 'jira.bad_payload',
        path: '$.issues[0].fields.summary',
        file: 'request body',
      });
      await expectWorkUnchanged();
    });

    it('refuses JSON that is no Jira payload at all with 400 jira.bad_payload', async () => {
      const body = await expectError(
        await ingest(JSON.stringify({ hello: 'world' })),
        400,
        'jira.bad_payload',
      );
      expect(body.message).toMatch(/not a Jira payload/);
      await expectWorkUnchanged();
    });
  });

  it('answers GET /health without a token', async () => {
    const response = await call('/health', { auth: false });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: db.kind });
  });

  it('refuses GET /api/v1/plan without a token', async () => {
    await expectError(await call('/api/v1/plan', { auth: false }), 401, 'auth.missing_token');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const body = await expectError(await call('/api/v1/nothing-here'), 404, 'not_found');
    expect(body.message).toContain('/api/v1/nothing-here');
    // Other paths outside the API are the web app's own (its page answers them); webhooks are not.
    await expectError(await call('/hooks/nothing-here', { auth: false }), 404, 'not_found');
  });

  it('answers an unknown milestone with 404 not_found naming it', async () => {
    const body = await expectError(await call('/api/v1/milestones/NOPE'), 404, 'not_found');
    expect(body.message).toContain("'NOPE'");
    expect(body.path).toBe('id');
  });

  it('still holds exactly the demo plan and its work after all of the above', async () => {
    await expectPlanUnchanged();
    await expectWorkUnchanged();
  });
});
