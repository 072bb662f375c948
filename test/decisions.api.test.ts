import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import type { AppContext } from '../src/app/context.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import { openDatabase, type Database } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { TEST_DATABASES, type TestDatabaseKind } from './support/databases.ts';

/**
 * The ERP story's decision over the API: the ERP-17 slip raises one incident (the slips, the
 * K-SAVINGS miss, the IT over-allocation) beyond Priya's rights, which opens by itself a
 * decision that only Dana may take; Priya gets a 403 naming her; Dana decides, the plan and the
 * signals change, the history keeps the old baseline and who decided what, when and why. Bad
 * input changes nothing; a restart keeps every decision and scenario.
 */

interface Problem {
  code: string;
  message: string;
  path?: string;
}
interface OptionView {
  number: number;
  title: string;
  changes: { kind: string }[];
  result: {
    totals: { moneyLaterByCapacity: { before: number; after: number } };
    signals: { resolved: { id: string }[] };
  };
  effect: { amount: number; initiatives: string[]; units: string[] };
  lastDay: string | null;
}
interface DecisionView {
  id: string;
  status: string;
  signal: string | null;
  incident: string | null;
  title: string;
  dueDate: string | null;
  options: OptionView[];
  decider: {
    person: string;
    right: string | null;
    considered: { right: string; covers: boolean }[];
  };
  outcome: { option: number; reason: string; decidedBy: string } | null;
}

interface IncidentView {
  id: string;
  headline: string;
  signals: { id: string }[];
  money: { againstPlan: number; againstTarget: number };
  reaches: { person: string; covered: boolean } | null;
  decider: { person: string; name: string } | null;
  decision: { id: string; status: string } | null;
}

const INCIDENT = 'incident:work_item:ERP-17';

/** A database that outlives a server: a data folder for PGlite, a schema on the server. */
async function durableDatabase(kind: TestDatabaseKind): Promise<{
  open: () => Promise<Database>;
  drop: () => Promise<void>;
}> {
  if (kind.name === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'decisions-'));
    return {
      open: () => openDatabase({ dataDir }),
      drop: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const open = (): Promise<Database> => openDatabase({ databaseUrl: kind.url, schema });
  return {
    open,
    drop: async () => {
      const db = await open();
      await db.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}

describe.each(TEST_DATABASES)('decisions on the ERP story over the API on $name', (kind) => {
  let store: Awaited<ReturnType<typeof durableDatabase>>;
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  const tokens: Record<string, string> = {};
  let capacitySignal = '';

  async function start(asOf: string): Promise<void> {
    db = await store.open();
    await migrate(db);
    const ctx: AppContext = { db, clock: pinnedClock(asOf) };
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }
  async function stop(): Promise<void> {
    await app.close();
    await db.close();
  }

  beforeAll(async () => {
    store = await durableDatabase(kind);
    db = await store.open();
    await migrate(db);
    await loadDemo({ db, clock: pinnedClock(DEMO_AS_OF) }, undefined);
    for (const person of ['dana', 'priya', 'marco'])
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    await db.close();
    await start(DEMO_AS_OF);
  });
  afterAll(async () => {
    await stop();
    await store.drop();
  });

  async function call<T>(
    as: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[as]!}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function planSnapshot(): Promise<string> {
    return JSON.stringify((await call<unknown>('dana', 'GET', '/api/v1/plan')).body);
  }

  it('opens DEC-1 by itself for the one incident the slip raises, reaching Dana, with three priced options', async () => {
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const ingest = await fetch(`${base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: hook,
    });
    expect(ingest.status).toBe(200);
    const { body: inbox } = await call<{ signals: { id: string; kind: string }[] }>(
      'priya',
      'GET',
      '/api/v1/signals',
    );
    capacitySignal = inbox.signals.find((s) => s.kind === 'capacity.over_allocated')!.id;

    // One incident: the slips, the K-SAVINGS miss and the IT over-allocation share ERP-17.
    const { body: listed } = await call<{ incidents: IncidentView[] }>(
      'priya',
      'GET',
      '/api/v1/incidents',
    );
    expect(listed.incidents.map((i) => i.id)).toEqual([INCIDENT]);
    const [incident] = listed.incidents;
    expect(incident!.signals.map((s) => s.id)).toHaveLength(inbox.signals.length);
    expect(incident!.headline).toContain('480,000 USD');
    expect(incident!.money.againstPlan).toBeCloseTo(480_000, 0);
    expect(incident!.money.againstTarget).toBeCloseTo(411_428.57, 1);
    expect(incident!.reaches).toMatchObject({ person: 'priya', covered: false });
    expect(incident!.decider).toMatchObject({ person: 'dana', name: 'Dana Whitfield' });
    // Beyond Priya's rights (the incident reaches her first): the ingest opened its decision.
    expect(incident!.decision).toMatchObject({ id: 'DEC-1', status: 'open' });

    // Asking for a decision on one of its signals gives the open decision back.
    const opened = await call<{ decision: DecisionView }>('priya', 'POST', '/api/v1/decisions', {
      signal: capacitySignal,
    });
    expect(opened.status).toBe(200);
    const decision = opened.body.decision;
    expect(decision).toMatchObject({
      id: 'DEC-1',
      status: 'open',
      incident: INCIDENT,
      title: incident!.headline,
      dueDate: '2026-10-04',
    });
    expect(decision.options.map((o) => o.changes.map((c) => c.kind))).toEqual([
      ['accept_slip', 'accept_slip', 'accept_slip'],
      ['add_capacity'],
      ['prioritise'],
    ]);
    // Priya's and Marco's rights fall short; Dana's right on O-COST covers every option.
    expect(decision.decider.person).toBe('dana');
    expect(decision.decider.considered.map((c) => [c.right, c.covers]).slice(0, 3)).toEqual([
      ['R-ERP-SLIP', false],
      ['R-OPS-MONEY', false],
      ['R-COST', true],
    ]);
    // Adding IT capacity in weeks 41–43 resolves the over-allocation and the money it made late.
    const add = decision.options[1]!;
    expect(add.result.signals.resolved.map((s) => s.id)).toContain(capacitySignal);
    expect(add.result.totals.moneyLaterByCapacity.after).toBeLessThan(
      add.result.totals.moneyLaterByCapacity.before,
    );
    expect(add.effect.amount).toBeGreaterThan(0);

    // The engine opened it, once: the incident again gives it back, and the history says so.
    const again = await call<{ decision: DecisionView }>('marco', 'POST', '/api/v1/decisions', {
      incident: INCIDENT,
    });
    expect([again.status, again.body.decision.id]).toEqual([200, 'DEC-1']);
    const { body: all } = await call<{ decisions: DecisionView[] }>(
      'dana',
      'GET',
      '/api/v1/decisions',
    );
    expect(all.decisions.map((d) => d.id)).toEqual(['DEC-1']);
    const { body: shown } = await call<{ history: { action: string; actor: string }[] }>(
      'dana',
      'GET',
      '/api/v1/decisions/DEC-1',
    );
    expect(shown.history.map((e) => [e.action, e.actor])).toEqual([['opened', 'engine']]);
  });

  it('refuses an option naming a missing entity, with its place, and adds nothing', async () => {
    const bad = await call<Problem>('priya', 'POST', '/api/v1/decisions/DEC-1/options', {
      title: 'Accept a milestone that is not there',
      changes: [{ kind: 'accept_slip', milestone: 'M-GOLIVEE' }],
    });
    expect(bad.status).toBe(400);
    expect([bad.body.code, bad.body.path]).toEqual([
      'scenario.unknown_reference',
      '$.changes[0].milestone',
    ]);
    expect(bad.body.message).toContain('M-GOLIVE');
    const unknownSignal = await call<Problem>('priya', 'POST', '/api/v1/decisions', {
      signal: 'capacity.over_allocated:NOPE',
    });
    expect([unknownSignal.status, unknownSignal.body.path]).toEqual([404, '$.signal']);
    const { body } = await call<{ decision: DecisionView }>(
      'dana',
      'GET',
      '/api/v1/decisions/DEC-1',
    );
    expect(body.decision.options).toHaveLength(3);
  });

  it('answers Priya 403 naming Dana, and changes nothing', async () => {
    const before = await planSnapshot();
    const refused = await call<Problem>('priya', 'POST', '/api/v1/decisions/DEC-1/decide', {
      option: 2,
      reason: 'I want the contractors',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('decision.forbidden');
    expect(refused.body.message).toContain('only Dana Whitfield (dana) may decide DEC-1');
    expect(await planSnapshot()).toBe(before);
    const wrong = await call<Problem>('dana', 'POST', '/api/v1/decisions/DEC-1/decide', {
      option: 7,
      reason: 'x',
    });
    expect([wrong.status, wrong.body.code, wrong.body.path]).toEqual([
      400,
      'decision.unknown_option',
      '$.option',
    ]);
    expect(await planSnapshot()).toBe(before);
  });

  it('lets Dana decide: the plan and the signals change, the history says who, when and why', async () => {
    const decided = await call<{
      decision: DecisionView;
      signals: { resolved: string[] };
    }>('dana', 'POST', '/api/v1/decisions/DEC-1/decide', {
      option: 2,
      reason: 'Contractors for weeks 41–43 are cheaper than a late purchasing desk',
    });
    expect(decided.status).toBe(200);
    const signal = capacitySignal;
    expect(decided.body.signals.resolved).toContain(signal);
    expect(decided.body.decision.outcome).toMatchObject({ option: 2, decidedBy: 'dana' });

    const plan = (
      await call<{ units: { id: string; capacity?: { periods?: object } }[] }>(
        'dana',
        'GET',
        '/api/v1/plan',
      )
    ).body;
    expect(plan.units.find((u) => u.id === 'IT')!.capacity!.periods).toMatchObject({
      '2026-W41': 10,
      '2026-W42': 10,
      '2026-W43': 10,
    });
    const { body: inbox } = await call<{ signals: { id: string }[] }>(
      'dana',
      'GET',
      '/api/v1/signals',
    );
    expect(inbox.signals.map((s) => s.id)).not.toContain(signal);

    const { body } = await call<{
      history: { action: string; actor: string; detail: { reason?: string } }[];
    }>('marco', 'GET', '/api/v1/decisions/DEC-1');
    expect(body.history.map((e) => [e.action, e.actor])).toEqual([
      ['opened', 'engine'],
      ['decided', 'dana'],
    ]);
    expect(body.history[1]!.detail.reason).toContain('Contractors');

    const twice = await call<Problem>('dana', 'POST', '/api/v1/decisions/DEC-1/decide', {
      option: 1,
      reason: 'again',
    });
    expect([twice.status, twice.body.code]).toEqual([409, 'decision.already_decided']);
  });

  it('re-baselines a slip: the plan history keeps the old date', async () => {
    const opened = await call<{ decision: DecisionView }>('priya', 'POST', '/api/v1/decisions', {
      signal: 'milestone.slipped:M-GOLIVE',
    });
    expect(opened.status).toBe(201);
    expect(opened.body.decision.decider.person).toBe('dana');
    const decided = await call<{
      baseline: { milestone: string; before: string; after: string }[];
    }>('dana', 'POST', `/api/v1/decisions/${opened.body.decision.id}/decide`, {
      option: 1,
      reason: 'Go-live is three weeks later; we plan with it',
    });
    expect(decided.status).toBe(200);
    const [moved] = decided.body.baseline;
    expect(moved).toMatchObject({ milestone: 'M-GOLIVE', before: '2026-10-05' });
    const rows = await db.query<{
      before: { plannedDate: string };
      after: { plannedDate: string };
      actor: string;
    }>(
      `SELECT before, after, actor FROM plan_change WHERE entity_id = 'M-GOLIVE' ORDER BY seq DESC LIMIT 1`,
    );
    expect(rows[0]).toMatchObject({
      before: { plannedDate: '2026-10-05' },
      after: { plannedDate: moved!.after },
      actor: 'dana',
    });
  });

  it('saves a scenario and compares it against now', async () => {
    const saved = await call<{ column: { result: unknown } }>(
      'marco',
      'POST',
      '/api/v1/scenarios',
      {
        id: 'S-PILOT-LATER',
        name: 'Pilot two weeks later',
        changes: [{ kind: 'move_milestone', milestone: 'M-PILOT', plannedDate: '2026-11-30' }],
      },
    );
    expect(saved.status).toBe(201);
    const bad = await call<Problem>('marco', 'POST', '/api/v1/scenarios', {
      id: 'S-BAD',
      name: 'Bad',
      changes: [{ kind: 'hold_initiative', initiative: 'I-NOPE', reason: 'x' }],
    });
    expect([bad.status, bad.body.path]).toEqual([400, '$.changes[0].initiative']);
    const compared = await call<{ scenarios: { id: string }[] }>(
      'marco',
      'POST',
      '/api/v1/scenarios/compare',
      { ids: ['S-PILOT-LATER'] },
    );
    expect(compared.body.scenarios.map((s) => s.id)).toEqual(['S-PILOT-LATER']);
    // A NUL or a control character in an id is refused at the door, never a 500.
    const nul = await call<Problem>('marco', 'GET', '/api/v1/scenarios/S-PILOT-LATER%00');
    expect([nul.status, nul.body.code]).toEqual([400, 'request.invalid']);
    const nulIds = await call<Problem>('marco', 'POST', '/api/v1/scenarios/compare', {
      ids: ['S\u0000'],
    });
    expect([nulIds.status, nulIds.body.code]).toEqual([400, 'request.invalid']);
    const missing = await call<Problem>('marco', 'GET', '/api/v1/scenarios/S-NOPE');
    expect(missing.status).toBe(404);
    const inline = await call<Problem>('marco', 'POST', '/api/v1/scenarios/compare', {
      scenarios: [
        { id: 'A', name: 'A', author: 'marco', createdAt: '2026-09-14', changes: [] },
        {
          id: 'B',
          name: 'B',
          author: 'marco',
          createdAt: '2026-09-14',
          changes: [{ kind: 'descope_benefit', benefit: 'B-NOPE' }],
        },
      ],
    });
    expect([inline.status, inline.body.code, inline.body.path]).toEqual([
      400,
      'scenario.unknown_reference',
      '$.scenarios[1].changes[0].benefit',
    ]);
  });

  it('keeps every decision and scenario across a restart, and refuses a decision past its due date', async () => {
    const opened = await call<{ decision: DecisionView }>('marco', 'POST', '/api/v1/decisions', {
      title: 'Sensors a few days later?',
      options: [
        {
          title: 'Sensors on 2026-09-21',
          changes: [{ kind: 'move_milestone', milestone: 'M-SENSORS', plannedDate: '2026-09-21' }],
        },
      ],
    });
    expect(opened.status).toBe(201);
    const id = opened.body.decision.id;
    expect([opened.body.decision.decider.person, opened.body.decision.dueDate]).toEqual([
      'marco',
      '2026-09-20',
    ]);
    await stop();
    await start('2026-09-25');
    const { body } = await call<{ decisions: DecisionView[] }>('dana', 'GET', '/api/v1/decisions');
    expect(body.decisions.map((d) => [d.id, d.status])).toEqual([
      [id, 'open'],
      ['DEC-2', 'decided'],
      ['DEC-1', 'decided'],
    ]);
    expect(body.decisions[2]!.outcome).toMatchObject({ option: 2, decidedBy: 'dana' });
    const scenarios = await call<{ scenarios: { id: string }[] }>(
      'dana',
      'GET',
      '/api/v1/scenarios',
    );
    expect(scenarios.body.scenarios.map((s) => s.id)).toEqual(['S-PILOT-LATER']);

    const before = await planSnapshot();
    const late = await call<Problem>('marco', 'POST', `/api/v1/decisions/${id}/decide`, {
      option: 1,
      reason: 'late',
    });
    expect([late.status, late.body.code]).toEqual([409, 'decision.past_due']);
    expect(late.body.message).toContain('2026-09-20');
    expect(await planSnapshot()).toBe(before);
  });

  it('keeps decision history append-only: no UPDATE, DELETE or TRUNCATE', async () => {
    for (const table of ['decision_event', 'decision_option', 'scenario']) {
      await expect(db.exec(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
      const column = table === 'decision_event' ? 'at' : 'changes';
      await expect(db.exec(`UPDATE ${table} SET ${column} = ${column}`)).rejects.toThrow(
        /append-only/,
      );
      await expect(db.exec(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(/append-only/);
    }
  });
});
