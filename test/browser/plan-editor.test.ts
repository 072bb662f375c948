import { describe, expect, it } from 'vitest';
import type { PlanFile } from '../../src/plan-file/plan-file-types.ts';
import { createApiToken } from '../../src/store/token-store.ts';
import { callApi, expectAxeClean, useDemoApp, WIDTHS } from './support/web-app.ts';

/** The demo's pinned day, in the app's one date format. */
const PRODUCT_DAY = '14 Sep 2026';
const PLANNERS = 'the strategy office (Lena Hoffmann) or an admin (Omar Haddad)';

/** A refused save logs its 400 or 403 in the browser: the only errors allowed. */
function unexpected(errors: string[]): string[] {
  return errors.filter((e) => !/status of (400|403)/.test(e));
}

/**
 * Issue 14, part 7, in Chromium at 1440 and 390 px: units' capacity and initiatives' demands
 * edited in the plan editor; each save lists what changed, who made it and when (the product's
 * clock), with the plan's history one click away; what a person may not change is read-only with
 * the reason; bad values are named by their row in plain words; axe on every state.
 */
describe('the plan editor: capacity, demands, history and access', { timeout: 180_000 }, () => {
  const app = useDemoApp();

  async function open(name: string, viewport: { width: number; height: number }) {
    const opened = await app.open(name, '/plan', viewport);
    await opened.page.getByRole('heading', { level: 1, name: 'Plan editor' }).waitFor();
    return opened;
  }

  it("Lena edits IT's capacity and a demand, sees each change with her name and the product's day, and opens the history in one click", async () => {
    let capacity = 6;
    let demand = 4;
    for (const [width, viewport] of WIDTHS) {
      const { page, errors, context } = await open('Lena Hoffmann', viewport);
      const dialog = page.getByRole('dialog');

      // A unit's capacity a week.
      await page.getByRole('tab', { name: /Units and capacity/ }).click();
      await page.getByRole('button', { name: 'Edit IT' }).click();
      const perWeek = dialog.getByRole('textbox', { name: 'Capacity a week', exact: true });
      expect(await perWeek.inputValue()).toBe(String(capacity));
      await perWeek.fill(String(capacity + 1));
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      const changes = page.getByTestId('plan-saved-changes');
      await changes
        .getByText(`Unit IT: capacity a week ${capacity} → ${capacity + 1}`, { exact: true })
        .waitFor();
      capacity += 1;
      expect(await page.getByTestId('plan-saved-by').textContent()).toMatch(
        new RegExp(`^By Lena Hoffmann, ${PRODUCT_DAY}, \\d{2}:\\d{2}$`),
      );
      await page
        .getByTestId('plan-table-units')
        .locator('[data-entity="IT"]')
        .getByText(String(capacity), { exact: true })
        .waitFor();

      // An initiative's demand on it.
      await page.getByRole('tab', { name: /Demands/ }).click();
      await page.getByRole('button', { name: 'Edit D-ERP-CUTOVER' }).click();
      await dialog.getByRole('textbox', { name: 'Amount a week' }).fill(String(demand + 1));
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await changes
        .getByText(`Demand D-ERP-CUTOVER: amount a week ${demand} → ${demand + 1}`, {
          exact: true,
        })
        .waitFor();
      demand += 1;
      await expectAxeClean(page, `plan editor, a saved demand (${width} px)`);

      // The plan's history, one click from the notice: the change, who, when.
      await page.getByRole('button', { name: 'Open the plan history' }).click();
      const drawer = page.getByTestId('plan-history-drawer');
      const latest = drawer.getByTestId('plan-history-entry').first();
      await latest.getByText('Demand D-ERP-CUTOVER').waitFor();
      expect(await latest.textContent()).toContain(`amount a week ${demand - 1} → ${demand}`);
      expect(await latest.textContent()).toMatch(new RegExp(`Lena Hoffmann · ${PRODUCT_DAY}`));
      expect(await drawer.textContent()).toContain(`capacity a week ${capacity - 1} → ${capacity}`);
      await expectAxeClean(page, `plan history (${width} px)`);
      await page.getByRole('button', { name: 'Close the plan history' }).click();
      await drawer.waitFor({ state: 'hidden' });
      expect(unexpected(errors)).toEqual([]);
      await context.close();
    }
  });

  it('a negative capacity and a demand without an id are named by their row, in plain words', async () => {
    for (const [width, viewport] of WIDTHS) {
      const { page, errors, context } = await open('Lena Hoffmann', viewport);
      const dialog = page.getByRole('dialog');
      await page.getByRole('tab', { name: /Units and capacity/ }).click();
      await page.getByRole('button', { name: 'Edit IT' }).click();
      await dialog.getByRole('textbox', { name: 'Capacity a week', exact: true }).fill('-2');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await dialog.getByTestId('plan-problems').waitFor();
      await dialog
        .getByText('Unit IT: the capacity a week cannot be negative (you wrote -2)')
        .waitFor();
      await expectAxeClean(page, `plan editor, a negative capacity (${width} px)`);
      await dialog.getByRole('button', { name: 'Cancel' }).click();

      await page.getByRole('tab', { name: /Demands/ }).click();
      const rows = await page.getByTestId('plan-table-demands').locator('[data-entity]').count();
      await page.getByRole('button', { name: 'New demand' }).click();
      await dialog.getByRole('textbox', { name: 'Amount a week' }).fill('2');
      await dialog.getByRole('combobox', { name: 'Initiative' }).fill('I-ERP');
      await page.getByRole('option', { name: /I-ERP/ }).first().click();
      await dialog.getByRole('combobox', { name: 'Unit', exact: true }).click();
      await page.getByRole('option', { name: 'IT', exact: true }).click();
      await dialog.getByRole('textbox', { name: 'First day' }).fill('5 Oct 2026');
      await dialog.getByRole('textbox', { name: 'Last day' }).fill('30 Oct 2026');
      await dialog.getByRole('button', { name: 'Create demand' }).click();
      await dialog.getByTestId('plan-problems').waitFor();
      const said = (await dialog.textContent()) ?? '';
      expect(said).toContain(`Demand ${rows + 1} needs an id`);
      expect(said).not.toMatch(/\$\.|\.demands\[|is not a valid id|perWeek/);
      await expectAxeClean(page, `plan editor, a demand without an id (${width} px)`);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await page.getByTestId('plan-table-demands').locator('[data-entity]').count()).toBe(
        rows,
      );
      expect(unexpected(errors)).toEqual([]);
      await context.close();
    }
  });

  it('Priya sees the units read-only with the reason, changes her own demand, and a refused save says why in plain words', async () => {
    for (const [width, viewport] of WIDTHS) {
      const { page, errors, context } = await open('Priya Shah', viewport);
      const dialog = page.getByRole('dialog');
      await page.getByTestId('plan-access-note').waitFor();
      await page.getByRole('tab', { name: /Units and capacity/ }).click();
      expect(await page.getByRole('button', { name: 'Edit IT' }).count()).toBe(0);
      await page.getByRole('button', { name: 'View IT' }).click();
      await dialog
        .getByTestId('plan-readonly-reason')
        .getByText(`Units and their capacity are changed by ${PLANNERS}.`)
        .waitFor();
      expect(
        await dialog.getByRole('textbox', { name: 'Capacity a week', exact: true }).isDisabled(),
      ).toBe(true);
      expect(await dialog.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
      await expectAxeClean(page, `plan editor, read-only unit (${width} px)`);
      await dialog.getByRole('button', { name: 'Close', exact: true }).click();
      if (width === '390') {
        expect(unexpected(errors)).toEqual([]);
        await context.close();
        continue;
      }

      // Her own initiative's demand: saved under her name (what she cannot see stays as it is).
      await page.getByRole('tab', { name: /Demands/ }).click();
      await page.getByRole('button', { name: 'Edit D-ERP-CUTOVER' }).click();
      await dialog.getByRole('textbox', { name: 'Amount a week' }).fill('3');
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      await page
        .getByTestId('plan-saved-changes')
        .getByText(/^Demand D-ERP-CUTOVER: amount a week \d+ → 3$/)
        .waitFor();
      expect(await page.getByTestId('plan-saved-by').textContent()).toContain(
        `By Priya Shah, ${PRODUCT_DAY}`,
      );
      // A demand of another initiative, on her unit: shown, not hers to change.
      await page.getByRole('button', { name: 'View D-PROC-ERP-LINK' }).waitFor();

      // While she edits, the strategy office gives I-ERP to Marco: her save is refused, and
      // the server's reason is shown in plain words; nothing changes.
      await page.getByRole('button', { name: 'Edit D-ERP-CUTOVER' }).click();
      await dialog.getByRole('textbox', { name: 'Amount a week' }).fill('2');
      const lena = await createApiToken(app.server.db, 'lena', 'plan editor test', new Date());
      const setOwner = async (owner: string) => {
        const plan = await callApi<PlanFile>(app.server, lena, 'GET', '/api/v1/plan');
        const moved = {
          ...plan.body,
          initiatives: (plan.body.initiatives ?? []).map((i) =>
            i.id === 'I-ERP' ? { ...i, owner } : i,
          ),
        };
        expect((await callApi(app.server, lena, 'POST', '/api/v1/plan', moved)).status).toBe(200);
      };
      await setOwner('marco');
      try {
        await dialog.getByRole('button', { name: 'Save changes' }).click();
        const problems = dialog.getByTestId('plan-problems');
        await problems.getByText(/^You may not make this change\. Only .*Marco Rossi/).waitFor();
        expect(await problems.textContent()).toMatch(/may change the fields of I-ERP/);
        expect(await problems.textContent()).not.toMatch(/access\.forbidden|\$\.|body/);
        await expectAxeClean(page, 'plan editor, a refused save');
        const stored = await app.server.db.query<{ data: { perWeek: number } }>(
          "SELECT data FROM plan_entity WHERE collection = 'demands' AND id = 'D-ERP-CUTOVER'",
        );
        expect(stored[0]?.data.perWeek).toBe(3);
      } finally {
        await setOwner('priya');
      }
      expect(unexpected(errors)).toEqual([]);
      await context.close();
    }
  });
});
