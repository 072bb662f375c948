import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOidcConfig } from '../../src/app/access-config.ts';
import { pinnedClock } from '../../src/app/clock.ts';
import { DEMO_AS_OF, loadDemo } from '../../src/app/load-demo.ts';
import { OIDC_CALLBACK_PATH } from '../../src/app/oidc-sign-in.ts';
import { buildServer } from '../../src/server/server.ts';
import type { Database } from '../../src/store/database.ts';
import { openTestDatabase } from '../support/databases.ts';
import { freePort, startTestProvider, type TestProvider } from '../support/oidc-provider.ts';
import {
  collectPageErrors,
  launchChromium,
  newContext,
  startDemoServer,
} from './support/web-app.ts';
import { buildWebApp } from './support/web-build.ts';

/**
 * Single sign-on in a real Chromium, against the real provider the test starts: the sign-in page
 * offers "Sign in with Acme Login"; the provider's own sign-in and consent pages are filled in;
 * the browser lands in the app as the person whose verified e-mail the provider gave. Someone the
 * plan does not know gets the refusal page.
 */
describe('single sign-on in the browser', { timeout: 120_000 }, () => {
  let db: Database;
  let provider: TestProvider;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const webRoot = buildWebApp();
    db = await openTestDatabase({ name: 'pglite' });
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startTestProvider(`${base}${OIDC_CALLBACK_PATH}`, {
      sam: { email: 'sam.carter@acme.example', emailVerified: true },
      stranger: { email: 'stranger@elsewhere.example', emailVerified: true },
    });
    const oidc = readOidcConfig({
      THROUGHLINE_OIDC_ISSUER: provider.issuer,
      THROUGHLINE_OIDC_CLIENT_ID: provider.clientId,
      THROUGHLINE_OIDC_CLIENT_SECRET: provider.clientSecret,
      THROUGHLINE_PUBLIC_URL: base,
      THROUGHLINE_OIDC_NAME: 'Acme Login',
    });
    app = await buildServer(ctx, { oidc, webRoot });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await provider?.close();
    await db?.close();
  });

  /** A fresh profile that talks only to this machine (the provider's page asks for a web font). */
  async function localContext(): Promise<BrowserContext> {
    const context = await newContext(browser);
    await context.route(
      (url) => !['127.0.0.1', 'localhost'].includes(url.hostname),
      (route) => route.abort(),
    );
    return context;
  }

  /** Through the provider's own pages: its sign-in form (any password), then its consent. */
  async function signInAtProvider(page: Page, login: string): Promise<void> {
    await page.getByRole('link', { name: 'Sign in with Acme Login' }).click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  it('signs Sam in through the provider’s pages and lands where he was going, as Sam', async () => {
    const context = await localContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${base}/signals`);
    await page.waitForURL(`${base}/sign-in?next=%2Fsignals`);
    // The button comes with the session's answer, after the page: wait for it to show.
    await page.getByRole('link', { name: 'Sign in with Acme Login' }).waitFor({ state: 'visible' });
    // Not the demo: no one-click sign-in and no demo note.
    expect(await page.getByTestId('demo-mode-note').count()).toBe(0);
    await signInAtProvider(page, 'sam');
    await page.waitForURL(`${base}/signals`);
    await page.getByRole('heading', { level: 1, name: 'Signals' }).waitFor();
    await page.getByText('Sam Carter').first().waitFor();
    const cookies = await context.cookies(base);
    expect(cookies.find((c) => c.name === 'tl_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    expect(cookies.find((c) => c.name === 'tl_sign_on')).toBeUndefined();
    const me = (await (await page.request.get(`${base}/api/v1/session`)).json()) as {
      person: { id: string };
    };
    expect(me.person.id).toBe('sam');
    expect(errors.filter((e) => !e.includes('ERR_FAILED'))).toEqual([]);
    await context.close();
  });

  it('serves the API description page under the same content security policy, working', async () => {
    const context = await localContext();
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const answer = await page.goto(`${base}/docs`);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self';");
    await page
      .getByRole('heading', { name: /Throughline API/ })
      .first()
      .waitFor();
    await page.getByText('/api/v1/tokens').first().waitFor();
    expect(errors.filter((e) => /Content Security Policy|Refused/i.test(e))).toEqual([]);
    await context.close();
  });

  it('shows someone the plan does not know a page that says why, and no session', async () => {
    const context = await localContext();
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await signInAtProvider(page, 'stranger');
    await page.getByRole('heading', { level: 1, name: 'Not signed in' }).waitFor();
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'stranger@elsewhere.example is not the e-mail address of anyone in the plan',
    );
    expect((await context.cookies(base)).find((c) => c.name === 'tl_session')).toBeUndefined();
    await page.getByRole('link', { name: 'Back to the sign-in page' }).click();
    await page.getByRole('link', { name: 'Sign in with Acme Login' }).waitFor();
    await context.close();
  });

  it('says on the demo’s sign-in page that it is demo mode, and offers no single sign-on there', async () => {
    const demo = await startDemoServer();
    try {
      const context = await localContext();
      const page = await context.newPage();
      await page.goto(`${demo.base}/sign-in`);
      await page.getByText('Demo mode', { exact: true }).waitFor();
      await expect(page.getByTestId('demo-mode-note').textContent()).resolves.toContain(
        'anyone who reaches this server can sign in as anyone of the demo organisation',
      );
      expect(await page.getByRole('link', { name: /Sign in with/ }).count()).toBe(0);
      await context.close();
    } finally {
      await demo.close();
    }
  });
});
