import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOidcConfig } from '../src/app/access-config.ts';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, loadDemo } from '../src/app/load-demo.ts';
import { OIDC_CALLBACK_PATH } from '../src/app/oidc-sign-in.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { freePort, startTestProvider, type TestProvider } from './support/oidc-provider.ts';
import { browse, CookieJar, signOnAtProvider } from './support/sign-on-client.ts';

/**
 * Single sign-on against a real OpenID Connect provider (`oidc-provider`) started here: the whole
 * authorization code flow with PKCE through its sign-in and consent pages; people matched by
 * verified e-mail; unknown and unverified people refused with a page; tampered state and nonce,
 * and a replayed callback, refused.
 */
describe.each(TEST_DATABASES)('single sign-on ($name)', (kind) => {
  let db: Database;
  let provider: TestProvider;
  let app: FastifyInstance;
  let base: string;
  let callbackPrefix: string;
  let behindProxy: FastifyInstance;
  let proxiedBase: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    callbackPrefix = `${base}${OIDC_CALLBACK_PATH}`;
    provider = await startTestProvider(callbackPrefix, {
      // The plan says dana.whitfield@acme.example: matched whatever the letters' case.
      dana: { email: 'Dana.Whitfield@ACME.example', emailVerified: true },
      priya: { email: 'priya.shah@acme.example', emailVerified: false },
      stranger: { email: 'stranger@elsewhere.example', emailVerified: true },
      silent: {},
    });
    const oidc = readOidcConfig({
      THROUGHLINE_OIDC_ISSUER: provider.issuer,
      THROUGHLINE_OIDC_CLIENT_ID: provider.clientId,
      THROUGHLINE_OIDC_CLIENT_SECRET: provider.clientSecret,
      THROUGHLINE_PUBLIC_URL: base,
      THROUGHLINE_OIDC_NAME: 'Acme Login',
    });
    app = await buildServer(ctx, { oidc });
    await app.listen({ port, host: '127.0.0.1' });
    behindProxy = await buildServer(ctx, { oidc, trustProxy: '127.0.0.1' });
    proxiedBase = await behindProxy.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await behindProxy?.close();
    await provider?.close();
    await db?.close();
  });

  const start = (returnTo?: string): string =>
    `${base}/api/v1/session/oidc${returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`}`;

  async function me(jar: CookieJar): Promise<{ status: number; person?: string }> {
    const answer = await browse(jar, `${base}/api/v1/me`);
    if (answer.status !== 200) return { status: answer.status };
    const body = (await answer.json()) as { person: { id: string } };
    return { status: 200, person: body.person.id };
  }

  it('says on the session answer that single sign-on is there, by the provider’s name', async () => {
    const session = (await (await fetch(`${base}/api/v1/session`)).json()) as {
      signOn: { name: string; url: string } | null;
    };
    expect(session.signOn).toEqual({ name: 'Acme Login', url: '/api/v1/session/oidc' });
  });

  it('signs the person with the verified e-mail in through the provider’s pages, with a new session', async () => {
    const jar = new CookieJar();
    const first = await browse(jar, start('/kpis/K-SAVINGS'));
    expect(first.status).toBe(302);
    const authorize = new URL(first.headers.get('location') ?? '');
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/.{20,}/);
    expect(authorize.searchParams.get('nonce')).toMatch(/.{20,}/);
    // The state cookie holds the state only; the nonce and the verifier stay on the server.
    expect(jar.get('tl_sign_on')).toBe(authorize.searchParams.get('state'));
    expect(JSON.stringify(jar.cookies)).not.toContain(authorize.searchParams.get('nonce'));

    const callback = await signOnAtProvider(jar, authorize.href, 'dana', callbackPrefix);
    const back = await browse(jar, callback);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe('/kpis/K-SAVINGS');
    const cookie = back.headers.getSetCookie().find((c) => c.startsWith('tl_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    // Served over plain HTTP here: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/Secure/i);
    expect(jar.get('tl_sign_on')).toBeUndefined();
    expect(await me(jar)).toEqual({ status: 200, person: 'dana' });

    const logged = await db.query<{ actor: string; after: { via: string; email: string } }>(
      "SELECT actor, after FROM audit_log WHERE action = 'session.sign_in' ORDER BY seq DESC LIMIT 1",
    );
    expect(logged[0]).toMatchObject({ actor: 'dana', after: { via: 'oidc' } });
    // A second sign-in in the same browser rotates the session: the old one ends.
    const oldSession = jar.get('tl_session');
    const again = await signOnAtProvider(jar, start(), 'dana', callbackPrefix);
    expect((await browse(jar, again)).headers.get('location')).toBe('/');
    expect(jar.get('tl_session')).not.toBe(oldSession);
    const old = await fetch(`${base}/api/v1/me`, {
      headers: { cookie: `tl_session=${oldSession}` },
    });
    expect(old.status).toBe(401);

    // Sign-out ends the session for good.
    const out = await fetch(`${base}/api/v1/session`, {
      method: 'DELETE',
      headers: { cookie: `tl_session=${jar.get('tl_session')}`, origin: base },
    });
    expect(out.status).toBe(200);
    expect(
      (
        await fetch(`${base}/api/v1/me`, {
          headers: { cookie: `tl_session=${jar.get('tl_session')}` },
        })
      ).status,
    ).toBe(401);
  });

  it('marks the sign-on cookie Secure over HTTPS, believing only a trusted proxy', async () => {
    const stateCookie = async (url: string): Promise<string | undefined> => {
      const answer = await fetch(`${url}/api/v1/session/oidc`, {
        headers: { 'x-forwarded-proto': 'https' },
        redirect: 'manual',
      });
      expect(answer.status).toBe(302);
      return answer.headers.getSetCookie().find((c) => c.startsWith('tl_sign_on='));
    };
    // Not trusted: a client's own X-Forwarded-Proto changes nothing.
    const plainCookie = await stateCookie(base);
    expect(plainCookie).toMatch(/HttpOnly/i);
    expect(plainCookie).not.toMatch(/Secure/i);
    const proxied = await stateCookie(proxiedBase);
    expect(proxied).toMatch(/; Secure/i);
    expect(proxied).toMatch(/SameSite=Lax/i);
    expect(proxied).toMatch(/Path=\/api\/v1\/session\/oidc/);
  });

  it('refuses an e-mail nobody in the plan has, with a page that says so (no session)', async () => {
    const jar = new CookieJar();
    const callback = await signOnAtProvider(jar, start(), 'stranger', callbackPrefix);
    const refused = await browse(jar, callback);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('text/html');
    const page = await refused.text();
    expect(page).toContain(
      'stranger@elsewhere.example is not the e-mail address of anyone in the plan',
    );
    expect(page).not.toMatch(/at .*\.ts:\d+|Error:/);
    const refusedLog = await db.query<{ after: { reason: string; email: string } }>(
      "SELECT after FROM audit_log WHERE action = 'session.sign_in_refused' ORDER BY seq DESC LIMIT 1",
    );
    expect(refusedLog[0]?.after).toMatchObject({
      reason: 'unknown_person',
      email: 'stranger@elsewhere.example',
    });
    expect(jar.get('tl_session')).toBeUndefined();
  });

  it('refuses an e-mail the provider has not verified, and a person without one', async () => {
    const jar = new CookieJar();
    const unverified = await browse(
      jar,
      await signOnAtProvider(jar, start(), 'priya', callbackPrefix),
    );
    expect(unverified.status).toBe(403);
    expect(await unverified.text()).toContain(
      'has not verified the e-mail address priya.shah@acme.example',
    );
    expect(jar.get('tl_session')).toBeUndefined();

    const other = new CookieJar();
    const silent = await browse(
      other,
      await signOnAtProvider(other, start(), 'silent', callbackPrefix),
    );
    expect(silent.status).toBe(403);
    expect(await silent.text()).toContain('did not say your e-mail address');
    expect(other.get('tl_session')).toBeUndefined();
  });

  it('refuses a callback whose state was changed, or that another browser started', async () => {
    const jar = new CookieJar();
    const callback = new URL(await signOnAtProvider(jar, start(), 'dana', callbackPrefix));
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state') ?? ''}x`);
    const refused = await browse(jar, tampered.href);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('did not start in this browser');
    expect(jar.get('tl_session')).toBeUndefined();

    // The right URL in a browser without the state cookie (a login forced on someone else).
    const elsewhere = await browse(new CookieJar(), callback.href);
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('did not start in this browser');
  });

  it('refuses an ID token whose nonce is not the one the sign-in kept', async () => {
    const jar = new CookieJar();
    const callback = await signOnAtProvider(jar, start(), 'dana', callbackPrefix);
    await db.query("UPDATE oidc_login SET nonce = 'a-nonce-of-another-sign-in'");
    const refused = await browse(jar, callback);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/answer did not check out \(.*nonce/);
    expect(jar.get('tl_session')).toBeUndefined();
  });

  it('refuses a callback replayed, even with its state cookie', async () => {
    const jar = new CookieJar();
    const callback = await signOnAtProvider(jar, start(), 'dana', callbackPrefix);
    const stateCookie = `tl_sign_on=${jar.get('tl_sign_on')}`;
    expect((await browse(jar, callback)).status).toBe(302);
    const replay = await fetch(callback, { headers: { cookie: stateCookie }, redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('used already');
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('tl_session='))).toBe(false);
  });

  it('lands only on a path of its own after signing in', async () => {
    for (const returnTo of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      '/ok\u0000',
    ]) {
      const jar = new CookieJar();
      const callback = await signOnAtProvider(jar, start(returnTo), 'dana', callbackPrefix);
      expect((await browse(jar, callback)).headers.get('location')).toBe('/');
    }
  });

  it('answers hostile callbacks and starts with a 4xx, never a fault', async () => {
    const jar = new CookieJar();
    await browse(jar, start());
    const state = jar.get('tl_sign_on') ?? '';
    for (const query of [
      '',
      `state=${state}&code=%00%00`,
      `state=${state}%00&code=x`,
      `state=${'s'.repeat(5000)}&code=x`,
      'error=access_denied',
      `state=${state}&error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E`,
    ]) {
      const answer = await browse(jar, `${callbackPrefix}?${query}`);
      expect(answer.status, query).toBeGreaterThanOrEqual(400);
      expect(answer.status, query).toBeLessThan(500);
      expect(await answer.text(), query).not.toContain('<script>');
    }
    const big = await fetch(`${base}/api/v1/session/oidc?returnTo=/${'x'.repeat(2 * 1024 * 1024)}`);
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
    const nul = await fetch(`${base}/api/v1/session/oidc?returnTo=%00`, { redirect: 'manual' });
    expect(nul.status).toBe(302);
  });
});

describe('single sign-on when the provider is down, and its rate limit', () => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    db = await openTestDatabase({ name: 'pglite' });
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    const nobody = await freePort();
    const oidc = readOidcConfig({
      THROUGHLINE_OIDC_ISSUER: `http://127.0.0.1:${nobody}`,
      THROUGHLINE_OIDC_CLIENT_ID: 'throughline',
      THROUGHLINE_OIDC_CLIENT_SECRET: 'secret',
      THROUGHLINE_PUBLIC_URL: 'http://127.0.0.1:1',
    });
    app = await buildServer(ctx, { oidc, rateLimits: { signIn: { max: 3, timeWindow: 60_000 } } });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('says the provider cannot be reached (502 page), then refuses the fourth try with 429', async () => {
    const down = await fetch(`${base}/api/v1/session/oidc`, { redirect: 'manual' });
    expect(down.status).toBe(502);
    expect(await down.text()).toContain('cannot be reached right now');
    await fetch(`${base}/api/v1/session/oidc`);
    await fetch(`${base}/api/v1/session/oidc`);
    const limited = await fetch(`${base}/api/v1/session/oidc`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'request.rate_limited' });
  });
});
