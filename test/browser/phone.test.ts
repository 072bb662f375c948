import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  expectAxeClean,
  replayDemo,
  reportAxe,
  runAxe,
  seriousViolations,
  useDemoApp,
  PHONE,
} from './support/web-app.ts';

/** Every page of the app (src/web/app.tsx), with an entity of the demo where the route wants one. */
const PAGES = [
  '/',
  '/initiatives',
  '/initiatives/I-ERP',
  '/objectives/O-COST',
  '/kpis/K-SAVINGS',
  '/milestones/M-GOLIVE',
  '/work-items/ERP-17',
  '/signals',
  '/decisions',
  '/decisions/DEC-1',
  '/scenarios',
  '/dependencies',
  '/capacity',
  '/units/IT',
  '/plan',
  '/audit',
  '/reviews',
  '/periods',
  '/changes',
];

/**
 * In the page: what shows beyond the viewport's right (or left) edge. An element counts when it
 * is drawn (has a size, is visible, is not clipped to nothing) and no ancestor that clips its
 * overflow (a scroll box, the graph's pane) keeps it inside.
 */
const OUTSIDE = `(() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  if (document.documentElement.scrollWidth > width)
    out.push('document ' + document.documentElement.scrollWidth + ' px wide');
  // Kept inside by an ancestor that clips (a scroll box, the graph's pane) lying within the screen.
  const clipped = (el) => {
    for (let a = el.parentElement; a !== null && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.clip === 'auto' && s.clipPath === 'none') continue;
      const r = a.getBoundingClientRect();
      if (r.right <= width + 1 && r.left >= -1) return true;
    }
    return false;
  };
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || s.clip !== 'auto') continue;
    if (r.right <= width + 1 && r.left >= -1) continue;
    if (clipped(el)) continue;
    out.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') +
      ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' ' + (el.textContent || '').trim().slice(0, 40));
  }
  return out.slice(0, 12);
})()`;

/** In the page and its dialogs: the tables not laid out as cards, or wider than the screen. */
const TABLES_NOT_CARDS = `(() => {
  const width = document.documentElement.clientWidth;
  const bad = [];
  for (const table of document.querySelectorAll('#main table, [role="dialog"] table')) {
    const r = table.getBoundingClientRect();
    if (r.width === 0) continue;
    const row = table.querySelector('tbody > tr');
    const head = table.querySelector('thead');
    const headShown = head !== null && head.getBoundingClientRect().height > 1;
    if (r.right > width || (row !== null && getComputedStyle(row).display !== 'block') || headShown)
      bad.push((table.getAttribute('data-testid') || table.className) + ' ' + Math.round(r.width) + ' px');
    // No box around a table scrolls sideways.
    for (let a = table.parentElement; a !== null && a !== document.body; a = a.parentElement) {
      if (a.scrollWidth > a.clientWidth + 1 && getComputedStyle(a).overflowX !== 'visible')
        bad.push('scrolls sideways: ' + (table.getAttribute('data-testid') || table.className));
    }
  }
  return bad;
})()`;

async function fullyInView(page: Page, locator: ReturnType<Page['locator']>): Promise<boolean> {
  const box = await locator.boundingBox();
  if (box === null) return false;
  return (
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= PHONE.width &&
    box.y + box.height <= PHONE.height &&
    box.width > 0 &&
    box.height > 0
  );
}

/** Waits for a page to draw: its heading, then nothing still loading. */
async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
  await page.waitForTimeout(300);
}

/**
 * Issue 14, point 4: every page works on a phone (390 × 844): nothing beyond the screen's edge,
 * the header folded (the account menu and Sign out reachable, the as-of day readable, the demo
 * buttons whole), tables as cards, the dependency graph as a list or panned and zoomed; axe clean.
 */
describe('the app on a phone', { timeout: 300_000 }, () => {
  const app = useDemoApp({
    setUp: async (server) => {
      // The slip opens DEC-1, so that a decision's page can be seen.
      await replayDemo(server, 'erp-17-due-date-moved');
    },
  });

  const open = (name: string) => app.open(name, '/', PHONE);

  it('shows every page within the screen, with the header, its menu and tables as cards', async () => {
    // Lena is the finance controller: she may read every page, the audit log too.
    const { page, errors, context } = await open('Lena Hoffmann');
    const problems: string[] = [];
    for (const path of PAGES) {
      if (path !== '/') await page.goto(`${app.server.base}${path}`);
      await settled(page);
      for (const out of await page.evaluate<string[]>(OUTSIDE))
        problems.push(`${path}: beyond the screen: ${out}`);
      for (const table of await page.evaluate<string[]>(TABLES_NOT_CARDS))
        problems.push(`${path}: a table not as cards: ${table}`);

      // The as-of day, readable in the header.
      const asOf = page.getByTestId('as-of');
      expect((await asOf.innerText()).replace(/\s+/g, ' ')).toMatch(
        /^As of \d{1,2} [A-Z][a-z]{2} \d{4}$/,
      );
      expect(await fullyInView(page, asOf), `${path}: as-of`).toBe(true);

      // The account menu opens on the screen, with Sign out in it.
      await page.getByRole('button', { name: /^Account menu of Lena Hoffmann/ }).click();
      const signOut = page.getByRole('menuitem', { name: 'Sign out' });
      await signOut.waitFor();
      expect(await fullyInView(page, signOut), `${path}: sign out`).toBe(true);
      await page.keyboard.press('Escape');
      await signOut.waitFor({ state: 'hidden' });

      // The demo's buttons, whole, in the navigation drawer.
      await page.getByRole('button', { name: 'Open navigation' }).click();
      const send = page.getByRole('button', { name: 'Send the ERP-17 update' });
      await send.waitFor();
      await expect.poll(() => fullyInView(page, send), { timeout: 3000 }).toBe(true);
      expect(
        await fullyInView(page, page.getByRole('button', { name: "Restore ERP-17's due date" })),
      ).toBe(true);
      await page.getByRole('button', { name: 'Close navigation' }).click();
      await send.waitFor({ state: 'hidden' });

      const violations = await runAxe(page);
      reportAxe(`${path} at 390 px`, violations);
      for (const v of seriousViolations(violations))
        problems.push(`${path}: axe ${v.id}: ${v.targets.join(' | ')}`);
    }
    // Every page is looked at before the test says what it found.
    expect(problems).toEqual([]);
    // Sign out, from the phone's header.
    await page.getByRole('button', { name: /^Account menu of/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a table as cards, each value beside its column name', async () => {
    const { page, errors, context } = await open('Dana Whitfield');
    await page.goto(`${app.server.base}/objectives/O-COST`);
    const row = page.getByTestId('initiative-row-I-ERP');
    await row.waitFor();
    const cells = row.locator('td');
    expect(await cells.nth(1).getAttribute('data-label')).toBe('Delivery');
    const label = await page.evaluate<string>(
      `getComputedStyle(document.querySelector('[data-testid="initiative-row-I-ERP"] > td:nth-child(2)'), '::before').content.replace(/"/g, '')`,
    );
    expect(label).toBe('Delivery');
    // Read out as a table still: the roles CSS would take away are written out.
    expect(await row.getAttribute('role')).toBe('row');
    expect(await cells.nth(1).getAttribute('role')).toBe('cell');
    const box = await row.boundingBox();
    expect(box?.width ?? 999).toBeLessThanOrEqual(PHONE.width);
    // On a wide screen, the same table is a table.
    await page.setViewportSize({ width: 1440, height: 900 });
    await expect
      .poll(() =>
        page.evaluate<string>(
          `getComputedStyle(document.querySelector('[data-testid="initiative-row-I-ERP"]')).display`,
        ),
      )
      .toBe('table-row');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads the dependencies as a list, or as a graph that pans and zooms', async () => {
    const { page, errors, context } = await open('Priya Shah');
    await page.goto(`${app.server.base}/dependencies`);
    const list = page.getByTestId('dependency-list');
    await list.waitFor();
    const golive = list.locator('[data-node="M-GOLIVE"]');
    expect(await golive.getByRole('link').first().textContent()).toBe(
      'ERP go-live, plant 1 (M-GOLIVE)',
    );
    expect(await golive.textContent()).toMatch(/Leads to Centralised purchasing live \(M-PURCH\)/);
    // Every link names what it leads to, never the code alone.
    for (const text of await list.getByRole('link').allTextContents())
      expect(text).toMatch(/^.+ \([A-Z][A-Z0-9-]+\)$/);
    expect(await page.evaluate<string[]>(OUTSIDE)).toEqual([]);
    await expectAxeClean(page, 'dependencies as a list at 390 px');

    // The graph, zoomed with its buttons and panned by dragging.
    await page.getByText('Graph', { exact: true }).click();
    const graph = page.getByTestId('dependency-graph');
    await graph.locator('[data-node="M-GOLIVE"]').waitFor();
    const transform = () =>
      page.evaluate<string>(
        `getComputedStyle(document.querySelector('[data-testid="dependency-graph"] .react-flow__viewport')).transform`,
      );
    const scale = async () => Number(/matrix\(([^,]+)/.exec(await transform())?.[1] ?? 'NaN');
    await expect.poll(scale).toBeGreaterThan(0);
    const before = await scale();
    await graph.getByRole('button', { name: 'Zoom In' }).click();
    await expect.poll(scale).toBeGreaterThan(before);
    const moved = await transform();
    const pane = await graph.boundingBox();
    if (pane === null) throw new Error('no graph');
    await page.mouse.move(pane.x + pane.width / 2, pane.y + 40);
    await page.mouse.down();
    await page.mouse.move(pane.x + pane.width / 2 - 120, pane.y + 100, { steps: 8 });
    await page.mouse.up();
    await expect.poll(transform).not.toBe(moved);
    expect(await page.evaluate<string[]>(OUTSIDE)).toEqual([]);
    await expectAxeClean(page, 'dependency graph at 390 px');
    expect(errors).toEqual([]);
    await context.close();
  });
});
