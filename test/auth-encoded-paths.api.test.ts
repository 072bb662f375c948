import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { listPlanHistory, loadPlan } from '../src/store/plan-store.ts';
import { DEMO_PLAN_TEXT } from './support/bad-plans.ts';
import { openTestDatabase } from './support/databases.ts';

/** A raw HTTP answer: the path is sent exactly as written (no client-side normalisation). */
interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
}

function rawRequest(
  port: number,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          ...headers,
          // Node sends a DELETE's body only with its length said.
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          connection: 'close',
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', (error) => reject(new Error(`${method} ${path}: ${error.message}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The ways an attacker spells a path so that a check on the raw URL misses it. */
function encodedVariants(path: string): string[] {
  const encodeFirstLetter = (p: string, from: number): string => {
    const i = p.slice(from).search(/[a-z]/) + from;
    return `${p.slice(0, i)}%${p.charCodeAt(i).toString(16)}${p.slice(i + 1)}`;
  };
  const lastSlash = path.lastIndexOf('/');
  return [
    encodeFirstLetter(path, 0), // /%61pi/v1/state
    encodeFirstLetter(path, lastSlash), // /api/v1/%73tate
    `/${path.slice(1).replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}`, // all letters
    `/${path}`, // //api/v1/state
    path.replace('/v1/', '/./v1/'), // /api/./v1/state
    path.replace('/v1/', '/x/../v1/'), // /api/x/../v1/state
    path.toUpperCase(), // /API/V1/STATE
    path.replace(/^\/api/, '/API'), // /API/v1/state
    `${path}%2F`, // trailing encoded slash
    `${path}/`, // trailing slash
    `${path};x=1`, // ; parameters
    `${path.replace('/v1/', '/v1;x=1/')}`,
    path.replaceAll('/', '%2F'), // every slash encoded
    `${path}%00`, // NUL
    `${path}?token=x`,
  ];
}

/** A value for each path parameter, so that every route can be reached. */
function fillParams(path: string): string {
  return path
    .replace(/\{site\}|:site/g, 'demo')
    .replace(/\{kind\}|:kind/g, 'kpi')
    .replace(/\{[^}]+\}|:[A-Za-z]+/g, 'K-SAVINGS');
}

describe('authentication is decided on the matched route', () => {
  let db: Database;
  let app: FastifyInstance;
  let port: number;
  /** Every operation of the OpenAPI description: method and path. */
  let operations: { method: string; path: string; public: boolean }[] = [];

  beforeAll(async () => {
    db = await openTestDatabase({ name: 'pglite' });
    const ctx: AppContext = { db, clock: pinnedClock('2026-09-14') };
    await loadDemo(ctx, undefined);
    // Demo mode registers the most routes (its sign-in and replay), so every one is tried.
    app = await buildServer(ctx, { demo: true });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    const spec = JSON.parse((await rawRequest(port, 'GET', '/docs/json')).body) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    // A route is public when its description says it needs no security (the server derives
    // that from the route's own `public` flag, so the description cannot say otherwise).
    operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        public: operation.security?.length === 0,
      })),
    );
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('finds the whole API in its description, with the private routes in it', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations).toContainEqual({ method: 'GET', path: '/api/v1/state', public: false });
    expect(operations).toContainEqual({ method: 'POST', path: '/api/v1/plan', public: false });
    expect(operations.filter((op) => !op.public).length).toBeGreaterThan(15);
  });

  it('answers 401 without a token on every private route, however its path is spelled', async () => {
    const leaks: string[] = [];
    for (const op of operations) {
      if (op.public || op.path.startsWith('/hooks/')) continue;
      const path = fillParams(op.path);
      const plain = await rawRequest(
        port,
        op.method,
        path,
        op.method === 'GET' ? undefined : '{}',
        {
          'content-type': 'application/json',
        },
      );
      if (plain.status !== 401) leaks.push(`${op.method} ${path} → ${plain.status}`);
      for (const variant of encodedVariants(path)) {
        const answer = await rawRequest(
          port,
          op.method,
          variant,
          op.method === 'GET' ? undefined : '{}',
          { 'content-type': 'application/json' },
        );
        // Either the route was reached and refused (401), or no route was (404/400/405, or the
        // web app's own page): never an answer from the route itself.
        const reachedTheRoute = answer.status < 400 && answer.contentType.includes('json');
        const servedData = answer.status < 300 && !answer.contentType.includes('text/html');
        if (reachedTheRoute || servedData || answer.status >= 500) {
          leaks.push(`${op.method} ${variant} → ${answer.status} ${answer.body.slice(0, 80)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('refuses the state and a plan written through /%61pi/…, and the plan stays as it was', async () => {
    const read = await rawRequest(port, 'GET', '/%61pi/v1/state');
    expect(read.status).toBe(401);
    expect(JSON.parse(read.body)).toMatchObject({ code: 'auth.missing_token' });

    const before = await loadPlan(db);
    const history = await listPlanHistory(db, 10_000);
    const mallory = DEMO_PLAN_TEXT.replace(
      /^people:\n/m,
      'people:\n  - id: mallory\n    name: Mallory\n    unit: IT\n',
    );
    expect(mallory).toContain('mallory');
    const write = await rawRequest(port, 'POST', '/%61pi/v1/plan', mallory, {
      'content-type': 'application/yaml',
    });
    expect(write.status).toBe(401);
    expect(await loadPlan(db)).toEqual(before);
    expect(await listPlanHistory(db, 10_000)).toEqual(history);
  });

  it('keeps the public routes public', async () => {
    expect((await rawRequest(port, 'GET', '/health')).status).toBe(200);
    expect((await rawRequest(port, 'GET', '/api/v1/session')).status).toBe(200);
    expect((await rawRequest(port, 'GET', '/docs/json')).status).toBe(200);
  });
});
