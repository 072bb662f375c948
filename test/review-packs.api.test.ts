import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
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
import { publishDuePacks } from '../src/app/review-packs.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { DEMO_PLAN_TEXT, lineOf } from './support/bad-plans.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { startSmtpCapture, type SmtpCapture } from './support/smtp-capture.ts';

/**
 * The review cadence over the API (docs/GOVERNANCE.md "Review cadence and packs"): after the
 * ERP-17 slip, the weekly operations review's pack for Monday 2026-09-14 lists the slip, its
 * money and the decision waiting on Dana; it is stored immutably, read back as JSON, Markdown and
 * PDF (its text read back), e-mailed to the attendees, and only for those who may read it.
 */

interface PackRow {
  text: string;
  figures?: Record<string, number | string>;
}
interface Pack {
  id: string;
  review: string;
  occurrence: string;
  onDemand: boolean;
  publishedAt: string;
  markdown: string;
  content: {
    headline: string[];
    sections: { id: string; title: string; rows: PackRow[] }[];
    occurrence: { date: string; instant: string };
  };
}
interface Problem {
  code: string;
  message: string;
  path?: string;
  problems?: { code: string; message: string; path?: string; line?: number }[];
}

const STANDARD_FONTS = fileURLToPath(
  new URL('../node_modules/pdfjs-dist/standard_fonts/', import.meta.url),
);

/** The text of every page of a PDF, read back with pdf.js. */
async function pdfText(bytes: ArrayBuffer): Promise<string> {
  const doc = await getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    standardFontDataUrl: STANDARD_FONTS,
  }).promise;
  const parts: string[] = [];
  for (let n = 1; n <= doc.numPages; n += 1) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent();
    for (const item of content.items) if ('str' in item) parts.push(item.str);
    parts.push('\n');
  }
  await doc.destroy();
  return parts.join(' ');
}

describe.each(TEST_DATABASES)('review packs over the API on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  let smtp: SmtpCapture;
  let transports: NotificationTransports;
  const tokens: Record<string, string> = {};
  let pack: Pack;
  let ctx: AppContext;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    for (const person of ['dana', 'lena', 'grace', 'nina', 'omar', 'sam'])
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    smtp = await startSmtpCapture();
    transports = {
      email: createSmtpTransport({ url: smtp.url, from: 'Throughline <tl@acme.example>' }),
      chat: createChatTransport({ timeoutMs: 5000, retryDelayMs: 10 }),
      publicUrl: 'http://throughline.test',
    };
    app = await buildServer(ctx, { notifications: transports });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const ingest = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(ingest.status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    closeNotificationTransports(transports);
    await smtp.close();
    await db.close();
  });

  async function call(
    as: string | null,
    method: string,
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<Response> {
    return fetch(`${base}${path}`, {
      method,
      headers: {
        ...(as === null ? {} : { authorization: `Bearer ${tokens[as]!}` }),
        ...(body === undefined ? {} : { 'content-type': contentType }),
      },
      body,
    });
  }
  async function json<T>(as: string | null, method: string, path: string): Promise<T> {
    const response = await call(as, method, path);
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return (await response.json()) as T;
  }
  const section = (p: Pack, id: string): string[] =>
    p.content.sections.find((s) => s.id === id)?.rows.map((r) => r.text) ?? [];

  it("lists the plan's reviews with the Monday meeting of 2026-09-14", async () => {
    const { reviews } = await json<{
      reviews: { id: string; lastMeeting: { date: string; instant: string }; mayRead: boolean }[];
    }>('sam', 'GET', '/api/v1/reviews');
    expect(reviews.map((r) => r.id)).toEqual(['REV-OPS', 'REV-STEER']);
    expect(reviews[0]).toMatchObject({
      lastMeeting: { date: '2026-09-14', instant: '2026-09-14T07:00:00.000Z' },
      mayRead: true,
    });
  });

  it('publishes the 2026-09-14 pack: the ERP-17 slip, its money, the decision waiting on Dana', async () => {
    // The clock leaves a meeting that began before the server's start (an hour's grace) alone.
    expect(await publishDuePacks(ctx, transports, new Date())).toEqual([]);
    const response = await call('dana', 'POST', '/api/v1/reviews/REV-OPS/packs');
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      pack: Pack;
      mailed: { person: string; outcome: string }[];
    };
    pack = body.pack;
    expect(pack).toMatchObject({
      id: 'RP-REV-OPS-2026-09-14',
      review: 'REV-OPS',
      occurrence: '2026-09-14',
      onDemand: false,
    });
    const moved = section(pack, 'forecasts_moved');
    expect(moved.find((t) => t.startsWith('M-GOLIVE'))).toContain(
      'ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 days)',
    );
    expect(section(pack, 'money_at_risk')[0]).toContain(
      '480,000 USD at risk in 2026-Q4 for K-SAVINGS',
    );
    const waiting = section(pack, 'decisions_to_take');
    expect(waiting[0]).toMatch(/^DEC-1: .* Dana Whitfield decides by \d{4}-\d{2}-\d{2}/);
    expect(pack.content.headline.join('\n')).toContain('DEC-1 waits on Dana Whitfield');
    expect(section(pack, 'capacity').join('\n')).toContain('IT');
    expect(section(pack, 'kpis').join('\n')).toContain('K-SAVINGS');
    expect(section(pack, 'budget').join('\n')).toContain('I-ERP');
    // Sections other parts plug in: the gates passed and the periods closed.
    expect(pack.content.sections.map((s) => s.id)).toEqual(
      expect.arrayContaining(['gates', 'periods']),
    );
    // E-mailed to the five attendees, each once.
    expect(body.mailed.map((m) => [m.person, m.outcome])).toEqual([
      ['dana', 'sent'],
      ['marco', 'sent'],
      ['priya', 'sent'],
      ['sam', 'sent'],
      ['lena', 'sent'],
    ]);
    const toDana = smtp.messages.filter(
      (m) =>
        m.to.includes('dana.whitfield@acme.example') &&
        m.decoded.includes('/reviews/packs/RP-REV-OPS-2026-09-14'),
    );
    expect(toDana).toHaveLength(1);
    expect(toDana[0]!.decoded).toContain('Weekly operations review');
    expect(toDana[0]!.decoded).toContain('480,000 USD at risk in 2026-Q4 for K-SAVINGS');
    expect(toDana[0]!.decoded).toContain(
      'http://throughline.test/reviews/packs/RP-REV-OPS-2026-09-14',
    );
  });

  it('reads the pack back as Markdown and as a PDF whose text holds the key figures', async () => {
    const md = await call('lena', 'GET', `/api/v1/review-packs/${pack.id}.md`);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toContain('text/markdown');
    const text = await md.text();
    expect(text).toBe(pack.markdown);
    expect(text).toContain('# Weekly operations review — 2026-09-14');
    expect(text).toContain('480,000 USD at risk in 2026-Q4 for K-SAVINGS');
    const pdf = await call('lena', 'GET', `/api/v1/review-packs/${pack.id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const words = (await pdfText(await pdf.arrayBuffer())).replace(/\s+/g, ' ');
    expect(words).toContain('Weekly operations review');
    expect(words).toContain('480,000 USD at risk in 2026-Q4 for K-SAVINGS');
    expect(words).toContain('DEC-1');
    expect(words).toContain('Dana Whitfield');
    expect(words).toContain('ERP-17 due date moved 2026-10-02 -> 2026-10-23');
  });

  it('keeps the pack exactly as published after later writes; the database refuses to change it', async () => {
    // A later write: the same request again makes a second pack, on demand, and leaves the first.
    const again = await call('dana', 'POST', '/api/v1/reviews/REV-OPS/packs');
    expect(again.status).toBe(201);
    const second = ((await again.json()) as { pack: Pack }).pack;
    expect(second).toMatchObject({ id: 'RP-REV-OPS-2026-09-14-1', onDemand: true });
    // The clock's tick: REV-OPS has its meeting's pack; the steering's of 2026-09-01 is published.
    const ticked = await publishDuePacks(ctx, transports, null);
    expect(ticked.map((p) => [p.pack.id, p.pack.onDemand, p.mailed.length])).toEqual([
      ['RP-REV-STEER-2026-09-01', false, 3],
    ]);
    expect(await publishDuePacks(ctx, transports, null)).toEqual([]);
    const reopened = await json<{ pack: Pack }>('dana', 'GET', `/api/v1/review-packs/${pack.id}`);
    expect(reopened.pack).toEqual(pack);
    const { packs } = await json<{ packs: { id: string }[] }>(
      'dana',
      'GET',
      '/api/v1/reviews/REV-OPS/packs',
    );
    expect(packs.map((p) => p.id)).toEqual([second.id, pack.id]);
    await expect(db.query(`UPDATE review_pack SET markdown = 'x'`)).rejects.toThrow();
    await expect(db.query(`DELETE FROM review_pack`)).rejects.toThrow();
    const pdf1 = Buffer.from(
      await (await call('dana', 'GET', `/api/v1/review-packs/${pack.id}.pdf`)).arrayBuffer(),
    );
    const pdf2 = Buffer.from(
      await (await call('dana', 'GET', `/api/v1/review-packs/${pack.id}.pdf`)).arrayBuffer(),
    );
    expect(pdf1.equals(pdf2)).toBe(true);
  });

  it('lets attendees and cleared executives read, refuses others naming who may', async () => {
    expect((await call(null, 'GET', `/api/v1/review-packs/${pack.id}`)).status).toBe(401);
    expect((await call(null, 'POST', '/api/v1/reviews/REV-OPS/packs')).status).toBe(401);
    // Grace is an executive, not an attendee: she may read, not publish.
    expect((await call('grace', 'GET', `/api/v1/review-packs/${pack.id}`)).status).toBe(200);
    const publish = await call('grace', 'POST', '/api/v1/reviews/REV-OPS/packs');
    expect(publish.status).toBe(403);
    expect(((await publish.json()) as Problem).message).toContain('Dana Whitfield');
    // Nina is a member and no attendee.
    for (const path of [
      `/api/v1/review-packs/${pack.id}`,
      `/api/v1/review-packs/${pack.id}.md`,
      `/api/v1/review-packs/${pack.id}.pdf`,
      '/api/v1/reviews/REV-OPS/packs',
    ]) {
      const refused = await call('nina', 'GET', path);
      expect(refused.status, path).toBe(403);
      const problem = (await refused.json()) as Problem;
      expect(problem.code).toBe('access.forbidden');
      expect(problem.message).toContain("read this review's packs");
    }
  });

  it('answers hostile ids with a clear 4xx, never a 500', async () => {
    const cases: [string, string, number[]][] = [
      ['GET', '/api/v1/review-packs/RP-NOPE', [404]],
      ['GET', '/api/v1/review-packs/RP-NOPE.pdf', [404]],
      ['GET', '/api/v1/reviews/REV-NOPE/packs', [404]],
      ['POST', '/api/v1/reviews/REV-NOPE/packs', [404]],
      ['GET', '/api/v1/review-packs/%00', [400, 404]],
      ['GET', `/api/v1/review-packs/${'x'.repeat(2_000_000)}`, [400, 404, 414, 431]],
      ['GET', '/api/v1/review-packs/..%2F..%2Fetc%2Fpasswd', [400, 404]],
      ['GET', '/api/v1/reviews/%2e%2e/packs', [400, 404]],
    ];
    for (const [method, path, statuses] of cases) {
      const response = await call('dana', method, path);
      expect(statuses, `${method} ${path.slice(0, 60)}`).toContain(response.status);
      if (response.status === 404) {
        const problem = (await response.json()) as Problem;
        expect(problem.code).toBe('not_found');
        expect(problem.message.length).toBeLessThan(400);
      }
    }
    const unknown = (await (
      await call('dana', 'GET', '/api/v1/reviews/REV-OSP/packs')
    ).json()) as Problem;
    expect(unknown.message).toContain('REV-OPS');
  });

  it('refuses a plan whose review names an unknown attendee, naming the place; nothing applied', async () => {
    const before = await (await call('lena', 'GET', '/api/v1/plan')).text();
    const text = DEMO_PLAN_TEXT.replace(
      'attendees: [dana, marco, priya, sam, lena]',
      'attendees: [dana, marco, pryia, sam, lena]',
    );
    expect(text).not.toBe(DEMO_PLAN_TEXT);
    const response = await call('lena', 'POST', '/api/v1/plan', text, 'application/yaml');
    expect(response.status).toBe(400);
    const problem = (await response.json()) as Problem;
    const found = problem.problems?.find((p) => p.path === '$.reviews[0].attendees[2]');
    expect(found).toMatchObject({
      code: 'plan.unknown_reference',
      line: lineOf(text, 'attendees: [dana, marco, pryia'),
    });
    expect(found?.message).toContain("review 'REV-OPS' is attended by 'pryia'");
    expect(await (await call('lena', 'GET', '/api/v1/plan')).text()).toBe(before);
  });
});
