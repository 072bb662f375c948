import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCapturedCli } from '../../test/support/cli-run.ts';

const reference = (path: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/reference/scheduling/${path}`, import.meta.url));
const demoPlan = fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url));

const CONTRACT_KEYS = [
  'id',
  'earlyStart',
  'earlyFinish',
  'lateStart',
  'lateFinish',
  'totalSlack',
  'freeSlack',
  'critical',
];

describe('throughline schedule', () => {
  it('prints the contract for an MS Project file: local date-times, slack in working minutes', async () => {
    const run = await runCapturedCli(['schedule', reference('mspdi/mspdirelations.xml'), '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.join('\n')) as {
      finish: string;
      tasks: Record<string, unknown>[];
    };
    expect(result.finish).toBe('2006-09-25T17:00:00');
    expect(result.tasks).toHaveLength(6);
    expect(Object.keys(result.tasks[5]!).slice(0, 8)).toEqual(CONTRACT_KEYS);
    expect(result.tasks[5]).toMatchObject({
      id: '5',
      earlyStart: '2006-09-22T08:00:00',
      lateStart: '2006-09-25T08:00:00',
      totalSlack: 480,
      freeSlack: 480,
      critical: false,
    });
  });

  it('levels a PSPLIB file: periods, and the levelled start of every job', async () => {
    const run = await runCapturedCli([
      'schedule',
      reference('psplib/j30/j301_1.sm'),
      '--level',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.join('\n')) as {
      finish: number;
      levelledFinish: number;
      tasks: { id: string; levelledStart: number }[];
    };
    expect(result.finish).toBe(38);
    // j301_1's proven optimum is 43.
    expect(result.levelledFinish).toBe(43);
    expect(result.tasks).toHaveLength(32);
    expect(result.tasks.every((task) => Number.isInteger(task.levelledStart))).toBe(true);
  });

  it('schedules a plan file in working days and prints a table for people', async () => {
    const run = await runCapturedCli(['schedule', demoPlan]);
    expect(run.code).toBe(0);
    // The ERP story's four milestones, ERP finance (its invoicing benefit) and the two of the
    // confidential divestment (I-DIVEST).
    expect(run.stdout[0]).toMatch(/7 tasks, slack in working days/);
    expect(run.stdout.join('\n')).toMatch(/M-PURCH\s+Centralised purchasing live\s+2026-10-19/);
    expect(run.stdout.join('\n')).toMatch(/M-PILOT\s+.*\s2026-11-16\s+2026-11-16\s/);
    expect(run.stdout).toContain('finish: 2026-12-18');
  });

  it('refuses a file it cannot read, naming it', async () => {
    const missing = await runCapturedCli(['schedule', 'nowhere.xml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toMatch(/file\.not_found: nowhere\.xml/);
    const unknown = await runCapturedCli(['schedule', 'plan.txt']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.join('\n')).toMatch(/plan\.txt is not a plan file/);
  });
});
