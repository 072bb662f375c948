/**
 * Reality-latency benchmark: Jira webhook in → SSE event out.
 *
 *   npm run bench:latency [-- --milestones 10000 --clients 200 --seconds 10 --rates 50,200,500]
 *   npm run bench:latency -- --database-url postgres://…   # server mode, in a schema of its own
 *   npm run bench:latency -- --prepared <folder>   # embedded database: prepare once, copy after
 *
 * Prepares a data folder with the demo organisation plus a generated portfolio (10,000
 * milestones, 10 work items each), starts the real server in a child process (`throughline
 * serve`), connects SSE clients, then has the Jira stand-in send signed `jira:issue_updated`
 * webhooks at each rate (retrying, as Jira does, when the receiver fails). For
 * every webhook and every client it measures the time from just before the POST to the arrival
 * of the `state` event naming the changed work item, and counts lost and duplicated events.
 * A 3-second warm-up at 50/s comes first and is not counted. Ends with one JSON line per rate.
 * Numbers, not assertions.
 */
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { applyPlan } from '../src/app/apply-plan.ts';
import { pinnedClock } from '../src/app/clock.ts';
import { ingestWorkItemEvents } from '../src/app/ingest-work.ts';
import { DEMO_AS_OF, DEMO_SOURCE, loadDemo } from '../src/app/load-demo.ts';
import { openApp } from '../src/app/open-app.ts';
import { DEMO_WEBHOOK_SECRET } from '../src/app/webhook-secrets.ts';
import {
  buildJiraIssue,
  buildJiraLink,
  buildJiraStatus,
  buildJiraWebhook,
} from '../src/connectors/jira/jira-payload.factory.ts';
import { sendJiraWebhook } from '../src/connectors/jira/stand-in/jira-webhook-sender.ts';
import { addDays } from '../src/core/calendar.ts';
import type { WorkItem, WorkItemEvent } from '../src/core/domain/work-item.ts';
import { loadPlan } from '../src/store/plan-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { connectSse, type SseClient } from '../test/support/sse-client.ts';
import { generatePortfolio } from './portfolio.ts';
import { startDemoServerProcess } from './serve-child.ts';

const { values: args } = parseArgs({
  options: {
    milestones: { type: 'string', default: '10000' },
    clients: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '10' },
    rates: { type: 'string', default: '50,200,500' },
    'database-url': { type: 'string' },
    // The embedded database only: a folder keeping the prepared data (made on the first run,
    // copied for each later one), so that a run does not spend minutes preparing the same data.
    prepared: { type: 'string' },
  },
});
const MILESTONES = Number(args.milestones);
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const RATES = args.rates.split(',').map(Number);

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

/**
 * With --database-url, the server mode: a schema of its own on that PostgreSQL server, named in
 * the connection's search path (dropped at the end).
 */
async function serverDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `bench_latency_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const separator = url.includes('?') ? '&' : '?';
  return {
    url: `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function prepare(
  data: string,
  databaseUrl: string | undefined,
): Promise<{ token: string; items: WorkItem[] }> {
  const ctx = await openApp({ dataDir: data, databaseUrl, asOf: DEMO_AS_OF });
  try {
    const demoCtx = { db: ctx.db, clock: pinnedClock(DEMO_AS_OF) };
    let started = performance.now();
    await loadDemo(demoCtx, undefined);
    const demo = await loadPlan(ctx.db);
    if (demo === null) throw new Error('the demo did not load');
    const portfolio = generatePortfolio(demo, MILESTONES, 10, 7);
    await applyPlan(demoCtx, portfolio.plan, { actor: 'bench' });
    log(
      `plan: ${portfolio.plan.milestones.length} milestones applied in ${Math.round(performance.now() - started)} ms`,
    );
    started = performance.now();
    const chunk = 5000;
    for (let i = 0; i < portfolio.workItems.length; i += chunk) {
      const events: WorkItemEvent[] = portfolio.workItems.slice(i, i + chunk).map((item) => ({
        op: 'upsert',
        item,
        change: null,
        order: { updatedAt: item.updatedAt, changelogId: null },
        dedupeKey: `seed:${item.key}`,
      }));
      await ingestWorkItemEvents(demoCtx, events);
    }
    log(
      `work: ${portfolio.workItems.length} items ingested in ${Math.round(performance.now() - started)} ms`,
    );
    const token = await createApiToken(ctx.db, 'dana', 'bench', new Date());
    return {
      token,
      items: portfolio.workItems.filter((w) => w.statusCategory !== 'done'),
    };
  } finally {
    await ctx.db.close();
  }
}

/**
 * The prepared data: made in `data`, or (with --prepared on the embedded database) copied from
 * the folder an earlier run kept, with its token and the open items it sends updates for.
 */
async function prepared(
  data: string,
  databaseUrl: string | undefined,
): Promise<{ token: string; items: WorkItem[] }> {
  const kept = args.prepared;
  if (kept === undefined || databaseUrl !== undefined) return prepare(data, databaseUrl);
  const meta = join(kept, 'bench.json');
  const sameSize = (x: { milestones: number }): boolean => x.milestones === MILESTONES;
  try {
    const saved = JSON.parse(await readFile(meta, 'utf8')) as {
      milestones: number;
      token: string;
      items: WorkItem[];
    };
    if (sameSize(saved)) {
      await cp(join(kept, 'data'), data, { recursive: true });
      log(`prepared data copied from ${kept}`);
      return saved;
    }
  } catch {
    // Not prepared yet: prepare below.
  }
  const made = await prepare(data, databaseUrl);
  await rm(kept, { recursive: true, force: true });
  await cp(data, join(kept, 'data'), { recursive: true });
  await writeFile(meta, JSON.stringify({ milestones: MILESTONES, ...made }));
  return made;
}

const JIRA_CATEGORY = { todo: 'new', in_progress: 'indeterminate', done: 'done' } as const;
const BLOCKS = { name: 'Blocks', inward: 'is blocked by', outward: 'blocks' };

interface Sent {
  key: string;
  at: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

async function runRate(
  base: string,
  clients: SseClient[],
  items: WorkItem[],
  rate: number,
  sequence: { n: number },
  seconds = SECONDS,
) {
  const total = rate * seconds;
  const sent: Sent[] = [];
  const interval = 1000 / rate;
  const start = performance.now();
  const posts: Promise<unknown>[] = [];
  let refused = 0;
  let retried = 0;
  for (let i = 0; i < total; i += 1) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    sequence.n += 1;
    const item = items[sequence.n % items.length]!;
    const key = item.key;
    const at = Date.UTC(2026, 8, 15) + sequence.n * 1000;
    // The issue as Jira holds it (status, parent, links), its due date moved.
    const body = JSON.stringify(
      buildJiraWebhook({
        // When Jira fired it: now, so that the receiver's freshness window takes it (and its
        // retries); the issue's own `updated` below keeps the order of the run.
        timestamp: Date.now(),
        issue: buildJiraIssue({
          id: item.sourceId ?? String(500000 + sequence.n),
          key,
          fields: {
            summary: item.summary,
            status: buildJiraStatus(JIRA_CATEGORY[item.statusCategory]),
            parent: item.parentKey === null ? null : { key: item.parentKey },
            issuelinks: [
              ...item.blockedBy.map((blocker) => buildJiraLink(BLOCKS, { inwardIssue: blocker })),
              ...item.blocks.map((blocked) => buildJiraLink(BLOCKS, { outwardIssue: blocked })),
            ],
            duedate: addDays('2026-10-01', sequence.n % 200),
            customfield_10015: item.startDate,
            updated: new Date(at).toISOString().replace('Z', '+0000'),
          },
        }),
        changelog: {
          id: String(900000 + sequence.n),
          items: [
            {
              field: 'duedate',
              fieldId: 'duedate',
              from: null,
              fromString: null,
              to: null,
              toString: null,
            },
          ],
        },
      }),
    );
    const record = { key, at: performance.now() };
    sent.push(record);
    // The stand-in signs and sends it, and retries as Jira does when the receiver fails.
    posts.push(
      sendJiraWebhook(
        { url: `${base}/hooks/jira/${DEMO_SOURCE}`, secret: DEMO_WEBHOOK_SECRET },
        body,
        { identifier: `bench-${sequence.n}`, retryOnFailure: true, maxRetries: 5 },
      ).then((requests) => {
        const last = requests.at(-1);
        if (last?.status !== 202) refused += 1;
        retried += requests.length - 1;
      }),
    );
  }
  await Promise.all(posts);
  // Give the last events time to arrive.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const latencies: number[] = [];
  // Per webhook, the first client to see it: the server's part, without the fan-out to every
  // client (all of which this one process reads).
  const first = sent.map(() => Number.POSITIVE_INFINITY);
  let lost = 0;
  let duplicated = 0;
  for (const client of clients) {
    const arrivals = new Map<string, number[]>();
    for (const event of client.events) {
      if (event.event !== 'state') continue;
      for (const key of (event.data as { workItems?: string[] }).workItems ?? []) {
        const list = arrivals.get(key) ?? [];
        list.push(event.receivedAt);
        arrivals.set(key, list);
      }
    }
    sent.forEach((record, n) => {
      const times = (arrivals.get(record.key) ?? []).filter((t) => t >= record.at);
      if (times.length === 0) lost += 1;
      else {
        const latency = Math.min(...times) - record.at;
        latencies.push(latency);
        first[n] = Math.min(first[n]!, latency);
      }
      if (times.length > 1) duplicated += times.length - 1;
    });
    client.events.length = 0;
  }
  latencies.sort((a, b) => a - b);
  const firstSorted = first.filter(Number.isFinite).sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    rate,
    sent: sent.length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
    firstClientP50Ms: round(percentile(firstSorted, 50)),
    firstClientP99Ms: round(percentile(firstSorted, 99)),
    lost,
    duplicated,
    refused,
    retried,
    clients: clients.length,
    elapsedS: round((performance.now() - start) / 1000),
  };
}

const data = await mkdtemp(join(tmpdir(), 'throughline-latency-'));
const server =
  args['database-url'] === undefined ? null : await serverDatabase(args['database-url']);
try {
  log(
    `preparing: demo + ${MILESTONES} milestones × 10 work items on ${server === null ? 'the embedded database' : 'the PostgreSQL server'}`,
  );
  const { token, items } = await prepared(data, server?.url);
  const running = await startDemoServerProcess(data, server?.url);
  try {
    const clients = Array.from({ length: CLIENTS }, () =>
      connectSse(`${running.base}/api/v1/events`, token),
    );
    await Promise.all(clients.map((c) => c.opened));
    log(`${clients.length} SSE clients connected to ${running.base}`);
    const sequence = { n: 0 };
    // A fresh process compiles its code paths on the first events: warm up, unmeasured.
    const warmUp = await runRate(running.base, clients, items, 50, sequence, 3);
    log(`warm-up (not counted): ${JSON.stringify(warmUp)}`);
    for (const rate of RATES) {
      log(`sending ${rate} webhooks/s for ${SECONDS} s`);
      const result = await runRate(running.base, clients, items, rate, sequence);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
    for (const client of clients) client.close();
  } finally {
    running.stop();
  }
} finally {
  await rm(data, { recursive: true, force: true });
  await server?.drop();
}
