import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  dismissNotices,
  expectAxeClean,
  replayDemo,
  SCREENSHOTS,
  useDemoApp,
} from './support/web-app.ts';

/**
 * Picks an entry of a Mantine picker (a combobox) by typing and clicking the first option that
 * holds the text, once the list shows it (under load the list can come after the keystrokes).
 */
async function pick(page: Page, scope: Locator, label: string, text: string): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).fill(text);
  await page.getByRole('option').filter({ hasText: text }).first().click();
}

/** Adds a change with the lever of that label; returns its row. */
async function addChange(page: Page, lever: string): Promise<Locator> {
  const rows = page.getByTestId('change-row');
  const before = await rows.count();
  await pick(page, page.getByTestId('scenarios-page'), 'Lever', lever);
  await page.getByRole('button', { name: 'Add change' }).click();
  const row = rows.nth(before);
  await row.waitFor();
  return row;
}

/**
 * The scenario builder in a real Chromium, in the ERP story after the ERP-17 slip: Dana builds
 * "more IT in October" lever by lever, compares it against now (M-PURCH back to 9 Nov,
 * K-SAVINGS 2026-Q4 at 908,571), saves it and finds it after a reload; a scenario that names a
 * milestone an earlier change removed is refused at that change's row; axe finds nothing.
 */
describe('the scenario builder in the browser', { timeout: 120_000 }, () => {
  const app = useDemoApp({
    setUp: async (server) => {
      await replayDemo(server, 'erp-17-due-date-moved');
    },
  });

  it('builds more IT capacity in October, compares it against now, saves it, and lists it after a reload', async () => {
    const { page, errors } = await app.open('Dana Whitfield', '/');
    await page.getByRole('link', { name: 'Scenarios', exact: true }).click();
    await page.getByTestId('scenarios-page').waitFor();
    await page.getByTestId('saved-scenarios-empty').waitFor();

    await page.getByRole('textbox', { name: 'Name' }).fill('More IT in October');
    expect(await page.getByRole('textbox', { name: 'Id' }).inputValue()).toBe(
      'S-MORE-IT-IN-OCTOBER',
    );
    // A month-aligned range: valid whether capacity is held per month or per week.
    const row = await addChange(page, 'Add capacity');
    await pick(page, row, 'Unit', 'IT');
    await row.getByRole('textbox', { name: 'More per week' }).fill('4');
    await row.getByLabel(/^From( \*)?$/).fill('2026-10-01');
    await row.getByLabel(/^To( \*)?$/).fill('2026-10-31');
    await row.getByLabel('Cost', { exact: true }).fill('60000');
    await row.getByLabel('Cost falls in period').fill('2026-Q4');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Compare' }).click();
    const table = page.getByTestId('comparison-table');
    await table.waitFor();
    const purch = table.locator('tr[data-row="milestone:M-PURCH"]');
    expect(await purch.locator('th').textContent()).toContain('(M-PURCH)');
    expect(await purch.locator('td').allTextContents()).toEqual(['16 Nov 2026', '9 Nov 2026']);
    expect(await table.locator('tr[data-row="cost"] td').allTextContents()).toEqual([
      '$0',
      '$60,000',
    ]);
    expect(await table.locator('tr[data-row="target"] td').allTextContents()).toEqual([
      '$411,429',
      '$291,429',
    ]);
    // The KPI the scenario moves: charted against its target, the same figures in words beside.
    const savings = page.getByTestId('compared-kpi-K-SAVINGS');
    await savings.getByTestId('compared-kpi-chart-K-SAVINGS').waitFor();
    const kpiRows = savings.getByTestId('compared-kpi-table');
    expect(await kpiRows.locator('tr[data-series="target"] td').allTextContents()).toEqual([
      '$1,200,000',
    ]);
    expect(await kpiRows.locator('tr[data-series="Now"] td').allTextContents()).toEqual([
      '$788,571, $411,429 short of target',
    ]);
    expect(await kpiRows.locator('tr[data-series="A"] td').allTextContents()).toEqual([
      '$908,571, $291,429 short of target',
    ]);
    expect(
      await savings.getByTestId('compared-kpi-chart-K-SAVINGS').getAttribute('aria-label'),
    ).toContain(
      '2026-Q4: target $1,200,000; Now (do nothing) $788,571, A. More IT in October $908,571',
    );
    // The column of the scenario, as the decision page shows an option.
    const column = page.getByTestId('scenario-A');
    expect(await column.getByTestId('option-changes').textContent()).toContain(
      'Add 4 per week to IT from 1 Oct 2026 to 31 Oct 2026',
    );
    expect(await column.getByTestId('option-signals').textContent()).toBe(
      'Signals resolved 2, raised 0.',
    );

    await page.mouse.move(640, 880);
    await dismissNotices(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'scenarios.png'), fullPage: true });
    await expectAxeClean(page, 'scenarios, compared');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('builder-done').getByText('Saved S-MORE-IT-IN-OCTOBER').waitFor();
    const listed = page.locator(
      '[data-testid="saved-scenarios"] [data-scenario-id="S-MORE-IT-IN-OCTOBER"]',
    );
    await listed.waitFor();

    await page.reload();
    await listed.waitFor();
    expect(await listed.textContent()).toContain('More IT in October');
    expect(await listed.textContent()).toContain('Dana Whitfield');
    // Over the API too: kept with its author.
    const saved = await fetch(`${app.server.base}/api/v1/scenarios`, {
      headers: { authorization: `Bearer ${app.server.token}` },
    });
    const body = (await saved.json()) as {
      scenarios: { id: string; author: string; changes: unknown[] }[];
    };
    expect(body.scenarios.find((s) => s.id === 'S-MORE-IT-IN-OCTOBER')).toMatchObject({
      author: 'dana',
      changes: [
        {
          kind: 'add_capacity',
          unit: 'IT',
          perWeek: 4,
          from: '2026-10-01',
          to: '2026-10-31',
          cost: { amount: 60000, period: '2026-Q4' },
        },
      ],
    });

    // A saved scenario compares by ticking it: the same figures, with no builder in the way.
    await listed.getByRole('checkbox', { name: 'Compare More IT in October' }).check();
    await page.getByRole('button', { name: 'Compare' }).click();
    await page
      .getByTestId('comparison-table')
      .locator('th', { hasText: 'A. More IT in October' })
      .waitFor();
    expect(
      await page
        .getByTestId('comparison-table')
        .locator('tr[data-row="milestone:M-PURCH"] td')
        .allTextContents(),
    ).toEqual(['16 Nov 2026', '9 Nov 2026']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a change that names a milestone an earlier change removed at that row, and nothing is saved', async () => {
    const { page, errors } = await app.open('Dana Whitfield', '/scenarios');
    await page.getByTestId('scenarios-page').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Drop purchasing, then accept its slip');
    const drop = await addChange(page, 'Descope a milestone');
    await pick(page, drop, 'Milestone', 'M-PURCH');
    const accept = await addChange(page, 'Accept a slip');
    await pick(page, accept, 'Milestone', 'M-PURCH');

    await page.getByRole('button', { name: 'Compare' }).click();
    const field = accept.getByRole('combobox', { name: 'Milestone', exact: true });
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const message = await accept.textContent();
    expect(message).toMatch(/M-PURCH.*earlier change|earlier change.*M-PURCH/);
    expect(await drop.getAttribute('data-problems')).toBe('no');
    expect(await page.getByTestId('comparison-table').count()).toBe(0);

    // Saving is refused the same way, at the same row.
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('rows-refused').waitFor();
    expect(await accept.getAttribute('data-problems')).toBe('yes');
    expect(await page.getByTestId('builder-done').count()).toBe(0);
    await dismissNotices(page);
    await expectAxeClean(page, 'scenarios, a refused change');

    // A date no month begins on: refused at the capacity row's field, naming the months.
    await page.getByRole('button', { name: 'Remove change 2' }).click();
    await page.getByRole('button', { name: 'Remove change 1' }).click();
    const capacity = await addChange(page, 'Add capacity');
    await pick(page, capacity, 'Unit', 'IT');
    await capacity.getByRole('textbox', { name: 'More per week' }).fill('4');
    await capacity.getByLabel(/^From( \*)?$/).fill('2026-10-01');
    await capacity.getByLabel(/^To( \*)?$/).fill('2026-10-30');
    await page.getByRole('button', { name: 'Compare' }).click();
    await expect.poll(() => capacity.getAttribute('data-problems')).toBe('yes');
    expect(await capacity.textContent()).toMatch(/2026-10-30|30 Oct/);

    const list = await fetch(`${app.server.base}/api/v1/scenarios`, {
      headers: { authorization: `Bearer ${app.server.token}` },
    });
    const ids = ((await list.json()) as { scenarios: { id: string }[] }).scenarios.map((s) => s.id);
    expect(ids).not.toContain('S-DROP-PURCHASING-THEN-ACCEPT-ITS-SLIP');
    // The browser logs the 400s it was answered; nothing else may be logged.
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    await page.context().close();
  });

  it('proposes the scenario as an option of an open decision, priced there like the others', async () => {
    const opened = await fetch(`${app.server.base}/api/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Purchasing in November?',
        options: [
          {
            title: 'Accept M-PURCH’s slip',
            changes: [{ kind: 'accept_slip', milestone: 'M-PURCH' }],
          },
        ],
      }),
    });
    expect(opened.status).toBe(201);
    const decision = ((await opened.json()) as { decision: { id: string } }).decision.id;

    const { page, errors } = await app.open('Dana Whitfield', '/scenarios');
    await page.getByTestId('scenarios-page').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('Four more in IT for October');
    const row = await addChange(page, 'Add capacity');
    await pick(page, row, 'Unit', 'IT');
    await row.getByRole('textbox', { name: 'More per week' }).fill('4');
    await row.getByLabel(/^From( \*)?$/).fill('2026-10-01');
    await row.getByLabel(/^To( \*)?$/).fill('2026-10-31');
    await pick(page, page.getByTestId('scenarios-page'), 'Open decision', decision);
    await page.getByRole('button', { name: 'Propose as an option' }).click();
    const done = page.getByTestId('builder-done');
    await done.getByText(`Added as an option to ${decision}.`).waitFor();
    await done.getByRole('link', { name: 'Open the decision' }).click();

    await page.getByTestId('decision-page').waitFor();
    const option = page.getByTestId('option-2');
    await option.waitFor();
    expect(await option.getByRole('heading').first().textContent()).toBe(
      '2. Four more in IT for October',
    );
    expect(await option.textContent()).toContain('proposed by Dana Whitfield');
    const savings = page.getByTestId('compared-kpi-K-SAVINGS').getByTestId('compared-kpi-table');
    expect(await savings.locator('tr[data-series="2"] td').allTextContents()).toEqual([
      '$908,571, $291,429 short of target',
    ]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
