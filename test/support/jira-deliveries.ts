import { createHmac } from 'node:crypto';

/**
 * A saved Jira delivery as Jira would send it now: its `timestamp` (when Jira fired it, epoch
 * milliseconds) set to `at`, so that it falls within the receiver's freshness window.
 */
export function stampedNow(body: string, at: number = Date.now()): string {
  const json = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify({ ...json, timestamp: at });
}

/** `sha256=<hex HMAC-SHA256 of the body>`: the `X-Hub-Signature` of a signed delivery. */
export function signDelivery(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
