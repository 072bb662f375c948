import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import {
  closeNotificationTransports,
  createChatTransport,
  createSmtpTransport,
  type NotificationTransports,
} from '../src/app/notifications/transports.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.ts';
import { connectSse, type SseClient } from './support/sse-client.ts';

/**
 * The server tells the people a decision concerns as soon as a write through the API opens or
 * decides it: e-mail to the decider when it opens, to the owners the chosen option touches when
 * it is decided, and a `decision` event on the live stream — once, however many writes follow.
 * (The clock's part, reminders and escalation, runs on the server's minute tick and is tested
 * through its use-case in src/app/decision-reminders.test.ts.)
 */

interface DecisionView {
  id: string;
  title: string;
  status: string;
  dueDate: string | null;
  decider: { person: string };
  options: { number: number; title: string; lastDay: string | null }[];
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(TEST_DATABASES)('decision notices from the server on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let smtp: SmtpCapture;
  let transports: NotificationTransports;
  let live: SseClient;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    for (const person of ['dana', 'priya'])
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    smtp = await startSmtpCapture();
    transports = {
      email: createSmtpTransport({ url: smtp.url, from: 'Throughline <tl@acme.example>' }),
      chat: createChatTransport({ timeoutMs: 5000, retryDelayMs: 10 }),
      publicUrl: 'http://throughline.test',
    };
    app = await buildServer(ctx, { notifications: transports });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    live = connectSse(`${base}/api/v1/events`, tokens['dana']!);
    await live.opened;
  });
  afterAll(async () => {
    live.close();
    await app.close();
    closeNotificationTransports(transports);
    await smtp.close();
    await db.close();
  });

  async function call<T>(as: string, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[as]!}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as T;
  }

  const mailsTo = (address: string): string[] =>
    smtp.messages.filter((m) => m.to.includes(address)).map((m) => m.decoded);

  it('tells Dana that DEC-1 is hers once the slip opens it, by e-mail and on her live stream', async () => {
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const ingest = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(ingest.status).toBe(200);
    // The slip opens DEC-1 by itself where the engine does so; otherwise Priya opens it.
    let { decisions } = await call<{ decisions: DecisionView[] }>(
      'priya',
      'GET',
      '/api/v1/decisions?status=open',
    );
    if (decisions.length === 0) {
      const { signals } = await call<{ signals: { id: string; kind: string }[] }>(
        'priya',
        'GET',
        '/api/v1/signals',
      );
      const signal = signals.find((s) => s.kind === 'capacity.over_allocated')!.id;
      decisions = [
        (await call<{ decision: DecisionView }>('priya', 'POST', '/api/v1/decisions', { signal }))
          .decision,
      ];
    }
    const decision = decisions[0]!;
    expect([decision.id, decision.decider.person]).toEqual(['DEC-1', 'dana']);

    const mail = await until('the e-mail to Dana', () =>
      mailsTo('dana.whitfield@acme.example').find((text) =>
        text.includes('Decision DEC-1 is yours, due'),
      ),
    );
    expect(mail).toContain(`it is yours to decide by ${decision.dueDate!}`);
    expect(mail).toContain('http://throughline.test/decisions/DEC-1');
    const event = await live.waitFor(
      (e) => e.event === 'decision' && (e.data as { action?: string }).action === 'opened',
      15_000,
    );
    expect(event.data).toMatchObject({ decision: 'DEC-1', told: ['dana'] });
  });

  it('tells the owners the chosen option touches when Dana decides, once', async () => {
    const { decision } = await call<{ decision: DecisionView }>(
      'dana',
      'GET',
      '/api/v1/decisions/DEC-1',
    );
    const option = decision.options[0]!;
    await call('dana', 'POST', '/api/v1/decisions/DEC-1/decide', {
      option: option.number,
      reason: 'We plan with the later dates',
    });
    const toPriya = await until('the outcome to Priya', () =>
      mailsTo('priya.shah@acme.example').find((text) => text.includes('Decided: DEC-1')),
    );
    expect(toPriya).toContain(
      `Dana Whitfield (COO) decided DEC-1 (${decision.title}): option ${option.number}, ${option.title}. The reason given: "We plan with the later dates"`,
    );
    expect(toPriya).toMatch(/USD short of target/);
    // Dana decided it: she is not told what she did.
    expect(
      mailsTo('dana.whitfield@acme.example').filter((t) => t.includes('Decided: DEC-1')),
    ).toEqual([]);
    await live.waitFor(
      (e) => e.event === 'decision' && (e.data as { action?: string }).action === 'decided',
      15_000,
    );
    // More writes tell nobody again.
    const sent = smtp.messages.length;
    await call('priya', 'PUT', '/api/v1/me/notification-preferences', {
      channel: 'email',
      mode: 'immediate',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(smtp.messages).toHaveLength(sent);
    const told = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM decision_notice WHERE decision_id = 'DEC-1' AND action = 'decided' AND person_id = 'priya'`,
    );
    expect(told[0]!.n).toBe(1);
  });
});
