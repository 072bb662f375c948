import { describe, expect, it } from 'vitest';
import { replayDemo, useDemoApp } from './support/web-app.ts';

/**
 * The audit log in the browser: a finance controller finds it in the navigation and reads who
 * changed what, filtered by item; a person without the right is not offered it and, arriving by
 * its address, is told who may read it.
 */
describe('the audit log in the browser', { timeout: 120_000 }, () => {
  const app = useDemoApp({
    setUp: async (server) => {
      await replayDemo(server, 'erp-17-due-date-moved');
    },
  });

  it('shows Lena every write, and filters it to one item', async () => {
    const { page, errors } = await app.open('Lena Hoffmann');
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
    const { page } = await app.open('Sam Carter');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Signals' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto(`${app.server.base}/audit`);
    await expect.poll(() => page.content()).toMatch(/Lena Hoffmann|Omar Haddad/);
    expect(await page.getByTestId('audit-table').count()).toBe(0);
    await page.context().close();
  });
});
