/**
 * Known-at benchmark (issue 13 part 5): a read as known 1,000 writes back on a big portfolio.
 *
 *   node --import tsx bench/known-at.ts [-- --milestones 10000 --writes 1000 --runs 5]
 *   node --import tsx bench/known-at.ts --database-url postgres://…   # a schema of its own
 *
 * Loads the demo organisation plus a generated portfolio (10,000 milestones, 10 work items each;
 * `bench/portfolio.ts`) into a fresh database, then makes `--writes` writes, each one work-item
 * delivery moving a due date (through the one write path: the engine's update, signals and
 * their history, the audit log). Then it reads the state as known at the instant of the last
 * write before them — the plan, the work items and the open signals read back from the history,
 * the engine run over them — `--runs` times, and prints each part's time; and once the KPI
 * forecast history of a KPI that portfolio's benefits feed (a replay of the whole history).
 * Numbers, not assertions; one JSON line at the end.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { ingestWorkItemEvents } from '../src/app/ingest-work.ts';
import { kpiForecastHistory, readKnownAt } from '../src/app/known-at.ts';
import { createLiveModel } from '../src/app/live-model.ts';
import { DEMO_AS_OF } from '../src/app/load-demo.ts';
import { addDays } from '../src/core/calendar.ts';
import { computeState } from '../src/core/engine/compute-state.ts';
import { openDatabase } from '../src/store/database.ts';
import {
  loadOpenSignalsKnownAt,
  loadPlanKnownAt,
  loadWorkKnownAt,
} from '../src/store/history-read.ts';
import { migrate } from '../src/store/migrate.ts';
import { seedDemoPortfolio } from './seed-portfolio.ts';

const { values: args } = parseArgs({
  options: {
    milestones: { type: 'string', default: '10000' },
    writes: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '5' },
    'database-url': { type: 'string' },
  },
});
const MILESTONES = Number(args.milestones);
const WRITES = Number(args.writes);
const RUNS = Number(args.runs);

const log = (text: string): void => console.error(`[known-at] ${text}`);
const ms = (from: number): number => Math.round((performance.now() - from) * 10) / 10;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const url = args['database-url'];
  const schema = url === undefined ? undefined : `bench_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: url, schema });
  try {
    await migrate(db);
    // A live model, as the server keeps: each write brings the state up to date incrementally.
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF), model: createLiveModel() };
    let started = performance.now();
    const portfolio = await seedDemoPortfolio(ctx, MILESTONES);
    log(
      `portfolio: ${portfolio.plan.milestones.length} milestones, ${portfolio.workItems.length} items in ${ms(started)} ms`,
    );

    const [mark] = await db.query<{ at: Date }>('SELECT max(at) AS at FROM audit_log');
    const knownAt = mark!.at;
    await new Promise((resolve) => setTimeout(resolve, 2));
    const open = portfolio.workItems.filter((w) => w.statusCategory !== 'done');
    started = performance.now();
    for (let n = 0; n < WRITES; n++) {
      const item = open[(n * 7919) % open.length]!;
      const updatedAt = new Date(Date.parse('2026-09-14T00:00:00Z') + (n + 1) * 1000).toISOString();
      const dueDate = addDays(item.dueDate ?? DEMO_AS_OF, (n % 5) - 1);
      await ingestWorkItemEvents(ctx, [
        {
          op: 'upsert',
          item: { ...item, dueDate, updatedAt },
          change: {
            key: item.key,
            at: updatedAt,
            kind: 'updated',
            changes: [{ field: 'dueDate', label: 'Due date', from: item.dueDate, to: dueDate }],
          },
          order: { updatedAt, changelogId: n + 1 },
          dedupeKey: `bench:${n}`,
        },
      ]);
    }
    log(`${WRITES} writes (one due date each) in ${ms(started)} ms`);

    const totals: number[] = [];
    const parts = {
      plan: [] as number[],
      work: [] as number[],
      engine: [] as number[],
      signals: [] as number[],
    };
    let shape = { milestones: 0, items: 0, signals: 0 };
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      const known = await readKnownAt(ctx, knownAt);
      totals.push(ms(t));
      shape = {
        milestones: known.snapshot.plan.milestones.length,
        items: known.snapshot.workItems.length,
        signals: known.signals.length,
      };
      t = performance.now();
      const plan = await loadPlanKnownAt(db, knownAt);
      parts.plan.push(ms(t));
      t = performance.now();
      const work = await loadWorkKnownAt(db, knownAt);
      parts.work.push(ms(t));
      t = performance.now();
      computeState({ plan: plan!, workItems: work.items, changes: work.changes, asOf: DEMO_AS_OF });
      parts.engine.push(ms(t));
      t = performance.now();
      await loadOpenSignalsKnownAt(db, knownAt);
      parts.signals.push(ms(t));
      log(`run ${run + 1}: known-at read ${totals.at(-1)} ms`);
    }
    const kpi = portfolio.plan.benefits.find((b) => b.kpi.startsWith('GK-'))?.kpi ?? 'K-SAVINGS';
    started = performance.now();
    const history = await kpiForecastHistory(ctx, kpi);
    const historyMs = ms(started);
    log(
      `forecast history of ${kpi}: ${history.points.length} points over ${history.writes} writes in ${historyMs} ms`,
    );
    console.log(
      JSON.stringify({
        database: url === undefined ? 'pglite' : 'postgres',
        milestones: shape.milestones,
        workItems: shape.items,
        openSignalsThen: shape.signals,
        writesBack: WRITES,
        knownAtReadMs: {
          median: median(totals),
          min: Math.min(...totals),
          max: Math.max(...totals),
          runs: totals,
        },
        partsMedianMs: {
          plan: median(parts.plan),
          work: median(parts.work),
          engine: median(parts.engine),
          signals: median(parts.signals),
        },
        forecastHistory: {
          kpi,
          writes: history.writes,
          points: history.points.length,
          ms: historyMs,
        },
      }),
    );
  } finally {
    if (schema !== undefined) await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  }
}

await main();
