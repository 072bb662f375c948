/**
 * First-load benchmark: the strategy map of the demo organisation, opened in a real Chromium.
 *
 *   npm run bench:first-load [-- --runs 10]
 *
 * Starts the product as the README's first command does (`throughline serve --demo`, the built
 * web app and API on one port, an embedded database in a fresh data folder), signs in once as
 * Dana Whitfield, then opens `/` in fresh browser profiles that hold only the session cookie: a
 * cold cache every time, as a first visit; then opens it again in one profile whose cache is warm
 * (`warmMapMedianMs`). For each cold run it reports the time from navigation
 * start to the map rendered (the app's `strategy-map-rendered` mark: objectives, KPIs and
 * signals on screen), to DOMContentLoaded, and to the portfolio's money figures shown (they come
 * with their own request). Ends with one JSON line. Numbers, not assertions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, newContext, signInAs } from '../test/browser/support/web-app.ts';
import { startDemoServerProcess } from './serve-child.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '10' } },
});
const RUNS = Number(args.runs);

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

interface Load {
  map: number;
  domContentLoaded: number;
  money: number;
  transferredKb: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

async function main(): Promise<void> {
  const data = await mkdtemp(join(tmpdir(), 'throughline-first-load-'));
  const server = await startDemoServerProcess(data);
  const browser = await launchChromium();
  try {
    const signIn = await newContext(browser);
    await signInAs(await signIn.newPage(), server.base, 'Dana Whitfield');
    const cookies = await signIn.cookies();
    await signIn.close();

    const loads: Load[] = [];
    // One unmeasured load first: the server's own first answers (its caches) are not the app's.
    for (let run = -1; run < RUNS; run += 1) {
      const context = await newContext(browser);
      await context.addCookies(cookies);
      const page = await context.newPage();
      await page.goto(`${server.base}/`);
      await page.getByTestId('objective-tree').waitFor();
      // The portfolio's money, which comes with its own request after the map.
      await page
        .locator('[data-testid="home-budget"] .home-tile-figure', { hasText: '$' })
        .waitFor();
      const load = await page.evaluate<Load>(`({
        map: performance.getEntriesByName('strategy-map-rendered')[0].startTime,
        money: performance.now(),
        domContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
        transferredKb: performance.getEntriesByType('resource')
          .concat(performance.getEntriesByType('navigation'))
          .reduce((sum, e) => sum + (e.encodedBodySize || 0), 0) / 1024,
      })`);
      await context.close();
      if (run < 0) continue;
      loads.push(load);
      log(
        `run ${run + 1}: map ${Math.round(load.map)} ms, DOMContentLoaded ${Math.round(
          load.domContentLoaded,
        )} ms, money figures ${Math.round(load.money)} ms, ${Math.round(load.transferredKb)} KB`,
      );
    }
    // Warm: the same profile opens the map again, its cache holding the app's files.
    const warm: number[] = [];
    const context = await newContext(browser);
    await context.addCookies(cookies);
    const page = await context.newPage();
    for (let run = -1; run < RUNS; run += 1) {
      await page.goto(`${server.base}/`);
      await page.getByTestId('objective-tree').waitFor();
      const map = await page.evaluate<number>(
        `performance.getEntriesByName('strategy-map-rendered')[0].startTime`,
      );
      if (run < 0) continue;
      warm.push(map);
      log(`warm run ${run + 1}: map ${Math.round(map)} ms`);
    }
    await context.close();
    const maps = loads.map((l) => l.map);
    const result = {
      runs: RUNS,
      mapMedianMs: Math.round(median(maps)),
      mapBestMs: Math.round(Math.min(...maps)),
      mapWorstMs: Math.round(Math.max(...maps)),
      warmMapMedianMs: Math.round(median(warm)),
      domContentLoadedMedianMs: Math.round(median(loads.map((l) => l.domContentLoaded))),
      moneyMedianMs: Math.round(median(loads.map((l) => l.money))),
      transferredKb: Math.round(loads[0]?.transferredKb ?? 0),
      cpus: availableParallelism(),
      load1: Number((loadavg()[0] ?? 0).toFixed(2)),
    };
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    server.stop();
    await rm(data, { recursive: true, force: true });
  }
}

await main();
