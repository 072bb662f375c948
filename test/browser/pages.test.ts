import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  newContext,
  SCREENSHOTS,
  signInAs,
  expectAxeClean,
  replayDemo,
  useDemoApp,
} from './support/web-app.ts';

/** Every page of the web app: it shows what it should, passes axe-core, and is screenshotted for the README. */
describe('the web app, page by page', { timeout: 120_000 }, () => {
  const app = useDemoApp();

  const open = (path: string, viewport?: { width: number; height: number }) =>
    app.open('Dana Whitfield', path, viewport);
  const checkAxe = expectAxeClean;
  const replay = (payload: 'erp-17-due-date-moved' | 'erp-17-due-date-restored') =>
    replayDemo(app.server, payload);

  it('sign-in lists the demo people, and passes axe', async () => {
    const context = await newContext(app.browser);
    const page = await context.newPage();
    await page.goto(`${app.server.base}/kpis/K-SAVINGS`);
    await page.waitForURL(/\/sign-in\?next=/);
    const people = page.getByRole('list', { name: 'Demo people' }).getByRole('button');
    // The list comes from the server after the page: wait for it, then count.
    await people.first().waitFor();
    // Seven in the story, and Omar, the admin (docs/SECURITY.md "Roles and rules").
    expect(await people.count()).toBe(8);
    const texts = await people.allTextContents();
    expect(texts.some((t) => t.includes('Dana Whitfield') && t.includes('COO · Operations'))).toBe(
      true,
    );
    await checkAxe(page, 'sign-in');
    // A bad token is refused with a message, not a crash.
    await page.getByLabel('API token').fill('tl_not-a-token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('That token is not valid.').waitFor();
    // Signing in goes where the visitor was headed.
    await page.getByRole('button', { name: /^Sign in as Marco Rossi/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Realised cost savings' }).waitFor();
    await context.close();
  });

  it('the strategy map passes axe, and works at tablet width (820 px)', async () => {
    const { page, errors } = await open('/');
    await page.getByTestId('objective-tree').waitFor();
    await checkAxe(page, 'strategy map');

    const tablet = await open('/', { width: 820, height: 1180 });
    await tablet.page.getByTestId('objective-tree').waitFor();
    await tablet.page
      .locator('[data-testid="home-budget"] .home-tile-figure', { hasText: '$' })
      .waitFor();
    const overflow = await tablet.page.evaluate<number>('document.documentElement.scrollWidth');
    expect(overflow).toBeLessThanOrEqual(820);
    // The navigation folds behind a button; the keyboard opens it.
    const nav = tablet.page.getByRole('link', { name: 'Dependencies' });
    expect(await nav.isVisible()).toBe(false);
    await tablet.page.getByRole('button', { name: 'Open navigation' }).focus();
    await tablet.page.keyboard.press('Enter');
    await nav.waitFor({ state: 'visible' });
    await tablet.page.keyboard.press('Escape');
    await tablet.page.getByRole('button', { name: 'Close navigation' }).click();
    await nav.waitFor({ state: 'hidden' });
    await tablet.page.screenshot({
      path: join(SCREENSHOTS, 'strategy-map-tablet.png'),
      fullPage: true,
    });
    await checkAxe(tablet.page, 'strategy map at 820 px');
    expect([...errors, ...tablet.errors]).toEqual([]);
  });

  it('the keyboard reaches the content and the navigation', async () => {
    const { page } = await open('/');
    await page.getByTestId('objective-tree').waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    // Tab order goes through the header and the navigation to the map; Enter follows a link.
    const signals = page.getByRole('link', { name: /^Signals/ });
    await signals.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Signals' }).waitFor();
  });

  it('the objective page shows its KPIs and initiatives', async () => {
    const { page, errors } = await open('/objectives/O-COST');
    await page
      .getByRole('heading', { level: 1, name: 'Cut operating cost by $4M in FY2026' })
      .waitFor();
    await page.getByTestId('kpi-card-K-SAVINGS').waitFor();
    await page.getByTestId('initiative-row-I-ERP').waitFor();
    await page.getByText('Lower the cost base of plant operations').waitFor();
    await page.locator('[data-testid="kpi-mini-chart"] svg').first().waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'objective.png'), fullPage: true });
    await checkAxe(page, 'objective');
    expect(errors).toEqual([]);
  });

  it('the initiative page draws the timeline with the driving chain, the work and the budget', async () => {
    await replay('erp-17-due-date-moved');
    const { page, errors } = await open('/initiatives/I-PROC');
    await page.getByRole('heading', { level: 1, name: 'Procurement consolidation' }).waitFor();
    const timeline = page.getByTestId('milestone-timeline');
    await timeline.waitFor();
    // M-PURCH waits on M-GOLIVE, which waits on ERP-17: the driving chain, drawn in red.
    await timeline.locator('[data-dependency="M-GOLIVE->M-PURCH"][data-critical="true"]').waitFor();
    // M-PURCH's forecast is levelled within IT's capacity: 2026-11-16, +20 working days.
    await page.getByTestId('milestone-table').getByText('+20 working days').waitFor();
    expect(await page.getByTestId('budget-table').textContent()).toContain('$210,000');
    await page.getByTestId('budget-chart').locator('svg').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'initiative.png'), fullPage: true });
    await checkAxe(page, 'initiative');

    await page.goto(`${app.server.base}/initiatives/I-ERP`);
    await page.getByRole('heading', { level: 1, name: 'ERP migration' }).waitFor();
    await page.getByTestId('work-table').getByText('drives M-GOLIVE').waitFor();
    expect(errors).toEqual([]);
    await replay('erp-17-due-date-restored');
  });

  it('the dependency graph lights up what a milestone waits on and what it reaches', async () => {
    const { page, errors } = await open('/dependencies');
    const graph = page.getByTestId('dependency-graph');
    await graph.locator('[data-node="M-PURCH"]').waitFor();
    await graph.locator('[data-node="M-PURCH"]').click();
    await graph.locator('[data-node="M-PURCH"][data-highlight="selected"]').waitFor();
    expect(await graph.locator('[data-node="M-GOLIVE"]').getAttribute('data-highlight')).toBe(
      'upstream',
    );
    expect(await graph.locator('[data-node="K-SAVINGS"]').getAttribute('data-highlight')).toBe(
      'downstream',
    );
    expect(await graph.locator('[data-node="O-COST"]').getAttribute('data-highlight')).toBe(
      'downstream',
    );
    expect(await graph.locator('[data-node="M-PILOT"]').getAttribute('data-highlight')).toBe(
      'dimmed',
    );
    expect(await page.getByTestId('downstream-list').textContent()).toContain('K-SAVINGS');
    await page.screenshot({ path: join(SCREENSHOTS, 'dependencies.png'), fullPage: true });
    await checkAxe(page, 'dependencies');

    // The same from the keyboard, through the milestone picker.
    await page.getByRole('button', { name: 'Clear the selection' }).click();
    await page.getByRole('combobox', { name: 'Milestone' }).fill('M-SENSORS');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await graph.locator('[data-node="M-PILOT"][data-highlight="downstream"]').waitFor();
    expect(errors).toEqual([]);
  });

  it('the signal inbox shows my signals with their chains, and acknowledges one', async () => {
    await replay('erp-17-due-date-moved');
    const { page, errors } = await open('/signals');
    await page.getByRole('heading', { level: 1, name: 'Signals' }).waitFor();
    // The slip raises the K-SAVINGS, M-GOLIVE and M-PURCH signals and IT's capacity one; IT's
    // bottleneck moves M-PILOT past its plan too: one incident, its five signals folded inside.
    const incident = page.locator('[data-incident-id="incident:work_item:ERP-17"]');
    await incident.waitFor();
    expect(await page.getByTestId('incident-card').count()).toBe(1);
    await incident
      .getByRole('button', { name: 'Show what it does (8 effects, 5 signals)' })
      .click();
    const card = incident.locator('[data-signal-id="kpi.misses_target:K-SAVINGS:2026-Q4"]');
    await card.waitFor();
    expect(await incident.getByTestId('signal-card').count()).toBe(5);
    expect(await page.getByTestId('signal-card').count()).toBe(5);
    const chain = card.getByTestId('cause-chain');
    for (const text of [
      'ERP-17 due date moved 2 Oct 2026 → 23 Oct 2026 (+21 calendar days)',
      'M-GOLIVE forecast 26 Oct 2026, +15 working days (plan 5 Oct 2026)',
      'O-COST off track',
    ]) {
      await chain.getByText(text).waitFor();
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'signals.png'), fullPage: true });
    await checkAxe(page, 'signals');

    await card.getByRole('button', { name: /^Acknowledge/ }).click();
    await card.locator('.acknowledged').waitFor();
    expect(await card.getAttribute('data-acknowledged')).toBe('true');
    await page
      .getByTestId('signals-summary')
      .getByText('5 signals affect you; 4 not yet acknowledged.')
      .waitFor();

    // Grace is on none of these chains: her inbox is empty until she asks for everything open.
    const grace = await newContext(app.browser);
    const gracePage = await grace.newPage();
    await signInAs(gracePage, app.server.base, 'Grace Okafor');
    await gracePage.goto(`${app.server.base}/signals`);
    await gracePage.getByText('Nothing here: no signal affects you right now.').waitFor();
    await gracePage.getByText('All open').click();
    await gracePage
      .getByRole('button', { name: /^Show what it does/ })
      .first()
      .click();
    await gracePage.getByTestId('signal-card').first().waitFor();
    expect(errors).toEqual([]);
    await replay('erp-17-due-date-restored');
  });

  it('the demo action sends the ERP-17 update from the header, and the map follows live', async () => {
    const { page, errors } = await open('/');
    const savings = page.getByTestId('kpi-card-K-SAVINGS');
    await expect.poll(() => savings.getAttribute('data-status')).toBe('on_track');
    await page.getByRole('button', { name: 'Send the ERP-17 update' }).click();
    await page.locator('[data-testid="kpi-card-K-SAVINGS"][data-status="off_track"]').waitFor();
    await page.getByRole('button', { name: "Restore ERP-17's due date" }).click();
    await page.locator('[data-testid="kpi-card-K-SAVINGS"][data-status="on_track"]').waitFor();
    await page.getByTestId('live-notice').getByRole('link', { name: 'What changed' }).click();
    await page
      .getByTestId('change')
      .first()
      .getByText('Realised cost savings (K-SAVINGS): Off track → On track')
      .waitFor();
    expect(errors).toEqual([]);
  });

  it('an address the app has no page for says so, and links home', async () => {
    const { page, errors } = await open('/no-such-page');
    await page.getByRole('heading', { level: 1, name: 'Nothing here' }).waitFor();
    await checkAxe(page, 'not found');
    await page.getByRole('link', { name: 'Back to the strategy map' }).click();
    await page.getByTestId('objective-tree').waitFor();
    expect(errors).toEqual([]);
  });

  it('the plan editor edits an objective, and shows the plan-file problems next to the fields', async () => {
    // Lena is the strategy office: the whole plan is hers to change (docs/ACCESS.md).
    const { page, errors } = await app.open('Lena Hoffmann');
    await page.goto(`${app.server.base}/plan`);
    await page.getByRole('heading', { level: 1, name: 'Plan editor' }).waitFor();
    await checkAxe(page, 'plan editor');

    // Rename an objective: saved, and the map shows the new name.
    await page.getByRole('button', { name: 'Edit O-CUSTOMER' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Ship on time, every time, everywhere');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByTestId('plan-saved')
      .getByText(
        /^Saved objective O-CUSTOMER, by Lena Hoffmann: 1 change \(objective O-CUSTOMER updated\)\./,
      )
      .waitFor();
    await page.getByRole('link', { name: 'Strategy map', exact: true }).click();
    await page.getByRole('heading', { name: 'Ship on time, every time, everywhere' }).waitFor();

    // A KPI target for a period that does not exist: the plan-file message, next to the targets.
    await page.getByRole('link', { name: 'Plan editor', exact: true }).click();
    await page.getByRole('tab', { name: /KPIs/ }).click();
    await page.getByRole('button', { name: 'Edit K-SAVINGS' }).click();
    await dialog.getByLabel('Targets: period of row 1').fill('2026-Q5');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    const targetsError = dialog.locator('fieldset', { hasText: 'Targets' }).locator('.field-error');
    await targetsError.waitFor();
    expect(await targetsError.textContent()).toMatch(/2026-Q5/);
    await dialog.getByRole('button', { name: 'Close without saving' }).click();

    // A dependency that closes a cycle: refused, the cycle named.
    await page.getByRole('tab', { name: /Dependencies/ }).click();
    await page.getByRole('button', { name: 'New dependency' }).click();
    await dialog.getByRole('combobox', { name: 'Predecessor' }).fill('M-PURCH');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await dialog.getByRole('combobox', { name: 'Successor' }).fill('M-GOLIVE');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Create dependency' }).click();
    const problems = dialog.getByTestId('plan-problems');
    await problems.getByText('dependency cycle: M-GOLIVE → M-PURCH → M-GOLIVE').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'plan-editor.png'), fullPage: true });
    await checkAxe(page, 'plan editor, with a refused change');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // A new objective, created.
    await page.getByRole('tab', { name: /Objectives/ }).click();
    await page.getByRole('button', { name: 'New objective' }).click();
    await dialog.getByRole('textbox', { name: 'Id' }).fill('O-SAFETY');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Zero lost-time incidents');
    await dialog.getByRole('combobox', { name: 'Owner' }).fill('Nina');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Create objective' }).click();
    await page
      .getByTestId('plan-saved')
      .getByText(/^Saved objective O-SAFETY, by Lena Hoffmann: 1 change/)
      .waitFor();
    await page.getByTestId('plan-table-objectives').getByText('Zero lost-time incidents').waitFor();

    // Decision rights: listed with their holders, scope and limits; edited and checked alike.
    await page.getByRole('tab', { name: /Decision rights/ }).click();
    const rights = page.getByTestId('plan-table-decisionRights');
    const cost = rights.locator('[data-entity="R-COST"]');
    await cost.waitFor();
    expect(await cost.textContent()).toContain('Dana Whitfield');
    expect(await cost.textContent()).toContain('O-COST');
    await page.getByRole('button', { name: 'Edit R-ERP-SLIP' }).click();
    await dialog
      .getByRole('textbox', { name: 'Most weeks an option may move a date later' })
      .fill('3');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page
      .getByTestId('plan-saved')
      .getByText(/^Saved decision right R-ERP-SLIP, by Lena Hoffmann: 1 change/)
      .waitFor();
    await rights.locator('[data-entity="R-ERP-SLIP"]').getByText('up to 3 weeks later').waitFor();
    // A right held by nobody is refused, the problem next to the person.
    await page.getByRole('button', { name: 'New decision right' }).click();
    await dialog.getByRole('textbox', { name: 'Id' }).fill('R-NOBODY');
    await dialog.getByRole('button', { name: 'Create decision right' }).click();
    const personError = dialog.locator('.mantine-Select-error');
    await personError.waitFor();
    // In the user's words, not the plan file's paths.
    expect(await personError.textContent()).toBe('Decision right R-NOBODY needs a person');
    await checkAxe(page, 'plan editor, decision rights');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await rights.locator('[data-entity="R-NOBODY"]').count()).toBe(0);
    // The refused plans answered 400, which the browser logs; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });
});
