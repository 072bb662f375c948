import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectPageErrors,
  type DemoServer,
  launchChromium,
  newContext,
  replayDemo,
  signInAs,
  startDemoServer,
} from './support/web-app.ts';

/**
 * The audit log in the browser: a finance controller finds it in the navigation and reads who
 * changed what, filtered by item; a person without the right is not offered it and, arriving by
 * its address, is told who may read it.
 */
describe('the audit log in the browser', { timeout: 120_000 }, () => {
  let server: DemoServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startDemoServer();
    browser = await launchChromium();
    await replayDemo(server, 'erp-17-due-date-moved');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function openAs(name: string): Promise<{ page: Page; errors: string[] }> {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signInAs(page, server.base, name);
    return { page, errors };
  }

  it('shows Lena every write, and filters it to one item', async () => {
    const { page, errors } = await openAs('Lena Hoffmann');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const table = page.getByTestId('audit-table');
    await expect.poll(() => table.textContent()).toContain('plan.create');
    await page.getByLabel('Item').fill('decision/');
    await page.getByRole('button', { name: 'Filter' }).click();
    // The decision the ERP-17 slip opened by itself, by the engine.
    await expect.poll(() => table.textContent()).toContain('decision/DEC-1');
    expect(await table.textContent()).not.toContain('plan.create');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('does not offer it to Sam, and tells him who may read it', async () => {
    const { page } = await openAs('Sam Carter');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Signals' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto(`${server.base}/audit`);
    await expect.poll(() => page.content()).toMatch(/Lena Hoffmann|Omar Haddad/);
    expect(await page.getByTestId('audit-table').count()).toBe(0);
    await page.context().close();
  });
});
