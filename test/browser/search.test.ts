import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAxeClean, useDemoApp } from './support/web-app.ts';

/**
 * Issue 14, point 6: search across objectives, KPIs, initiatives, milestones, work items and
 * people from the header, and with Ctrl+K; by keyboard alone; only what the reader may see.
 */
describe('searching from the header', { timeout: 180_000 }, () => {
  const app = useDemoApp();

  async function open(name: string, viewport = { width: 1440, height: 900 }) {
    const opened = await app.open(name, '/', viewport);
    // The live view is what search reads: wait for it (the header's as-of day comes with it).
    await opened.page.getByTestId('as-of').waitFor();
    return opened;
  }

  const dialog = (page: Page) => page.getByRole('dialog', { name: 'Search' });
  const box = (page: Page) => dialog(page).getByRole('combobox');
  const options = (page: Page) => dialog(page).getByRole('option');
  /** The ids of the results shown, in order. */
  const ids = async (page: Page): Promise<string[]> => {
    const found: string[] = [];
    for (const option of await options(page).all()) {
      found.push((await option.getAttribute('data-id')) ?? '');
    }
    return found;
  };
  /** Whether the element has the focus. */
  const focused = (page: Page, selector: string) =>
    page.evaluate<boolean>(
      `document.activeElement === document.querySelector(${JSON.stringify(selector)})`,
    );

  it('opens with Ctrl+K, finds I-ERP and M-GOLIVE by name, opens one with Enter, closes with Escape', async () => {
    const { page, errors, context } = await open('Dana Whitfield');
    await page.keyboard.press('Control+K');
    await box(page).waitFor();
    // The field takes the focus as the dialog opens (Mantine moves it once the dialog is drawn):
    // typing searches at once.
    await expect.poll(() => focused(page, '[role="dialog"] [role="combobox"]')).toBe(true);
    await page.keyboard.type('ERP');
    await expect.poll(() => ids(page)).toContain('I-ERP');
    const found = await ids(page);
    expect(found).toContain('M-GOLIVE');
    expect(found).toContain('ERP-17');
    // By name, with its kind: never the code alone.
    const golive = dialog(page).locator('[data-id="M-GOLIVE"]');
    expect(await golive.textContent()).toMatch(/^ERP go-live, plant 1 M-GOLIVE.*Milestone$/);
    expect(await dialog(page).locator('[data-id="I-ERP"]').getAttribute('aria-selected')).toBe(
      found[0] === 'I-ERP' ? 'true' : 'false',
    );
    await expectAxeClean(page, 'search with results');

    // The arrows move the choice (and say so to a screen reader); Enter opens it.
    const target = found.indexOf('M-GOLIVE');
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    expect(await golive.getAttribute('aria-selected')).toBe('true');
    expect(await box(page).getAttribute('aria-activedescendant')).toBe(
      await golive.getAttribute('id'),
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/milestones\/M-GOLIVE$/);
    await page.getByRole('heading', { level: 1, name: /ERP go-live, plant 1/ }).waitFor();
    // The dialog closes with a short transition, which the lazily loaded page may outrun.
    await expect.poll(() => dialog(page).count()).toBe(0);

    // Ctrl+K again; Escape closes it and gives the focus back.
    await page.keyboard.press('Control+K');
    await box(page).waitFor();
    await page.keyboard.type('savings');
    await expect.poll(() => ids(page)).toContain('K-SAVINGS');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'hidden' });
    expect(page.url()).toMatch(/\/milestones\/M-GOLIVE$/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is reached by the keyboard from the header, and finds people with their role', async () => {
    const { page, errors, context } = await open('Grace Okafor');
    const button = page.getByRole('button', { name: 'Search', exact: true });
    await button.focus();
    await page.keyboard.press('Enter');
    await box(page).waitFor();
    await page.keyboard.type('priya');
    const person = dialog(page).locator('[data-kind="person"][data-id="priya"]');
    await person.waitFor();
    expect(await person.textContent()).toMatch(/^Priya Shah priya.*IT lead.*Person$/);
    // What she owns is found by her name too.
    await expect.poll(() => ids(page)).toContain('I-ERP');
    // Nothing found says so.
    await box(page).fill('zzqx');
    await dialog(page).getByText('Nothing found for “zzqx”.').waitFor();
    expect(await options(page).count()).toBe(0);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'hidden' });
    // The focus is back on the button that opened it.
    await expect.poll(() => focused(page, '[data-testid="search-button"]')).toBe(true);
    // A person leads to what they own: Priya's initiatives, on the portfolio.
    await page.keyboard.press('Control+K');
    await box(page).waitFor();
    await page.keyboard.type('Priya Shah');
    await expect.poll(async () => (await ids(page))[0]).toBe('priya');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/initiatives\?owner=priya$/);
    await expect.poll(() => page.getByLabel('Owner').inputValue()).toBe('priya');
    await page.getByTestId('portfolio-table').getByRole('link', { name: /ERP/ }).first().waitFor();
    expect(await page.getByTestId('portfolio-table').textContent()).not.toContain('I-PROC');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('never finds a confidential initiative for someone who may not see it', async () => {
    for (const [name, cleared] of [
      ['Sam Carter', false],
      ['Marco Rossi', false],
      ['Dana Whitfield', true],
    ] as const) {
      const { page, errors, context } = await open(name);
      await page.keyboard.press('Control+K');
      await box(page).waitFor();
      for (const query of ['divest', 'I-DIVEST', 'M-DIVEST-CLOSE', 'plant 3']) {
        await box(page).fill(query);
        await page.waitForTimeout(100);
        const found = await ids(page);
        const secret = found.filter((id) => /DIVEST|PLANT3|O-PORTFOLIO/.test(id));
        if (cleared) {
          if (query === 'divest') expect(found, `${name}: ${query}`).toContain('I-DIVEST');
        } else {
          expect(secret, `${name}: ${query}`).toEqual([]);
          const shown = (await dialog(page).getByRole('listbox').textContent()) ?? '';
          expect(shown, `${name}: ${query}`).not.toMatch(/divest/i);
        }
      }
      expect(errors).toEqual([]);
      await context.close();
    }
  });

  it('works on a phone: the header icon opens it, the results fit the screen', async () => {
    const { page, errors, context } = await open('Priya Shah', { width: 390, height: 844 });
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await box(page).waitFor();
    await page.keyboard.type('ERP');
    await expect.poll(() => ids(page)).toContain('M-GOLIVE');
    const width = await page.evaluate<number>('document.documentElement.clientWidth');
    const panel = await dialog(page).boundingBox();
    expect(panel).not.toBeNull();
    expect((panel?.x ?? -1) >= 0 && (panel?.x ?? 0) + (panel?.width ?? 999) <= width).toBe(true);
    await expectAxeClean(page, 'search at 390 px');
    await dialog(page).locator('[data-id="I-ERP"]').click();
    await page.waitForURL(/\/initiatives\/I-ERP$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
