import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from '../src/app/load-demo.ts';
import { DEMO_WEBHOOK_SECRET, webhookSecretLookup } from '../src/app/webhook-secrets.ts';
import { sendJiraWebhook } from '../src/connectors/jira/stand-in/jira-webhook-sender.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { listSignals } from '../src/store/signal-store.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { loadWorkItems } from '../src/store/work-item-store.ts';
import { openTestDatabase, resetDatabase, TEST_DATABASES } from './support/databases.ts';
import { stampedNow } from './support/jira-deliveries.ts';
import { expectStorySignal, type SignalView } from './support/erp-story.ts';
import { connectSse, type SseEvent } from './support/sse-client.ts';

const KPI_SIGNAL = 'kpi.misses_target:K-SAVINGS:2026-Q4';

function sign(body: string, secret = DEMO_WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function isSignal(id: string, action = 'raised') {
  return (e: SseEvent): boolean => {
    const data = e.data as { action?: string; signal?: { id?: string } };
    return e.event === 'signal' && data.action === action && data.signal?.id === id;
  };
}

describe.each(TEST_DATABASES)('live: webhooks in, events out, on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let dana: string;
  let sam: string;
  let lena: string;
  // Sent as Jira would send them now: within the receiver's freshness window.
  const slip = readFile(DEMO_FILES.erp17Slip, 'utf8').then((body) => stampedNow(body));
  const restore = readFile(DEMO_FILES.erp17Restored, 'utf8').then((body) => stampedNow(body));

  async function hook(body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}/hooks/jira/${DEMO_SOURCE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': sign(body), ...headers },
      body,
    });
  }

  async function fresh(): Promise<void> {
    await resetDatabase(db);
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    dana = await createApiToken(db, 'dana', 'test', new Date());
    sam = await createApiToken(db, 'sam', 'test', new Date());
    lena = await createApiToken(db, 'lena', 'test', new Date());
    if (app !== undefined) await app.close();
    app = await buildServer(ctx, {
      demo: true,
      webhookSecret: webhookSecretLookup(ctx, { demo: true }),
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }

  beforeAll(async () => {
    db = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('pushes the KPI signal with the story figures to a connected client, within 2 s', async () => {
    await fresh();
    const client = connectSse(`${base}/api/v1/events`, dana);
    await client.opened;
    const body = await slip;
    const sent = performance.now();
    // The Jira stand-in sends the signed delivery, as Jira would.
    const [delivery] = await sendJiraWebhook(
      { url: `${base}/hooks/jira/${DEMO_SOURCE}`, secret: DEMO_WEBHOOK_SECRET },
      body,
      { identifier: 'erp-17-slip-1' },
    );
    expect(delivery?.status).toBe(202);
    const event = await client.waitFor(isSignal(KPI_SIGNAL), 2000);
    expect(event.receivedAt - sent).toBeLessThan(2000);
    expectStorySignal([(event.data as { signal: SignalView }).signal]);
    const state = await client.waitFor((e) => e.event === 'state');
    expect((state.data as { kpis: string[] }).kpis).toContain('K-SAVINGS');
    client.close();
  });

  it("shows every figure's latency: changed at the source, received, visible", async () => {
    await fresh();
    const client = connectSse(`${base}/api/v1/events`, dana);
    await client.opened;
    const before = new Date();
    expect((await hook(await slip, { 'x-atlassian-webhook-identifier': 'latency-1' })).status).toBe(
      202,
    );
    const state = await client.waitFor((e) => e.event === 'state', 2000);
    client.close();
    const times = state.data as { sourceChangedAt: string; receivedAt: string; at: string };
    const response = await fetch(`${base}/api/v1/latency`, {
      headers: { authorization: `Bearer ${dana}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      now: string;
      figures: {
        kind: string;
        id: string;
        sourceChangedAt: string | null;
        receivedAt: string | null;
        visibleAt: string | null;
        latencyMs: number | null;
        ageMs: number | null;
      }[];
    };
    const figure = (kind: string, id: string) =>
      body.figures.find((f) => f.kind === kind && f.id === id);
    // What the slip moved carries its times: the change at Jira, our receipt, the write.
    for (const [kind, id] of [
      ['milestone', 'M-GOLIVE'],
      ['kpi', 'K-SAVINGS'],
    ] as const) {
      const f = figure(kind, id);
      expect(f, `${kind} ${id}`).toMatchObject({
        sourceChangedAt: new Date(times.sourceChangedAt).toISOString(),
        receivedAt: new Date(times.receivedAt).toISOString(),
        visibleAt: new Date(times.at).toISOString(),
      });
      expect(Date.parse(f!.receivedAt!)).toBeGreaterThanOrEqual(before.getTime() - 1);
      expect(Date.parse(f!.visibleAt!)).toBeGreaterThanOrEqual(Date.parse(f!.receivedAt!));
      expect(f!.latencyMs).toBe(Date.parse(f!.visibleAt!) - Date.parse(f!.sourceChangedAt!));
      expect(f!.ageMs).toBe(Date.parse(body.now) - Date.parse(f!.sourceChangedAt!));
    }
    // Every figure is listed; one the slip did not move keeps older times, or none.
    const kinds = new Set(body.figures.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(['initiative', 'kpi', 'milestone', 'objective']);
    const untouched = body.figures.filter(
      (f) => f.visibleAt === null || Date.parse(f.visibleAt) < before.getTime(),
    );
    expect(untouched.length).toBeGreaterThan(0);
  });

  it('refuses forged and unsigned deliveries, and stores nothing from them', async () => {
    await fresh();
    const body = await slip;
    const forged = await hook(body, { 'x-hub-signature': sign(body, 'not-the-secret') });
    expect(forged.status).toBe(401);
    const forgedBody: unknown = await forged.json();
    expect(forgedBody).toMatchObject({ code: 'webhook.bad_signature' });
    const unsigned = await fetch(`${base}/hooks/jira/${DEMO_SOURCE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(unsigned.status).toBe(401);
    const tampered = await hook(body.replace('2026-10-23', '2026-12-23'), {
      'x-hub-signature': sign(body),
    });
    expect(tampered.status).toBe(401);
    const unknown = await fetch(`${base}/hooks/jira/nowhere`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature': sign(body) },
      body,
    });
    // An unknown site is answered exactly like a bad signature: site ids cannot be discovered.
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual(forgedBody);
    await app.inboxWorker.idle();
    expect(await db.query('SELECT 1 FROM webhook_inbox')).toEqual([]);
    expect(await listSignals(db)).toEqual([]);
  });

  it('treats a replayed delivery as one, and sends its signal once', async () => {
    await fresh();
    const client = connectSse(`${base}/api/v1/events`, dana);
    await client.opened;
    const body = await slip;
    // Jira's at-least-once delivery: the same delivery, then a retry of it.
    const sent = await sendJiraWebhook(
      { url: `${base}/hooks/jira/${DEMO_SOURCE}`, secret: DEMO_WEBHOOK_SECRET },
      body,
      { identifier: 'delivery-7', duplicates: 1, retries: 1 },
    );
    expect(sent).toHaveLength(3);
    expect(sent.some((d) => d.retry === 1)).toBe(true);
    const answers = sent.map((d) => JSON.parse(d.responseBody) as { duplicate: boolean });
    expect(answers.map((a) => a.duplicate).sort()).toEqual([false, true, true]);
    // The same event under a new delivery id is caught by its content.
    await hook(body, { 'x-atlassian-webhook-identifier': 'delivery-8' });
    await client.waitFor(isSignal(KPI_SIGNAL));
    await app.inboxWorker.idle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(client.events.filter(isSignal(KPI_SIGNAL))).toHaveLength(1);
    client.close();
  });

  it('converges when deliveries arrive out of order', async () => {
    await fresh();
    const [moved, restored] = [await slip, await restore];
    expect((await hook(restored, { 'x-atlassian-webhook-identifier': 'later' })).status).toBe(202);
    await app.inboxWorker.idle();
    expect((await hook(moved, { 'x-atlassian-webhook-identifier': 'earlier' })).status).toBe(202);
    await app.inboxWorker.idle();
    const erp17 = (await loadWorkItems(db)).find((w) => w.key === 'ERP-17');
    expect(erp17?.dueDate).toBe('2026-10-02');
    expect(await listSignals(db)).toEqual([]);
  });

  it('resumes with Last-Event-ID: a client that reconnects misses nothing', async () => {
    await fresh();
    const first = connectSse(`${base}/api/v1/events`, dana);
    await first.opened;
    await hook(await slip, { 'x-atlassian-webhook-identifier': 'a' });
    await first.waitFor(isSignal(KPI_SIGNAL));
    const lastSeen = first.events.at(0)?.id ?? 0;
    first.close();
    // While it is away, the date is restored and the signal resolves.
    await hook(await restore, { 'x-atlassian-webhook-identifier': 'b' });
    await app.inboxWorker.idle();
    const again = connectSse(`${base}/api/v1/events`, dana, { lastEventId: lastSeen });
    await again.waitFor(isSignal(KPI_SIGNAL, 'resolved'));
    const ids = again.events.map((e) => e.id ?? 0);
    expect(ids.every((id) => id > lastSeen)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    again.close();
  });

  it('shows each person only what they may see', async () => {
    await fresh();
    const analyst = connectSse(`${base}/api/v1/events`, sam);
    const coo = connectSse(`${base}/api/v1/events`, dana);
    await Promise.all([analyst.opened, coo.opened]);
    // Lena (strategy office) moves IT's finance module, which nothing ties to Operations: Dana
    // hears of it, Sam, an Operations analyst, does not.
    const plan = (await (
      await fetch(`${base}/api/v1/plan`, { headers: { authorization: `Bearer ${lena}` } })
    ).json()) as { milestones: { id: string; plannedDate: string }[] };
    plan.milestones.find((m) => m.id === 'M-ERP-FINANCE')!.plannedDate = '2026-07-06';
    const applied = await fetch(`${base}/api/v1/plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${lena}`, 'content-type': 'application/json' },
      body: JSON.stringify(plan),
    });
    expect(applied.status).toBe(200);
    const samReads = async (): Promise<unknown> =>
      (await fetch(`${base}/api/v1/state`, { headers: { authorization: `Bearer ${sam}` } })).json();
    const names = (e: { event: string; data: unknown }, id: string): boolean =>
      e.event === 'state' && (e.data as { milestones: string[] }).milestones.includes(id);
    await coo.waitFor((e) => names(e, 'M-ERP-FINANCE'));
    expect(JSON.stringify(await samReads())).not.toContain('"M-ERP-FINANCE"');
    // Then the ERP-17 slip: its signal runs through Operations' M-PURCH, so Sam gets it; its
    // incident reaches Operations, and what it names (IT's go-live too) is Sam's to see, in his
    // stream as in his reads.
    await hook(await slip, { 'x-atlassian-webhook-identifier': 'c' });
    await coo.waitFor(isSignal(KPI_SIGNAL));
    await analyst.waitFor(isSignal(KPI_SIGNAL));
    const analystState = await analyst.waitFor((e) => names(e, 'M-PURCH'));
    const seen = analystState.data as { milestones: string[] };
    const readIds = JSON.stringify(await samReads());
    for (const id of seen.milestones) expect(readIds).toContain(`"${id}"`);
    expect(seen.milestones).toContain('M-GOLIVE');
    // The streams are in order: by the slip's events, Sam's would have had the finance module's
    // (which he may see now that the incident names I-ERP, but could not when it moved).
    expect(analyst.events.some((e) => names(e, 'M-ERP-FINANCE'))).toBe(false);
    expect(JSON.stringify(analyst.events)).not.toContain('M-ERP-FINANCE');
    analyst.close();
    coo.close();
  });
});
