import { describe, expect, it } from 'vitest';
import { expectAxeClean, slipAfterAnInstant, useDemoApp } from './support/web-app.ts';

/**
 * "As we knew it on …" in the browser (issue 13 part 5): the KPI page shows how its forecast
 * moved against target (the ERP-17 slip moved it); with the time control the KPI page and the
 * strategy map answer as known before the slip, say so, and go back to now; an instant before
 * the first write is refused in words. Axe finds nothing serious on either.
 */
describe('the time control and the forecast history in the browser', { timeout: 180_000 }, () => {
  let beforeSlip: string;
  const app = useDemoApp({
    setUp: async (server) => {
      beforeSlip = await slipAfterAnInstant(server);
    },
    timeout: 240_000,
  });

  it('charts how the KPI forecast moved, and shows the KPI as known before the slip', async () => {
    const { page, errors } = await app.open('Dana Whitfield', '/kpis/K-SAVINGS');
    const history = page.getByTestId('kpi-forecast-history');
    await history.getByTestId('kpi-forecast-history-chart').waitFor();
    const rows = page.getByTestId('kpi-forecast-history-table').locator('tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    expect(await rows.first().textContent()).toContain('work');
    const label = await history
      .getByTestId('kpi-forecast-history-chart')
      .getAttribute('aria-label');
    expect(label).toMatch(/forecast moved from .* to .* against a target of/);
    const now = (await page.getByTestId('kpi-page').textContent()) ?? '';
    await expectAxeClean(page, 'KPI page with its forecast history');

    await page.goto(`${app.server.base}/kpis/K-SAVINGS?knownAt=${encodeURIComponent(beforeSlip)}`);
    await page.getByTestId('known-at-banner').waitFor();
    await expect
      .poll(async () => (await page.getByTestId('kpi-page').textContent()) ?? '')
      .not.toEqual(now);
    await expectAxeClean(page, 'KPI page as known before the slip');
    await page.getByTestId('known-at-now').click();
    await expect.poll(() => page.url()).not.toContain('knownAt');
    // The page draws itself again after the URL changes: wait for the banner to go.
    await expect.poll(() => page.getByTestId('known-at-banner').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('sets the instant with the control on the strategy map, and refuses one before the first write', async () => {
    const { page, errors } = await app.open('Dana Whitfield', '/');
    const control = page.getByTestId('known-at-control');
    await control.waitFor();
    // The control speaks the product's clock (the demo pins 14 Sep 2026): the noted instant's
    // time of day on the product's day, in the app's date format.
    const time = await page.evaluate((iso) => {
      const d = new Date(iso);
      const pad = (n: number): string => String(n).padStart(2, '0');
      return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, beforeSlip);
    // The control reads to the end of the chosen minute: wait until that is no longer the future
    // (the server refuses an instant in the future).
    const endOfMinute = Math.floor(Date.parse(beforeSlip) / 60_000) * 60_000 + 60_000;
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, endOfMinute - Date.now() + 200)),
    );
    const asked = page.waitForRequest((r) => r.url().includes('/api/v1/state?knownAt='));
    await page.getByTestId('known-at-date').fill('14 Sep 2026');
    await page.getByTestId('known-at-time').fill(time);
    await control.getByRole('button', { name: 'Show' }).click();
    await asked;
    await page.getByTestId('known-at-banner').waitFor();
    expect(page.url()).toContain('knownAt=');
    // The chosen minute, read back as the wall clock's instant it stands for.
    const knownAt = new URL(page.url()).searchParams.get('knownAt') ?? '';
    expect(Math.floor(Date.parse(knownAt) / 60_000)).toBe(
      Math.floor(Date.parse(beforeSlip) / 60_000),
    );
    expect(await page.getByTestId('known-at-banner').textContent()).toContain(
      `As we knew it on 14 Sep 2026, ${time}`,
    );
    await page.getByTestId('strategy-map').getByTestId('objectives-on_track').waitFor();
    await expectAxeClean(page, 'Strategy map as known then');

    await page.goto(`${app.server.base}/?knownAt=2001-01-01T00:00:00.000Z`);
    const refused = page.getByTestId('known-at-error');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('before the first write');
    expect(errors.filter((e) => !e.includes('400'))).toEqual([]);
    await page.context().close();
  });
});
