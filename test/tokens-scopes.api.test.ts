import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken, listTokens } from '../src/store/token-store.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';

/** An answer over raw HTTP: the path and headers exactly as written (Host and Origin too). */
function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: {
          connection: 'close',
          // Node sends a DELETE's body only with its length said.
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

/**
 * API tokens over the API, with scopes: read-only tokens refused on writes (403 naming the
 * scope), tokens listed and revoked by their owner and by an admin only, and every hostile
 * spelling answered with a 4xx.
 */
describe.each(TEST_DATABASES)('token routes and scopes ($name)', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let port: number;
  let dana: string;
  let danaRead: string;
  let marco: string;
  let omar: string;
  let omarWrite: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    const now = new Date();
    const in30d = new Date(now.getTime() + 30 * 24 * 3600 * 1000);
    dana = await createApiToken(db, 'dana', 'dana write', now);
    danaRead = await createApiToken(db, 'dana', 'dana read', now, in30d, 'read');
    marco = await createApiToken(db, 'marco', 'marco write', now);
    omar = await createApiToken(db, 'omar', 'omar admin', now, in30d, 'admin');
    omarWrite = await createApiToken(db, 'omar', 'omar write', now, in30d, 'write');
    app = await buildServer(ctx, { rateLimits: { tokens: { max: 1000, timeWindow: 60_000 } } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const idOf = (secret: string): string => secret.split('_')[1] ?? '';

  it('refuses every token route without a token, however its path is spelled', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/tokens'],
      ['POST', '/api/v1/tokens'],
      ['DELETE', `/api/v1/tokens/${idOf(dana)}`],
      ['GET', '/%61pi/v1/tokens'],
      ['DELETE', `/api/v1/%74okens/${idOf(dana)}`],
    ] as const) {
      const answer = await raw(port, method, path, json, method === 'GET' ? undefined : '{}');
      expect(answer.status, `${method} ${path}`).toBe(401);
    }
  });

  it('makes a token for its caller, shown once, listed without its secret, of the scope asked', async () => {
    const made = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      { ...bearer(dana), ...json },
      JSON.stringify({ label: 'ci', scope: 'read', expiresIn: '7d' }),
    );
    expect(made.status).toBe(201);
    const body = JSON.parse(made.body) as {
      secret: string;
      token: { id: string; scope: string; person: string; expiresAt: string };
    };
    expect(body.secret).toMatch(/^tl_[0-9a-f]{10}_/);
    expect(body.token).toMatchObject({ id: idOf(body.secret), scope: 'read', person: 'dana' });
    const days = (Date.parse(body.token.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);

    const listed = await raw(port, 'GET', '/api/v1/tokens', bearer(dana));
    expect(listed.status).toBe(200);
    expect(listed.body).not.toContain(body.secret);
    const tokens = (JSON.parse(listed.body) as { tokens: { id: string; person: string }[] }).tokens;
    expect(tokens.map((t) => t.person)).toEqual(tokens.map(() => 'dana'));
    expect(tokens.map((t) => t.id)).toContain(body.token.id);

    // Without a scope: what the person may do (dana is no admin: write).
    const plain = JSON.parse(
      (await raw(port, 'POST', '/api/v1/tokens', { ...bearer(dana), ...json }, '{"label":"x"}'))
        .body,
    ) as { token: { scope: string } };
    expect(plain.token.scope).toBe('write');
    // The same request twice: two tokens, each its own.
    const again = JSON.parse(
      (await raw(port, 'POST', '/api/v1/tokens', { ...bearer(dana), ...json }, '{"label":"x"}'))
        .body,
    ) as { secret: string };
    expect(again.secret).not.toBe(body.secret);
  });

  it('refuses a read-scoped token on every write, naming its scope, and lets it read', async () => {
    expect((await raw(port, 'GET', '/api/v1/state', bearer(danaRead))).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/api/v1/tokens', '{"label":"escalate","scope":"write"}'],
      ['DELETE', `/api/v1/tokens/${idOf(danaRead)}`, undefined],
      [
        'POST',
        `/api/v1/signals/${encodeURIComponent('kpi.misses_target:K-SAVINGS:2026-Q4')}/ack`,
        '{}',
      ],
    ] as const) {
      const answer = await raw(port, method, path, { ...bearer(danaRead), ...json }, body);
      expect(answer.status, `${method} ${path}`).toBe(403);
      const error = JSON.parse(answer.body) as { code: string; message: string };
      expect(error.code).toBe('auth.insufficient_scope');
      expect(error.message).toContain(`The API token ${idOf(danaRead)} has the scope 'read'`);
      expect(error.message).toContain("needs 'write'");
    }
    // Still there: the refused revoke did nothing.
    expect((await listTokens(db, { personId: 'dana' })).map((t) => t.id)).toContain(idOf(danaRead));
  });

  it('keeps another person’s tokens out of reach of anyone but an admin', async () => {
    const others = await raw(port, 'GET', '/api/v1/tokens?person=marco', bearer(dana));
    expect(others.status).toBe(403);
    expect(JSON.parse(others.body)).toMatchObject({ code: 'auth.forbidden', path: 'query.person' });
    const forMarco = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      { ...bearer(dana), ...json },
      '{"label":"x","person":"marco"}',
    );
    expect(forMarco.status).toBe(403);
    const adminScope = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      { ...bearer(dana), ...json },
      '{"label":"x","scope":"admin"}',
    );
    expect(adminScope.status).toBe(403);
    expect(JSON.parse(adminScope.body)).toMatchObject({ code: 'auth.insufficient_scope' });
    // Another's token is "not found" (ids cannot be probed), and keeps working.
    const revoke = await raw(port, 'DELETE', `/api/v1/tokens/${idOf(marco)}`, bearer(dana));
    expect(revoke.status).toBe(404);
    expect((await raw(port, 'GET', '/api/v1/me', bearer(marco))).status).toBe(200);
    // An admin holding only a write token is no admin here.
    expect((await raw(port, 'GET', '/api/v1/tokens?person=marco', bearer(omarWrite))).status).toBe(
      403,
    );
  });

  it('lets an admin list, make and revoke anyone’s tokens', async () => {
    const all = JSON.parse((await raw(port, 'GET', '/api/v1/tokens', bearer(omar))).body) as {
      tokens: { person: string }[];
    };
    expect(new Set(all.tokens.map((t) => t.person))).toEqual(new Set(['dana', 'marco', 'omar']));
    const marcos = JSON.parse(
      (await raw(port, 'GET', '/api/v1/tokens?person=marco', bearer(omar))).body,
    ) as { tokens: { person: string }[] };
    expect(marcos.tokens.map((t) => t.person)).toEqual(['marco']);
    const made = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      { ...bearer(omar), ...json },
      '{"label":"for marco","person":"marco","scope":"read"}',
    );
    expect(made.status).toBe(201);
    const revoke = await raw(port, 'DELETE', `/api/v1/tokens/${idOf(marco)}`, bearer(omar));
    expect(revoke.status).toBe(200);
    expect(JSON.parse(revoke.body)).toMatchObject({
      revoked: { id: idOf(marco), person: 'marco' },
    });
    expect((await raw(port, 'GET', '/api/v1/me', bearer(marco))).status).toBe(401);
    // Both are in the audit log, with who did them and never a secret.
    const log = await db.query<{ action: string; actor: string; item: string; after: unknown }>(
      'SELECT action, actor, item, after FROM audit_log WHERE item = $1 OR item = $2 ORDER BY seq',
      [
        `token/${(JSON.parse(made.body) as { token: { id: string } }).token.id}`,
        `token/${idOf(marco)}`,
      ],
    );
    expect(log.map((e) => [e.action, e.actor])).toEqual([
      ['token.create', 'omar'],
      ['token.revoke', 'omar'],
    ]);
    expect(log[0]?.after).toMatchObject({ person: 'marco', scope: 'read' });
    expect(JSON.stringify(log)).not.toContain('tl_');
    // The same revoke twice: the second finds nothing.
    expect((await raw(port, 'DELETE', `/api/v1/tokens/${idOf(marco)}`, bearer(omar))).status).toBe(
      404,
    );
    const unknown = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      { ...bearer(omar), ...json },
      '{"label":"x","person":"mallory"}',
    );
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({
      code: 'plan.unknown_reference',
      path: 'body.person',
    });
  });

  it('answers hostile input with a 4xx naming the place, never a fault', async () => {
    const auth = { ...bearer(dana), ...json };
    const cases: [string, string, string | undefined][] = [
      ['DELETE', '/api/v1/tokens/%00', undefined],
      ['DELETE', `/api/v1/tokens/${'a'.repeat(5000)}`, undefined],
      ['POST', '/api/v1/tokens', '{"label":"a\\u0000b"}'],
      ['POST', '/api/v1/tokens', '{"label":"x","expiresIn":"forever"}'],
      ['POST', '/api/v1/tokens', '{"label":"x","scope":"root"}'],
      ['POST', '/api/v1/tokens', '{"label":"x","extra":1}'],
      ['POST', '/api/v1/tokens', '{"label":'],
      ['GET', '/api/v1/tokens?person=%00', undefined],
    ];
    for (const [method, path, body] of cases) {
      const answer = await raw(port, method, path, auth, body);
      expect(answer.status, `${method} ${path} ${body ?? ''}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path} ${body ?? ''}`).toBeLessThan(500);
    }
    // A 2 MB id never reaches the route (the server refuses the request line).
    const huge = await raw(
      port,
      'DELETE',
      `/api/v1/tokens/${'a'.repeat(2 * 1024 * 1024)}`,
      auth,
    ).catch(() => ({ status: 431 }));
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    // A 2 MB body is refused by the route's own small limit, with a clear error.
    const big = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      auth,
      JSON.stringify({ label: 'x'.repeat(2 * 1024 * 1024) }),
    );
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ code: 'request.too_large' });
  });
});

describe('cookie writes that cannot be forged, headers, rate and body limits', () => {
  let db: Database;
  let app: FastifyInstance;
  let port: number;
  let cookie: string;
  let writes: { method: string; path: string }[];

  beforeAll(async () => {
    db = await openTestDatabase({ name: 'pglite' });
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    app = await buildServer(ctx, {
      demo: true,
      rateLimits: {
        signIn: { max: 5, timeWindow: 60_000 },
        tokens: { max: 4, timeWindow: 60_000 },
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    const signIn = await raw(port, 'POST', '/api/v1/demo/sign-in', json, '{"personId":"dana"}');
    const setCookie = (signIn.headers['set-cookie'] as string[] | undefined) ?? [];
    cookie = (setCookie.find((c) => c.startsWith('tl_session=')) ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^tl_session=tl_/);
    const spec = JSON.parse((await raw(port, 'GET', '/docs/json')).body) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    writes = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(
          ([method, op]) => method !== 'get' && method !== 'head' && op.security?.length !== 0,
        )
        .map(([method]) => ({
          method: method.toUpperCase(),
          path: path.replace(/\{site\}/g, 'demo').replace(/\{[^}]+\}/g, 'K-SAVINGS'),
        })),
    );
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  const host = (): string => `127.0.0.1:${port}`;

  it('refuses every cookie-authenticated write without a same-site Origin or Referer', async () => {
    expect(writes.length).toBeGreaterThan(10);
    const forged: Record<string, string>[] = [
      {},
      { origin: 'https://evil.example' },
      { origin: `http://evil.${host()}` },
      { origin: `http://127.0.0.1.evil.example:${port}` },
      { origin: 'null' },
      { referer: 'https://evil.example/page' },
      { referer: `http://${host()}.evil.example/` },
      { origin: 'not a url' },
    ];
    const leaks: string[] = [];
    for (const write of writes) {
      for (const headers of forged) {
        const answer = await raw(
          port,
          write.method,
          write.path,
          { cookie, ...json, ...headers },
          '{}',
        );
        const code = (JSON.parse(answer.body) as { code?: string }).code;
        if (answer.status !== 403 || code !== 'auth.cross_site') {
          leaks.push(
            `${write.method} ${write.path} ${JSON.stringify(headers)} → ${answer.status} ${code}`,
          );
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('lets the web app’s own writes through (same Origin, or same Referer without Origin)', async () => {
    const ack = `/api/v1/signals/${encodeURIComponent('kpi.misses_target:K-SAVINGS:2026-Q4')}/ack`;
    const viaOrigin = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      { cookie, ...json, origin: `http://${host()}` },
      '{"label":"from the web app"}',
    );
    expect(viaOrigin.status).toBe(201);
    const viaReferer = await raw(
      port,
      'POST',
      ack,
      { cookie, ...json, referer: `http://${host()}/signals` },
      '{}',
    );
    expect(viaReferer.status).not.toBe(403);
    expect(viaReferer.status).toBeLessThan(500);
    // A Host the attacker chose changes nothing: it is the request's own host that is compared.
    const spoof = await raw(
      port,
      'POST',
      '/api/v1/tokens',
      { cookie, ...json, host: 'evil.example', origin: `http://${host()}` },
      '{"label":"x"}',
    );
    expect(spoof.status).toBe(403);
    // A bearer token is no cookie: no Origin needed.
    const token = await createApiToken(db, 'dana', 'script', new Date());
    expect(
      (await raw(port, 'POST', '/api/v1/tokens', { ...bearer(token), ...json }, '{"label":"x"}'))
        .status,
    ).toBe(201);
  });

  it('sends the security headers on the API, its docs page and error answers', async () => {
    for (const path of [
      '/api/v1/session',
      '/docs',
      '/docs/json',
      '/api/v1/state',
      '/no/such/page',
    ]) {
      const answer = await raw(port, 'GET', path);
      const csp = String(answer.headers['content-security-policy']);
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain("unsafe-inline'; script");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['referrer-policy'], path).toBe('same-origin');
    }
    const first = await raw(port, 'GET', '/docs');
    const docs =
      first.status === 200 ? first : await raw(port, 'GET', String(first.headers.location));
    expect(docs.status).toBe(200);
    // Swagger UI's page loads its scripts from files: nothing inline for the policy to refuse.
    expect(docs.body).toMatch(/<script src=/);
    expect(docs.body).not.toMatch(/<script>(?!\s*<\/script>)/);
  });

  it('limits sign-in attempts per address (429 with Retry-After)', async () => {
    const statuses: number[] = [];
    let last = { status: 0, headers: {} as Record<string, unknown>, body: '' };
    for (let i = 0; i < 6; i += 1) {
      last = await raw(port, 'POST', '/api/v1/session', json, '{"token":"tl_0000000000_guess"}');
      statuses.push(last.status);
    }
    // The sign-in in beforeAll went through the demo route; these five are the session route's.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(last.body)).toMatchObject({ code: 'request.rate_limited' });
    expect((JSON.parse(last.body) as { message: string }).message).toMatch(/try again in/);
  });

  it('limits the token routes per address', async () => {
    const token = await createApiToken(db, 'marco', 'script', new Date());
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await raw(port, 'GET', '/api/v1/tokens', bearer(token))).status);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
  });

  it('refuses a body over a route’s limit with 413 naming the limit; plans may be bigger', async () => {
    const big = JSON.stringify({ token: 'x'.repeat(10_000) });
    const session = await raw(port, 'DELETE', '/api/v1/session', json, big);
    expect(session.status).toBe(413);
    const error = JSON.parse(session.body) as { code: string; message: string };
    expect(error.code).toBe('request.too_large');
    expect(error.message).toContain('4096 bytes');
    const token = await createApiToken(db, 'dana', 'script', new Date());
    // 100 KB of YAML comment: past the session limit, well within the plan's.
    const plan = `# ${'x'.repeat(100_000)}\n`;
    const planAnswer = await raw(
      port,
      'POST',
      '/api/v1/plan',
      { ...bearer(token), 'content-type': 'application/yaml' },
      plan,
    );
    expect(planAnswer.status).not.toBe(413);
  });
});
