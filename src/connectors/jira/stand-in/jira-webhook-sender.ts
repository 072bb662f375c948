import { createHmac, randomUUID } from 'node:crypto';
import { mulberry32 } from '../../../core/random.ts';

/**
 * Sends webhook deliveries as Jira does, for tests and demos: a JSON body, `X-Hub-Signature:
 * sha256=<hex HMAC-SHA256 of the raw body>` when the webhook has a secret,
 * `X-Atlassian-Webhook-Identifier` (the same for every retry of one delivery) and, on a retry,
 * `X-Atlassian-Webhook-Retry: <n>`. It can also misbehave the way Jira is documented to: send
 * a delivery twice, retry one whose answer was "lost", and deliver a batch out of order.
 */

/** `sha256=<hex HMAC-SHA256 of the body>`, the `X-Hub-Signature` header of a signed delivery. */
export function signJiraWebhook(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookTarget {
  url: string;
  /** The webhook's secret; null sends unsigned deliveries. */
  secret: string | null;
}

export interface WebhookSendOptions {
  /** The delivery's identifier; a new UUID when absent. */
  identifier?: string;
  /** Sends the same delivery this many extra times, as Jira's at-least-once delivery may. */
  duplicates?: number;
  /**
   * Sends it again this many times as retries (with `X-Atlassian-Webhook-Retry`), as Jira does
   * when it did not get a 2xx in time.
   */
  retries?: number;
  /** Also retry (up to `maxRetries`) while the receiver answers non-2xx or cannot be reached. */
  retryOnFailure?: boolean;
  maxRetries?: number;
  /** Overrides the signature header (a forged or stale signature for tests). */
  signature?: string;
  fetch?: typeof fetch;
}

/** One HTTP request of a delivery and what the receiver answered. */
export interface SentWebhook {
  identifier: string;
  /** 0 for the first attempt, n for `X-Atlassian-Webhook-Retry: n`. */
  retry: number;
  /** The receiver's status, or null when it could not be reached. */
  status: number | null;
  responseBody: string;
}

/** Sends one delivery (and its duplicates and retries) and returns every request made. */
export async function sendJiraWebhook(
  target: WebhookTarget,
  payload: string | object,
  options: WebhookSendOptions = {},
): Promise<SentWebhook[]> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const identifier = options.identifier ?? randomUUID();
  const doFetch = options.fetch ?? fetch;
  const sent: SentWebhook[] = [];
  const post = async (retry: number): Promise<SentWebhook> => {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Atlassian Webhook HTTP Client',
      'x-atlassian-webhook-identifier': identifier,
    };
    const signature =
      options.signature ??
      (target.secret === null ? undefined : signJiraWebhook(body, target.secret));
    if (signature !== undefined) headers['x-hub-signature'] = signature;
    if (retry > 0) headers['x-atlassian-webhook-retry'] = String(retry);
    let result: SentWebhook;
    try {
      const response = await doFetch(target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      result = { identifier, retry, status: response.status, responseBody: await response.text() };
    } catch (error) {
      result = { identifier, retry, status: null, responseBody: String(error) };
    }
    sent.push(result);
    return result;
  };
  let retry = 0;
  let last = await post(retry);
  const maxRetries = options.maxRetries ?? 5;
  while (
    options.retryOnFailure === true &&
    retry < maxRetries &&
    (last.status === null || last.status < 200 || last.status >= 300)
  ) {
    retry += 1;
    last = await post(retry);
  }
  for (let i = 0; i < (options.retries ?? 0); i += 1) {
    retry += 1;
    await post(retry);
  }
  for (let i = 0; i < (options.duplicates ?? 0); i += 1) await post(0);
  return sent;
}

/**
 * Sends several deliveries one after the other in the order asked: as given, reversed, or
 * shuffled with a seed (so a failing test can be replayed). Returns what was sent, in order.
 */
export async function sendJiraWebhooks(
  target: WebhookTarget,
  payloads: readonly (string | object)[],
  options: WebhookSendOptions & { order?: 'as-given' | 'reverse' | { seed: number } } = {},
): Promise<SentWebhook[]> {
  const order = options.order ?? 'as-given';
  const indexes = payloads.map((_, i) => i);
  if (order === 'reverse') indexes.reverse();
  else if (order !== 'as-given') shuffle(indexes, order.seed);
  const sent: SentWebhook[] = [];
  for (const i of indexes) {
    const { identifier: _ignored, ...rest } = options;
    sent.push(...(await sendJiraWebhook(target, payloads[i] as string | object, rest)));
  }
  return sent;
}

/** Fisher–Yates with the core's seeded generator: the same seed, the same order. */
function shuffle(items: number[], seed: number): void {
  const random = mulberry32(seed);
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as number, items[i] as number];
  }
}
