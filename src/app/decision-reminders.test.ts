import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatCapture, type ChatCapture } from '../../test/support/chat-capture.ts';
import { openTestDatabase, TEST_DATABASES } from '../../test/support/databases.ts';
import {
  decodeQuotedPrintable,
  startSmtpCapture,
  type SmtpCapture,
} from '../../test/support/smtp-capture.ts';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import { addDays } from '../core/calendar.ts';
import type { Decision } from '../core/decisions/decision.ts';
import { DomainError } from '../core/errors.ts';
import { openDatabase, type Database } from '../store/database.ts';
import { listDecisionNotices } from '../store/decision-notice-store.ts';
import { listDecisionEvents, loadDecision } from '../store/decision-store.ts';
import { migrate } from '../store/migrate.ts';
import { writeNotificationPreference } from '../store/notification-store.ts';
import { loadPlan } from '../store/plan-store.ts';
import { listSignals } from '../store/signal-store.ts';
import { pinnedClock } from './clock.ts';
import type { AppContext } from './context.ts';
import { remindAndEscalate } from './decision-reminders.ts';
import { addDecisionOption, decide, openDecision } from './decisions.ts';
import { ingestWorkItemEvents } from './ingest-work.ts';
import { DEMO_AS_OF, DEMO_FILES, DEMO_SOURCE, loadDemo } from './load-demo.ts';
import { notifyDecisions, ownersTouchedBy } from './notifications/notify-decisions.ts';
import {
  closeNotificationTransports,
  createChatTransport,
  createSmtpTransport,
  type NotificationTransports,
} from './notifications/transports.ts';

/**
 * The ERP story's decision and the clock: after the ERP-17 slip, DEC-1 reaches Dana with a due
 * date. Dana is reminded three days before and on the day, once however often the tick runs and
 * however many instances run it; the day after, DEC-1 goes up to the next holder of the right
 * (Grace, the other executive) with the options no longer possible left out; when Grace decides,
 * the owners the chosen option touches are told the outcome. Real SMTP and chat receivers.
 */

const EMAIL = {
  dana: 'dana.whitfield@acme.example',
  grace: 'grace.okafor@acme.example',
  priya: 'priya.shah@acme.example',
} as const;

/** A Subject header as read: RFC 2047 encoded words (UTF-8, Q) decoded. */
function subjectOf(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) =>
      decodeQuotedPrintable(q.replace(/_/g, ' ')),
    );
}

async function expectProblem(work: Promise<unknown>, code: string): Promise<DomainError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  return error as DomainError;
}

/** Two handles on one database, as two app instances have; PGlite is one process's database. */
async function twoInstances(
  kind: (typeof TEST_DATABASES)[number],
): Promise<{ a: Database; b: Database; close: () => Promise<void> }> {
  if (kind.name === 'pglite') {
    const db = await openTestDatabase(kind);
    return { a: db, b: db, close: () => db.close() };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const a = await openDatabase({ databaseUrl: kind.url, schema });
  await migrate(a);
  const b = await openDatabase({ databaseUrl: kind.url, schema });
  return {
    a,
    b,
    close: async () => {
      await b.close();
      await a.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await a.close();
    },
  };
}

describe.each(TEST_DATABASES)('decision reminders and escalation on $name', (kind) => {
  let instances: Awaited<ReturnType<typeof twoInstances>>;
  let db: Database;
  let smtp: SmtpCapture;
  let chat: ChatCapture;
  let transports: NotificationTransports;
  let opened: Decision;

  const on = (day: string, which: Database = db): AppContext => ({
    db: which,
    clock: pinnedClock(day),
  });
  const mailsTo = (address: string): { subject: string; decoded: string }[] =>
    smtp.messages
      .filter((m) => m.to.includes(address))
      .map((m) => ({ subject: subjectOf(m.subject), decoded: m.decoded }));

  beforeAll(async () => {
    instances = await twoInstances(kind);
    db = instances.a;
    smtp = await startSmtpCapture();
    chat = await startChatCapture();
    transports = {
      email: createSmtpTransport({ url: smtp.url, from: 'Throughline <tl@acme.example>' }),
      chat: createChatTransport({ timeoutMs: 5000, retryDelayMs: 10 }),
      publicUrl: 'http://throughline.test',
    };
    const ctx = on(DEMO_AS_OF);
    await loadDemo(ctx, undefined);
    const payload: unknown = JSON.parse(await readFile(DEMO_FILES.erp17Slip, 'utf8'));
    const batch = normalizeJiraPayload(payload, {
      source: DEMO_SOURCE,
      file: DEMO_FILES.erp17Slip,
    });
    await ingestWorkItemEvents(ctx, batch.entries);
    const signal = (await listSignals(db)).find((s) => s.kind === 'capacity.over_allocated');
    // Marco hears of decisions in chat; Lena wants nothing.
    await writeNotificationPreference(
      db,
      { personId: 'marco', channel: 'chat', mode: 'digest', chatWebhookUrl: `${chat.url}/marco` },
      new Date(),
    );
    await writeNotificationPreference(
      db,
      { personId: 'lena', channel: 'none', mode: 'immediate', chatWebhookUrl: null },
      new Date(),
    );
    ({ decision: opened } = await openDecision(ctx, { signal: signal!.id }, 'priya'));
  });
  afterAll(async () => {
    closeNotificationTransports(transports);
    await smtp.close();
    await chat.close();
    await instances.close();
  });

  it('tells Dana that DEC-1 is hers, with its due date and money; not Priya, who opened it', async () => {
    expect(opened).toMatchObject({ id: 'DEC-1', decider: { person: 'dana' } });
    expect(opened.dueDate).not.toBeNull();
    const report = await notifyDecisions(on(DEMO_AS_OF), transports);
    expect(report).toMatchObject({ steps: 1, sent: 1, failed: 0 });
    const [mail, ...more] = mailsTo(EMAIL.dana);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe(
      `[Throughline] Decision DEC-1 is yours, due ${opened.dueDate!}: ${opened.title}`,
    );
    // Opened by Priya, or by Throughline itself where the incident goes beyond her rights.
    const opener = opened.openedBy === 'priya' ? 'Priya Shah' : 'Throughline';
    expect(mail!.decoded).toContain(`${opener} opened DEC-1, and it is yours to decide by`);
    expect(mail!.decoded).toMatch(/short of target/);
    expect(mail!.decoded).toContain('http://throughline.test/decisions/DEC-1');
    for (const option of opened.options) expect(mail!.decoded).toContain(option.title);
    expect(mailsTo(EMAIL.priya)).toHaveLength(0);
    // Told once: a second call, here or in another instance, sends nothing.
    const again = await Promise.all([
      notifyDecisions(on(DEMO_AS_OF), transports),
      notifyDecisions(on(DEMO_AS_OF, instances.b), transports),
    ]);
    expect(again.map((r) => [r.steps, r.sent])).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(smtp.messages).toHaveLength(1);
  });

  it('reminds Dana three days before and on the due day, once each, however often it ticks', async () => {
    const due = opened.dueDate!;
    for (const day of [DEMO_AS_OF, addDays(due, -4)])
      expect((await remindAndEscalate(on(day))).reminded).toEqual([]);
    // Two instances tick at once on the third day before: one reminder.
    const racing = await Promise.all([
      remindAndEscalate(on(addDays(due, -3))),
      remindAndEscalate(on(addDays(due, -3), instances.b)),
    ]);
    expect(racing.flatMap((r) => r.reminded)).toEqual([
      { decision: 'DEC-1', decider: 'dana', step: 'due_soon', dueDate: due },
    ]);
    for (const day of [addDays(due, -3), addDays(due, -2), addDays(due, -1)])
      expect((await remindAndEscalate(on(day))).reminded).toEqual([]);
    expect((await remindAndEscalate(on(due))).reminded).toEqual([
      { decision: 'DEC-1', decider: 'dana', step: 'due_today', dueDate: due },
    ]);
    expect((await remindAndEscalate(on(due))).reminded).toEqual([]);

    const history = await listDecisionEvents(db, 'DEC-1');
    expect(history.filter((e) => e.action === 'reminded').map((e) => e.detail)).toEqual([
      {
        step: 'due_soon',
        decider: 'dana',
        dueDate: due,
        daysLeft: 3,
        asOf: addDays(due, -3),
        next: 'grace',
      },
      { step: 'due_today', decider: 'dana', dueDate: due, daysLeft: 0, asOf: due, next: 'grace' },
    ]);
    smtp.messages.length = 0;
    expect(await notifyDecisions(on(due), transports)).toMatchObject({ steps: 2, sent: 2 });
    expect(mailsTo(EMAIL.dana).map((m) => m.subject)).toEqual([
      `[Throughline] Decision DEC-1 is due in 3 days (${due}): ${opened.title}`,
      `[Throughline] Decision DEC-1 is due today (${due}): ${opened.title}`,
    ]);
    expect(smtp.messages).toHaveLength(2);
    expect(mailsTo(EMAIL.dana)[1]!.decoded).toContain(
      `A reminder: DEC-1 is yours to decide by ${due}; after that, not every option is still possible. If it is not decided by then, it goes to Grace Okafor (CFO).`,
    );
    expect((await loadDecision(db, 'DEC-1'))!.decider.person).toBe('dana');
  });

  it('the day after the due date, goes up to Grace with the options still possible and a new due date', async () => {
    const due = opened.dueDate!;
    const day = addDays(due, 1);
    const plan = (await loadPlan(db))!;
    // Nobody else's right covers every option: the next holder is the first other executive.
    const next = plan.people.find((p) => p.role === 'executive' && p.id !== 'dana')!;
    expect(next.id).toBe('grace');
    const possible = opened.options.filter((o) => o.lastDay === null || o.lastDay >= day);
    const gone = opened.options.filter((o) => !possible.includes(o)).map((o) => o.number);
    expect(gone.length).toBeGreaterThan(0);
    const newDue = possible
      .map((o) => o.lastDay)
      .reduce<string | null>((a, b) => (b === null ? a : a === null || b < a ? b : a), null);

    // Refused before it goes up: the due date passed.
    await expectProblem(
      decide(on(day), 'DEC-1', { option: possible[0]!.number, reason: 'late' }, 'dana'),
      'decision.past_due',
    );
    const racing = await Promise.all([
      remindAndEscalate(on(day)),
      remindAndEscalate(on(day, instances.b)),
    ]);
    expect(racing.flatMap((r) => r.escalated)).toEqual([
      {
        decision: 'DEC-1',
        from: 'dana',
        to: 'grace',
        stays: false,
        passedDueDate: due,
        dueDate: newDue,
        expired: gone,
      },
    ]);
    expect((await remindAndEscalate(on(day))).escalated).toEqual([]);
    const decision = (await loadDecision(db, 'DEC-1'))!;
    expect(decision).toMatchObject({
      status: 'open',
      dueDate: newDue,
      decider: { person: 'grace' },
    });
    expect(decision.decider.because).toBe(
      `Grace Okafor, by escalation: Dana Whitfield did not decide it by ${due}`,
    );
    const step = (await listDecisionEvents(db, 'DEC-1')).filter((e) => e.action === 'escalated');
    expect(step).toHaveLength(1);
    expect(step[0]!.detail).toMatchObject({
      from: 'dana',
      to: 'grace',
      passedDueDate: due,
      dueDate: newDue,
      expired: gone,
      because: `DEC-1 was not decided by ${due}, when it was due: it goes from Dana Whitfield to Grace Okafor, the next holder of the right`,
    });

    smtp.messages.length = 0;
    expect(await notifyDecisions(on(day), transports)).toMatchObject({ steps: 1, sent: 2 });
    const [toGrace] = mailsTo(EMAIL.grace);
    expect(toGrace!.subject).toBe(`[Throughline] Decision DEC-1 is now yours: ${opened.title}`);
    expect(toGrace!.decoded).toContain(
      `Dana Whitfield did not decide DEC-1 by ${due}, when it was due, so it goes up to you`,
    );
    expect(toGrace!.decoded).toContain('No longer possible:');
    for (const n of gone)
      expect(toGrace!.decoded).toContain(`${n}. ${opened.options[n - 1]!.title} (possible until`);
    const [toDana] = mailsTo(EMAIL.dana);
    expect(toDana!.subject).toBe(
      `[Throughline] Decision DEC-1 went to Grace Okafor: ${opened.title}`,
    );

    // Dana no longer holds it; Grace cannot choose an option whose day has passed.
    const refused = await expectProblem(
      decide(on(day), 'DEC-1', { option: possible[0]!.number, reason: 'mine' }, 'dana'),
      'decision.forbidden',
    );
    expect(refused.message).toContain('only Grace Okafor (grace) may decide DEC-1');
    expect(refused.message).toContain('Dana Whitfield held it until its due date passed undecided');
    const expired = await expectProblem(
      decide(on(day), 'DEC-1', { option: gone[0]!, reason: 'too late' }, 'grace'),
      'decision.past_due',
    );
    expect(expired.message).toContain(
      `still possible: ${possible.map((o) => o.number).join(', ')}`,
    );
  });

  it('when Grace decides, the owners the option touches hear the outcome, once, by their own channel', async () => {
    const decision = (await loadDecision(db, 'DEC-1'))!;
    const day = addDays(opened.dueDate!, 1);
    const option = decision.options.find((o) => o.lastDay === null || o.lastDay >= day)!;
    const plan = (await loadPlan(db))!;
    await decide(
      on(day),
      'DEC-1',
      { option: option.number, reason: 'We live with the later dates' },
      'grace',
    );

    smtp.messages.length = 0;
    chat.posts.length = 0;
    const report = await notifyDecisions(on(day), transports);
    const signalOwners = (await listSignals(db, true)).find(
      (s) => s.id === decision.signal,
    )!.affectedOwners;
    const expected = [...new Set([...ownersTouchedBy(plan, option), ...signalOwners])]
      .filter((p) => p !== 'grace')
      .sort();
    expect(expected).toEqual(expect.arrayContaining(['dana', 'priya']));
    const notices = (await listDecisionNotices(db, 'DEC-1')).filter((n) => n.action === 'decided');
    expect(notices.map((n) => n.personId).sort()).toEqual(expected);
    expect(report.steps).toBe(1);

    const toDana = mailsTo(EMAIL.dana)[0]!;
    expect(toDana.subject).toBe(`[Throughline] Decided: DEC-1 — ${option.title}`);
    expect(toDana.decoded).toContain(
      `Grace Okafor (CFO) decided DEC-1 (${opened.title}): option ${option.number}, ${option.title}. The reason given: "We live with the later dates"`,
    );
    expect(toDana.decoded).toMatch(/short of target/);
    expect(toDana.decoded).toMatch(/\d{1,3}(,\d{3})+ USD/);
    // Marco takes decisions in chat (his digest mode does not hold a decision back).
    if (expected.includes('marco')) {
      expect(chat.posts.map((p) => p.path)).toEqual(['/marco']);
      expect(JSON.stringify(chat.posts[0]!.body)).toContain('Decided: DEC-1');
      expect(mailsTo('marco.rossi@acme.example')).toHaveLength(0);
    }
    expect(smtp.messages.length + chat.posts.length).toBe(
      notices.filter((n) => n.status === 'sent').length,
    );
    // The browser: one live event for the step, seen by the people told.
    const live = await db.query<{ owners: string[]; data: { action: string } }>(
      `SELECT owners, data FROM event_log WHERE kind = 'decision' ORDER BY seq`,
    );
    expect(live.map((e) => e.data.action)).toEqual([
      'opened',
      'reminded',
      'reminded',
      'escalated',
      'decided',
    ]);
    expect([...live.at(-1)!.owners].sort()).toEqual([...expected, 'grace'].sort());

    const again = await notifyDecisions(on(day, instances.b), transports);
    expect([again.steps, again.sent]).toEqual([0, 0]);
    // Nothing more happens to a decided decision.
    expect(await remindAndEscalate(on(addDays(day, 30)))).toMatchObject({
      reminded: [],
      escalated: [],
    });
  });

  it('tries a refused e-mail again on the same notice, and a person who wants none gets none', async () => {
    const ctx = on(DEMO_AS_OF);
    await writeNotificationPreference(
      db,
      { personId: 'marco', channel: 'email', mode: 'immediate', chatWebhookUrl: null },
      new Date(),
    );
    const { decision } = await openDecision(
      ctx,
      {
        title: 'Finance review a week later?',
        options: [
          {
            title: 'Sensors a week later',
            changes: [
              { kind: 'move_milestone', milestone: 'M-SENSORS', plannedDate: '2026-09-28' },
            ],
          },
        ],
      },
      'lena',
    );
    smtp.messages.length = 0;
    smtp.failWith = 451;
    const failed = await notifyDecisions(ctx, transports);
    expect([failed.sent, failed.failed]).toEqual([0, 1]);
    smtp.failWith = null;
    const retried = await notifyDecisions(ctx, transports);
    expect([retried.steps, retried.sent]).toEqual([0, 1]);
    expect(smtp.messages).toHaveLength(1);
    const [notice] = await listDecisionNotices(db, decision.id);
    expect(notice).toMatchObject({ personId: 'marco', status: 'sent', attempts: 2 });
    expect(smtp.messages[0]!.to).toEqual(['marco.rossi@acme.example']);
    expect(await notifyDecisions(ctx, transports)).toMatchObject({ sent: 0, failed: 0 });

    // Marco wants nothing now: the next step of his decision is recorded as skipped, not sent.
    await writeNotificationPreference(
      db,
      { personId: 'marco', channel: 'none', mode: 'immediate', chatWebhookUrl: null },
      new Date(),
    );
    await addDecisionOption(
      ctx,
      decision.id,
      {
        title: 'Sensors two days later',
        changes: [{ kind: 'move_milestone', milestone: 'M-SENSORS', plannedDate: '2026-09-23' }],
      },
      'lena',
    );
    expect(await notifyDecisions(ctx, transports)).toMatchObject({ steps: 1, sent: 0 });
    const notices = await listDecisionNotices(db, decision.id);
    expect(notices.map((n) => [n.action, n.personId, n.status, n.reason])).toEqual([
      ['opened', 'marco', 'sent', null],
      ['option_added', 'marco', 'skipped', 'preference: none'],
    ]);
    expect(smtp.messages).toHaveLength(1);
  });
});
