/**
 * Review pack benchmark: for the 10,000-milestone portfolio of `engine-portfolio.ts` (10 work
 * items each, seeded), times what publishing a review pack adds to the state the server already
 * holds: grouping the incidents, assembling the pack (first pack, against the plan; and the next,
 * against the previous one), its Markdown and its PDF. The engine's full recompute is timed too,
 * for scale; it is not part of a pack (the live model keeps the state).
 *
 *   node --import tsx bench/review-pack.ts
 *   node --import tsx bench/review-pack.ts --milestones 10000 --runs 5
 *
 * Numbers, not assertions: this is not a test. See bench/README.md.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { packPdf } from '../src/app/review-pack-pdf.ts';
import type { Review } from '../src/core/domain/plan.ts';
import { computeState } from '../src/core/engine/compute-state.ts';
import { buildReviewPack, packMarkdown } from '../src/core/governance/review-pack.ts';
import { occurrenceOn } from '../src/core/governance/review-schedule.ts';
import { groupIncidents } from '../src/core/incidents/group-incidents.ts';
import { AS_OF, generatePortfolio } from './engine-portfolio.ts';

const { values: args } = parseArgs({
  options: {
    milestones: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
  },
});
const RUNS = Number(args.runs);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const value = fn();
  return [value, performance.now() - t];
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}
const ms = (x: number): string => `${x.toFixed(1)} ms`;

const input = generatePortfolio(Number(args.milestones), 10, Number(args.seed));
const review: Review = {
  id: 'REV-BENCH',
  name: 'Weekly portfolio review',
  cadence: { every: 'week', weekday: 'monday', at: '09:00' },
  timeZone: 'Europe/Berlin',
  attendees: input.plan.people.slice(0, 5).map((p) => p.id),
};
const plan = { ...input.plan, reviews: [review] };
console.log(
  `review pack: ${plan.milestones.length} milestones, ${input.workItems.length} work items, ${plan.initiatives.length} initiatives, ${plan.kpis.length} KPIs; ${cpus().length} CPUs, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const [state, engineMs] = time(() => computeState({ ...input, plan }));
const [signals, signalsMs] = time(() => [...state.signals]);
console.log(
  `engine full recompute (for scale, not part of a pack): ${ms(engineMs)}; reading ${signals.length} signals: ${ms(signalsMs)}`,
);

const occurrence = occurrenceOn(review, AS_OF);
const events = signals.map((s) => ({
  signal: s.id,
  kind: s.kind,
  title: s.title,
  action: 'raised' as const,
  at: '2026-09-14T07:00:00.000Z',
  subject: s.subject,
  chain: s.chain.map((c) => ({ kind: c.kind, id: c.id })),
}));
const figures: Record<string, number[]> = {
  incidents: [],
  first: [],
  next: [],
  markdown: [],
  pdf: [],
  total: [],
};
let sizes = { json: 0, markdown: 0, pdf: 0, sections: '' };
for (let run = 0; run < RUNS + 1; run += 1) {
  const [incidents, incidentsMs] = time(() => groupIncidents(plan, state, signals));
  const [first, firstMs] = time(() =>
    buildReviewPack({
      review,
      plan,
      state,
      occurrence,
      previous: null,
      signalEvents: events,
      decisions: [],
      incidents,
    }),
  );
  const [, nextMs] = time(() =>
    buildReviewPack({
      review,
      plan,
      state,
      occurrence: occurrenceOn(review, '2026-09-21'),
      previous: { content: first, publishedAt: '2026-09-14T07:00:00.000Z' },
      signalEvents: [],
      decisions: [],
      incidents,
    }),
  );
  const [markdown, mdMs] = time(() => packMarkdown(first));
  const [pdf, pdfMs] = await timeAsync(() => packPdf(first, '2026-09-14T07:00:00.000Z'));
  if (run === 0) continue; // warm-up
  figures.incidents!.push(incidentsMs);
  figures.first!.push(firstMs);
  figures.next!.push(nextMs);
  figures.markdown!.push(mdMs);
  figures.pdf!.push(pdfMs);
  figures.total!.push(incidentsMs + firstMs + mdMs + pdfMs);
  sizes = {
    json: JSON.stringify(first).length,
    markdown: markdown.length,
    pdf: pdf.length,
    sections: first.sections.map((s) => `${s.id} ${s.rows.length}`).join(', '),
  };
}
for (const [name, xs] of Object.entries(figures))
  console.log(
    `${name.padEnd(10)} median ${ms(median(xs))}, max ${ms(Math.max(...xs))} (${RUNS} runs)`,
  );
console.log(
  `pack: JSON ${sizes.json} chars, Markdown ${sizes.markdown} chars, PDF ${sizes.pdf} bytes; rows per section: ${sizes.sections}`,
);
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
