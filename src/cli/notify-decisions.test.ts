import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli } from '../../test/support/cli-run.ts';
import { startSmtpCapture, type SmtpCapture } from '../../test/support/smtp-capture.ts';
import { DEMO_FILES } from '../app/load-demo.ts';
import { addDays } from '../core/calendar.ts';

/**
 * `throughline notify decisions`: the clock's part in decisions for a scheduler that runs the
 * CLI (cron, a systemd timer) where no server ticks — tell, remind, escalate — once each.
 */
describe('throughline notify decisions', () => {
  let data: string;
  let smtp: SmtpCapture;
  let due: string;
  const saved = { SMTP_URL: process.env.SMTP_URL, PUBLIC_URL: process.env.PUBLIC_URL };
  const cli = (...args: string[]) => runCapturedCli(['--data', data, ...args]);

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'throughline-notify-decisions-'));
    smtp = await startSmtpCapture();
    process.env.SMTP_URL = smtp.url;
    process.env.PUBLIC_URL = 'http://throughline.test';
    expect(await cli('demo')).toMatchObject({ code: 0, stderr: [] });
    expect(await cli('jira', 'ingest', '--source', 'demo', DEMO_FILES.erp17Slip)).toMatchObject({
      code: 0,
    });
    // The slip opens DEC-1 by itself where the engine does so; otherwise Priya opens it.
    const open = await cli('--json', 'decisions', '--status', 'open');
    if ((JSON.parse(open.stdout.join('\n')) as { decisions: unknown[] }).decisions.length === 0)
      expect(
        await cli(
          'decision',
          'open',
          '--signal',
          'capacity.over_allocated:IT:2026-W41',
          '--as',
          'priya',
        ),
      ).toMatchObject({ code: 0 });
    const shown = await cli('--json', 'decision', 'show', 'DEC-1');
    due = (JSON.parse(shown.stdout.join('\n')) as { decision: { dueDate: string } }).decision
      .dueDate;
  }, 180_000);
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await smtp.close();
    await rm(data, { recursive: true, force: true });
  });

  it('tells Dana DEC-1 is hers, reminds her three days before, and sends it up the day after it was due', async () => {
    const first = await cli('notify', 'decisions');
    expect(first.code).toBe(0);
    expect(first.stdout[0]).toBe(
      'as of 2026-09-14: 0 reminder(s), 0 escalation(s); 1 notice(s) sent, 0 failed, 0 skipped',
    );
    expect(first.stdout).toContain('  DEC-1 opened → dana: sent (email)');

    const soon = await cli('--as-of', addDays(due, -3), 'notify', 'decisions');
    expect(soon.stdout).toContain(`  DEC-1: reminded dana (due_soon, due ${due})`);
    expect((await cli('--as-of', addDays(due, -3), 'notify', 'decisions')).stdout[0]).toContain(
      '0 reminder(s), 0 escalation(s); 0 notice(s) sent',
    );

    const late = await cli('--json', '--as-of', addDays(due, 1), 'notify', 'decisions');
    expect(late.code).toBe(0);
    const report = JSON.parse(late.stdout.join('\n')) as {
      escalated: { decision: string; from: string; to: string; passedDueDate: string }[];
      notices: { sent: number; outcomes: { personId: string; action: string }[] };
    };
    expect(report.escalated).toMatchObject([
      { decision: 'DEC-1', from: 'dana', to: 'grace', passedDueDate: due },
    ]);
    expect(report.notices.outcomes.map((o) => [o.action, o.personId]).sort()).toEqual([
      ['escalated', 'dana'],
      ['escalated', 'grace'],
    ]);
    expect(smtp.messages.map((m) => m.to[0])).toEqual([
      'dana.whitfield@acme.example',
      'dana.whitfield@acme.example',
      expect.any(String),
      expect.any(String),
    ]);
    expect((await cli('--as-of', addDays(due, 1), 'notify', 'decisions')).stdout[0]).toContain(
      '0 reminder(s), 0 escalation(s); 0 notice(s) sent',
    );
  }, 180_000);

  it('exits 2 when a notice is refused, and sends it on the next run', async () => {
    const shown = await cli('--json', 'decision', 'show', 'DEC-1');
    const { decision } = JSON.parse(shown.stdout.join('\n')) as {
      decision: { dueDate: string; decider: { person: string } };
    };
    expect(decision.decider.person).toBe('grace');
    const day = addDays(decision.dueDate, -1);
    smtp.failWith = 451;
    try {
      const refused = await cli('--as-of', day, 'notify', 'decisions');
      expect(refused.code).toBe(2);
      expect(refused.stderr[0]).toMatch(
        /^error notify\.send_failed: grace: the reminded notice of DEC-1 to grace was not sent \(tried again next run\): SMTP: .*451/,
      );
    } finally {
      smtp.failWith = null;
    }
    const sent = smtp.messages.length;
    const next = await cli('--as-of', day, 'notify', 'decisions');
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('  DEC-1 reminded → grace: sent (email)');
    expect(smtp.messages.slice(sent).map((m) => m.to[0])).toEqual(['grace.okafor@acme.example']);
  }, 120_000);

  it('refuses a day that is not one, naming where it came from', async () => {
    expect(await cli('--as-of', '2026-13-01', 'notify', 'decisions')).toMatchObject({
      code: 1,
      stderr: [
        "error config.invalid: --as-of: as-of date '2026-13-01' is not a date written YYYY-MM-DD",
      ],
    });
  });
});
