import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAxeClean, replayDemo, useDemoApp, DESKTOP, WIDTHS } from './support/web-app.ts';
import { CODE_ONLY, OTHER_DATE_FORMAT, wallToday } from './support/readable-text.ts';

/** In the page: what lies under the live notice (links, buttons, fields, headings, table cells). */
const COVERED_BY_NOTICE = `(() => {
  const notice = document.querySelector('[data-testid="live-notice"]');
  if (notice === null) return ['no notice'];
  const n = notice.getBoundingClientRect();
  const under = [];
  const all = document.querySelectorAll(
    'a, button, input, select, textarea, h1, h2, h3, th, td, [role="button"], [data-testid="as-of"]',
  );
  for (const el of all) {
    if (notice.contains(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (r.left < n.right && r.right > n.left && r.top < n.bottom && r.bottom > n.top)
      under.push(el.tagName.toLowerCase() + ' ' + (el.textContent || '').trim().slice(0, 40));
  }
  return under;
})()`;

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).allTextContents()).join('\n').replace(/\s+/g, ' ');
}

/**
 * Issue 14, parts 2, 3, 7 and 8, in Chromium at 1440 and 390 px: names rather than codes, one
 * clock and one date format, live changes that inform without covering, the plan editor's
 * human errors, and the milestone's forecast spread; axe on every page.
 */
describe('an executive reads the app in ten seconds', { timeout: 120_000 }, () => {
  const app = useDemoApp();

  it('a live change highlights the figure that moved and shows one compact notice that covers nothing', async () => {
    for (const [width, viewport] of WIDTHS) {
      const { page, errors, context } = await app.open('Dana Whitfield', '/', viewport);
      const savings = page.getByTestId('kpi-card-K-SAVINGS');
      await savings.getByTestId('kpi-forecast').waitFor();
      await page.waitForTimeout(500);
      const moved = width === '1440' ? 'erp-17-due-date-moved' : 'erp-17-due-date-restored';
      await replayDemo(app.server, moved);
      const notice = page.getByTestId('live-notice');
      await notice.waitFor({ timeout: 5000 });
      // One notice, one line: never a stack of cards over the page.
      expect(await notice.count()).toBe(1);
      const box = await notice.boundingBox();
      expect(box).not.toBeNull();
      if (box === null) return;
      console.log(
        `live notice at ${width} px: ${Math.round(box.width)} × ${Math.round(box.height)} px`,
      );
      expect(box.height).toBeLessThanOrEqual(40);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
      // It covers nothing: no link, button, field, heading or table cell lies under it.
      const covered = await page.evaluate<string[]>(COVERED_BY_NOTICE);
      expect(covered).toEqual([]);
      // The figure that moved, highlighted where it is shown, with its old value.
      const figure = savings.locator('[data-moved]');
      await figure.waitFor({ timeout: 5000 });
      expect(await figure.textContent()).toMatch(
        width === '1440' ? /^\$788,571.*was \$1,268,571$/ : /^\$1,268,571.*was \$788,571$/,
      );
      await expectAxeClean(page, `strategy map after a live change (${width} px)`);
      // The notice links to the list of what changed.
      await notice.getByRole('link', { name: 'What changed' }).click();
      await page.getByRole('heading', { level: 1, name: 'What changed' }).waitFor();
      const changes = await text(page, '[data-testid="change"]');
      expect(changes).toContain(
        width === '1440'
          ? 'Realised cost savings (K-SAVINGS) 2026-Q4 forecast $1,268,571 → $788,571'
          : 'Realised cost savings (K-SAVINGS) 2026-Q4 forecast $788,571 → $1,268,571',
      );
      expect(await notice.count()).toBe(0);
      await expectAxeClean(page, `what changed (${width} px)`);
      expect(errors).toEqual([]);
      await context.close();
    }
    // The story goes on slipped for the tests below.
    await replayDemo(app.server, 'erp-17-due-date-moved');
  });

  it('chains and cards name things, label their days, and keep to the pinned clock and one date format', async () => {
    for (const [width, viewport] of WIDTHS) {
      const { page, errors, context } = await app.open('Dana Whitfield', '/signals', viewport);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      const card = page.locator('[data-signal-id="kpi.misses_target:K-SAVINGS:2026-Q4"]').first();
      // The incident folds its signals: open it when the card is inside one.
      const unfold = page.getByRole('button', { name: /^Show what it does/ });
      if ((await card.count()) === 0 || !(await card.isVisible())) {
        for (const button of await unfold.all()) await button.click();
      }
      await card.waitFor();
      // The chain draws its links once the card has its data: wait for them.
      const chainLinks = card.getByTestId('cause-chain').getByRole('link');
      await expect.poll(() => chainLinks.count()).toBeGreaterThan(3);
      const links = await chainLinks.allTextContents();
      for (const link of links) expect(link.trim()).not.toMatch(CODE_ONLY);
      expect(links).toContain('ERP go-live, plant 1 (M-GOLIVE)');
      const chain = await text(
        page,
        '[data-signal-id="kpi.misses_target:K-SAVINGS:2026-Q4"] [data-testid="cause-chain"]',
      );
      // Two kinds of day, each labelled.
      expect(chain).toContain('+21 calendar days');
      expect(chain).toContain('+15 working days');
      expect(chain).not.toMatch(/\+\d+ days/);
      // Raised on the product's day, not on the wall clock's (once the app has heard the day).
      await expect
        .poll(() => text(page, '[data-testid="signal-card"]'), { timeout: 10_000 })
        .toContain('raised 14 Sep 2026');
      const cards = await text(page, '[data-testid="signal-card"]');
      expect(cards).not.toMatch(OTHER_DATE_FORMAT);
      expect(cards).not.toContain(wallToday());
      // People by name, never by id.
      expect(cards).not.toMatch(/Affects [^·]*\b(dana|marco|priya|sam|nina)\b/);
      await expectAxeClean(page, `signals (${width} px)`);

      // The map's source freshness is on the product's clock too.
      await page.goto(`${app.server.base}/`);
      await page.getByRole('heading', { level: 1, name: 'Strategy map' }).waitFor();
      const body = (await page.locator('main').textContent()) ?? '';
      const ages = [...body.matchAll(/(\d+) days ago/g)].map((m) => Number(m[1]));
      for (const age of ages) expect(age).toBeLessThan(30);
      expect(body).not.toContain(wallToday());
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('the milestone page says what sets the forecast in a sentence, a small chain and the spread of dates', async () => {
    for (const [width, viewport] of WIDTHS) {
      const { page, errors, context } = await app.open(
        'Dana Whitfield',
        '/milestones/M-PILOT',
        viewport,
      );
      const driver = page.getByTestId('milestone-driver');
      await driver.getByTestId('forecast-sentence').waitFor();
      const sentence = (await driver.getByTestId('forecast-sentence').textContent()) ?? '';
      expect(sentence).toMatch(/^Forecast \d{1,2} [A-Z][a-z]{2} \d{4}, /);
      const chart = driver.getByTestId('forecast-spread');
      await chart.waitFor();
      expect(await chart.getAttribute('aria-label')).toMatch(
        /half land by \d{1,2} [A-Z][a-z]{2} \d{4}, 85% by .*, 95% by /,
      );
      await chart.locator('svg').waitFor();
      const chartBox = await chart.boundingBox();
      expect(chartBox?.width ?? 0).toBeLessThanOrEqual(viewport.width);
      // Not the engine's log: no weekends, no trials and seeds, unless asked for.
      const shown = await driver.innerText();
      expect(shown).not.toMatch(/weekend|Monte Carlo|seed/);
      expect(shown).not.toMatch(OTHER_DATE_FORMAT);
      await expectAxeClean(page, `milestone M-PILOT (${width} px)`);

      // Too little history: said in one sentence; the chain drawn from the work.
      await page.goto(`${app.server.base}/milestones/M-GOLIVE`);
      await page.getByTestId('spread-thin').waitFor();
      expect(await page.getByTestId('spread-thin').textContent()).toMatch(
        /^No spread of dates yet: team ERP has finished 2 work items, and 10 are needed/,
      );
      const chainLinks = await page
        .getByTestId('driving-chain')
        .getByRole('link')
        .allTextContents();
      expect(chainLinks).toEqual([
        'Data migration cutover (ERP-17)',
        'ERP go-live, plant 1 (M-GOLIVE)',
      ]);
      await expectAxeClean(page, `milestone M-GOLIVE (${width} px)`);
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('the plan editor says "Milestone 8 needs an id", and a save says who made it with its history one click away', async () => {
    for (const [width, viewport] of WIDTHS) {
      const { page, errors, context } = await app.open('Lena Hoffmann', '/plan', viewport);
      await page.getByRole('heading', { level: 1, name: 'Plan editor' }).waitFor();
      await page.getByRole('tab', { name: /Milestones/ }).click();
      await page.getByRole('button', { name: 'New milestone' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Name').fill('Supplier portal live');
      await dialog.getByRole('textbox', { name: 'Planned date' }).fill('30 Nov 2026');
      await dialog.getByRole('combobox', { name: 'Initiative' }).fill('I-PROC');
      await page
        .getByRole('option', { name: /I-PROC/ })
        .first()
        .click();
      await dialog.getByRole('button', { name: 'Create milestone' }).click();
      await dialog.getByTestId('plan-problems').waitFor();
      const said = (await dialog.textContent()) ?? '';
      // The plan has seven milestones (one confidential): the new one is the eighth.
      expect(said).toContain('Milestone 8 needs an id');
      expect(said).not.toMatch(/\.milestones\[|\$\.|is not a valid id/);
      await expectAxeClean(page, `plan editor with a problem (${width} px)`);
      await dialog.getByRole('button', { name: 'Close without saving' }).click();

      if (width === '1440') {
        // A save: what changed and who made it; the history one click away.
        await page.getByRole('tab', { name: /Objectives/ }).click();
        await page.getByRole('button', { name: 'Edit O-CUSTOMER' }).click();
        await dialog.getByLabel('Name').fill('Ship on time to every plant');
        await dialog.getByRole('button', { name: 'Save changes' }).click();
        const saved = page.getByTestId('plan-saved');
        await saved.getByText(/^Saved objective O-CUSTOMER, by Lena Hoffmann: 1 change/).waitFor();
        await saved.getByRole('link', { name: 'See its history' }).click();
        await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
        await page.getByRole('cell', { name: 'objectives/O-CUSTOMER' }).first().waitFor();
        expect(await page.getByRole('cell', { name: 'Lena Hoffmann' }).count()).toBeGreaterThan(0);
      }
      // The refused plan is the one 400 the browser logs.
      expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
      await context.close();
    }
    // Dana may not read the audit log: no history button for her.
    const { page, context } = await app.open('Dana Whitfield', '/plan', DESKTOP);
    await page.getByRole('heading', { level: 1, name: 'Plan editor' }).waitFor();
    expect(await page.getByTestId('plan-history').count()).toBe(0);
    await context.close();
  });
});
