import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../src/app/apply-plan.ts';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from '../src/app/load-demo.ts';
import { DEMO_WEBHOOK_SECRET, webhookSecretLookup } from '../src/app/webhook-secrets.ts';
import { readPlanFile } from '../src/plan-file/index.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase } from './support/databases.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * API tokens and web sessions over HTTP: tokens end, a person removed from the plan loses
 * access, a sign-in mints a session of its own (so signing out never revokes the API token),
 * sessions rotate and time out, the cookie is Secure behind a trusted TLS proxy only, and the
 * demo's public webhook secret opens nothing outside demo mode.
 */
describe('tokens and sessions', () => {
  let db: Database;
  let ctx: AppContext;
  let plain: FastifyInstance;
  let demo: FastifyInstance;
  let plainBase: string;
  let demoBase: string;

  beforeAll(async () => {
    db = await openTestDatabase({ name: 'pglite' });
    ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    plain = await buildServer(ctx, { webhookSecret: webhookSecretLookup(ctx, { demo: false }) });
    demo = await buildServer(ctx, {
      demo: true,
      webhookSecret: webhookSecretLookup(ctx, { demo: true }),
    });
    plainBase = await plain.listen({ port: 0, host: '127.0.0.1' });
    demoBase = await demo.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await plain.close();
    await demo.close();
    await db.close();
  });

  async function stateWith(headers: Record<string, string>): Promise<Response> {
    return fetch(`${plainBase}/api/v1/state`, { headers });
  }

  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

  function sessionCookie(response: Response): string {
    const session = response.headers.getSetCookie().find((c) => c.startsWith('tl_session='));
    expect(session).toBeDefined();
    return (session ?? '').split(';')[0] ?? '';
  }

  async function signIn(token: string, cookie?: string): Promise<Response> {
    return fetch(`${plainBase}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie === undefined ? {} : { cookie }) },
      body: JSON.stringify({ token }),
    });
  }

  async function codeAndMessage(response: Response): Promise<{ code: string; message: string }> {
    return (await response.json()) as { code: string; message: string };
  }

  it('refuses an API token after its expiry, and takes it before', async () => {
    const now = Date.now();
    const old = await createApiToken(db, 'dana', 'made 100 days ago', new Date(now - 100 * DAY_MS));
    const refused = await stateWith(bearer(old));
    expect(refused.status).toBe(401);
    const expired = await codeAndMessage(refused);
    expect(expired.code).toBe('auth.bad_token');
    expect(expired.message).toMatch(/expired on \d{4}-\d\d-\d\dT/);

    const ended = await createApiToken(db, 'dana', 'ended', new Date(now - DAY_MS), new Date(now));
    expect((await stateWith(bearer(ended))).status).toBe(401);
    const fresh = await createApiToken(db, 'dana', 'fresh', new Date(now));
    expect((await stateWith(bearer(fresh))).status).toBe(200);
    // Expired tokens cannot start a web session either.
    expect((await signIn(old)).status).toBe(401);
  });

  it('refuses the token of a person removed from the plan', async () => {
    const { plan } = await readPlanFile(DEMO_FILES.plan);
    const leaver = { id: 'leaver', name: 'Lee Leaver', unit: 'OPS' };
    await applyPlan(ctx, { ...plan, people: [...plan.people, leaver] }, { actor: 'test' });
    const token = await createApiToken(db, 'leaver', 'test', new Date());
    expect((await stateWith(bearer(token))).status).toBe(200);
    const signedIn = await signIn(token);
    expect(signedIn.status).toBe(200);
    const cookie = sessionCookie(signedIn);

    await applyPlan(ctx, plan, { actor: 'test', prune: true });
    const refused = await stateWith(bearer(token));
    expect(refused.status).toBe(401);
    expect((await codeAndMessage(refused)).message).toContain(
      "'leaver', who is no longer a person of the plan",
    );
    expect((await stateWith({ cookie })).status).toBe(401);
    expect((await signIn(token)).status).toBe(401);
  });

  it('signs in with a new session token, and signing out leaves the API token working', async () => {
    const apiToken = await createApiToken(db, 'priya', 'her script', new Date());
    const signedIn = await signIn(apiToken);
    expect(signedIn.status).toBe(200);
    const cookie = sessionCookie(signedIn);
    // The cookie carries a session of its own, never the API token.
    expect(cookie).not.toContain(apiToken);
    expect(decodeURIComponent(cookie.slice('tl_session='.length))).not.toBe(apiToken);
    expect((await stateWith({ cookie })).status).toBe(200);

    const out = await fetch(`${plainBase}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie },
    });
    expect(out.status).toBe(200);
    expect((await stateWith({ cookie })).status).toBe(401);
    expect((await stateWith(bearer(apiToken))).status).toBe(200);

    // The session is a cookie's only: as a bearer token it opens nothing.
    const again = sessionCookie(await signIn(apiToken));
    const sessionSecret = decodeURIComponent(again.slice('tl_session='.length));
    expect((await stateWith(bearer(sessionSecret))).status).toBe(401);
    // And an API token in the cookie is not a session.
    expect((await stateWith({ cookie: `tl_session=${apiToken}` })).status).toBe(401);
  });

  it('rotates the session at every sign-in: the one held before ends', async () => {
    const apiToken = await createApiToken(db, 'marco', 'test', new Date());
    const first = sessionCookie(await signIn(apiToken));
    const second = sessionCookie(await signIn(apiToken, first));
    expect(second).not.toBe(first);
    expect((await stateWith({ cookie: first })).status).toBe(401);
    expect((await stateWith({ cookie: second })).status).toBe(200);

    // The demo's one-click sign-in rotates the same way.
    const demoSignIn = (cookie?: string): Promise<Response> =>
      fetch(`${demoBase}/api/v1/demo/sign-in`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(cookie === undefined ? {} : { cookie }),
        },
        body: JSON.stringify({ personId: 'dana' }),
      });
    const a = sessionCookie(await demoSignIn());
    const b = sessionCookie(await demoSignIn(a));
    expect(b).not.toBe(a);
    expect((await fetch(`${demoBase}/api/v1/me`, { headers: { cookie: a } })).status).toBe(401);
    expect((await fetch(`${demoBase}/api/v1/me`, { headers: { cookie: b } })).status).toBe(200);
  });

  it('ends a web session after its idle timeout and after its longest life', async () => {
    const apiToken = await createApiToken(db, 'nina', 'test', new Date());
    const signedIn = await signIn(apiToken);
    // The cookie lives as long as the session may (7 days by default).
    const setCookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('tl_session='));
    expect(setCookie).toMatch(/Max-Age=604800/);
    const idle = sessionCookie(signedIn);
    const old = sessionCookie(await signIn(apiToken));
    expect((await stateWith({ cookie: idle })).status).toBe(200);
    expect((await stateWith({ cookie: old })).status).toBe(200);

    // Thirteen hours without a request (the idle timeout is twelve).
    await db.query(
      `UPDATE api_token SET created_at = created_at - interval '13 hours',
                            last_used_at = last_used_at - interval '13 hours'
        WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [decodeURIComponent(idle.slice('tl_session='.length))],
    );
    const refused = await stateWith({ cookie: idle });
    expect(refused.status).toBe(401);
    expect((await codeAndMessage(refused)).message).toBe(
      'The web session has ended after 12h without a request: sign in again',
    );
    const session = (await (
      await fetch(`${plainBase}/api/v1/session`, { headers: { cookie: idle } })
    ).json()) as { signedIn: boolean };
    expect(session.signedIn).toBe(false);

    // Used a minute ago, but signed in eight days ago: past the seven days a session may last.
    await db.query(
      `UPDATE api_token SET created_at = now() - interval '8 days',
                            expires_at = now() - interval '1 day', last_used_at = now()
        WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
      [decodeURIComponent(old.slice('tl_session='.length))],
    );
    expect((await stateWith({ cookie: old })).status).toBe(401);
    // The API token the sessions began with still works.
    expect((await stateWith(bearer(apiToken))).status).toBe(200);
  });

  it('sets Secure behind a trusted TLS proxy, and ignores X-Forwarded-Proto from anyone else', async () => {
    const cookieOf = async (trustProxy: string | undefined): Promise<string> => {
      const app = await buildServer(ctx, {
        demo: true,
        ...(trustProxy === undefined ? {} : { trustProxy }),
      });
      try {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/demo/sign-in',
          remoteAddress: '127.0.0.1',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
          payload: JSON.stringify({ personId: 'dana' }),
        });
        expect(response.statusCode).toBe(200);
        const header = response.headers['set-cookie'];
        const cookies = Array.isArray(header) ? header : [header ?? ''];
        return cookies.find((c) => c.startsWith('tl_session=')) ?? '';
      } finally {
        await app.close();
      }
    };
    // The proxy at 127.0.0.1 is trusted: the request came over HTTPS.
    expect(await cookieOf('127.0.0.1')).toMatch(/;\s*Secure/i);
    expect(await cookieOf('loopback,10.0.0.0/8')).toMatch(/;\s*Secure/i);
    // No trusted proxy, or another one: the client's own header is not believed.
    expect(await cookieOf(undefined)).not.toMatch(/Secure/i);
    expect(await cookieOf('10.1.2.3')).not.toMatch(/Secure/i);
  });

  it("refuses the demo's public webhook secret outside demo mode, and takes it in demo mode", async () => {
    // Stamped now: a delivery fired long ago would be refused as a replay whatever its secret.
    const payload = JSON.parse(await readFile(DEMO_FILES.erp17Slip, 'utf8')) as {
      timestamp: number;
    };
    const body = JSON.stringify({ ...payload, timestamp: Date.now() });
    const signature = `sha256=${createHmac('sha256', DEMO_WEBHOOK_SECRET).update(body).digest('hex')}`;
    const deliver = (base: string): Promise<Response> =>
      fetch(`${base}/hooks/jira/${DEMO_SOURCE}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
        body,
      });
    const refused = await deliver(plainBase);
    expect(refused.status).toBe(401);
    const problem = await codeAndMessage(refused);
    expect(problem.code).toBe('webhook.bad_signature');
    expect(problem.message).toContain('demo mode');
    expect((await deliver(demoBase)).status).toBe(202);
    await demo.inboxWorker.idle();
  });
});
