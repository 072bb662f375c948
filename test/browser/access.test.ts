import { describe, expect, it } from 'vitest';
import { replayDemo, useDemoApp } from './support/web-app.ts';

/**
 * Each person sees what the access policy lets them (docs/ACCESS.md "Roles and rules"), in a
 * real Chromium after the ERP-17 slip: Grace sees the confidential divestment, Sam does not but
 * sees Operations and the ERP incident; the plan editor shows Sam no edit he may not make; Marco
 * may edit his KPI, and moving its target is refused with a message naming who may.
 */
describe('per-person views in the browser', { timeout: 120_000 }, () => {
  const app = useDemoApp({
    setUp: async (server) => {
      await replayDemo(server, 'erp-17-due-date-moved');
    },
  });

  it('shows Grace the confidential divestment and Sam only Operations and the ERP incident', async () => {
    const grace = await app.open('Grace Okafor');
    await grace.page.getByTestId('objective-tree').waitFor();
    await expect.poll(() => grace.page.content()).toContain('Divest plant 3');
    await grace.page.context().close();

    const sam = await app.open('Sam Carter');
    await sam.page.getByTestId('objective-tree').waitFor();
    await expect.poll(() => sam.page.content()).toContain('Procurement consolidation');
    expect(await sam.page.content()).not.toMatch(/Divest plant 3|Exit plant 3/);
    await sam.page.goto(`${app.server.base}/signals`);
    await sam.page
      .getByText(/ERP-17/)
      .first()
      .waitFor();
    expect(await sam.page.content()).not.toMatch(/DIVEST|plant 3/i);
    expect(sam.errors).toEqual([]);
    await sam.page.context().close();
  });

  it('shows Sam no plan edit he may not make, and no scenario builder', async () => {
    const { page, errors } = await app.open('Sam Carter', '/plan');
    await page.getByRole('heading', { level: 1, name: 'Plan editor' }).waitFor();
    await page.getByTestId('plan-access-note').waitFor();
    expect(await page.getByRole('button', { name: /^New / }).count()).toBe(0);
    // O-COST is Dana's: no edit; M-PILOT is his own milestone.
    expect(await page.getByRole('button', { name: 'Edit O-COST' }).count()).toBe(0);
    await page.getByRole('tab', { name: /Milestones/ }).click();
    await page.getByRole('button', { name: 'Edit M-PILOT' }).waitFor();
    await page.goto(`${app.server.base}/scenarios`);
    await page.getByTestId('scenarios-access-note').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("keeps K-SAVINGS' target from Marco, saying who may move it, and keeps it", async () => {
    const { page } = await app.open('Marco Rossi', '/plan');
    await page.getByRole('heading', { level: 1, name: 'Plan editor' }).waitFor();
    await page.getByRole('tab', { name: /KPIs/ }).click();
    await page.getByRole('button', { name: 'Edit K-SAVINGS' }).click();
    const dialog = page.getByRole('dialog');
    // His KPI's other fields are his; its targets are read-only, with the reason naming who may.
    const targets = dialog.locator('fieldset', { hasText: 'Targets' });
    await targets
      .getByText(
        /Only the strategy office \(Lena Hoffmann\) or an admin \(Omar Haddad\) may move the targets of K-SAVINGS/,
      )
      .waitFor();
    expect(await dialog.getByLabel('Targets: target of row 1').isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const plan = await app.server.db.query<{ data: { targets: Record<string, number> } }>(
      "SELECT data FROM plan_entity WHERE collection = 'kpis' AND id = 'K-SAVINGS'",
    );
    expect(plan[0]?.data.targets['2026-Q4']).toBe(1200000);
    await page.context().close();
  });
});
