import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAxeClean, SCREENSHOTS, useDemoApp } from './support/web-app.ts';

/**
 * Stage gates in the browser: the portfolio at /initiatives (every initiative one may see, by
 * stage, with money per stage; filters and sorting), the stage and gate criteria on the
 * initiative page, and the gate's owner passing a gate there. Axe finds nothing serious.
 */
describe('stage gates in the browser', { timeout: 120_000 }, () => {
  const app = useDemoApp();

  const openAs = (name: string) => app.open(name, '/', { width: 1400, height: 1000 });

  it('shows Dana the portfolio by stage with money per stage, filtered and sorted', async () => {
    const { page, errors } = await openAs('Dana Whitfield');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Portfolio' })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Portfolio' }).waitFor();
    const stages = page.getByTestId('stage-money');
    await expect.poll(() => stages.textContent()).toContain('In delivery');
    const inDelivery = await page.locator('[data-stage="in_delivery"]').textContent();
    expect(inDelivery).toContain('1,300,000');
    const table = page.getByTestId('portfolio-table');
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(4);
    // Sorted by money at stake: the ERP migration first.
    expect(await rows.first().getAttribute('data-initiative')).toBe('I-ERP');
    expect(await page.locator('[data-initiative="I-MAINT"]').textContent()).toContain(
      'Blocked at approved: missing benefits',
    );
    // Off the link just clicked: its hover colours are not what the page shows.
    await page.mouse.move(0, 0);
    await expectAxeClean(page, 'portfolio');
    await page.screenshot({ path: join(SCREENSHOTS, 'portfolio.png'), fullPage: true });
    await page.getByLabel('Stage', { exact: true }).selectOption('defined');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByTestId('portfolio-summary').textContent()).toContain('1 initiative');
    await page.getByLabel('Stage', { exact: true }).selectOption('');
    await page.getByLabel('Sort by').selectOption('date');
    // The latest gate passed: I-MAINT defined on 2026-06-15.
    await expect.poll(() => rows.first().getAttribute('data-initiative')).toBe('I-MAINT');
    await page.getByLabel('Unit').selectOption('IT');
    await expect.poll(() => rows.count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('keeps a confidential initiative out of the portfolio of those not cleared', async () => {
    const { page } = await openAs('Sam Carter');
    await page.goto(`${app.server.base}/initiatives`);
    const table = page.getByTestId('portfolio-table');
    await expect.poll(() => table.textContent()).toContain('I-MAINT');
    expect(await table.textContent()).not.toContain('I-DIVEST');
    await page.context().close();
  });

  it("shows the stage and the gate's criteria on the initiative page, and lets the owner pass", async () => {
    const { page, errors } = await openAs('Dana Whitfield');
    await page.goto(`${app.server.base}/initiatives/I-MAINT`);
    const gate = page.getByTestId('stage-gate');
    await expect.poll(() => gate.textContent()).toContain('Blocked at the gate to approved');
    expect(await gate.textContent()).toContain('Missing: benefits.');
    expect(await gate.textContent()).toContain('Stage: Defined');
    await expectAxeClean(page, 'initiative stage gate');

    await page.goto(`${app.server.base}/initiatives/I-PROC`);
    await expect.poll(() => gate.textContent()).toContain('Ready for the gate to in delivery');
    await gate.getByLabel('Note').fill('Desk staffed, ERP link planned');
    await gate.getByRole('button', { name: 'Go: in delivery' }).click();
    await expect.poll(() => gate.getByTestId('stage-badge').textContent()).toContain('In delivery');
    await expect.poll(() => gate.textContent()).toContain('G-1');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('offers the decision to no one but the gate owner', async () => {
    const { page } = await openAs('Sam Carter');
    await page.goto(`${app.server.base}/initiatives/I-MAINT`);
    const gate = page.getByTestId('stage-gate');
    await expect.poll(() => gate.textContent()).toContain('Gate owner: Dana Whitfield');
    expect(await gate.getByRole('button', { name: 'No-go' }).count()).toBe(0);
    await page.context().close();
  });
});
