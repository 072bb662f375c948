import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startChatCapture, type ChatCapture } from '../../../test/support/chat-capture.ts';
import {
  openTestDatabase,
  resetDatabase,
  TEST_DATABASES,
} from '../../../test/support/databases.ts';
import { startSmtpCapture, type SmtpCapture } from '../../../test/support/smtp-capture.ts';
import { normalizeJiraPayload } from '../../connectors/jira/normalize-jira.ts';
import type { Plan } from '../../core/domain/plan.ts';
import type { Signal } from '../../core/domain/state.ts';
import { computeState } from '../../core/engine/compute-state.ts';
import { buildErpSlipScenario } from '../../core/test-factories.ts';
import type { Database } from '../../store/database.ts';
import { listDeliveries, writeNotificationPreference } from '../../store/notification-store.ts';
import { listSignals, syncSignals } from '../../store/signal-store.ts';
import { applyPlan } from '../apply-plan.ts';
import { pinnedClock } from '../clock.ts';
import type { AppContext } from '../context.ts';
import { ingestWorkItemEvents } from '../ingest-work.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from '../load-demo.ts';
import { flushDigests } from './flush-digests.ts';
import { notifySignals } from './notify-signals.ts';
import { retryNotifications } from './retry-notifications.ts';
import {
  closeNotificationTransports,
  createChatTransport,
  createSmtpTransport,
  type NotificationTransports,
} from './transports.ts';

const KPI_SIGNAL = 'kpi.misses_target:K-SAVINGS:2026-Q4';
const PUBLIC_URL = 'http://throughline.test';
const EMAIL = {
  priya: 'priya.shah@acme.example',
  marco: 'marco.rossi@acme.example',
  dana: 'dana.whitfield@acme.example',
} as const;

function plainSignal(stored: Signal): Signal {
  const { id, kind, subject, title, chain, affectedOwners } = stored;
  return { id, kind, subject, title, chain, affectedOwners };
}

/** Every (signal, affected owner) pair: what "each owner once" adds up to. */
function pairs(signals: readonly Signal[]): number {
  return signals.reduce((sum, s) => sum + new Set(s.affectedOwners).size, 0);
}

describe.each(TEST_DATABASES)('notifications of the ERP story on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  let smtp: SmtpCapture;
  let chat: ChatCapture;
  let transports: NotificationTransports;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    smtp = await startSmtpCapture();
    chat = await startChatCapture();
    transports = {
      email: createSmtpTransport({ url: smtp.url, from: 'Throughline <tl@acme.example>' }),
      chat: createChatTransport({ timeoutMs: 5000, retryDelayMs: 10 }),
      publicUrl: PUBLIC_URL,
    };
  });
  afterAll(async () => {
    closeNotificationTransports(transports);
    await smtp.close();
    await chat.close();
    await db.close();
  });
  beforeEach(async () => {
    await resetDatabase(db);
    await db.exec(
      'TRUNCATE notification_delivery, notification_digest, notification_preference RESTART IDENTITY',
    );
    smtp.messages.length = 0;
    smtp.failWith = null;
    smtp.refused = 0;
    chat.posts.length = 0;
    chat.script.length = 0;
  });

  /** Loads the demo, ingests the ERP-17 slip, and returns the signals it raised. */
  async function slipErp17(): Promise<Signal[]> {
    await loadDemo(ctx, undefined);
    const payload: unknown = JSON.parse(await readFile(DEMO_FILES.erp17Slip, 'utf8'));
    const batch = normalizeJiraPayload(payload, {
      source: DEMO_SOURCE,
      file: DEMO_FILES.erp17Slip,
    });
    const result = await ingestWorkItemEvents(ctx, batch.entries);
    const raised = new Set(result.signals.raised);
    const signals = (await listSignals(db)).filter((s) => raised.has(s.id)).map(plainSignal);
    expect(signals.map((s) => s.id)).toContain(KPI_SIGNAL);
    return signals;
  }

  function kpiOf(signals: readonly Signal[]): Signal {
    const signal = signals.find((s) => s.id === KPI_SIGNAL);
    if (signal === undefined) throw new Error('no KPI signal');
    return signal;
  }

  /** Recipients of the e-mails about one signal, sorted. */
  function recipientsOf(signal: Signal): string[] {
    return smtp.messages
      .filter((m) => m.subject === `[Throughline] ${signal.title}`)
      .flatMap((m) => m.to)
      .sort();
  }

  it('tells Priya, Marco and Dana of the KPI signal exactly once, however often it is called', async () => {
    const signals = await slipErp17();
    const kpi = kpiOf(signals);
    expect([...kpi.affectedOwners].sort()).toEqual(['dana', 'marco', 'priya']);

    const first = await notifySignals(ctx, signals, transports);
    expect(first).toMatchObject({ sent: pairs(signals), failed: 0, duplicates: 0, queued: 0 });
    const again = await notifySignals(ctx, signals, transports);
    expect(again).toMatchObject({ sent: 0, duplicates: pairs(signals) });
    // Two callers at once (two app instances after the same commit) still add nothing.
    const racing = await Promise.all([
      notifySignals(ctx, signals, transports),
      notifySignals(ctx, [kpi], transports),
    ]);
    expect(racing.map((r) => r.sent)).toEqual([0, 0]);

    expect(recipientsOf(kpi)).toEqual([EMAIL.dana, EMAIL.marco, EMAIL.priya]);
    expect(smtp.messages).toHaveLength(pairs(signals));
    const toDana = smtp.messages.find(
      (m) => m.to[0] === EMAIL.dana && m.subject === `[Throughline] ${kpi.title}`,
    );
    for (const step of kpi.chain) expect(toDana?.decoded).toContain(step.text);
    expect(toDana?.decoded).toContain('−480,000 USD from this change');
    expect(toDana?.decoded).toContain(
      'Affects: Priya Shah (IT lead), Marco Rossi (VP Operations), Dana Whitfield (COO)',
    );
    expect(toDana?.decoded).toContain(
      `${PUBLIC_URL}/signals/kpi.misses_target%3AK-SAVINGS%3A2026-Q4`,
    );

    const rows = await listDeliveries(db, { signalId: KPI_SIGNAL });
    expect(rows.map((r) => [r.personId, r.status, r.signalVersion]).sort()).toEqual([
      ['dana', 'sent', 1],
      ['marco', 'sent', 1],
      ['priya', 'sent', 1],
    ]);
  });

  it('collects a digest person’s signals and sends them in one message, once', async () => {
    await writeNotificationPreference(
      db,
      { personId: 'marco', channel: 'email', mode: 'digest', chatWebhookUrl: null },
      new Date(),
    );
    const signals = await slipErp17();
    const forMarco = signals.filter((s) => s.affectedOwners.includes('marco'));
    expect(forMarco.length).toBeGreaterThan(1);

    const report = await notifySignals(ctx, signals, transports);
    expect(report.queued).toBe(forMarco.length);
    expect(report.outcomes.filter((o) => o.personId === 'marco').map((o) => o.outcome)).toEqual(
      forMarco.map(() => 'queued'),
    );
    expect(smtp.messages.filter((m) => m.to.includes(EMAIL.marco))).toEqual([]);

    const flushed = await flushDigests(ctx, transports, new Date());
    expect(flushed).toMatchObject({ sent: 1, failed: 0, items: forMarco.length });
    const toMarco = smtp.messages.filter((m) => m.to.includes(EMAIL.marco));
    expect(toMarco).toHaveLength(1);
    expect(toMarco[0]?.subject).toBe(
      `[Throughline] ${forMarco.length} signals for Marco Rossi (VP Operations)`,
    );
    for (const signal of forMarco) expect(toMarco[0]?.decoded).toContain(signal.title);

    expect(await flushDigests(ctx, transports, new Date())).toMatchObject({ sent: 0, digests: [] });
    expect((await notifySignals(ctx, signals, transports)).queued).toBe(0);
    expect(await flushDigests(ctx, transports, new Date())).toMatchObject({ sent: 0 });
    expect(smtp.messages.filter((m) => m.to.includes(EMAIL.marco))).toHaveLength(1);
    // The others were told at once, as usual.
    expect(recipientsOf(kpiOf(signals))).toEqual([EMAIL.dana, EMAIL.priya]);
  });

  it('leaves out of the digest what resolved before it was sent', async () => {
    await writeNotificationPreference(
      db,
      { personId: 'marco', channel: 'email', mode: 'digest', chatWebhookUrl: null },
      new Date(),
    );
    const signals = await slipErp17();
    await notifySignals(ctx, signals, transports);
    await db.transaction((tx) => syncSignals(tx, [], new Date()));
    const flushed = await flushDigests(ctx, transports, new Date());
    expect(flushed).toMatchObject({ sent: 0, skipped: 1 });
    expect(smtp.messages.filter((m) => m.to.includes(EMAIL.marco))).toEqual([]);
    const marco = await listDeliveries(db, { personId: 'marco' });
    expect(marco.every((d) => d.status === 'skipped')).toBe(true);
  });

  it('sends nothing to a person whose preference is none', async () => {
    await writeNotificationPreference(
      db,
      { personId: 'priya', channel: 'none', mode: 'immediate', chatWebhookUrl: null },
      new Date(),
    );
    const signals = await slipErp17();
    const report = await notifySignals(ctx, signals, transports);
    const priya = report.outcomes.filter((o) => o.personId === 'priya');
    expect(priya.length).toBeGreaterThan(0);
    expect(priya.every((o) => o.outcome === 'skipped' && o.reason === 'preference: none')).toBe(
      true,
    );
    expect(smtp.messages.filter((m) => m.to.includes(EMAIL.priya))).toEqual([]);
    expect(recipientsOf(kpiOf(signals))).toEqual([EMAIL.dana, EMAIL.marco]);
    await flushDigests(ctx, transports, new Date());
    await retryNotifications(ctx, transports, new Date());
    expect(smtp.messages.filter((m) => m.to.includes(EMAIL.priya))).toEqual([]);
  });

  it('posts to the chat webhook of a person who prefers chat', async () => {
    await writeNotificationPreference(
      db,
      {
        personId: 'dana',
        channel: 'chat',
        mode: 'immediate',
        chatWebhookUrl: `${chat.url}/hooks/dana`,
      },
      new Date(),
    );
    const signals = await slipErp17();
    const forDana = signals.filter((s) => s.affectedOwners.includes('dana'));
    await notifySignals(ctx, signals, transports);
    await notifySignals(ctx, signals, transports);
    expect(smtp.messages.filter((m) => m.to.includes(EMAIL.dana))).toEqual([]);
    expect(chat.posts).toHaveLength(forDana.length);
    expect(chat.posts.every((p) => p.path === '/hooks/dana')).toBe(true);
    const kpiPost = chat.posts.find((p) => JSON.stringify(p.body).includes(kpiOf(signals).title));
    expect(kpiPost?.body).toMatchObject({
      text: expect.stringContaining(kpiOf(signals).title) as string,
      blocks: expect.arrayContaining([
        expect.objectContaining({ type: 'header' }),
        expect.objectContaining({ type: 'actions' }),
      ]) as unknown[],
    });
  });

  it('retries a failed send later, on the same claim, without a duplicate', async () => {
    const signals = await slipErp17();
    const kpi = kpiOf(signals);
    smtp.failWith = 451;
    const failed = await notifySignals(ctx, signals, transports);
    expect(failed).toMatchObject({ sent: 0, failed: pairs(signals) });
    expect(failed.outcomes[0]?.reason).toMatch(/^SMTP: .*451/);
    expect(smtp.messages).toEqual([]);
    expect(smtp.refused).toBe(pairs(signals));

    smtp.failWith = null;
    const retried = await retryNotifications(ctx, transports, new Date());
    expect(retried).toMatchObject({ sent: pairs(signals), failed: 0 });
    expect(retried.outcomes.every((o) => o.retry === true)).toBe(true);
    expect(await retryNotifications(ctx, transports, new Date())).toMatchObject({
      sent: 0,
      outcomes: [],
    });
    expect(await notifySignals(ctx, signals, transports)).toMatchObject({
      sent: 0,
      duplicates: pairs(signals),
    });
    expect(recipientsOf(kpi)).toEqual([EMAIL.dana, EMAIL.marco, EMAIL.priya]);
    expect(smtp.messages).toHaveLength(pairs(signals));
    const rows = await listDeliveries(db, { signalId: KPI_SIGNAL });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
      ['sent', 2],
    ]);
  });

  it('also retries when the lead calls notifySignals again after a failure', async () => {
    const signals = await slipErp17();
    smtp.failWith = 421;
    await notifySignals(ctx, [kpiOf(signals)], transports);
    smtp.failWith = null;
    const again = await notifySignals(ctx, [kpiOf(signals)], transports);
    expect(again).toMatchObject({ sent: 3, duplicates: 0 });
    expect(again.outcomes.every((o) => o.retry === true)).toBe(true);
    expect(await notifySignals(ctx, [kpiOf(signals)], transports)).toMatchObject({
      sent: 0,
      duplicates: 3,
    });
    expect(recipientsOf(kpiOf(signals))).toEqual([EMAIL.dana, EMAIL.marco, EMAIL.priya]);
  });

  it('gives up on a permanent refusal', async () => {
    const signals = await slipErp17();
    smtp.failWith = 550;
    await notifySignals(ctx, [kpiOf(signals)], transports);
    smtp.failWith = null;
    expect(await retryNotifications(ctx, transports, new Date())).toMatchObject({ outcomes: [] });
    expect(await notifySignals(ctx, [kpiOf(signals)], transports)).toMatchObject({
      sent: 0,
      duplicates: 3,
    });
    expect(smtp.messages).toEqual([]);
    expect((await listDeliveries(db)).map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);
  });

  it('tells again when the signal resolved and was raised again (a new raising)', async () => {
    const signals = await slipErp17();
    const kpi = kpiOf(signals);
    await notifySignals(ctx, [kpi], transports);
    await db.transaction((tx) => syncSignals(tx, [], new Date()));
    // Told while resolved (a late caller): nothing is sent.
    expect(await notifySignals(ctx, [kpi], transports)).toMatchObject({ sent: 0, skipped: 3 });
    await db.transaction((tx) => syncSignals(tx, [kpi], new Date()));
    expect(await notifySignals(ctx, [kpi], transports)).toMatchObject({ sent: 3 });
    expect(await notifySignals(ctx, [kpi], transports)).toMatchObject({ sent: 0, duplicates: 3 });
    expect(recipientsOf(kpi)).toEqual([
      EMAIL.dana,
      EMAIL.dana,
      EMAIL.marco,
      EMAIL.marco,
      EMAIL.priya,
      EMAIL.priya,
    ]);
    const versions = (await listDeliveries(db, { signalId: KPI_SIGNAL })).map(
      (d) => d.signalVersion,
    );
    expect(versions.sort()).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('tells the owners of signals the engine computed from the factory scenario', async () => {
    const scenario = buildErpSlipScenario();
    const plan: Plan = {
      ...scenario.plan,
      people: scenario.plan.people.map((p) => ({ ...p, email: `${p.id}@acme.example` })),
    };
    await applyPlan(ctx, plan, { actor: 'test' });
    const kpi = kpiOf(computeState({ ...scenario, plan }).signals);
    await notifySignals(ctx, [kpi], transports);
    await notifySignals(ctx, [kpi], transports);
    expect(recipientsOf(kpi)).toEqual([
      'dana@acme.example',
      'marco@acme.example',
      'priya@acme.example',
    ]);
  });
});
