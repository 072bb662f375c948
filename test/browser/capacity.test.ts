import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/store/token-store.ts';
import { expectAxeClean, replayDemo, useDemoApp } from './support/web-app.ts';

const SIGNAL = 'capacity.over_allocated:IT:2026-W41';

/**
 * The resource bottleneck in the browser: before ERP-17 slips IT has room (100% at most); once it
 * slips the cutover team stays busy three more weeks, IT is at 167% in weeks 41–43, the levelled
 * forecast moves M-PURCH and M-PILOT a week, and a capacity signal names who decides.
 */
describe('capacity in the browser', { timeout: 120_000 }, () => {
  const app = useDemoApp();

  const open = (path: string, viewport?: { width: number; height: number }) =>
    app.open('Dana Whitfield', path, viewport);
  const checkAxe = expectAxeClean;
  const replay = (payload: 'erp-17-due-date-moved' | 'erp-17-due-date-restored') =>
    replayDemo(app.server, payload);

  /** A table row as its cells: `Week 42 12 Oct 2026 | 6 | 10 | 167% over capacity | 4`. */
  async function cells(row: Locator): Promise<string> {
    const texts = await row.locator('th, td').allTextContents();
    return texts.map((t) => t.replace(/\s+/g, ' ').trim()).join(' | ');
  }

  /** The weekly table's rows, each as its cells. */
  async function weekRows(page: Page): Promise<string[]> {
    const rows = page.getByTestId('unit-weeks-IT').locator('tbody tr');
    const out: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) out.push(await cells(rows.nth(i)));
    return out;
  }

  /** The weeks the table marks over capacity. */
  async function overWeeks(page: Page): Promise<(string | null)[]> {
    const rows = page.getByTestId('unit-weeks-IT').locator('tr[data-over="true"]');
    const weeks: (string | null)[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      weeks.push(await rows.nth(i).getAttribute('data-week'));
    }
    return weeks;
  }

  it('shows IT within capacity before the slip, and follows the slip live to 167% in weeks 41–43', async () => {
    const { page, errors } = await open('/capacity');
    await page.getByRole('heading', { level: 1, name: 'Capacity' }).waitFor();
    // Reached from the main navigation too.
    const nav = page.getByRole('navigation', { name: 'Main' }).getByRole('link', {
      name: 'Capacity',
    });
    expect(await nav.getAttribute('aria-current')).toBe('page');

    // Before the slip: full in week 42, never over.
    await page.getByTestId('no-over-allocation').waitFor();
    await page.getByTestId('no-levelled-milestone').waitFor();
    expect(await page.getByTestId('over-allocation').count()).toBe(0);
    const table = page.getByTestId('unit-weeks-IT');
    await table.waitFor();
    expect(await overWeeks(page)).toEqual([]);
    expect(
      await table.locator('tr[data-week="2026-W42"] [data-testid="load-share"]').textContent(),
    ).toBe('100%');
    expect(await table.locator('.over-capacity').count()).toBe(0);
    await checkAxe(page, 'capacity, IT within capacity');

    // ERP-17 slips three weeks: the page follows without a reload.
    await page.evaluate('window.__sameDocument = true');
    await replay('erp-17-due-date-moved');
    const over = page.locator(`[data-over-allocation="${SIGNAL}"]`);
    await over.waitFor({ timeout: 5000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await over.textContent()).toContain(
      'IT is at 167% in weeks 41–43 (10 against a capacity of 6 a week), taken by I-ERP (4), I-MAINT (3) and I-PROC (3)',
    );
    await expect.poll(() => overWeeks(page)).toEqual(['2026-W41', '2026-W42', '2026-W43']);
    const rows = await weekRows(page);
    expect(rows.find((r) => r.startsWith('Week 42'))).toBe(
      'Week 42 12 Oct 2026 | 6 | 10 | 167% over capacity | 4',
    );
    expect(rows.find((r) => r.startsWith('Week 41'))).toBe(
      'Week 41 5 Oct 2026 | 6 | 7 | 117% over capacity | 4',
    );
    expect(rows.find((r) => r.startsWith('Week 46'))).toBe('Week 46 9 Nov 2026 | 6 | 0 | 0% | 6');

    // The levelled forecast moves M-PURCH and M-PILOT a week, each with its reason.
    const moved = page.getByTestId('levelled-milestones');
    const purch = moved.locator('tr[data-milestone="M-PURCH"]');
    await purch.waitFor();
    expect(await cells(purch)).toBe(
      'M-PURCHCentralised purchasing live | 9 Nov 2026 | 16 Nov 2026+5 working days | M-PURCH moves 1 week to 2026-11-16 because IT is at 167% in weeks 41–43, taken by I-ERP, I-MAINT and I-PROC',
    );
    await moved.locator('tr[data-milestone="M-PILOT"]').waitFor();
    expect(await page.getByTestId('capacity-summary').textContent()).toBe(
      '1 unit over capacity; the levelled forecast moves 2 milestones.',
    );
    // The demands it delays: the purchasing link three weeks, the maintenance data two.
    const demands = page.getByTestId('capacity-unit-IT').getByTestId('demand-table');
    expect(
      await demands.locator('tr[data-demand="D-PROC-ERP-LINK"]').getAttribute('data-delay'),
    ).toBe('3');
    expect(await demands.locator('tr[data-demand="D-MAINT-DATA"]').getAttribute('data-delay')).toBe(
      '2',
    );
    await page.getByTestId('no-idle-demand').waitFor();
    await checkAxe(page, 'capacity, IT over capacity');

    // From the moved milestone to its page: the levelled date and why.
    await purch.getByRole('link', { name: 'M-PURCH' }).click();
    await page.getByRole('heading', { level: 1, name: 'Centralised purchasing live' }).waitFor();
    const levelled = page.getByTestId('milestone-levelled');
    await levelled.waitFor();
    expect(await levelled.getByTestId('milestone-levelled-date').textContent()).toBe('16 Nov 2026');
    expect(await levelled.textContent()).toContain(
      'M-PURCH moves 1 week to 16 Nov 2026 because IT is at 167% in weeks 41–43',
    );
    // The page's forecast is the levelled date: one date everywhere.
    expect(await page.getByTestId('milestone-forecast').textContent()).toBe('16 Nov 2026');
    await checkAxe(page, 'milestone, levelled');

    // The slip undone: IT has room again, and the page says so.
    await replay('erp-17-due-date-restored');
    await levelled.waitFor({ state: 'detached' });
    await page.goBack();
    await page.getByTestId('no-over-allocation').waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('raises the capacity signal with its chain, which leads to the unit page', async () => {
    await replay('erp-17-due-date-moved');
    try {
      const { page, errors } = await open('/signals');
      await page.getByRole('heading', { level: 1, name: 'Signals' }).waitFor();
      // The capacity signal is folded in the slip's incident.
      await page
        .getByRole('button', { name: /^Show what it does/ })
        .first()
        .click();
      const card = page.locator(`[data-signal-id="${SIGNAL}"]`);
      await card.waitFor();
      expect(await card.getByRole('heading').textContent()).toBe(
        'IT is at 167% in weeks 41–43: M-PILOT, M-PURCH move',
      );
      await card.getByText('Unit over capacity: At risk').waitFor();
      const chain = card.getByTestId('cause-chain');
      const steps = (await chain.locator(':scope > li').allTextContents()).map((t) =>
        t.replace(/\s+/g, ' ').trim(),
      );
      // Each step: its kind, its id (a link), its figures, its sentence.
      expect(steps).toHaveLength(8);
      expect(steps[0]).toBe(
        'UnitIT167% of capacityIT is at 167% in weeks 41–43 (10 against a capacity of 6 a week), taken by I-ERP (4), I-MAINT (3) and I-PROC (3)',
      );
      expect(steps[1]).toBe(
        'InitiativeERP migration (I-ERP)4 FTE a weekI-ERP takes up to 4 FTE a week of IT in weeks 41–43',
      );
      expect(steps[3]).toBe(
        'InitiativeProcurement consolidation (I-PROC)3 FTE a weekI-PROC takes up to 3 FTE a week of IT in weeks 41–43',
      );
      expect(steps[5]).toBe(
        'MilestoneCentralised purchasing live (M-PURCH)levelled to 16 Nov 2026M-PURCH moves 1 week to 16 Nov 2026 because IT is at 167% in weeks 41–43, taken by I-ERP, I-MAINT and I-PROC (9 Nov 2026 without it)',
      );
      expect(steps[6]).toMatch(/^KPIRealised cost savings \(K-SAVINGS\)\$120,000 lost to capacity/);
      expect(steps[7]).toMatch(
        /^ObjectiveCut operating cost by \$4M in FY2026 \(O-COST\)Dana Whitfield decidesTrade-off: IT's capacity/,
      );
      expect(steps[7]).toContain('Dana Whitfield decides, as owner of O-COST');
      await checkAxe(page, 'signals, with the capacity signal');

      // The chain's first step is the unit: its page explains the load and shows the weeks.
      await chain.getByRole('link', { name: 'IT', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'IT' }).waitFor();
      await page.waitForURL(/\/units\/IT$/);
      const why = page.getByRole('list', { name: 'Why: IT' });
      await why
        .getByText(
          'IT has a capacity of 6 FTE a week from 2026-W38; its demands, as planned, take up to 10 FTE a week',
        )
        .waitFor();
      await why
        .getByText(
          'D-PROC-ERP-LINK takes 3 FTE a week of IT in weeks 41–43; levelled, it runs in weeks 44–46, 3 weeks later',
        )
        .waitFor();
      expect(await page.getByTestId('unit-over-weeks').textContent()).toBe('3 weeks');
      expect(await page.getByTestId('unit-weeks-IT').locator('tr[data-over="true"]').count()).toBe(
        3,
      );
      await page.locator(`[data-signal-id="${SIGNAL}"]`).waitFor();
      await checkAxe(page, 'unit');
      expect(errors).toEqual([]);
      await page.context().close();
    } finally {
      await replay('erp-17-due-date-restored');
    }
  });

  it('follows a plan change that moves only the load, which the strategic view does not show', async () => {
    const { page, errors } = await open('/capacity');
    const share = page
      .getByTestId('unit-weeks-IT')
      .locator('tr[data-week="2026-W42"] [data-testid="load-share"]');
    await expect.poll(() => share.textContent()).toBe('100%');
    await page.evaluate('window.__sameDocument = true');

    // The maintenance data feed needs 2 FTE a week instead of 3: no milestone, KPI or signal moves.
    // Demands are a whole-plan change: Lena's, the strategy office (docs/SECURITY.md).
    const lena = await createApiToken(app.server.db, 'lena', 'capacity test', new Date());
    const headers = {
      authorization: `Bearer ${lena}`,
      'content-type': 'application/json',
    };
    const plan = (await (await fetch(`${app.server.base}/api/v1/plan`, { headers })).json()) as {
      demands: { id: string; perWeek: number }[];
    };
    const apply = async (perWeek: number): Promise<void> => {
      const demands = plan.demands.map((d) => (d.id === 'D-MAINT-DATA' ? { ...d, perWeek } : d));
      const response = await fetch(`${app.server.base}/api/v1/plan`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...plan, demands }),
      });
      expect(response.status).toBe(200);
    };
    try {
      await apply(2);
      await expect.poll(() => share.textContent(), { timeout: 5000 }).toBe('83%');
      expect(await page.evaluate('window.__sameDocument')).toBe(true);
    } finally {
      await apply(3);
    }
    await expect.poll(() => share.textContent(), { timeout: 5000 }).toBe('100%');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says so when a unit does not exist', async () => {
    const { page } = await open('/units/NOPE');
    await page.getByRole('alert').getByText(/NOPE/).waitFor();
    await page.context().close();
  });
});
