import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAxeClean, replayDemo, SCREENSHOTS, useDemoApp } from './support/web-app.ts';

/**
 * The review cadence in the browser: Dana finds the reviews in the navigation, publishes the
 * weekly operations review's pack for 2026-09-14 after the ERP-17 slip, opens it and reads the
 * slip, its money and the decision waiting on her, with links to its Markdown and PDF; Nina, who
 * is no attendee, is told whom the packs are for. axe finds nothing serious on either page.
 */
describe('review packs in the browser', { timeout: 180_000 }, () => {
  const app = useDemoApp({
    setUp: async (server) => {
      await replayDemo(server, 'erp-17-due-date-moved');
    },
    timeout: 240_000,
  });

  it('publishes and shows the 2026-09-14 pack to Dana: the slip, its money, DEC-1', async () => {
    const { page, errors } = await app.open('Dana Whitfield');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Reviews' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Reviews' }).waitFor();
    const weekly = page.getByTestId('review-REV-OPS');
    await weekly.getByText('Mondays at 09:00 (Europe/Berlin)').first().waitFor();
    await weekly.getByRole('button', { name: 'Publish a pack now' }).click();
    await weekly.getByRole('link', { name: 'RP-REV-OPS-2026-09-14' }).waitFor();
    await expectAxeClean(page, 'reviews');
    await weekly.getByRole('link', { name: 'RP-REV-OPS-2026-09-14' }).click();
    await page.getByRole('heading', { level: 1, name: /Weekly operations review/ }).waitFor();
    const headline = page.getByTestId('pack-headline');
    await expect.poll(() => headline.textContent()).toContain('480,000 USD');
    expect(await headline.textContent()).toContain('DEC-1 waits on Dana Whitfield');
    expect(await page.getByTestId('pack-section-forecasts_moved').textContent()).toContain(
      'ERP-17 due date moved',
    );
    expect(await page.getByTestId('pack-section-money_at_risk').textContent()).toContain(
      '480,000 USD at risk in 2026-Q4 for K-SAVINGS',
    );
    expect(await page.getByRole('link', { name: 'PDF' }).getAttribute('href')).toBe(
      '/api/v1/review-packs/RP-REV-OPS-2026-09-14.pdf',
    );
    expect(await page.getByRole('link', { name: 'Markdown' }).getAttribute('href')).toBe(
      '/api/v1/review-packs/RP-REV-OPS-2026-09-14.md',
    );
    // The session reaches the PDF the link names.
    const pdf = await page.request.get(
      `${app.server.base}/api/v1/review-packs/RP-REV-OPS-2026-09-14.pdf`,
    );
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await expectAxeClean(page, 'review pack');
    await page.screenshot({ path: join(SCREENSHOTS, 'review-pack.png'), fullPage: false });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('tells Nina, who is no attendee, whom the packs are for', async () => {
    const { page } = await app.open('Nina Alvarez');
    await page.goto(`${app.server.base}/reviews`);
    const weekly = page.getByTestId('review-REV-OPS');
    await weekly.getByText('Its packs are for its attendees').waitFor();
    expect(await weekly.getByRole('button', { name: 'Publish a pack now' }).count()).toBe(0);
    await page.goto(`${app.server.base}/reviews/packs/RP-REV-OPS-2026-09-14`);
    await expect.poll(() => page.content()).toContain("read this review's packs");
    expect(await page.getByTestId('pack-headline').count()).toBe(0);
    await page.context().close();
  });
});
