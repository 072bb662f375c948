import { setTimeout as delay } from 'node:timers/promises';
import nodemailer from 'nodemailer';
import type { NotificationConfig } from './notification-config.ts';
import type { ChatMessage } from './render-signal.ts';

/** The outcome of one send: it went out, or why not and whether trying again can help. */
export type SendResult = { ok: true } | { ok: false; error: string; permanent: boolean };

/** An e-mail to one person. */
export interface EmailMessage {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID, so that a resend after a crash can be recognised by mail systems. */
  messageId?: string;
}

export interface EmailTransport {
  /** Sends one e-mail; never throws. */
  send(message: EmailMessage): Promise<SendResult>;
  close(): void;
}

export interface ChatTransport {
  /** Posts one Slack-compatible message to an incoming webhook; never throws. */
  send(webhookUrl: string, message: ChatMessage): Promise<SendResult>;
}

/** How notifications leave the process; passed in to every notification use-case. */
export interface NotificationTransports {
  /** Null when no SMTP server is configured: e-mail notifications are then skipped. */
  email: EmailTransport | null;
  chat: ChatTransport;
  /** Where people open Throughline: links in messages point here. */
  publicUrl: string;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:port` (STARTTLS when the server offers it) or `smtps://…` (TLS). */
  url: string;
  /** The From of every e-mail, e.g. `Throughline <throughline@example.com>`. */
  from: string;
  /** Connection and greeting timeout; the socket may idle three times as long. Default 10 s. */
  timeoutMs?: number;
}

/**
 * An SMTP client (nodemailer). The URL's query may say `requireTLS=true`, `ignoreTLS=true` or
 * `rejectUnauthorized=false` (a test server with a self-signed certificate).
 */
export function createSmtpTransport(options: SmtpTransportOptions): EmailTransport {
  const url = new URL(options.url);
  const secure = url.protocol === 'smtps:';
  const timeout = options.timeoutMs ?? 10_000;
  const flag = (name: string): boolean => url.searchParams.get(name) === 'true';
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    requireTLS: flag('requireTLS'),
    ignoreTLS: flag('ignoreTLS'),
    tls: { rejectUnauthorized: url.searchParams.get('rejectUnauthorized') !== 'false' },
    ...(url.username === ''
      ? {}
      : {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 3,
  });
  return {
    async send(message) {
      try {
        await transporter.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
        });
        return { ok: true };
      } catch (error) {
        const code =
          typeof error === 'object' && error !== null && 'responseCode' in error
            ? Number(error.responseCode)
            : NaN;
        // RFC 5321: 5yz is a permanent refusal (503 only means a bad command sequence).
        const permanent = code >= 500 && code < 600 && code !== 503;
        return { ok: false, error: `SMTP: ${errorText(error)}`, permanent };
      }
    },
    close() {
      transporter.close();
    },
  };
}

export interface ChatTransportOptions {
  /** Per request. Default 5 s. */
  timeoutMs?: number;
  /** Wait before the one retry, unless the receiver says Retry-After. Default 500 ms. */
  retryDelayMs?: number;
  /** The longest Retry-After honoured. Default 5 s. */
  maxRetryDelayMs?: number;
}

type Attempt = SendResult & { retryAfterMs?: number };

async function postOnce(url: string, body: string, timeoutMs: number): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      ok: false,
      error: timedOut
        ? `chat webhook: no answer within ${timeoutMs} ms`
        : `chat webhook: ${errorText(error)}`,
      permanent: false,
    };
  }
  const answer = await response.text().catch(() => '');
  if (response.ok) return { ok: true };
  const detail = `chat webhook answered ${response.status}${answer === '' ? '' : `: ${answer.slice(0, 200)}`}`;
  const retryable = response.status === 429 || response.status >= 500;
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    ok: false,
    error: detail,
    permanent: !retryable,
    ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  };
}

/**
 * Posts Slack-compatible JSON (`{text, blocks}`) with fetch: a timeout per request, and one
 * retry after a network failure, a timeout, a 429 or a 5xx (honouring Retry-After).
 */
export function createChatTransport(options: ChatTransportOptions = {}): ChatTransport {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
  return {
    async send(webhookUrl, message) {
      const url = URL.canParse(webhookUrl) ? new URL(webhookUrl) : null;
      if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
        return { ok: false, error: 'chat webhook: not an http(s) address', permanent: true };
      }
      const body = JSON.stringify({ text: message.text, blocks: message.blocks });
      const first = await postOnce(webhookUrl, body, timeoutMs);
      if (first.ok || first.permanent) return strip(first);
      await delay(Math.min(first.retryAfterMs ?? retryDelayMs, maxRetryDelayMs));
      return strip(await postOnce(webhookUrl, body, timeoutMs));
    },
  };
}

function strip(attempt: Attempt): SendResult {
  return attempt.ok
    ? { ok: true }
    : { ok: false, error: attempt.error, permanent: attempt.permanent };
}

/** The transports the configuration names: SMTP when SMTP_URL is set, chat always. */
export function createNotificationTransports(config: NotificationConfig): NotificationTransports {
  return {
    email:
      config.smtpUrl === undefined
        ? null
        : createSmtpTransport({ url: config.smtpUrl, from: config.mailFrom }),
    chat: createChatTransport(),
    publicUrl: config.publicUrl,
  };
}

/** Closes what the transports hold open (SMTP connections). */
export function closeNotificationTransports(transports: NotificationTransports): void {
  transports.email?.close();
}
