import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import type { DecisionReview } from '../src/core/decisions/review.ts';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/**
 * `throughline decision show` with the review: after Dana decides to add IT capacity, the show
 * awaits K-SAVINGS' 2026-Q4 actual; once a spreadsheet imports it, read after the quarter, it
 * shows the actual against the prediction, in words and in `--json`.
 */
describe('throughline decision show: the review', () => {
  let dir: string;
  let data: string;
  let id: string;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    THROUGHLINE_AS_OF: process.env.THROUGHLINE_AS_OF,
    THROUGHLINE_TOKEN: process.env.THROUGHLINE_TOKEN,
  };
  const cli = (...args: string[]): Promise<CliRun> => runCapturedCli(['--data', data, ...args]);
  const ok = (run: CliRun): CliRun => {
    expect(run.code, run.stderr.join('\n')).toBe(0);
    return run;
  };
  const shown = async (
    ...flags: string[]
  ): Promise<{
    review: DecisionReview | null;
    decision: { options: { number: number; changes: { kind: string }[] }[] };
  }> =>
    JSON.parse(
      ok(await cli(...flags, '--json', 'decision', 'show', id)).stdout.join('\n'),
    ) as never;

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    delete process.env.THROUGHLINE_TOKEN;
    dir = await mkdtemp(join(tmpdir(), 'throughline-review-cli-'));
    data = join(dir, 'data');
    ok(await cli('demo'));
    ok(await cli('jira', 'ingest', '--source', 'demo', DEMO_FILES.erp17Slip));
    const signals = JSON.parse(ok(await cli('--json', 'signals')).stdout.join('\n')) as {
      signals: { id: string; kind: string }[];
    };
    const signal = signals.signals.find((s) => s.kind === 'capacity.over_allocated')!.id;
    // An open decision for the signal, opened automatically or by hand, is given back.
    const opened = ok(await cli('--json', 'decision', 'open', '--signal', signal, '--as', 'priya'));
    id = (JSON.parse(opened.stdout.join('\n')) as { decision: { id: string } }).decision.id;
  }, 180_000);

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('shows no review while the decision is open', async () => {
    expect((await shown()).review).toBeNull();
    expect(ok(await cli('decision', 'show', id)).stdout.join('\n')).not.toContain('review');
  });

  it('awaits the Q4 actuals once Dana has decided', async () => {
    const option = (await shown()).decision.options.find(
      (o) => o.changes[0]!.kind === 'add_capacity',
    )!;
    ok(
      await cli(
        'decide',
        id,
        '--option',
        String(option.number),
        '--reason',
        'contractors',
        '--as',
        'dana',
      ),
    );
    const text = ok(await cli('decision', 'show', id)).stdout.join('\n');
    expect(text).toMatch(/ {2}review \(awaiting; predicted when decided, on 2026-09-14/);
    expect(text).toContain(
      'K-SAVINGS 2026-Q4: predicted 908,571, doing nothing 788,571, actual - — awaiting actuals for 2026-Q4',
    );
    expect(text).toContain('money (USD): meant to protect 120,000, realised awaiting actuals');
  });

  it('sets an imported Q4 actual against the prediction, read after the quarter', async () => {
    const before = (await shown()).review!;
    const doNothing = before.kpis.find((k) => k.kpi === 'K-SAVINGS')!.doNothing!;
    const csv = join(dir, 'q4.csv');
    const mapping = join(dir, 'q4.mapping.json');
    await writeFile(csv, `KPI,Period,Actual\nK-SAVINGS,2026-Q4,${doNothing + 95_000}\n`);
    await writeFile(
      mapping,
      JSON.stringify({
        kind: 'kpi_actuals',
        columns: { kpi: 'KPI', period: 'Period', value: 'Actual' },
      }),
    );
    ok(await cli('import', csv, '--source', 'finance', '--mapping', mapping));
    const text = ok(await cli('--as-of', '2027-01-04', 'decision', 'show', id)).stdout.join('\n');
    expect(text).toContain('actuals as of 2027-01-04');
    expect(text).toContain(
      'K-SAVINGS 2026-Q4: predicted 908,571, doing nothing 788,571, actual 883,571 — actual 883,571 against 908,571 predicted (−25,000); +95,000 against doing nothing, 120,000 meant',
    );
    expect(text).toContain('money (USD): meant to protect 120,000, realised 95,000');
    const json = (await shown('--as-of', '2027-01-04')).review!;
    expect(json.money.realised).toBeCloseTo(95_000, 6);
    expect(json.status).toBe('complete');
  });

  it('names a decision that is not there', async () => {
    const missing = await cli('decision', 'show', 'DEC-404');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.join('\n')).toContain("there is no decision 'DEC-404'");
  });
});
