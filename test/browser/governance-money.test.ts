import { describe, expect, it } from 'vitest';
import { expectAxeClean, useDemoApp } from './support/web-app.ts';

/**
 * Money and validated value in the browser (docs/GOVERNANCE.md): the portfolio's money on the
 * strategy map, an objective's and an initiative's; Priya sees her ERP's invoicing benefit
 * "claimed" and is not offered the form; Lena, the finance controller, validates August 2026 from
 * the initiative page and it reads "validated". No serious or critical axe violation.
 */
describe('money and validated value in the browser', { timeout: 120_000 }, () => {
  const app = useDemoApp();

  it('shows the portfolio, objective and initiative money, and Priya her benefit claimed', async () => {
    const { page, errors } = await app.open('Priya Shah');
    // The portfolio's money leads the home: its budget and the forecast at completion.
    const portfolio = page.getByTestId('home-budget');
    await expect
      .poll(() => portfolio.textContent())
      .toMatch(/\$1,300,000forecast \$[\d,]+ at completion/);
    await page.goto(`${app.server.base}/objectives/O-COST`);
    const objective = page.getByTestId('money-panel-objective');
    await expect.poll(() => objective.textContent()).toMatch(/I-ERP 100%/);
    await page.goto(`${app.server.base}/initiatives/I-ERP`);
    const money = page.getByTestId('money-panel-initiative');
    await expect.poll(() => money.textContent()).toContain('$1,300,000');
    expect(await money.textContent()).toContain('$1,233,652');
    const value = page.getByTestId('value-B-ERP-INVOICING');
    await expect.poll(() => value.textContent()).toContain('Claimed');
    expect(await value.textContent()).toContain('$46,500');
    expect(await page.getByRole('form', { name: /Validate the value/ }).count()).toBe(0);
    expect(await value.textContent()).toMatch(/Only a finance controller \(Lena Hoffmann\)/);
    await expectAxeClean(page, 'initiative money and value');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets Lena validate August 2026 from the initiative page', async () => {
    const { page, errors } = await app.open('Lena Hoffmann');
    await page.goto(`${app.server.base}/initiatives/I-ERP`);
    const form = page.getByRole('form', { name: 'Validate the value of B-ERP-INVOICING' });
    await form.waitFor();
    await expectAxeClean(page, 'value validation form');
    await form.getByRole('textbox', { name: 'Realised amount' }).fill('40250');
    await form
      .getByRole('textbox', { name: 'Note' })
      .fill('Matched to the AP ledger at the August close');
    await form.getByRole('button', { name: 'Validate' }).click();
    const value = page.getByTestId('value-B-ERP-INVOICING');
    await expect.poll(() => value.textContent()).toContain('by lena: Matched to the AP ledger');
    expect(await value.textContent()).toContain('$40,250');
    expect(await value.textContent()).toContain('Validated');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
