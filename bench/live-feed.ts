/**
 * The live feed's cost to a browser (issue 10, point 2): after a pushed change, the web app asks
 * only for the entities the `state` event names (`POST /api/v1/state/entities`) instead of all of
 * `GET /api/v1/state` and `GET /api/v1/signals`. On the demo plus a generated portfolio, this
 * applies the ERP-17 slip with an event stream open, collects what the events named, and times
 * each of the three requests (7 times each; median and fastest), printing one JSON line per
 * request and one with the ratios.
 *
 *   node --import tsx bench/live-feed.ts [--milestones 10000]
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { createLiveModel } from '../src/app/live-model.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import { openDatabase } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { connectSse } from '../test/support/sse-client.ts';
import { seedDemoPortfolio } from './seed-portfolio.ts';

const { values } = parseArgs({ options: { milestones: { type: 'string', default: '10000' } } });
const MILESTONES = Number(values.milestones);
const TIMES = 7;

const db = await openDatabase({});
await migrate(db);
const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF), model: createLiveModel() };
if (MILESTONES > 0) await seedDemoPortfolio(ctx, MILESTONES);
else await loadDemo(ctx, undefined);
const token = await createApiToken(db, 'dana', 'bench', new Date());
const app = await buildServer(ctx);
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

interface Timing {
  request: string;
  bytes: number;
  medianMs: number;
  fastestMs: number;
}

async function timed(method: string, path: string, body?: unknown): Promise<Timing> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < TIMES; i++) {
    const started = performance.now();
    const answer = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`${method} ${path} answered ${answer.status}`);
    times.push(performance.now() - started);
    bytes = Buffer.byteLength(text);
  }
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    request: `${method} ${path}`,
    bytes,
    medianMs: round(times[Math.floor(TIMES / 2)] ?? 0),
    fastestMs: round(times[0] ?? 0),
  };
}

const sse = connectSse(`${base}/api/v1/events`, token);
await sse.opened;
const slip = await readFile(DEMO_FILES.erp17Slip, 'utf8');
const pushed = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
  method: 'POST',
  headers,
  body: slip,
});
if (pushed.status !== 200) throw new Error(`the slip's ingest answered ${pushed.status}`);
await sse.waitFor((e) => e.event === 'state', 30_000);
await new Promise((resolve) => setTimeout(resolve, 500));
const named: Record<string, string[]> = {};
for (const kind of ['objectives', 'kpis', 'initiatives', 'milestones', 'workItems']) {
  const ids = sse.events
    .filter((e) => e.event === 'state')
    .flatMap((e) => (e.data as Record<string, string[] | undefined>)[kind] ?? []);
  named[kind] = [...new Set(ids)];
}
console.log(
  JSON.stringify({
    milestones: MILESTONES,
    named: Object.fromEntries(Object.entries(named).map(([k, v]) => [k, v.length])),
    signalEvents: sse.events.filter((e) => e.event === 'signal').length,
  }),
);
const state = await timed('GET', '/api/v1/state');
const signals = await timed('GET', '/api/v1/signals');
const entities = await timed('POST', '/api/v1/state/entities', named);
for (const timing of [state, signals, entities]) console.log(JSON.stringify(timing));
console.log(
  JSON.stringify({
    bytesRatio: Math.round(((state.bytes + signals.bytes) / entities.bytes) * 10) / 10,
    medianRatio:
      Math.round(((state.medianMs + signals.medianMs) / Math.max(0.1, entities.medianMs)) * 10) /
      10,
  }),
);
sse.close();
await app.close();
await db.close();
