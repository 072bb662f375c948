import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { pinnedClock } from '../../../src/app/clock.ts';
import { DEMO_AS_OF, loadDemo } from '../../../src/app/load-demo.ts';
import { buildServer } from '../../../src/server/server.ts';
import type { Database } from '../../../src/store/database.ts';
import { createApiToken } from '../../../src/store/token-store.ts';
import { openTestDatabase } from '../../support/databases.ts';
import { buildWebApp } from './web-build.ts';

/** A laptop's screen and a phone's, and both named by their width, for the tests that try each. */
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };
export const WIDTHS = [
  ['1440', DESKTOP],
  ['390', PHONE],
] as const;

/** The demo organisation served with its web app, on a port of its own. */
export interface DemoServer {
  base: string;
  db: Database;
  /** An API token, for calls the test makes as the outside world (a Jira webhook, say). */
  token: string;
  close(): Promise<void>;
}

/** Builds the web app (once), loads the demo into a fresh database and serves both, in demo mode. */
export async function startDemoServer(): Promise<DemoServer> {
  const webRoot = buildWebApp();
  const db = await openTestDatabase({ name: 'pglite' });
  const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
  await loadDemo(ctx, undefined);
  const token = await createApiToken(db, 'dana', 'browser test', new Date());
  const app: FastifyInstance = await buildServer(ctx, { demo: true, webRoot });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base,
    db,
    token,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** Debian's Chromium, headless, with nothing that talks to the network on its own. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser profile (no cookies, cold cache) at a laptop's width unless told otherwise. */
export async function newContext(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  return browser.newContext({ viewport, locale: 'en-US', timezoneId: 'Europe/Berlin' });
}

/** Fails the test on any error the page logs (a failed request, a script error, a CSP refusal). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/** Closes the live notices, so that a screenshot shows the page under them. */
export async function dismissNotices(page: Page): Promise<void> {
  const close = page.getByRole('button', { name: 'Dismiss this notice' });
  while ((await close.count()) > 0) await close.first().click();
}

/** Signs in as a demo person by clicking their name on the sign-in page. */
export async function signInAs(page: Page, base: string, name: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByRole('button', { name: new RegExp(`^Sign in as ${name}`) }).click();
  await page.getByRole('heading', { level: 1, name: 'Strategy map' }).waitFor();
}

const AXE_SOURCE = readFileSync(
  fileURLToPath(new URL('../../../node_modules/axe-core/axe.min.js', import.meta.url)),
  'utf8',
);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core in the page (WCAG 2.x A and AA rules) and returns its violations. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  await page.evaluate(`${AXE_SOURCE};0`);
  return page.evaluate<AxeViolation[]>(`axe
    .run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    })
    .then((result) =>
      result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 6).map((n) => n.target.join(' ')),
      })),
    )`);
}

/** Axe violations that count as serious or critical. */
export function seriousViolations(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Prints a page's axe result in one line (and the details of what it found). */
export function reportAxe(pageName: string, violations: AxeViolation[]): void {
  const serious = seriousViolations(violations);
  console.log(
    `axe ${pageName}: ${serious.length} serious/critical, ${violations.length - serious.length} minor/moderate${
      violations.length === 0
        ? ''
        : ` (${violations.map((v) => `${v.id}:${v.impact ?? '?'}`).join(', ')})`
    }`,
  );
  for (const v of serious)
    console.log(`  ${v.impact ?? '?'} ${v.id}: ${v.help} — ${v.targets.join(' | ')}`);
}

/** Where the README's screenshots live. */
export const SCREENSHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));

/** A page a person is signed in on, in a fresh profile of its own. */
export interface OpenedPage {
  page: Page;
  /** What the page logged as errors (see collectPageErrors). */
  errors: string[];
  context: BrowserContext;
}

/** The demo served to a Chromium for the tests of one `describe`. */
export interface DemoApp {
  /** The demo server (once the suite's beforeAll has started it). */
  readonly server: DemoServer;
  /** The browser (once the suite's beforeAll has launched it). */
  readonly browser: Browser;
  /**
   * Signs the person in (by their name on the sign-in page) in a fresh profile, at a laptop's
   * width unless told otherwise, and goes to `path` (sign-in lands on `/`).
   */
  open(
    name: string,
    path?: string,
    viewport?: { width: number; height: number },
  ): Promise<OpenedPage>;
}

/**
 * Starts the demo server and Chromium before the tests of the enclosing `describe` (then runs
 * `setUp`, say to replay the ERP-17 slip), and closes both after them.
 */
export function useDemoApp(
  options: {
    setUp?: (server: DemoServer, browser: Browser) => Promise<void>;
    /** How long starting may take, setUp included. */
    timeout?: number;
  } = {},
): DemoApp {
  let server: DemoServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startDemoServer();
    browser = await launchChromium();
    await options.setUp?.(server, browser);
  }, options.timeout ?? 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`The ${what} is not started: call useDemoApp in a describe`);
    return value;
  };
  return {
    get server() {
      return started(server, 'demo server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    async open(name, path = '/', viewport) {
      const base = started(server, 'demo server').base;
      const context = await newContext(started(browser, 'browser'), viewport);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await signInAs(page, base, name);
      if (path !== '/') await page.goto(`${base}${path}`);
      return { page, errors, context };
    },
  };
}

/** Runs axe on the page, prints what it found, and expects nothing serious or critical. */
export async function expectAxeClean(page: Page, name: string): Promise<void> {
  // A drawer or dialog fading in reads as low contrast: let running transitions end first.
  await page.evaluate(`Promise.race([
    Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
    new Promise((resolve) => setTimeout(resolve, 2000)),
  ])`);
  const violations = await runAxe(page);
  reportAxe(name, violations);
  expect(seriousViolations(violations)).toEqual([]);
}

/** Replays one of the demo's ERP-17 deliveries through the running server. */
export async function replayDemo(
  server: DemoServer,
  payload: 'erp-17-due-date-moved' | 'erp-17-due-date-restored',
): Promise<void> {
  const response = await fetch(`${server.base}/api/v1/demo/replay`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ payload }),
  });
  expect(response.status).toBe(200);
}

/** One API call to the demo server with a bearer token; the answer's status and JSON body. */
export async function callApi<T>(
  server: DemoServer,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** Priya's token, and the IT over-allocation signal the ERP-17 slip raised, as her inbox lists it. */
export async function capacitySignalForPriya(
  server: DemoServer,
): Promise<{ priya: string; signal: string }> {
  const priya = await createApiToken(server.db, 'priya', 'browser test', new Date());
  const inbox = await callApi<{ signals: { id: string; kind: string }[] }>(
    server,
    priya,
    'GET',
    '/api/v1/signals',
  );
  const signal = inbox.body.signals.find((s) => s.kind === 'capacity.over_allocated');
  expect(signal).toBeDefined();
  return { priya, signal: signal!.id };
}

/** Replays the ERP-17 slip a moment after an instant it returns: the plan as known before the slip. */
export async function slipAfterAnInstant(server: DemoServer): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  const beforeSlip = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 5));
  await replayDemo(server, 'erp-17-due-date-moved');
  return beforeSlip;
}
