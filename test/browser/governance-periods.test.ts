import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/store/token-store.ts';
import { callApi, expectAxeClean, SCREENSHOTS, useDemoApp } from './support/web-app.ts';

/**
 * Closed periods in the browser (docs/GOVERNANCE.md "Locked periods"): Lena, the finance
 * controller, finds August closed by herself with its frozen figures and an adjustment beside
 * one, and closes September; Sam sees which periods are closed but is offered no close button.
 */
describe('closed periods in the browser', { timeout: 120_000 }, () => {
  const app = useDemoApp({
    setUp: async (server) => {
      const lena = await createApiToken(server.db, 'lena', 'browser test', new Date());
      const adjusted = await callApi(server, lena, 'POST', '/api/v1/periods/2026-08/adjustments', {
        kpi: 'K-OTD',
        amount: -0.3,
        reason: 'Late returns booked after closing',
      });
      expect(adjusted.status).toBe(201);
    },
  });

  it('shows Lena August frozen with the adjustment beside the figure, and lets her close September', async () => {
    const { page, errors } = await app.open('Lena Hoffmann');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Closed periods' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Closed periods' }).waitFor();
    const periods = page.getByTestId('closed-periods');
    await expect.poll(() => periods.textContent()).toContain('2026-08');
    expect(await periods.textContent()).toContain('Lena Hoffmann');
    const figures = page.getByTestId('frozen-figures');
    await expect.poll(() => figures.textContent()).toContain('the actual of K-OTD for 2026-08');
    const row = figures.getByRole('row', { name: /K-OTD for 2026-08/ });
    expect(await row.textContent()).toMatch(
      /96\.1.*-0\.3 by lena.*Late returns booked after closing.*95\.8/,
    );
    // The pointer off the link it clicked: a hovered active link is not what a reader sees.
    await page.mouse.move(900, 700);
    await expectAxeClean(page, 'closed periods');
    await page.screenshot({ path: join(SCREENSHOTS, 'periods.png'), fullPage: true });

    await page.getByLabel('Period to close').fill('2026-09');
    await page.getByRole('button', { name: 'Close period' }).click();
    await expect.poll(() => periods.textContent()).toContain('2026-09');
    await page.getByLabel('Period to close').fill('2026-09');
    await page.getByRole('button', { name: 'Close period' }).click();
    await expect
      .poll(() => page.getByTestId('close-error').textContent())
      .toContain('2026-09 is closed already (by Lena Hoffmann');
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await page.context().close();
  });

  it('shows Sam which periods are closed, with no close button', async () => {
    const { page } = await app.open('Sam Carter');
    await page.goto(`${app.server.base}/periods`);
    await page.getByRole('heading', { level: 1, name: 'Closed periods' }).waitFor();
    await expect.poll(() => page.getByTestId('closed-periods').textContent()).toContain('2026-08');
    expect(await page.getByRole('button', { name: 'Close period' }).count()).toBe(0);
    await expectAxeClean(page, 'closed periods (Sam)');
    await page.context().close();
  });
});
