import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChatCapture, type ChatCapture } from '../../../test/support/chat-capture.ts';
import { startSmtpCapture, type SmtpCapture } from '../../../test/support/smtp-capture.ts';
import { DomainError } from '../../core/errors.ts';
import { readNotificationConfig } from './notification-config.ts';
import type { ChatMessage } from './render-signal.ts';
import { createChatTransport, createSmtpTransport, type EmailMessage } from './transports.ts';

const message: ChatMessage = {
  text: 'K-SAVINGS misses its target',
  blocks: [{ type: 'header', text: { type: 'plain_text', text: 'K-SAVINGS misses its target' } }],
};

const mail: EmailMessage = {
  to: { name: 'Dana Whitfield', address: 'dana@acme.example' },
  subject: '[Throughline] K-SAVINGS misses its target',
  text: 'K-SAVINGS 2026-Q4 −360,000 USD',
  html: '<p>K-SAVINGS 2026-Q4 −360,000 USD</p>',
  messageId: '<abc.notification@throughline.local>',
};

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the chat transport', () => {
  let hook: ChatCapture;
  beforeAll(async () => {
    hook = await startChatCapture();
  });
  afterAll(async () => {
    await hook.close();
  });
  afterEach(() => {
    hook.posts.length = 0;
    hook.script.length = 0;
  });
  const chat = createChatTransport({ timeoutMs: 5000, retryDelayMs: 10 });

  it('posts Slack-compatible JSON {text, blocks}', async () => {
    expect(await chat.send(`${hook.url}/services/T1/B1/x`, message)).toEqual({ ok: true });
    expect(hook.posts).toEqual([
      { path: '/services/T1/B1/x', contentType: 'application/json', body: message },
    ]);
  });

  it('retries once after a 5xx and succeeds', async () => {
    hook.script.push({ status: 503 });
    expect(await chat.send(hook.url, message)).toEqual({ ok: true });
    expect(hook.posts).toHaveLength(2);
  });

  it('honours Retry-After on a 429', async () => {
    hook.script.push({ status: 429, retryAfter: '0' });
    expect(await chat.send(hook.url, message)).toEqual({ ok: true });
    expect(hook.posts).toHaveLength(2);
  });

  it('gives up after the one retry, saying it may work later', async () => {
    hook.script.push({ status: 500 }, { status: 502 });
    const result = await chat.send(hook.url, message);
    expect(result).toEqual({ ok: false, error: 'chat webhook answered 502: no', permanent: false });
    expect(hook.posts).toHaveLength(2);
  });

  it('does not retry a refusal (4xx): it is permanent', async () => {
    hook.script.push({ status: 404 });
    expect(await chat.send(hook.url, message)).toMatchObject({ ok: false, permanent: true });
    expect(hook.posts).toHaveLength(1);
  });

  it('times out a receiver that does not answer, and retries once', async () => {
    hook.script.push({ status: 200, hangMs: 5000 }, { status: 200, hangMs: 5000 });
    const impatient = createChatTransport({ timeoutMs: 300, retryDelayMs: 10 });
    const started = performance.now();
    const result = await impatient.send(hook.url, message);
    expect(result).toEqual({
      ok: false,
      error: 'chat webhook: no answer within 300 ms',
      permanent: false,
    });
    expect(performance.now() - started).toBeLessThan(4000);
    expect(hook.posts).toHaveLength(2);
  });

  it('refuses an address that is not http(s) without a request', async () => {
    expect(await chat.send('file:///etc/passwd', message)).toMatchObject({
      ok: false,
      permanent: true,
    });
    expect(hook.posts).toEqual([]);
  });

  it('reports a receiver that is not there as worth a retry later', async () => {
    const result = await chat.send(`http://127.0.0.1:${await closedPort()}/`, message);
    expect(result).toMatchObject({ ok: false, permanent: false });
  });
});

describe('the SMTP transport', () => {
  let smtp: SmtpCapture;
  beforeAll(async () => {
    smtp = await startSmtpCapture({ user: 'mailer@acme', pass: 'p@ss:w/rd' });
  });
  afterAll(async () => {
    await smtp.close();
  });
  afterEach(() => {
    smtp.messages.length = 0;
    smtp.failWith = null;
  });

  it('logs in with the credentials of SMTP_URL and sends text and HTML', async () => {
    expect(smtp.url).toContain('mailer%40acme:p%40ss%3Aw%2Frd@');
    const email = createSmtpTransport({ url: smtp.url, from: 'Throughline <tl@acme.example>' });
    try {
      expect(await email.send(mail)).toEqual({ ok: true });
    } finally {
      email.close();
    }
    expect(smtp.messages).toHaveLength(1);
    const [received] = smtp.messages;
    expect(received?.user).toBe('mailer@acme');
    expect(received?.from).toBe('tl@acme.example');
    expect(received?.to).toEqual(['dana@acme.example']);
    expect(received?.subject).toBe('[Throughline] K-SAVINGS misses its target');
    expect(received?.raw).toContain('Message-ID: <abc.notification@throughline.local>');
    expect(received?.raw).toContain('multipart/alternative');
    expect(received?.decoded).toContain('K-SAVINGS 2026-Q4 −360,000 USD');
    expect(received?.decoded).toContain('<p>K-SAVINGS 2026-Q4 −360,000 USD</p>');
  });

  it('fails a wrong login permanently', async () => {
    const url = smtp.url.replace('p%40ss', 'wrong');
    const email = createSmtpTransport({ url, from: 'tl@acme.example' });
    try {
      expect(await email.send(mail)).toMatchObject({ ok: false, permanent: true });
    } finally {
      email.close();
    }
    expect(smtp.messages).toEqual([]);
  });

  it('tells a temporary refusal (4xx) from a permanent one (5xx)', async () => {
    const email = createSmtpTransport({ url: smtp.url, from: 'tl@acme.example' });
    try {
      smtp.failWith = 451;
      expect(await email.send(mail)).toMatchObject({ ok: false, permanent: false });
      smtp.failWith = 550;
      expect(await email.send(mail)).toMatchObject({ ok: false, permanent: true });
    } finally {
      email.close();
    }
    expect(smtp.messages).toEqual([]);
  });

  it('reports a server that is not there as worth a retry later', async () => {
    const email = createSmtpTransport({
      url: `smtp://127.0.0.1:${await closedPort()}`,
      from: 'tl@acme.example',
      timeoutMs: 500,
    });
    try {
      const result = await email.send(mail);
      expect(result).toMatchObject({ ok: false, permanent: false });
      expect(result.ok ? '' : result.error).toMatch(/^SMTP: /);
    } finally {
      email.close();
    }
  });
});

describe('readNotificationConfig', () => {
  it('has defaults: no e-mail, local links', () => {
    expect(readNotificationConfig({})).toEqual({
      smtpUrl: undefined,
      mailFrom: 'Throughline <throughline@localhost>',
      publicUrl: 'http://127.0.0.1:4400',
    });
  });

  it('reads SMTP_URL, SMTP_FROM and PUBLIC_URL (without a trailing slash)', () => {
    expect(
      readNotificationConfig({
        SMTP_URL: 'smtps://u:p@mail.acme.example:465',
        SMTP_FROM: 'Throughline <tl@acme.example>',
        PUBLIC_URL: 'https://tl.acme.example/',
      }),
    ).toEqual({
      smtpUrl: 'smtps://u:p@mail.acme.example:465',
      mailFrom: 'Throughline <tl@acme.example>',
      publicUrl: 'https://tl.acme.example',
    });
  });

  it.each([
    [{ SMTP_URL: 'mail.acme.example:25' }, 'SMTP_URL'],
    [{ SMTP_URL: 'http://mail.acme.example' }, 'SMTP_URL'],
    [{ PUBLIC_URL: 'tl.acme.example' }, 'PUBLIC_URL'],
    [{ SMTP_FROM: 'Throughline' }, 'SMTP_FROM'],
  ])('refuses %o naming the setting', (env, setting) => {
    try {
      readNotificationConfig(env);
      expect.unreachable('the bad setting was accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('config.invalid');
      expect((error as DomainError).problems[0]?.path).toBe(setting);
    }
  });
});
