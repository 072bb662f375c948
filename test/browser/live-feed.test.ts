import type { Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { replayDemo, useDemoApp } from './support/web-app.ts';

/**
 * Issue 10, part 2, in Chromium: after a pushed change the app fetches only what the live
 * `state` event named (`POST /api/v1/state/entities`) and applies the `signal` events from their
 * payloads. It never asks for the whole strategic view or the whole signal list again, and the
 * figures on screen still move, with their highlight and notice.
 */
describe(
  'the web app follows the live feed without reloading everything',
  { timeout: 120_000 },
  () => {
    const app = useDemoApp();

    it('updates the strategy map after the ERP-17 slip, asking only for the entities the event named', async () => {
      const { page, errors, context } = await app.open('Dana Whitfield', '/');
      const savings = page.getByTestId('kpi-card-K-SAVINGS');
      await expect.poll(() => savings.getByTestId('kpi-forecast').textContent()).toBe('$1,268,571');
      // Connected, and the first loads (page start, stream open) are over.
      await expect
        .poll(() => page.locator('.live-indicator').first().getAttribute('data-mode'))
        .toBe('push');
      await page.waitForTimeout(500);

      const asked: string[] = [];
      const bodies: string[] = [];
      const note = (request: Request): void => {
        const url = new URL(request.url());
        if (!url.pathname.startsWith('/api/v1/')) return;
        asked.push(`${request.method()} ${url.pathname}`);
        if (url.pathname === '/api/v1/state/entities') bodies.push(request.postData() ?? '');
      };
      page.on('request', note);

      await replayDemo(app.server, 'erp-17-due-date-moved');

      // The figures move on screen, without a reload, with the old value beside the new one.
      await page
        .locator('[data-testid="kpi-card-K-SAVINGS"][data-status="off_track"]')
        .waitFor({ timeout: 5000 });
      await expect
        .poll(() => savings.getByTestId('kpi-forecast').textContent())
        .toMatch(/^\$788,571/);
      await expect
        .poll(() => savings.locator('[data-moved]').textContent())
        .toMatch(/was \$1,268,571$/);
      expect(await page.getByTestId('objective-card-O-COST').getAttribute('data-status')).toBe(
        'off_track',
      );
      await page.getByTestId('live-notice').waitFor({ timeout: 5000 });
      // The slip's signals, from the events alone, on the home.
      await page
        .locator('[data-testid="waiting-on-me"] [data-incident-id="incident:work_item:ERP-17"]')
        .waitFor({ timeout: 5000 });
      await page.waitForTimeout(500);
      page.off('request', note);

      console.log(`requests after the slip: ${asked.join(', ')}`);
      // Only the named entities were asked for; never the whole view, never the whole list.
      expect(asked).toContain('POST /api/v1/state/entities');
      expect(asked).not.toContain('GET /api/v1/state');
      expect(asked).not.toContain('GET /api/v1/signals');
      const named = bodies.map(
        (body) => JSON.parse(body) as { milestones?: string[]; kpis?: string[] },
      );
      expect(named.some((body) => body.milestones?.includes('M-GOLIVE') === true)).toBe(true);
      expect(named.some((body) => body.kpis?.includes('K-SAVINGS') === true)).toBe(true);
      expect(errors).toEqual([]);
      await context.close();
      // The story goes back to on track for whoever runs next on this server.
      await replayDemo(app.server, 'erp-17-due-date-restored');
    });
  },
);
