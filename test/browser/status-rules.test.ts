import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/domain/plan.ts';
import { callApi, expectAxeClean, replayDemo, useDemoApp } from './support/web-app.ts';

/** The words a screen reader hears after a badge's name: the texts its aria-describedby names. */
async function descriptionOf(page: Page, badge: Locator): Promise<string> {
  const ids = ((await badge.getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);
  const texts: string[] = [];
  for (const id of ids) texts.push((await page.locator(`[id="${id}"]`).textContent()) ?? '');
  return texts.join(' ').trim();
}

/** The one rule popover on screen. */
function shownRule(page: Page): Locator {
  return page.locator('[data-testid="status-rule"]:visible');
}

/** The breadcrumb links, as paths. */
async function crumbsOf(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Breadcrumb' });
  await nav.waitFor();
  const paths: string[] = [];
  for (const link of await nav.getByRole('link').all()) {
    paths.push((await link.getAttribute('href')) ?? '');
  }
  return paths;
}

/**
 * Statuses that agree with their inputs and say their rule (issue 14, point 5), after ERP-17's
 * slip: the cost objective follows its only KPI, the ERP migration's value follows the savings
 * its late go-live holds up, every status explains itself on hover, focus and tap, and the
 * breadcrumbs only ever name what contains the page.
 */
describe('status rules', { timeout: 120_000 }, () => {
  const app = useDemoApp({
    setUp: async (server) => {
      await replayDemo(server, 'erp-17-due-date-moved');
    },
  });

  it('O-COST is off track with its only KPI off track, and says why on hover and focus', async () => {
    const { page, errors } = await app.open('Dana Whitfield', '/objectives/O-COST', {
      width: 1440,
      height: 900,
    });
    await page
      .getByRole('heading', { level: 1, name: 'Cut operating cost by $4M in FY2026' })
      .waitFor();
    // Its only KPI, off track.
    const kpis = page.locator('[data-testid="objective-page"] [data-testid^="kpi-card-"]');
    await page.locator('[data-testid="kpi-card-K-SAVINGS"][data-status="off_track"]').waitFor();
    expect(await kpis.count()).toBe(1);
    // Both initiatives serving it: delivery off track.
    for (const id of ['I-ERP', 'I-PROC']) {
      const row = page.getByTestId(`initiative-row-${id}`);
      expect(await row.locator('[data-status]').first().getAttribute('data-status'), id).toBe(
        'off_track',
      );
    }

    const badge = page.locator('[data-testid="objective-page"] [data-rule^="objective."]').first();
    expect(await badge.getAttribute('data-status')).toBe('off_track');
    expect(await badge.getAttribute('data-rule')).toBe('objective.kpis_off_track');
    expect((await badge.textContent())?.trim()).toBe('Off track');

    // Hover: the rule in one sentence and the reason here.
    await expect.poll(() => shownRule(page).count()).toBe(0);
    await badge.hover();
    const rule = shownRule(page);
    await rule.waitFor();
    expect(await rule.getAttribute('role')).toBe('tooltip');
    const said = (await rule.textContent()) ?? '';
    expect(said).toContain(
      'An objective is off track when at least half of its KPIs are off track.',
    );
    expect(said).toContain('its only KPI, K-SAVINGS, is off track');
    await page.mouse.move(5, 5);
    await expect.poll(() => shownRule(page).count()).toBe(0);

    // Keyboard: the badge is a button in the tab order; focus shows the rule, Escape hides it.
    expect(
      await page.locator('[data-testid="objective-page"] button[data-rule^="objective."]').count(),
    ).toBeGreaterThan(0);
    await badge.focus();
    await rule.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => shownRule(page).count()).toBe(0);
    // A screen reader hears the rule and the reason as the badge's description.
    const description = await descriptionOf(page, badge);
    expect(description).toContain('An objective is off track when at least half of its KPIs');
    expect(description).toContain('its only KPI, K-SAVINGS, is off track');

    await expectAxeClean(page, 'objective with status rules');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a tap on a status badge shows its rule on a phone, and a tap elsewhere hides it', async () => {
    const context = await app.browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      locale: 'en-US',
      timezoneId: 'Europe/Berlin',
    });
    const page = await context.newPage();
    await page.goto(`${app.server.base}/sign-in`);
    await page.getByRole('button', { name: /^Sign in as Dana Whitfield/ }).tap();
    await page.getByRole('heading', { level: 1, name: 'Strategy map' }).waitFor();
    await page.goto(`${app.server.base}/kpis/K-SAVINGS`);
    const badge = page.locator('[data-testid="kpi-page"] [data-rule="kpi.misses_target"]').first();
    await badge.tap();
    const rule = shownRule(page);
    await rule.waitFor();
    expect(await rule.textContent()).toContain(
      'A KPI is off track when its forecast misses the target of a period that has not ended.',
    );
    // The popover stays on the screen.
    const box = await rule.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await page.getByRole('heading', { level: 1 }).tap();
    await expect.poll(() => shownRule(page).count()).toBe(0);
    await context.close();
  });

  it("I-ERP's value is off track while its late go-live causes K-SAVINGS' miss", async () => {
    // The savings signal's chain starts at I-ERP's work: ERP-17 moves M-GOLIVE, which moves M-PURCH.
    const signals = await callApi<{
      signals: { id: string; chain: { kind: string; id: string }[] }[];
    }>(app.server, app.server.token, 'GET', '/api/v1/signals');
    const savings = signals.body.signals.find(
      (s) => s.id === 'kpi.misses_target:K-SAVINGS:2026-Q4',
    );
    expect(savings?.chain.map((s) => s.id).slice(0, 3)).toEqual(['ERP-17', 'M-GOLIVE', 'M-PURCH']);

    const { page, errors } = await app.open('Dana Whitfield', '/initiatives/I-ERP', {
      width: 1440,
      height: 900,
    });
    await page.getByRole('heading', { level: 1, name: 'ERP migration' }).waitFor();
    const value = page.getByRole('button', { name: /^Value: / }).first();
    await value.waitFor();
    expect((await value.textContent())?.trim()).toBe('Value: Off track');
    expect(await value.getAttribute('data-status')).toBe('off_track');
    expect(await value.getAttribute('data-rule')).toBe('initiative.value_off_track');
    await value.hover();
    const said = (await shownRule(page).textContent()) ?? '';
    expect(said).toContain('milestones its late milestones hold up');
    expect(said).toContain('M-PURCH waits on the late M-GOLIVE; K-SAVINGS is off track');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('no breadcrumb implies a parent that is not one', async () => {
    const { body: plan } = await callApi<Plan>(app.server, app.server.token, 'GET', '/api/v1/plan');
    const parentOf = (id: string) => plan.objectives.find((o) => o.id === id)?.parent;
    const { page } = await app.open('Dana Whitfield', '/', { width: 1440, height: 900 });

    // Each crumb after the first contains the next one, and the last contains the page.
    const expectPath = async (
      path: string,
      contains: (outer: string, inner: string) => boolean,
    ) => {
      await page.goto(`${app.server.base}${path}`);
      const crumbs = await crumbsOf(page);
      expect(crumbs[0], path).toBe('/');
      const trail = [...crumbs.slice(1), path];
      for (let at = 0; at + 1 < trail.length; at += 1) {
        expect(contains(trail[at]!, trail[at + 1]!), `${trail[at]} contains ${trail[at + 1]}`).toBe(
          true,
        );
      }
      return crumbs;
    };
    const idOf = (path: string) => decodeURIComponent(path.split('/')[2] ?? '');
    const containment = (outer: string, inner: string): boolean => {
      if (outer.startsWith('/objectives/') && inner.startsWith('/objectives/'))
        return parentOf(idOf(inner)) === idOf(outer);
      if (outer.startsWith('/initiatives/') && inner.startsWith('/milestones/'))
        return plan.milestones.find((m) => m.id === idOf(inner))?.initiative === idOf(outer);
      return false;
    };

    // O-MAINT sits under O-COST: a true path.
    expect(await expectPath('/objectives/O-MAINT', containment)).toEqual([
      '/',
      '/objectives/O-COST',
    ]);
    expect(await expectPath('/milestones/M-PILOT', containment)).toEqual([
      '/',
      '/initiatives/I-MAINT',
    ]);
    // I-MAINT serves two objectives, neither under the other: they are relations, not a path.
    expect(await expectPath('/initiatives/I-MAINT', containment)).toEqual(['/']);
    const serves = page.getByTestId('page-relation');
    expect((await serves.textContent())?.replace(/\s+/g, ' ')).toBe(
      'Serves Cut unplanned maintenance at plant 1 · Ship on time, every time',
    );
    expect(await expectPath('/kpis/K-SAVINGS', containment)).toEqual(['/']);
    expect((await page.getByTestId('page-relation').textContent())?.trim()).toMatch(
      /^Measures Cut operating cost by \$4M in FY2026$/,
    );
    expect(await expectPath('/work-items/ERP-17', containment)).toEqual(['/']);
    expect((await page.getByTestId('page-relation').textContent())?.trim()).toBe(
      'Delivers M-GOLIVE',
    );
    await page.context().close();
  });
});
