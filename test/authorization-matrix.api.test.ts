import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedClock } from '../src/app/clock.ts';
import { DEMO_AS_OF, DEMO_FILES, loadDemo } from '../src/app/load-demo.ts';
import { buildServer } from '../src/server/server.ts';
import type { Database } from '../src/store/database.ts';
import { createApiToken } from '../src/store/token-store.ts';
import { openTestDatabase, TEST_DATABASES } from './support/databases.ts';

/**
 * The authorisation matrix (issue 11, part 5): every route and method the live OpenAPI
 * description lists, called by each identity, answers as the policy table below declares. A
 * route the table does not declare fails the test, and so does a declared route that is gone.
 *
 * Identities: no credentials, a bad token, an expired token, and a token of each demo role:
 * Dana (executive), Lena (strategy office and finance controller), Omar (admin), Sam (member,
 * Operations) and Priya (a member of another unit, IT). Tokens carry the `admin` scope, so that
 * what refuses is the access policy, not the token's scope.
 */

const PEOPLE = ['dana', 'lena', 'omar', 'sam', 'priya'] as const;
type Person = (typeof PEOPLE)[number];
type Identity = 'none' | 'bad' | 'expired' | Person;
const IDENTITIES: readonly Identity[] = ['none', 'bad', 'expired', ...PEOPLE];

interface Rule {
  /**
   * Who passes: anyone signed in, these people, every caller (public), or none of the callers
   * here (`signature`: a route that checks what it carries, a webhook signature or a sign-in token).
   */
  allow: 'anyone' | 'public' | 'signature' | readonly Person[];
  /** People who pass but for whom the item is hidden: 404. */
  hidden?: readonly Person[];
  /** Path parameters, query string and JSON body of the call (valid, so the handler runs). */
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  /** A body of its own for each caller, where one caller's success would make the next a no-op. */
  bodyFor?: (who: Identity) => unknown;
  contentType?: string;
}

const SOURCES: readonly Person[] = ['dana', 'lena', 'omar'];
const PLANNERS: readonly Person[] = ['lena', 'omar'];
const SCENARIO_BUILDERS: readonly Person[] = ['dana', 'lena', 'priya'];

/** The declared policy: one entry per route and method of the API description. */
function policyTable(demoPlan: string): Record<string, Rule> {
  return {
    'GET /health': { allow: 'public' },
    'GET /api/v1/events': { allow: 'anyone' },
    'GET /api/v1/state': { allow: 'anyone' },
    'GET /api/v1/capacity': { allow: 'anyone' },
    // The live feed's entities: anyone reads; what they may not see comes back as removed.
    'POST /api/v1/state/entities': {
      allow: 'anyone',
      body: { milestones: ['M-GOLIVE', 'M-DIVEST-BUYER'], kpis: ['K-SAVINGS'] },
    },
    'GET /api/v1/objectives/{id}': { allow: 'anyone', params: { id: 'O-COST' } },
    'GET /api/v1/kpis/{id}': {
      allow: 'anyone',
      params: { id: 'K-PLANT3-COST' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'GET /api/v1/initiatives/{id}': {
      allow: 'anyone',
      params: { id: 'I-DIVEST' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'GET /api/v1/milestones/{id}': {
      allow: 'anyone',
      params: { id: 'M-DIVEST-BUYER' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'GET /api/v1/work-items/{id}': { allow: 'anyone', params: { id: 'ERP-17' } },
    'GET /api/v1/units/{id}': { allow: 'anyone', params: { id: 'IT' } },
    'GET /api/v1/signals': { allow: 'anyone' },
    'POST /api/v1/signals/{id}/ack': {
      allow: 'anyone',
      params: { id: 'kpi.misses_target:K-SAVINGS:2026-Q4' },
    },
    'GET /api/v1/decisions': { allow: 'anyone' },
    'POST /api/v1/decisions': { allow: 'anyone', body: { incident: 'incident:none' } },
    'GET /api/v1/decisions/{id}': { allow: 'anyone', params: { id: 'DEC-1' } },
    'POST /api/v1/decisions/{id}/options': {
      allow: 'anyone',
      params: { id: 'DEC-1' },
      body: { title: 'Matrix', changes: [{ kind: 'move_milestone', milestone: 'M-NONE' }] },
    },
    'POST /api/v1/decisions/{id}/decide': {
      allow: ['dana'],
      params: { id: 'DEC-1' },
      body: { option: 99, reason: 'matrix' },
    },
    'GET /api/v1/incidents': { allow: 'anyone' },
    'GET /api/v1/incidents/{id}': {
      allow: 'anyone',
      params: { id: 'incident:work_item:ERP-17' },
    },
    'GET /api/v1/audit': { allow: ['lena', 'omar'] },
    'GET /api/v1/scenarios': { allow: 'anyone' },
    'POST /api/v1/scenarios': {
      allow: SCENARIO_BUILDERS,
      body: { id: 'S-MATRIX', name: 'Matrix', changes: [{ kind: 'nonsense' }] },
    },
    'GET /api/v1/scenarios/{id}': {
      allow: 'anyone',
      params: { id: 'S-DANA' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'POST /api/v1/scenarios/compare': {
      allow: SCENARIO_BUILDERS,
      body: { scenarios: [{ id: 'S-X', name: 'X', changes: [{ kind: 'nonsense' }] }] },
    },
    'POST /api/v1/jira/ingest': { allow: SOURCES, query: 'source=demo', body: {} },
    'GET /api/v1/sources': { allow: 'anyone' },
    'GET /api/v1/webhooks/dead-letters': { allow: ['omar'] },
    'POST /api/v1/webhooks/dead-letters/{seq}/retry': {
      allow: ['omar'],
      params: { seq: '999999' },
    },
    'GET /api/v1/latency': { allow: 'anyone' },
    'POST /api/v1/push/kpi-actuals': {
      allow: PLANNERS,
      body: { actuals: [{ kpi: 'K-OTD', period: '2026-Q1', value: 95.8 }] },
    },
    'POST /api/v1/push/work-items': {
      allow: SOURCES,
      body: {
        source: 'matrix',
        items: [
          {
            key: 'MX-1',
            summary: 'x',
            status: 'To Do',
            statusCategory: 'todo',
            updatedAt: '2026-09-01T00:00:00Z',
          },
        ],
      },
    },
    'POST /api/v1/imports': {
      allow: SOURCES,
      query: 'source=matrix',
      body: '',
      contentType: 'text/csv',
    },
    'GET /api/v1/imports': { allow: SOURCES },
    'GET /api/v1/imports/mappings/{source}': { allow: SOURCES, params: { source: 'matrix' } },
    'PUT /api/v1/imports/mappings/{source}': {
      allow: SOURCES,
      params: { source: 'matrix' },
      body: { kind: 'nonsense' },
    },
    'GET /api/v1/me/notification-preferences': { allow: 'anyone' },
    'PUT /api/v1/me/notification-preferences': {
      allow: 'anyone',
      body: { channel: 'none' },
    },
    'GET /api/v1/me': { allow: 'anyone' },
    'GET /api/v1/session': { allow: 'public' },
    // Sign-in: public, and refused by the token it carries (here none that works).
    'POST /api/v1/session': { allow: 'signature', body: { token: 'tl_nope_nope' } },
    'DELETE /api/v1/session': { allow: 'public' },
    'GET /api/v1/tokens': { allow: 'anyone' },
    'POST /api/v1/tokens': { allow: 'anyone', body: { label: 'matrix', expiresIn: '1d' } },
    'DELETE /api/v1/tokens/{id}': { allow: 'anyone', params: { id: 'nope' } },
    'POST /hooks/jira/{site}': { allow: 'signature', params: { site: 'demo' }, body: {} },
    'GET /api/v1/plan': { allow: 'anyone' },
    'GET /api/v1/plan/history': { allow: 'anyone' },
    'GET /api/v1/exports/signals.csv': { allow: 'anyone' },
    'GET /api/v1/exports/signals.xlsx': { allow: 'anyone' },
    'GET /api/v1/exports/initiatives.csv': { allow: 'anyone' },
    'GET /api/v1/exports/initiatives.xlsx': { allow: 'anyone' },
    // A new unit: a whole-plan change, for the strategy office and admins only.
    'POST /api/v1/plan': {
      allow: PLANNERS,
      bodyFor: (who) =>
        demoPlan.replace('units:\n', `units:\n  - { id: LEGAL-${who}, name: Legal }\n`),
      contentType: 'application/yaml',
    },
    'POST /api/v1/plan/validate': {
      allow: 'anyone',
      body: demoPlan,
      contentType: 'application/yaml',
    },
    // Baselines and the forecast history (issue 13 part 5): planners save, anyone reads.
    'GET /api/v1/baselines': { allow: 'anyone' },
    'POST /api/v1/baselines': { allow: PLANNERS, bodyFor: (who) => ({ name: `Matrix ${who}` }) },
    'GET /api/v1/baselines/{id}/variance': { allow: 'anyone', params: { id: 'B0' } },
    'GET /api/v1/kpis/{id}/forecast-history': {
      allow: 'anyone',
      params: { id: 'K-PLANT3-COST' },
      hidden: ['omar', 'sam', 'priya'],
    },
    // Stage gates (issue 13 part 1): anyone who sees an initiative reads its gate; only the
    // gate's owner (Dana, by R-COST's go_no_go) decides; I-ERP's milestones are not done: 409.
    'GET /api/v1/initiatives/{id}/gate': {
      allow: 'anyone',
      params: { id: 'I-DIVEST' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'POST /api/v1/initiatives/{id}/gate': {
      allow: ['dana'],
      params: { id: 'I-ERP' },
      body: { decision: 'go', note: 'matrix' },
    },
    'GET /api/v1/portfolio': { allow: 'anyone' },
    // Locked periods (issue 13 part 4): anyone reads which are closed; controllers close, adjust.
    'GET /api/v1/periods': { allow: 'anyone' },
    'GET /api/v1/periods/{period}': { allow: 'anyone', params: { period: '2026-08' } },
    'POST /api/v1/periods/{period}/close': { allow: ['lena'], params: { period: '2026-09' } },
    // An amount of 0 is refused after the policy passed: the plans posted above stay the demo's.
    'POST /api/v1/periods/{period}/adjustments': {
      allow: ['lena'],
      params: { period: '2026-08' },
      body: { kpi: 'K-OTD', amount: 0, reason: 'matrix' },
    },
    // Review packs (issue 13 part 6): the reviews for anyone; a review's packs for its attendees
    // (Dana, Marco, Priya, Sam, Lena) and the executives and strategy office; publishing for the
    // attendees, the strategy office and admins. Dana's publish makes the 2026-09-14 pack read next.
    'GET /api/v1/reviews': { allow: 'anyone' },
    'GET /api/v1/reviews/{id}/packs': {
      allow: ['dana', 'lena', 'sam', 'priya'],
      params: { id: 'REV-OPS' },
    },
    'POST /api/v1/reviews/{id}/packs': { allow: [...PEOPLE], params: { id: 'REV-OPS' } },
    'GET /api/v1/review-packs/{packId}': {
      allow: ['dana', 'lena', 'sam', 'priya'],
      params: { packId: 'RP-REV-OPS-2026-09-14' },
    },
    // Money and validated value (issue 13 parts 2 and 3): anyone reads what they see; only a
    // finance controller who does not own the benefit's initiative validates (Lena).
    'GET /api/v1/money': { allow: 'anyone' },
    'GET /api/v1/initiatives/{id}/money': {
      allow: 'anyone',
      params: { id: 'I-DIVEST' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'GET /api/v1/objectives/{id}/money': {
      allow: 'anyone',
      params: { id: 'O-PORTFOLIO' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'GET /api/v1/benefits/{id}/value': {
      allow: 'anyone',
      params: { id: 'B-DIVEST-COST' },
      hidden: ['omar', 'sam', 'priya'],
    },
    'POST /api/v1/benefits/{id}/validations': {
      allow: ['lena'],
      params: { id: 'B-ERP-INVOICING' },
      body: { period: '2026-08', amount: 41000, note: 'matrix' },
    },
  };
}

describe.each(TEST_DATABASES)('the authorisation matrix on $name', (kind) => {
  let db: Database;
  let app: FastifyInstance;
  let base: string;
  const tokens = {} as Record<Identity, string | null>;

  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    const now = Date.now();
    tokens.none = null;
    tokens.bad = 'tl_0000000000_notarealsecret';
    tokens.expired = await createApiToken(
      db,
      'dana',
      'expired',
      new Date(now - 2 * 86_400_000),
      new Date(now - 86_400_000),
      'admin',
    );
    for (const person of PEOPLE)
      tokens[person] = await createApiToken(
        db,
        person,
        'matrix',
        new Date(now),
        new Date(now + 86_400_000),
        'admin',
      );
    app = await buildServer(ctx);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    // The slip, so that the incident, its signals and DEC-1 exist; and Dana's own scenario.
    const hook = await readFile(DEMO_FILES.erp17Slip, 'utf8');
    const ingest = await send('dana', 'POST', '/api/v1/jira/ingest?source=demo', hook);
    expect(ingest.status).toBe(200);
    const scenario = await send('dana', 'POST', '/api/v1/scenarios', {
      id: 'S-DANA',
      name: 'Dana alone',
      changes: [{ kind: 'move_milestone', milestone: 'M-PURCH', plannedDate: '2026-11-02' }],
    });
    expect(scenario.status, scenario.text).toBe(201);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  async function send(
    who: Identity,
    method: string,
    path: string,
    body?: unknown,
    contentType?: string,
  ): Promise<{ status: number; text: string }> {
    const token = tokens[who];
    const controller = new AbortController();
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined)
      headers['content-type'] =
        contentType ?? (typeof body === 'string' ? 'application/json' : 'application/json');
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      signal: controller.signal,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    // The live stream never ends: its status and first bytes are the answer.
    if (response.headers.get('content-type')?.includes('text/event-stream') === true) {
      controller.abort();
      return { status: response.status, text: '' };
    }
    return { status: response.status, text: await response.text() };
  }

  it('answers every route and method of the API description as the policy table declares', async () => {
    const demoPlan = await readFile(DEMO_FILES.plan, 'utf8');
    const table = policyTable(demoPlan);
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const undeclared = routes.filter((route) => table[route] === undefined);
    expect(undeclared, 'routes without a declared policy').toEqual([]);
    const gone = Object.keys(table).filter((route) => !routes.includes(route));
    expect(gone, 'declared routes the API no longer has').toEqual([]);

    let checked = 0;
    let refused = 0;
    const wrong: string[] = [];
    for (const route of routes) {
      const rule = table[route]!;
      const [method, template] = route.split(' ') as [string, string];
      let path = template.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(rule.params?.[name] ?? ''),
      );
      if (rule.query !== undefined) path += `?${rule.query}`;
      for (const who of IDENTITIES) {
        const body = rule.bodyFor === undefined ? rule.body : rule.bodyFor(who);
        const answer = await send(who, method, path, body, rule.contentType);
        checked++;
        const person = PEOPLE.includes(who as Person) ? (who as Person) : null;
        let expected: 'pass' | 401 | 403 | 404;
        if (rule.allow === 'public') expected = 'pass';
        else if (rule.allow === 'signature') expected = 401;
        else if (person === null) expected = 401;
        else if (rule.allow !== 'anyone' && !rule.allow.includes(person)) expected = 403;
        else if (rule.hidden?.includes(person) === true) expected = 404;
        else expected = 'pass';
        const ok =
          expected === 'pass'
            ? answer.status !== 401 && answer.status !== 403 && answer.status < 500
            : answer.status === expected;
        if (!ok)
          wrong.push(
            `${route} as ${who}: ${answer.status}, expected ${expected} ${answer.text.slice(0, 200)}`,
          );
        else if (expected !== 'pass') refused++;
        if (expected === 403 && ok)
          expect(answer.text, `${route} as ${who}`).toMatch(
            /"code":"(access|decision)\.forbidden"/,
          );
      }
    }
    // The figures the issue asks for, printed for the note.
    console.log(
      `authorisation matrix (${kind.name}): ${routes.length} routes, ${checked} route × identity calls (${IDENTITIES.length} identities), ${refused} refused as expected`,
    );
    expect(wrong).toEqual([]);
    expect(routes.length).toBeGreaterThan(40);
  });
});
