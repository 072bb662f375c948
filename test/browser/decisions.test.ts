import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  callApi,
  capacitySignalForPriya,
  dismissNotices,
  expectAxeClean,
  replayDemo,
  SCREENSHOTS,
  useDemoApp,
} from './support/web-app.ts';

/**
 * The ERP story's decision in a real Chromium: the ERP-17 slip opens, by itself, the decision of
 * its incident (the slips, the K-SAVINGS miss, the IT over-allocation); the decision page names Dana as the decider and Priya's attempt to
 * decide shows the server's refusal naming Dana; Dana finds it in her queue on the strategy
 * map, adds IT capacity with a reason, and the page shows the outcome while the plan changes.
 */
describe('decisions in the browser', { timeout: 120_000 }, () => {
  let decisionId: string;
  let signal: string;
  const app = useDemoApp({
    setUp: async (server) => {
      await replayDemo(server, 'erp-17-due-date-moved');
      // The slip opened the decision by itself (the incident is beyond Priya's rights); Priya
      // asking for one on the capacity signal gets it back, as the API test does.
      const found = await capacitySignalForPriya(server);
      const priya = found.priya;
      signal = found.signal;
      const opened = await call<{ decision: { id: string } }>(priya, 'POST', '/api/v1/decisions', {
        signal,
      });
      expect(opened.status).toBe(200);
      decisionId = opened.body.decision.id;
      expect(decisionId).toBe('DEC-1');
    },
  });

  const call = <T>(token: string, method: string, path: string, body?: unknown) =>
    callApi<T>(app.server, token, method, path, body);

  it('shows Priya that Dana decides, and the refusal naming Dana when Priya tries', async () => {
    const { page, errors, context } = await app.open('Priya Shah');
    // Her queue holds nothing she decides; everyone's holds the decision, with Dana deciding.
    await page.goto(`${app.server.base}/decisions`);
    await page
      .getByTestId('decisions-summary')
      .getByText('0 decisions you decide; 0 open.')
      .waitFor();
    await page.getByText('All', { exact: true }).click();
    const row = page.locator(`[data-testid="decision-table"] [data-decision-id="${decisionId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('decision-decider').textContent()).toBe('Dana Whitfield');
    await row.getByRole('link').first().click();
    await page.getByTestId('decision-page').waitFor();
    await expect
      .poll(() => page.getByTestId('decision-decider').textContent())
      .toContain('Dana Whitfield');
    expect(await page.getByTestId('decision-due').textContent()).toBe('4 Oct 2026');
    // The rights weighed, lowest first: Priya's and Marco's fall short, Dana's covers.
    const considered = await page
      .getByTestId('rights-considered')
      .locator('tbody tr td:first-child')
      .allTextContents();
    expect(considered.slice(0, 3)).toEqual(['R-ERP-SLIP', 'R-OPS-MONEY', 'R-COST']);
    for (const n of [1, 2, 3]) await page.getByTestId(`option-${n}`).waitFor();
    // Names, not codes.
    expect(await page.getByTestId('option-1').textContent()).toMatch(/\(M-[A-Z]+\)/);

    await page.getByRole('radio', { name: /^2\./ }).check();
    await page.getByRole('textbox', { name: 'Reason' }).fill('I want the contractors');
    await page.getByRole('button', { name: 'Decide' }).click();
    const refusal = page.getByTestId('decide-refusal');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain(
      `only Dana Whitfield (dana) may decide ${decisionId}`,
    );
    expect(await page.getByTestId('decision-status').textContent()).toBe('Open');
    // A browser logs the 403 it was answered; nothing else may be logged.
    expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
    await context.close();
  });

  it('lets Dana find it in her queue, add IT capacity with a reason, and see the outcome', async () => {
    const { page, errors, context } = await app.open('Dana Whitfield');

    const queued = page.locator(`[data-testid="my-decisions"] [data-decision-id="${decisionId}"]`);
    await queued.waitFor();
    expect(await queued.textContent()).toContain('due 4 Oct 2026');

    // The incident behind it, one card: headline, money, who decides, its decision, its effects.
    const incident = page.locator(
      '[data-testid="my-incidents"] [data-incident-id="incident:work_item:ERP-17"]',
    );
    await incident.waitFor();
    expect(await incident.getByRole('heading').textContent()).toBe(
      "ERP-17's slip and IT's bottleneck in weeks 41–43 put 480,000 USD of Realised cost savings at risk in 2026-Q4",
    );
    const money = await incident.getByTestId('incident-money').textContent();
    expect(money).toContain('$480,000 against plan');
    expect(money).toContain('$411,429 below target');
    expect(await incident.getByTestId('incident-decider').textContent()).toContain(
      'Dana Whitfield decides.',
    );
    expect(await incident.getByTestId('incident-decision').getAttribute('href')).toBe(
      `/decisions/${decisionId}`,
    );
    await incident.getByRole('button', { name: /^Show what it does/ }).click();
    await incident
      .getByTestId('incident-effects')
      .getByText(
        'ERP go-live, plant 1 (M-GOLIVE): forecast 26 Oct 2026, 15 working days (21 calendar days) after its plan 5 Oct 2026',
      )
      .waitFor();
    await expectAxeClean(page, 'strategy map with an incident open');

    await page.getByRole('link', { name: 'Decisions', exact: true }).click();
    const row = page.locator(`[data-testid="decision-table"] [data-decision-id="${decisionId}"]`);
    await row.waitFor();
    // The pointer off the navigation: a hovered link is not what the page looks like.
    await page.mouse.move(640, 880);
    expect(await row.getByTestId('decision-decider').textContent()).toBe('Dana Whitfield');
    await dismissNotices(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'decisions.png'), fullPage: true });
    await expectAxeClean(page, 'decisions');

    await row.getByRole('link').first().click();
    await page.getByTestId('decision-page').waitFor();
    await page.getByTestId('option-3').waitFor();
    // K-SAVINGS per option against its target: a chart, and the same figures in words beside it.
    const savings = page.getByTestId('compared-kpi-K-SAVINGS');
    const chart = savings.getByTestId('compared-kpi-chart-K-SAVINGS');
    await chart.locator('svg').waitFor();
    expect(await chart.getAttribute('aria-label')).toContain(
      '2026-Q4: target $1,200,000; Now (do nothing) $788,571, 1. ',
    );
    const figures = savings.getByTestId('compared-kpi-table');
    const series = (key: string) =>
      figures.locator(`tr[data-series="${key}"] td`).allTextContents();
    expect(await series('Now')).toEqual(['$788,571, $411,429 short of target']);
    // Accepting the later dates leaves the forecast where it is; October's contractors bring it up.
    expect(await series('1')).toEqual(['$788,571, $411,429 short of target']);
    expect(await series('2')).toEqual(['$908,571, $291,429 short of target']);
    // Cost and dates side by side: only the capacity costs money; it brings M-PURCH back to 9 Nov.
    const compared = page.getByTestId('comparison-table');
    expect(await compared.locator('tr[data-row="cost"] td').allTextContents()).toEqual([
      '$0',
      '$0',
      '$60,000',
      '$0',
    ]);
    const purch = await compared.locator('tr[data-row="milestone:M-PURCH"] td').allTextContents();
    expect(purch.slice(0, 1)).toEqual(['16 Nov 2026']);
    expect(purch[2]).toBe('9 Nov 2026');
    await dismissNotices(page);
    await page.screenshot({ path: join(SCREENSHOTS, 'decision.png'), fullPage: true });
    await expectAxeClean(page, 'decision');

    const addCapacity = page.getByRole('radio', { name: /capacity/i });
    await addCapacity.check();
    await page
      .getByRole('textbox', { name: 'Reason' })
      .fill('Contractors for weeks 41–43 are cheaper than a late purchasing desk');
    await page.getByRole('button', { name: 'Decide' }).click();
    const outcome = page.getByTestId('decision-outcome');
    await outcome.waitFor();
    expect(await outcome.textContent()).toContain('Dana Whitfield chose option 2');
    expect(await outcome.textContent()).toContain('Contractors for weeks 41–43');
    expect(await page.getByTestId('decision-status').textContent()).toBe('Decided');
    const history = await page.getByTestId('decision-history').locator('li').allTextContents();
    expect(history).toHaveLength(2);
    expect(history[0]).toContain('opened by engine');
    expect(history[1]).toContain('decided by Dana Whitfield');

    // The plan changed: IT has more capacity in weeks 41–43, and the over-allocation resolved.
    const plan = await call<{ units: { id: string; capacity?: { periods?: object } }[] }>(
      app.server.token,
      'GET',
      '/api/v1/plan',
    );
    expect(plan.body.units.find((u) => u.id === 'IT')!.capacity!.periods).toMatchObject({
      '2026-W41': 10,
      '2026-W42': 10,
      '2026-W43': 10,
    });
    const inbox = await call<{ signals: { id: string }[] }>(
      app.server.token,
      'GET',
      '/api/v1/signals',
    );
    expect(inbox.body.signals.map((s) => s.id)).not.toContain(signal);
    // And her queue no longer holds it.
    await page.getByRole('link', { name: 'Strategy map', exact: true }).click();
    await page.getByTestId('objective-tree').waitFor();
    await expect.poll(() => page.getByTestId('my-decisions').count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
