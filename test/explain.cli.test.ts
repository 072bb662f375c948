import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/**
 * `throughline explain ID` after the ERP slip: every figure with the chain of facts and rules
 * behind it — which work item, which link and lag, which calendar days, which benefit, which rule.
 */
describe('throughline explain (PGlite on disk)', () => {
  let data: string;
  const cli = (...args: string[]): Promise<CliRun> => runCapturedCli(['--data', data, ...args]);

  beforeAll(async () => {
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('THROUGHLINE_AS_OF', '');
    data = await mkdtemp(join(tmpdir(), 'throughline-explain-'));
    expect((await cli('demo')).code).toBe(0);
    const ingest = await cli('jira', 'ingest', '--source', 'demo', DEMO_FILES.erp17Slip);
    expect(ingest.code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(data, { recursive: true, force: true });
  });

  it('explains a milestone: its work item, the link and lag, the calendar days, its benefit', async () => {
    const run = await cli('explain', 'M-PURCH');
    expect(run.code).toBe(0);
    const text = run.stdout.join('\n');
    expect(run.stdout[0]).toBe('milestone M-PURCH — as of 2026-09-14');
    expect(text).toContain(
      '• M-GOLIVE is forecast 2026-10-26; FS with a lag of +10 working days, so M-PURCH cannot land before 2026-11-09',
    );
    expect(text).toMatch(
      /The link M-GOLIVE → M-PURCH is finish-to-start; its lag counts 10 working days on calendar \S+ .*from 2026-10-26, landing on 2026-11-09; not worked: 2026-10-31 \(weekend\)/,
    );
    // The link alone gives 2026-11-09; levelled within IT's capacity, the forecast is a week later.
    expect(text).toContain(
      "Levelled within its units' capacity, M-PURCH is forecast 2026-11-16, +5 working days; 2026-11-09 without the resource bottleneck",
    );
    expect(text).toContain('Forecast 2026-11-16 against plan 2026-10-19: +20 working days');
    expect(text).toMatch(
      /From M-PURCH's completion, benefit \S+ moves K-SAVINGS by 120,000 USD a week/,
    );
    expect(text).toMatch(
      /No probabilistic dates: team ERP has \d+ completed work items? in its history, 10 needed/,
    );

    const golive = (await cli('explain', 'M-GOLIVE')).stdout.join('\n');
    expect(golive).toMatch(
      /ERP-17, the latest of 1 open work item, is forecast to finish 2026-10-23/,
    );
    expect(golive).toContain(
      'the next working day after 2026-10-23 is 2026-10-26; not worked: 2026-10-24 (weekend), 2026-10-25 (weekend)',
    );
  });

  it('explains a KPI by the benefit, the days it counts and what the slip cost', async () => {
    const text = (await cli('explain', 'K-SAVINGS')).stdout.join('\n');
    expect(text).toMatch(
      /Benefit \S+ from M-PURCH \(forecast 2026-11-16\): 46 days of 2026-Q4 from 2026-11-16 to 2026-12-31 × 120,000 a week \/ 7 = 788,571 USD/,
    );
    expect(text).toContain('the slips move it −480,000 USD');
  });

  it('explains an initiative and an objective by what decided their status', async () => {
    const initiative = (await cli('explain', 'I-PROC')).stdout.join('\n');
    expect(initiative).toContain('Delivery follows its worst milestone, M-PURCH (off track)');
    expect(initiative).toContain(
      'M-PURCH forecast 2026-11-16 (plan 2026-10-19, +20 working days): off track',
    );
    const objective = (await cli('explain', 'O-COST')).stdout.join('\n');
    expect(objective).toContain('K-SAVINGS is off track');
    expect(objective).toMatch(/O-COST is off track: its only KPI, K-SAVINGS, is off track/);
  });

  it('prints the same as JSON, with the probabilistic forecast or why there is none', async () => {
    const run = await cli('--json', 'explain', 'M-GOLIVE');
    const explained = JSON.parse(run.stdout.join('\n')) as {
      kind: string;
      derived: { forecastDate: string; explanation: { rule: string }[] };
      probabilistic: { insufficient: { reason: string; team: string; needed: number } };
      explanation: { rule: string; figures?: Record<string, unknown> }[];
    };
    expect(explained.kind).toBe('milestone');
    expect(explained.derived.forecastDate).toBe('2026-10-26');
    expect(explained.probabilistic.insufficient).toMatchObject({
      reason: 'insufficient_history',
      team: 'ERP',
      needed: 10,
    });
    expect(explained.explanation.map((step) => step.rule)).toContain(
      'milestone.calendar_next_working_day',
    );
  });
});
