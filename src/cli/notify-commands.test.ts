import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli } from '../../test/support/cli-run.ts';
import { startSmtpCapture, type SmtpCapture } from '../../test/support/smtp-capture.ts';

describe('throughline notify', () => {
  let data: string;
  let smtp: SmtpCapture;
  const saved = { SMTP_URL: process.env.SMTP_URL, PUBLIC_URL: process.env.PUBLIC_URL };

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'throughline-notify-'));
    smtp = await startSmtpCapture();
    process.env.SMTP_URL = smtp.url;
    process.env.PUBLIC_URL = 'http://throughline.test';
    expect(await runCapturedCli(['--data', data, 'demo'])).toMatchObject({ code: 0, stderr: [] });
  }, 90_000);
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await smtp.close();
    await rm(data, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCapturedCli(['--data', data, ...args]);

  it('notify test sends a test e-mail to the person', async () => {
    const run = await cli('notify', 'test', '--person', 'dana');
    expect(run).toMatchObject({
      code: 0,
      stdout: ['test message sent to dana by email (dana.whitfield@acme.example)'],
    });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]?.to).toEqual(['dana.whitfield@acme.example']);
    expect(smtp.messages[0]?.subject).toBe('[Throughline] Test notification from Throughline');
    expect(smtp.messages[0]?.decoded).toContain('Hello Dana Whitfield (COO)');
  }, 60_000);

  it('notify test names what is wrong: an unknown person, no chat webhook, a refusing server', async () => {
    expect(await cli('notify', 'test', '--person', 'nobody')).toMatchObject({
      code: 1,
      stderr: ["error not_found: person: there is no person 'nobody' in the plan"],
    });
    expect(await cli('notify', 'test', '--person', 'dana', '--channel', 'chat')).toMatchObject({
      code: 1,
      stderr: [
        'error notify.no_address: chatWebhookUrl: Dana Whitfield has no chat webhook URL in their preferences',
      ],
    });
    smtp.failWith = 451;
    try {
      const run = await cli('notify', 'test', '--person', 'dana');
      expect(run.code).toBe(2);
      expect(run.stderr[0]).toMatch(/^error notify\.send_failed: SMTP_URL: SMTP: .*451/);
    } finally {
      smtp.failWith = null;
    }
  }, 90_000);

  it('notify digest and notify retry report what they did', async () => {
    expect(await cli('notify', 'digest')).toMatchObject({
      code: 0,
      stdout: ['0 digest(s) sent carrying 0 signal(s), 0 failed, 0 skipped'],
    });
    const json = await cli('--json', 'notify', 'retry');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.join('\n'))).toEqual({
      sent: 0,
      queued: 0,
      failed: 0,
      skipped: 0,
      duplicates: 0,
      outcomes: [],
    });
  }, 60_000);
});
