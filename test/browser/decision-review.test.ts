import { describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/store/token-store.ts';
import {
  callApi,
  capacitySignalForPriya,
  dismissNotices,
  expectAxeClean,
  replayDemo,
  useDemoApp,
} from './support/web-app.ts';

/**
 * The decision review in a real Chromium: once Dana has decided to add IT capacity, the decision
 * page's Review section awaits K-SAVINGS' 2026-Q4 actual; once finance pushes one, it shows the
 * actual against the prediction and against doing nothing, and the money realised.
 */
describe('the decision review in the browser', { timeout: 120_000 }, () => {
  let doNothing: number;
  let id: string;
  const app = useDemoApp({
    setUp: async (server) => {
      await replayDemo(server, 'erp-17-due-date-moved');
      const { priya, signal } = await capacitySignalForPriya(server);
      // An open decision for the signal (opened automatically or by hand) is given back.
      const opened = await call<{
        decision: {
          id: string;
          options: {
            number: number;
            changes: { kind: string }[];
            result: { kpis: { kpi: string; forecast: { before: number } }[] };
          }[];
        };
      }>(priya, 'POST', '/api/v1/decisions', { signal });
      expect([200, 201]).toContain(opened.status);
      id = opened.body.decision.id;
      const option = opened.body.decision.options.find(
        (o) => o.changes[0]!.kind === 'add_capacity',
      )!;
      doNothing = option.result.kpis.find((k) => k.kpi === 'K-SAVINGS')!.forecast.before;
      const decided = await call(server.token, 'POST', `/api/v1/decisions/${id}/decide`, {
        option: option.number,
        reason: 'Contractors for weeks 41–43',
      });
      expect(decided.status).toBe(200);
    },
  });

  const call = <T>(token: string, method: string, path: string, body?: unknown) =>
    callApi<T>(app.server, token, method, path, body);

  it('awaits the Q4 actuals, then sets the pushed actual against the prediction', async () => {
    const { page, errors } = await app.open('Dana Whitfield', `/decisions/${id}`);
    await dismissNotices(page);
    const review = page.getByRole('region', { name: 'Review: predicted against actual' });
    await review.waitFor();
    expect(await review.getByTestId('review-status').textContent()).toBe('Awaiting actuals');
    const kpis = review.getByTestId('review-kpis');
    expect(await kpis.textContent()).toContain('awaiting actuals for 2026-Q4');
    expect(await kpis.textContent()).toContain('$908,571');
    expect(await review.getByTestId('review-money').textContent()).toContain(
      'Meant to protect $120,000; realised awaiting actuals',
    );
    await expectAxeClean(page, 'decision review (awaiting)');

    // Actuals come from the finance controller (docs/SECURITY.md "Roles and rules").
    const controller = await createApiToken(app.server.db, 'lena', 'controller', new Date());
    const pushed = await call(controller, 'POST', '/api/v1/push/kpi-actuals', {
      source: 'finance',
      actuals: [{ kpi: 'K-SAVINGS', period: '2026-Q4', value: doNothing + 95_000 }],
    });
    expect(pushed.status).toBe(200);
    await page.reload();
    await review.waitFor();
    expect(await review.getByTestId('review-status').textContent()).toBe('Actuals in');
    const row = await kpis.textContent();
    // The demo's clock is still in September: the Q4 figure is a figure so far.
    expect(row).toContain('$883,571 so far');
    expect(row).toContain('−$25,000');
    expect(row).toContain('+$120,000 / +$95,000');
    expect(await review.getByTestId('review-money').textContent()).toContain(
      'Meant to protect $120,000; realised $95,000',
    );
    expect(await review.getByTestId('review-summary').textContent()).toMatch(
      /realised 95,000 USD\.$/,
    );
    await expectAxeClean(page, 'decision review (actuals in)');
    expect(errors).toEqual([]);
  });
});
