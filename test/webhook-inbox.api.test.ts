import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { loadWorkItems } from '../src/store/work-item-store.ts';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from './support/databases.ts';
import { signDelivery, stampedNow } from './support/jira-deliveries.ts';

const SECRET = 'inbox-test-secret';
/** A site's secret as configured: the demo site has one, no other site exists. */
const secretOf = (site: string): Promise<string | undefined> =>
  Promise.resolve(site === DEMO_SOURCE ? SECRET : undefined);

interface DeadLetterBody {
  deadLetters: {
    seq: number;
    source: string;
    deliveryId: string | null;
    attempts: number;
    problems: { code: string; message: string; path?: string }[];
  }[];
}

/** The slip of ERP-17 as another issue, ERP-99 (a new work item of the same project). */
function asErp99(body: string): string {
  const json = JSON.parse(body) as { issue: { id: string; key: string } };
  return JSON.stringify({ ...json, issue: { ...json.issue, id: '99099', key: 'ERP-99' } });
}

describe.each(TEST_DATABASES)('webhook inbox: dead letters, window, receipt on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance | undefined;
  let base: string;
  let token: string;
  /** Dead letters hold raw payloads: an admin's (Omar's) to read and retry. */
  let admin: string;
  const slipFile = readFile(DEMO_FILES.erp17Slip, 'utf8');

  async function fresh(): Promise<void> {
    await resetDatabase(db);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    token = await createApiToken(db, 'dana', 'test', new Date());
    admin = await createApiToken(db, 'omar', 'test', new Date());
    if (app !== undefined) await app.close();
    app = await buildServer(ctx, {
      webhookSecret: secretOf,
      // Quick retries, so that a delivery that keeps failing is set aside within the test.
      inboxRetry: { maxAttempts: 3, backoffMs: 50 },
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }

  async function hook(
    body: string | Buffer,
    headers: Record<string, string> = {},
    site = DEMO_SOURCE,
  ): Promise<Response> {
    return fetch(`${base}/hooks/jira/${site}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature': signDelivery(body, SECRET),
        ...headers,
      },
      body,
    });
  }

  async function get<T>(path: string): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${path.includes('dead-letters') ? admin : token}` },
    });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  }

  async function erp(key: string): Promise<{ dueDate: string | null } | undefined> {
    return (await loadWorkItems(db)).find((w) => w.key === key);
  }

  /** Waits until the worker has nothing left that is due (retries included). */
  async function settle(ms = 15_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await app!.inboxWorker.idle();
      const due = await db.query("SELECT 1 FROM webhook_inbox WHERE status = 'pending' LIMIT 1");
      if (due.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await app?.close();
    await db.close();
  });

  it('sets a poisoned delivery aside and applies the ERP-17 delivery behind it', async () => {
    await fresh();
    // Accepted by an earlier version, before receipt refused it: a summary with a NUL.
    const slip = stampedNow(await slipFile);
    const poisoned = JSON.parse(slip) as { issue: { fields: { summary: string } } };
    poisoned.issue.fields.summary = 'ERP cut-over \u0000 poisoned';
    await app!.inboxWorker.idle();
    await db.query(
      `INSERT INTO webhook_inbox (source, delivery_id, received_at, body) VALUES ($1, $2, $3, $4)`,
      [DEMO_SOURCE, 'poisoned-1', new Date(), JSON.stringify(poisoned)],
    );
    const good = await hook(slip, { 'x-atlassian-webhook-identifier': 'erp-17-good' });
    expect(good.status).toBe(202);
    await settle();
    expect((await erp('ERP-17'))?.dueDate).toBe('2026-10-23');

    const { deadLetters } = await get<DeadLetterBody>('/api/v1/webhooks/dead-letters');
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]).toMatchObject({ source: DEMO_SOURCE, deliveryId: 'poisoned-1' });
    expect(deadLetters[0]?.problems[0]).toMatchObject({
      code: 'jira.bad_payload',
      path: '$.issue.fields.summary',
    });
    const { sources } = await get<{
      sources: { source: string; deliveries: { deadLettered: number; pending: number } }[];
    }>('/api/v1/sources');
    expect(sources.find((s) => s.source === DEMO_SOURCE)?.deliveries).toMatchObject({
      deadLettered: 1,
      pending: 0,
    });
    const health = (await (await fetch(`${base}/health`)).json()) as {
      status: string;
      webhooks: { deadLettered: number };
    };
    expect(health).toMatchObject({ status: 'degraded', webhooks: { deadLettered: 1 } });

    // Retrying it re-dead-letters it with the same error: its cause is in the delivery itself.
    const seq = deadLetters[0]!.seq;
    const unauthenticated = await fetch(`${base}/api/v1/webhooks/dead-letters/${seq}/retry`, {
      method: 'POST',
    });
    expect(unauthenticated.status).toBe(401);
    const retried = await fetch(`${base}/api/v1/webhooks/dead-letters/${seq}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(retried.status).toBe(202);
    await settle();
    const again = await get<DeadLetterBody>('/api/v1/webhooks/dead-letters');
    expect(again.deadLetters.map((d) => d.seq)).toEqual([seq]);
    const missing = await fetch(`${base}/api/v1/webhooks/dead-letters/999999/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(missing.status).toBe(404);
  });

  it('dead-letters what the database refuses, and applies it on retry once the cause is fixed', async () => {
    await fresh();
    // The database refuses ERP-99 as bad data (a constraint the test adds).
    await db.exec(`
      CREATE FUNCTION refuse_erp99() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.key = 'ERP-99' THEN
          RAISE EXCEPTION 'ERP-99 is refused' USING ERRCODE = '22023';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_erp99 BEFORE INSERT OR UPDATE ON work_item
        FOR EACH ROW EXECUTE FUNCTION refuse_erp99();`);
    try {
      const slip = stampedNow(await slipFile);
      const [bad, good] = await Promise.all([
        hook(asErp99(slip), { 'x-atlassian-webhook-identifier': 'erp-99' }),
        hook(slip, { 'x-atlassian-webhook-identifier': 'erp-17' }),
      ]);
      expect([bad.status, good.status]).toEqual([202, 202]);
      await settle();
      expect((await erp('ERP-17'))?.dueDate).toBe('2026-10-23');
      expect(await erp('ERP-99')).toBeUndefined();
      const { deadLetters } = await get<DeadLetterBody>('/api/v1/webhooks/dead-letters');
      expect(deadLetters).toHaveLength(1);
      // Bad data: set aside at the first failure, not retried.
      expect(deadLetters[0]).toMatchObject({ deliveryId: 'erp-99', attempts: 1 });
      expect(deadLetters[0]?.problems[0]?.message).toContain('ERP-99 is refused');
    } finally {
      await db.exec('DROP TRIGGER refuse_erp99 ON work_item; DROP FUNCTION refuse_erp99();');
    }
    const [letter] = (await get<DeadLetterBody>('/api/v1/webhooks/dead-letters')).deadLetters;
    const retried = await fetch(`${base}/api/v1/webhooks/dead-letters/${letter!.seq}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(retried.status).toBe(202);
    await settle();
    expect((await erp('ERP-99'))?.dueDate).toBe('2026-10-23');
    expect((await get<DeadLetterBody>('/api/v1/webhooks/dead-letters')).deadLetters).toEqual([]);
    const health = (await (await fetch(`${base}/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
  });

  it('retries a fault that may pass with backoff, then sets the delivery aside', async () => {
    await fresh();
    await db.exec(`
      CREATE FUNCTION busy_erp99() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.key = 'ERP-99' THEN
          RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER busy_erp99 BEFORE INSERT OR UPDATE ON work_item
        FOR EACH ROW EXECUTE FUNCTION busy_erp99();`);
    try {
      const slip = stampedNow(await slipFile);
      expect((await hook(asErp99(slip), { 'x-atlassian-webhook-identifier': 'busy' })).status).toBe(
        202,
      );
      // Three tries with backoff: wait for the dead letter (a loaded machine takes longer).
      await expect
        .poll(
          async () =>
            (await get<DeadLetterBody>('/api/v1/webhooks/dead-letters')).deadLetters.length,
          { timeout: 20_000, interval: 100 },
        )
        .toBe(1);
      const { deadLetters } = await get<DeadLetterBody>('/api/v1/webhooks/dead-letters');
      // Tried maxAttempts (3) times before it was set aside.
      expect(deadLetters[0]).toMatchObject({ deliveryId: 'busy', attempts: 3 });
      expect(deadLetters[0]?.problems[0]?.message).toContain('SQLSTATE 40001');
    } finally {
      await db.exec('DROP TRIGGER busy_erp99 ON work_item; DROP FUNCTION busy_erp99();');
    }
  });

  it('refuses at receipt what PostgreSQL cannot store, naming the JSON path', async () => {
    await fresh();
    const clean = stampedNow(await slipFile);
    const slip = JSON.parse(clean) as { issue: { fields: { summary: string } } };
    slip.issue.fields.summary = 'cut-over \u0000 plan';
    const body = JSON.stringify(slip);
    const viaHook = await hook(body, { 'x-atlassian-webhook-identifier': 'nul' });
    expect(viaHook.status).toBe(400);
    expect(await viaHook.json()).toMatchObject({
      code: 'jira.bad_payload',
      path: '$.issue.fields.summary',
    });
    const viaIngest = await fetch(`${base}/api/v1/jira/ingest?source=${DEMO_SOURCE}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(viaIngest.status).toBe(400);
    const refused = (await viaIngest.json()) as { code: string; path: string; message: string };
    // Refused before anything is written, naming the field (by the normalisation, or earlier by
    // the server's check of every request body).
    expect(refused.path).toMatch(/^(\$|body)\.issue\.fields\.summary$/);
    expect(refused.message).toContain('NUL');
    // An unpaired surrogate, and a key of megabytes, likewise.
    const surrogate = body.replace('cut-over \\u0000 plan', 'cut-over \\ud800 plan');
    const lone = await hook(surrogate, { 'x-atlassian-webhook-identifier': 'surrogate' });
    expect(lone.status).toBe(400);
    expect(await lone.json()).toMatchObject({ path: '$.issue.fields.summary' });
    const longKey = JSON.parse(clean) as { issue: { key: string } };
    longKey.issue.key = `ERP-${'9'.repeat(5000)}`;
    const huge = await hook(JSON.stringify(longKey), { 'x-atlassian-webhook-identifier': 'huge' });
    expect(huge.status).toBe(400);
    expect(await huge.json()).toMatchObject({ code: 'jira.bad_payload', path: '$.issue.key' });
    // Bytes that are not UTF-8.
    const raw = Buffer.concat([
      Buffer.from(clean.slice(0, 20)),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(clean.slice(20)),
    ]);
    const notUtf8 = await hook(raw, { 'x-atlassian-webhook-identifier': 'latin' });
    expect(notUtf8.status).toBe(400);
    const notUtf8Body = (await notUtf8.json()) as { code: string; path: string; message: string };
    expect(notUtf8Body).toMatchObject({ code: 'request.bad_encoding', path: 'body' });
    expect(notUtf8Body.message).toContain('offset 20');
    await app!.inboxWorker.idle();
    expect(await db.query('SELECT 1 FROM webhook_inbox')).toEqual([]);
  });

  it('refuses deliveries fired outside the window; retries inside it are accepted once', async () => {
    await fresh();
    const saved = await slipFile;
    const stale = stampedNow(saved, Date.now() - 2 * 60 * 60_000);
    const old = await hook(stale, { 'x-atlassian-webhook-identifier': 'stale' });
    expect(old.status).toBe(400);
    const oldBody = (await old.json()) as { code: string; path: string; message: string };
    expect(oldBody).toMatchObject({ code: 'webhook.outside_window', path: '$.timestamp' });
    expect(oldBody.message).toContain('2 h before');
    const ahead = await hook(stampedNow(saved, Date.now() + 60 * 60_000), {
      'x-atlassian-webhook-identifier': 'ahead',
    });
    expect(ahead.status).toBe(400);
    expect(await ahead.json()).toMatchObject({ code: 'webhook.outside_window' });
    // Jira retries a delivery with the same body and id: 10 minutes late is still in the window.
    const late = stampedNow(saved, Date.now() - 10 * 60_000);
    const first = await hook(late, { 'x-atlassian-webhook-identifier': 'late' });
    const retry = await hook(late, {
      'x-atlassian-webhook-identifier': 'late',
      'x-atlassian-webhook-retry': '1',
    });
    expect([first.status, retry.status]).toEqual([202, 202]);
    expect(await retry.json()).toEqual({ accepted: true, duplicate: true });
    await settle();
    expect((await erp('ERP-17'))?.dueDate).toBe('2026-10-23');
  });

  it('checks the signature over the raw bytes whatever the content type', async () => {
    await fresh();
    const body = stampedNow(await slipFile);
    const plain = await hook(body, {
      'content-type': 'text/plain',
      'x-atlassian-webhook-identifier': 'plain',
    });
    expect(plain.status).toBe(202);
    await settle();
    expect((await erp('ERP-17'))?.dueDate).toBe('2026-10-23');
    const forged = await hook(body, {
      'content-type': 'text/plain',
      'x-hub-signature': signDelivery(body, 'not-the-secret'),
    });
    expect(forged.status).toBe(401);
  });

  it('answers 503, not 4xx, when the fault is ours (the database cannot store deliveries)', async () => {
    await fresh();
    const body = stampedNow(await slipFile);
    await app!.inboxWorker.idle();
    await db.exec('ALTER TABLE webhook_inbox RENAME TO webhook_inbox_away');
    try {
      const response = await hook(body, { 'x-atlassian-webhook-identifier': 'db-away' });
      expect(response.status).toBe(503);
      const answer = (await response.json()) as { code: string; message: string };
      expect(answer.code).toBe('webhook.unavailable');
      expect(answer.message).not.toMatch(/webhook_inbox|relation/);
    } finally {
      await db.exec('ALTER TABLE webhook_inbox_away RENAME TO webhook_inbox');
    }
    // Jira sends it again, and it is taken.
    expect((await hook(body, { 'x-atlassian-webhook-identifier': 'db-away' })).status).toBe(202);
  });
});
