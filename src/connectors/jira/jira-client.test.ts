import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loopbackFetch } from '../../../test/support/loopback-fetch.ts';
import { DomainError } from '../../core/errors.ts';
import {
  authorizationHeader,
  createJiraClient,
  parseRetryAfter,
  type JiraClientOptions,
  type JiraClientTimer,
} from './jira-client.ts';
import { startJiraStandIn, type JiraStandIn } from './stand-in/jira-stand-in.ts';

const CREDENTIALS = { email: 'sync@example.com', apiToken: 'client-test-token' };

/** A clock whose sleeps pass at once but are remembered, for long waits. */
function fakeTimer(): JiraClientTimer & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('the Jira client against the stand-in', () => {
  let standIn: JiraStandIn;
  const net = loopbackFetch();

  beforeAll(async () => {
    standIn = await startJiraStandIn({ kind: 'cloud', credentials: CREDENTIALS });
    standIn.issues.add({ key: 'ERP-1' });
  });
  afterAll(async () => {
    await standIn.close();
  });
  afterEach(async () => {
    net.expectNoStrayCalls();
    standIn.rateLimit(0, null);
    standIn.setDelay(null);
    await standIn.setOutage(null);
    // Answers the client gave up on (timeouts) must not count in the next test.
    await vi.waitFor(() => expect(standIn.inFlight).toBe(0), { timeout: 5000 });
    standIn.clearExchanges();
  });

  // Each test gets a site of its own: the per-site gate is shared by every client of a base URL.
  let siteNumber = 0;
  function client(options: Partial<JiraClientOptions> = {}) {
    siteNumber += 1;
    return createJiraClient({
      siteId: `test-${siteNumber}`,
      baseUrl: standIn.url,
      credentials: { kind: 'basic', ...CREDENTIALS },
      fetch: net.fetch,
      ...options,
    });
  }

  it('sends basic auth on Cloud and bearer on Data Center', () => {
    expect(authorizationHeader({ kind: 'basic', email: 'a@b.c', apiToken: 't' })).toBe(
      `Basic ${Buffer.from('a@b.c:t').toString('base64')}`,
    );
    expect(authorizationHeader({ kind: 'bearer', token: 'pat' })).toBe('Bearer pat');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter(new Date(65_000).toUTCString(), 5_000)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  it('survives a 429 storm, waiting exactly as long as each Retry-After says', async () => {
    const timer = fakeTimer();
    standIn.rateLimit(20, 7);
    const me = await client({ timer, maxAttempts: 25, random: () => 0 }).getJson(
      '/rest/api/3/myself',
    );
    expect(me).toMatchObject({ displayName: 'Stand-in Sync User' });
    expect(standIn.exchanges.map((e) => e.status)).toEqual([...Array<number>(20).fill(429), 200]);
    expect(timer.slept).toEqual(Array<number>(20).fill(7000));
  });

  it('honours a real Retry-After in real time', async () => {
    standIn.rateLimit(2, 1);
    const started = Date.now();
    await client().getJson('/rest/api/3/myself');
    const [first, second, third] = standIn.exchanges.map((e) => e.at);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(1000);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('gives up on a storm that does not end with jira.rate_limited', async () => {
    standIn.rateLimit(100, 1);
    const error = await errorOf(
      client({ timer: fakeTimer(), maxAttempts: 4 }).getJson('/rest/api/3/myself'),
    );
    expect(error.code).toBe('jira.rate_limited');
    expect(error.message).toContain('429 Too Many Requests 4 times');
  });

  it('refuses a Retry-After longer than it is willing to wait', async () => {
    standIn.rateLimit(1, 3600);
    const error = await errorOf(
      client({ timer: fakeTimer(), maxRetryAfterMs: 60_000 }).getJson('/rest/api/3/myself'),
    );
    expect(error.code).toBe('jira.rate_limited');
    expect(error.message).toContain('3600 s');
  });

  it('backs off exponentially with jitter on a 503 without Retry-After', async () => {
    await standIn.setOutage('503');
    const timer = fakeTimer();
    const error = await errorOf(
      client({ timer, maxAttempts: 5, backoffBaseMs: 1000, random: () => 0.5 }).getJson(
        '/rest/api/3/myself',
      ),
    );
    expect(error.code).toBe('jira.unreachable');
    expect(error.message).toContain('answered 503');
    // Equal jitter: half the step plus random × half: 750, 1500, 3000, 6000.
    expect(timer.slept).toEqual([750, 1500, 3000, 6000]);
  });

  it('honours Retry-After on a 503, then succeeds when the site is back', async () => {
    await standIn.setOutage('503', 2);
    const timer = fakeTimer();
    const pending = client({
      timer: {
        now: () => timer.now(),
        sleep: async (ms) => {
          await timer.sleep(ms);
          await standIn.setOutage(null);
        },
      },
      random: () => 0,
    }).getJson('/rest/api/3/myself');
    await expect(pending).resolves.toMatchObject({ timeZone: 'UTC' });
    expect(timer.slept).toEqual([2000]);
  });

  it('calls a site that refuses connections unreachable, after its attempts', async () => {
    await standIn.setOutage('refuse');
    const timer = fakeTimer();
    const error = await errorOf(client({ timer, maxAttempts: 3 }).getJson('/rest/api/3/myself'));
    expect(error.code).toBe('jira.unreachable');
    expect(error.message).toMatch(/connection refused \(gave up after 3 attempts\)/);
    expect(timer.slept).toHaveLength(2);
  });

  it('times out a site that does not answer', async () => {
    standIn.setDelay(() => 2000);
    const error = await errorOf(
      client({ timer: fakeTimer(), maxAttempts: 2, timeoutMs: 200 }).getJson('/rest/api/3/myself'),
    );
    expect(error.code).toBe('jira.unreachable');
    expect(error.message).toContain('no answer within 200 ms');
  });

  it('does not retry refused credentials or a refused request, and keeps the token out of errors', async () => {
    const wrong = client({
      credentials: { kind: 'basic', email: 'x@y.z', apiToken: 'wrong-token-123' },
    });
    const auth = await errorOf(wrong.getJson('/rest/api/3/myself'));
    expect(auth.code).toBe('jira.auth_failed');
    expect(auth.message).not.toContain('wrong-token-123');
    expect(standIn.exchanges).toHaveLength(1);
    const bad = await errorOf(client().getJson('/rest/api/3/search/jql', { jql: 'labels = x' }));
    expect(bad.code).toBe('jira.refused');
    expect(bad.message).toContain("Field 'labels' does not exist");
    const gone = await errorOf(client().getJson('/rest/api/3/search', { jql: 'project = ERP' }));
    expect(gone.code).toBe('jira.refused');
    expect(gone.message).toContain('410');
    expect(gone.message).toContain('/rest/api/3/search/jql');
  });

  it('keeps at most `concurrency` requests in flight per site', async () => {
    standIn.setDelay(() => 100);
    const site = client({ concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => site.getJson('/rest/api/3/myself')));
    expect(standIn.exchanges).toHaveLength(8);
    expect(standIn.maxInFlight).toBeLessThanOrEqual(2);
  });

  it('refuses to leave the machine in tests', async () => {
    const stray = loopbackFetch();
    const outside = createJiraClient({
      siteId: 'outside',
      baseUrl: 'https://example.atlassian.net',
      credentials: { kind: 'basic', ...CREDENTIALS },
      fetch: stray.fetch,
      timer: fakeTimer(),
      maxAttempts: 1,
    });
    await expect(outside.getJson('/rest/api/3/myself')).rejects.toThrow(DomainError);
    expect(() => stray.expectNoStrayCalls()).toThrow(/example\.atlassian\.net/);
  });
});
