import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJiraWebhook, sendJiraWebhooks, signJiraWebhook } from './jira-webhook-sender.ts';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('sending Jira webhooks', () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];
  /** The receiver's answers, in order; 204 once they run out. */
  let answers: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answers.shift() ?? 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/jira/acme`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    received.length = 0;
    answers = [];
  });

  it('signs the raw body with HMAC-SHA256 and names the delivery', async () => {
    const body = '{"webhookEvent":"jira:issue_updated","issue":{"key":"ERP-17"}}';
    const sent = await sendJiraWebhook({ url, secret: 'demo-secret' }, body, { identifier: 'd-1' });
    expect(sent).toEqual([{ identifier: 'd-1', retry: 0, status: 204, responseBody: '' }]);
    const [delivery] = received;
    expect(delivery?.body).toBe(body);
    const expected = createHmac('sha256', 'demo-secret').update(body).digest('hex');
    expect(delivery?.headers['x-hub-signature']).toBe(`sha256=${expected}`);
    expect(signJiraWebhook(body, 'demo-secret')).toBe(`sha256=${expected}`);
    expect(delivery?.headers['x-atlassian-webhook-identifier']).toBe('d-1');
    expect(delivery?.headers['x-atlassian-webhook-retry']).toBeUndefined();
    expect(delivery?.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('sends unsigned deliveries when the webhook has no secret, and forged ones on request', async () => {
    await sendJiraWebhook({ url, secret: null }, { a: 1 });
    await sendJiraWebhook({ url, secret: 'x' }, { a: 1 }, { signature: 'sha256=00' });
    expect(received[0]?.headers['x-hub-signature']).toBeUndefined();
    expect(received[1]?.headers['x-hub-signature']).toBe('sha256=00');
  });

  it('retries a failed delivery with the same identifier and a retry count, and sends duplicates', async () => {
    answers = [503, 500];
    const sent = await sendJiraWebhook(
      { url, secret: 's' },
      { a: 1 },
      { retryOnFailure: true, duplicates: 1 },
    );
    expect(sent.map((s) => [s.retry, s.status])).toEqual([
      [0, 503],
      [1, 500],
      [2, 204],
      [0, 204],
    ]);
    expect(new Set(received.map((r) => r.headers['x-atlassian-webhook-identifier'])).size).toBe(1);
    expect(received.map((r) => r.headers['x-atlassian-webhook-retry'])).toEqual([
      undefined,
      '1',
      '2',
      undefined,
    ]);
    // Every copy carries the same, valid signature.
    expect(new Set(received.map((r) => r.headers['x-hub-signature'])).size).toBe(1);
  });

  it('delivers a batch out of order: reversed, or shuffled the same way for the same seed', async () => {
    const bodies = [1, 2, 3, 4, 5].map((n) => ({ n }));
    await sendJiraWebhooks({ url, secret: null }, bodies, { order: 'reverse' });
    expect(received.map((r) => (JSON.parse(r.body) as { n: number }).n)).toEqual([5, 4, 3, 2, 1]);
    received.length = 0;
    await sendJiraWebhooks({ url, secret: null }, bodies, { order: { seed: 7 } });
    const first = received.map((r) => (JSON.parse(r.body) as { n: number }).n);
    received.length = 0;
    await sendJiraWebhooks({ url, secret: null }, bodies, { order: { seed: 7 } });
    expect(received.map((r) => (JSON.parse(r.body) as { n: number }).n)).toEqual(first);
    expect([...first].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(first).not.toEqual([1, 2, 3, 4, 5]);
    // Each delivery of a batch is its own: distinct identifiers.
    expect(new Set(received.map((r) => r.headers['x-atlassian-webhook-identifier'])).size).toBe(5);
  });

  it('reports a receiver it cannot reach', async () => {
    const sent = await sendJiraWebhook(
      { url: 'http://127.0.0.1:1/hooks/jira/x', secret: null },
      {},
    );
    expect(sent[0]?.status).toBeNull();
  });
});
