/**
 * The fuzz pass: every input kind, mutated the way a hostile or broken client would (truncated,
 * NUL bytes, unpaired surrogates, invalid UTF-8, flipped bytes, huge ids, deep nesting, repeated
 * chunks), sent to the real server on a real database. Whatever arrives, the answer is a located
 * 4xx (or a success, when the mutation left the input valid), never a 5xx, and a refused input
 * changes nothing. MS Project files go through the use-case the CLI calls: a refusal is a domain
 * error (exit 1), never anything else (exit 2). Bounded: a fixed seed and a fixed number of runs.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { exitCodeOf } from '../src/app/error-status.ts';
import { importMsProject } from '../src/app/import-msproject.ts';
import { DEMO_AS_OF, loadDemo } from '../src/app/load-demo.ts';
import { DomainError } from '../src/core/errors.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';
import { SPREADSHEETS, storedState } from './support/import-helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const root = new URL('..', import.meta.url);
const WEBHOOK_SECRET = 'fuzz-secret';

/** One way to damage an input. */
type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'nul'; at: number; escaped: boolean }
  | { kind: 'surrogate'; at: number }
  | { kind: 'bad-utf8'; at: number }
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'huge-id'; at: number }
  | { kind: 'nest'; depth: number }
  | { kind: 'repeat'; at: number; length: number; times: number };

const position = fc.double({ min: 0, max: 1, noNaN: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('nul' as const), at: position, escaped: fc.boolean() }),
  fc.record({ kind: fc.constant('surrogate' as const), at: position }),
  fc.record({ kind: fc.constant('bad-utf8' as const), at: position }),
  fc.record({
    kind: fc.constant('flip' as const),
    at: position,
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('huge-id' as const), at: position }),
  fc.record({ kind: fc.constant('nest' as const), depth: fc.integer({ min: 100, max: 5000 }) }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: position,
    length: fc.integer({ min: 1, max: 200 }),
    times: fc.integer({ min: 2, max: 50 }),
  }),
);

/** Damages bytes; text positions land inside quoted strings often enough to reach the parsers' insides. */
function mutate(input: Buffer, mutations: Mutation[]): Buffer {
  let bytes = input;
  for (const m of mutations) {
    const at = 'at' in m ? Math.floor(m.at * bytes.length) : 0;
    const before = bytes.subarray(0, at);
    const after = bytes.subarray(at);
    switch (m.kind) {
      case 'truncate':
        bytes = before;
        break;
      case 'nul':
        bytes = Buffer.concat([
          before,
          m.escaped ? Buffer.from('\\u0000') : Buffer.from([0]),
          after,
        ]);
        break;
      case 'surrogate':
        bytes = Buffer.concat([before, Buffer.from('\\ud800'), after]);
        break;
      case 'bad-utf8':
        bytes = Buffer.concat([before, Buffer.from([0xc3, 0x28, 0xff]), after]);
        break;
      case 'flip':
        bytes = Buffer.from(bytes);
        if (at < bytes.length) bytes[at] = m.byte;
        break;
      case 'huge-id':
        bytes = Buffer.concat([before, Buffer.from('X'.repeat(2 * 1024 * 1024)), after]);
        break;
      case 'nest':
        bytes = Buffer.concat([
          Buffer.from('['.repeat(m.depth)),
          bytes,
          Buffer.from(']'.repeat(m.depth)),
        ]);
        break;
      case 'repeat': {
        const chunk = bytes.subarray(at, at + m.length);
        bytes = Buffer.concat([before, ...Array<Buffer>(m.times).fill(chunk), after]);
        break;
      }
    }
  }
  return bytes;
}

/** What the fuzz pass counted, per input kind. */
interface Tally {
  tried: number;
  accepted: number;
  refused: number;
  faults: string[];
  partialWrites: string[];
}

const tallies = new Map<string, Tally>();
function tally(kind: string): Tally {
  let t = tallies.get(kind);
  if (t === undefined) {
    t = { tried: 0, accepted: 0, refused: 0, faults: [], partialWrites: [] };
    tallies.set(kind, t);
  }
  return t;
}

function describeCase(mutations: Mutation[]): string {
  return JSON.stringify(mutations);
}

/** What an input may change: the plan, the work, the signals (the import log records refusals too). */
async function dataState(db: Database): Promise<string> {
  const { runs: _runs, ...data } = (await storedState(db)) as { runs: unknown };
  return JSON.stringify(data);
}

describe.each(TEST_DATABASES)('the fuzz pass on $name', (kind) => {
  let db: Database;
  let ctx: AppContext;
  let app: FastifyInstance;
  let base: string;
  let token: string;
  let folder: string;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    token = await createApiToken(db, 'lena', 'fuzz', new Date());
    app = await buildServer(ctx, {
      webhookSecret: (site) => Promise.resolve(site === 'fuzz' ? WEBHOOK_SECRET : undefined),
      webhookWindow: null,
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    folder = await mkdtemp(join(tmpdir(), 'throughline-fuzz-'));
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    const rows = [...tallies.entries()].map(([k, t]) => ({
      kind: k,
      tried: t.tried,
      accepted: t.accepted,
      refused: t.refused,
      fiveXX: t.faults.length,
      partialWrites: t.partialWrites.length,
    }));
    console.log(`fuzz pass (${kind.name}, seed ${SEED}):\n${JSON.stringify(rows)}`);
    tallies.clear();
  });

  /**
   * Sends each mutated input; a refusal must leave the stored state as it was, an answer must
   * never be a 5xx. A success moves the baseline (the mutation left the input valid).
   */
  async function fuzz(
    name: string,
    seed: Buffer,
    send: (body: Buffer) => Promise<{ status: number; text: string }>,
  ): Promise<void> {
    const t = tally(name);
    // The seed itself is good input: the refusals below are the mutations', not the seed's.
    const plain = await send(seed);
    expect(plain.status, `${name}: ${plain.text.slice(0, 300)}`).toBeLessThan(300);
    let before = await dataState(db);
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const body = mutate(seed, mutations);
        const { status, text } = await send(body);
        t.tried++;
        if (status >= 500) {
          t.faults.push(`${status} ${text.slice(0, 200)} after ${describeCase(mutations)}`);
          return;
        }
        const after = await dataState(db);
        if (status >= 400) {
          t.refused++;
          expect(text).not.toMatch(/\bat\s+\S+\s+\(|node_modules/);
          if (after !== before) {
            t.partialWrites.push(
              `${status} ${text.slice(0, 200)} after ${describeCase(mutations)}`,
            );
          }
        } else {
          t.accepted++;
        }
        before = after;
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    expect(t.faults).toEqual([]);
    expect(t.partialWrites).toEqual([]);
  }

  async function post(
    path: string,
    contentType: string,
    body: Buffer,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
      body,
    });
    return { status: response.status, text: await response.text() };
  }

  it('plan files (YAML and JSON) over the API', async () => {
    const yaml = await readFile(new URL('demo/plan.yaml', root));
    await fuzz('plan file (YAML)', yaml, (body) => post('/api/v1/plan', 'application/yaml', body));
    const json = Buffer.from(
      JSON.stringify(
        await (
          await fetch(`${base}/api/v1/plan`, { headers: { authorization: `Bearer ${token}` } })
        ).json(),
      ),
    );
    await fuzz('plan file (JSON)', json, (body) => post('/api/v1/plan', 'application/json', body));
  });

  it('CSV and XLSX imports over the API', async () => {
    const mapping = await readFile(`${SPREADSHEETS}kpi-actuals.mapping.json`, 'utf8');
    const csv = await readFile(`${SPREADSHEETS}kpi-actuals.csv`);
    const query = (file: string) =>
      `/api/v1/imports?${new URLSearchParams({ source: 'bi', file, mapping }).toString()}`;
    await fuzz('CSV', csv, (body) => post(query('kpi-actuals.csv'), 'text/csv', body));
    const budgets = await readFile(`${SPREADSHEETS}budgets.mapping.json`, 'utf8');
    const xlsx = await readFile(`${SPREADSHEETS}budgets.libreoffice.xlsx`);
    await fuzz('XLSX', xlsx, (body) =>
      post(
        `/api/v1/imports?${new URLSearchParams({ source: 'cfo', file: 'budgets.xlsx', mapping: budgets }).toString()}`,
        XLSX,
        body,
      ),
    );
  });

  it('Jira payloads, push bodies and signed webhooks', async () => {
    const jira = await readFile(new URL('demo/jira/erp-17-due-date-moved.json', root));
    await fuzz('Jira payload', jira, (body) =>
      post('/api/v1/jira/ingest?source=demo', 'application/json', body),
    );
    const actuals = Buffer.from(
      JSON.stringify({ source: 'bi', actuals: [{ kpi: 'K-OTD', period: '2026-Q3', value: 91 }] }),
    );
    await fuzz('push: KPI actuals', actuals, (body) =>
      post('/api/v1/push/kpi-actuals', 'application/json', body, {
        'idempotency-key': randomUUID(),
      }),
    );
    const work = Buffer.from(
      JSON.stringify({
        source: 'servicenow',
        items: [
          {
            key: 'CHG-1042',
            summary: 'Cut over purchasing interfaces',
            status: 'Scheduled',
            statusCategory: 'in_progress',
            dueDate: '2026-10-09',
            updatedAt: '2026-09-14T09:30:00+02:00',
          },
        ],
      }),
    );
    await fuzz('push: work items', work, (body) =>
      post('/api/v1/push/work-items', 'application/json', body, {
        'idempotency-key': randomUUID(),
      }),
    );
    await fuzz('webhook', jira, async (body) => {
      const signature = createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');
      const answer = await post('/hooks/jira/fuzz', 'application/json', body, {
        'x-hub-signature': `sha256=${signature}`,
        'x-atlassian-webhook-identifier': randomUUID(),
      });
      // Accepted deliveries are applied after the answer: wait, so their effect is in the state.
      await app.inboxWorker.idle();
      return answer;
    });
  });

  it('MS Project XML through the import the CLI runs (exit 1, never 2)', async () => {
    const seed = await readFile(new URL('test/fixtures/msproject/mspdirelations.xml', root));
    let n = 0;
    await fuzz('MS Project XML', seed, async (body) => {
      const file = join(folder, `plan-${n++}.xml`);
      await writeFile(file, body);
      try {
        await importMsProject(ctx, file, { initiative: 'I-ERP', idPrefix: 'FZ-', actor: 'fuzz' });
        return { status: 200, text: '' };
      } catch (error) {
        if (error instanceof DomainError && exitCodeOf(error.code) === 1) {
          return { status: 400, text: error.message };
        }
        return {
          status: 500,
          text: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        };
      }
    });
  });
});
