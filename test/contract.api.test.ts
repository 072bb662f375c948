import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import { auditPage } from '../src/contract/audit.ts';
import { baselineList, kpiForecastHistory, varianceReport } from '../src/contract/baselines.ts';
import { errorBody } from '../src/contract/common.ts';
import { decideAnswer, decisionDetail, decisionList } from '../src/contract/decisions.ts';
import {
  benefitValueView,
  initiativeMoneyView,
  objectiveMoneyView,
  portfolioMoney,
} from '../src/contract/money.ts';
import { gateView, portfolioView } from '../src/contract/gates.ts';
import { health } from '../src/contract/health.ts';
import { importRunList } from '../src/contract/imports.ts';
import { incident, incidentList } from '../src/contract/incidents.ts';
import { jiraIngestAnswer } from '../src/contract/jira.ts';
import { adjustmentAnswer, periodAnswer, periodList } from '../src/contract/periods.ts';
import { workItemsAnswer } from '../src/contract/push.ts';
import {
  publishPackRoute,
  reviewList,
  reviewPacksRoute,
  showPackRoute,
} from '../src/contract/reviews.ts';
import { me } from '../src/contract/me.ts';
import { notificationPreference } from '../src/contract/notification-preferences.ts';
import { planHistoryPage } from '../src/contract/plan-history.ts';
import { planApplyAnswer, planFile, planValidation } from '../src/contract/plan.ts';
import { knownAtSignalList, signalList } from '../src/contract/signals.ts';
import { sessionState } from '../src/contract/session.ts';
import { deadLetterList, latencyView, sourceList } from '../src/contract/sources.ts';
import { tokenList } from '../src/contract/tokens.ts';
import {
  savedScenario,
  scenarioColumn,
  scenarioComparison,
  scenarioList,
} from '../src/contract/scenarios.ts';
import {
  capacityView,
  explained,
  explainedMilestone,
  explainedUnit,
  explainedWorkItem,
  stateEntities,
  stateView,
} from '../src/contract/state.ts';
import { useDemoApi } from './support/api-client.ts';
import { TEST_DATABASES } from './support/databases.ts';

/**
 * The contract (src/contract) is true: every GET route it covers, called on the demo served by
 * the real server after the ERP-17 slip and a decision, answers what its zod schema says, key
 * for key (the schemas are strict: a property the contract does not list fails here).
 */

function problemsOf(schema: z.ZodType, body: unknown): string[] {
  const parsed = schema.safeParse(body);
  if (parsed.success) return [];
  return parsed.error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}

describe.each(TEST_DATABASES)('the API contract on $name', (kind) => {
  const api = useDemoApi(kind, ['dana', 'priya', 'marco', 'lena', 'omar']);
  const { call, tokens } = api;

  beforeAll(async () => {
    // The ERP-17 slip: signals, an incident, and its decision (DEC-1) opened by the engine.
    const ingest = await fetch(`${api.base}/api/v1/jira/ingest?source=demo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['dana']!}`, 'content-type': 'application/json' },
      body: await readFile(DEMO_FILES.erp17Slip, 'utf8'),
    });
    expect(ingest.status).toBe(200);
    expect(problemsOf(jiraIngestAnswer, await ingest.json())).toEqual([]);
    // The incident while its decision is open, one and all.
    const incidents = await call<{ incidents: { id: string }[] }>(
      'dana',
      'GET',
      '/api/v1/incidents',
    );
    expect(problemsOf(incidentList, incidents.body)).toEqual([]);
    expect(incidents.body.incidents).not.toEqual([]);
    for (const { id } of incidents.body.incidents) {
      const one = await call<unknown>(
        'priya',
        'GET',
        `/api/v1/incidents/${encodeURIComponent(id)}`,
      );
      expect(problemsOf(z.strictObject({ incident }), one.body)).toEqual([]);
    }
    const signals = await call<{ signals: { id: string }[] }>('dana', 'GET', '/api/v1/signals');
    await call(
      'dana',
      'POST',
      `/api/v1/signals/${encodeURIComponent(signals.body.signals[0]!.id)}/ack`,
    );
    const decided = await call('dana', 'POST', '/api/v1/decisions/DEC-1/decide', {
      option: 1,
      reason: 'the contract test decides',
    });
    expect(decided.status).toBe(200);
    expect(problemsOf(decideAnswer, decided.body)).toEqual([]);
    const saved = await call('dana', 'POST', '/api/v1/scenarios', {
      id: 'S-CONTRACT',
      name: 'Accept the go-live slip',
      changes: [{ kind: 'accept_slip', milestone: 'M-GOLIVE' }],
    });
    expect(saved.status).toBe(201);
    expect(problemsOf(savedScenario, saved.body)).toEqual([]);
  }, 120_000);

  /** Each GET route on the contract, as a person, and the schema its 200 answer must match. */
  const routes: [string, string, z.ZodType][] = [
    ['dana', '/api/v1/state', stateView],
    ['priya', '/api/v1/state', stateView],
    ['dana', '/api/v1/capacity', capacityView],
    ['dana', '/api/v1/objectives/O-COST', explained],
    ['dana', '/api/v1/milestones/M-GOLIVE', explainedMilestone],
    ['dana', '/api/v1/work-items/ERP-17', explainedWorkItem],
    ['dana', '/api/v1/units/IT', explainedUnit],
    ['dana', '/api/v1/kpis/K-SAVINGS', explained],
    ['dana', '/api/v1/initiatives/I-ERP', explained],
    ['dana', '/api/v1/signals', signalList],
    ['priya', '/api/v1/signals?status=all', signalList],
    ['dana', '/api/v1/decisions', decisionList],
    ['dana', '/api/v1/decisions?status=open', decisionList],
    ['dana', '/api/v1/decisions/DEC-1', decisionDetail],
    ['dana', '/api/v1/money', portfolioMoney],
    ['priya', '/api/v1/money', portfolioMoney],
    ['dana', '/api/v1/initiatives/I-ERP/money', initiativeMoneyView],
    ['dana', '/api/v1/initiatives/I-PROC/money', initiativeMoneyView],
    ['dana', '/api/v1/objectives/O-COST/money', objectiveMoneyView],
    ['dana', '/api/v1/benefits/B-PURCH-SAVINGS/value', benefitValueView],
    ['marco', '/api/v1/benefits/B-ERP-INVOICING/value', benefitValueView],
    ['dana', '/api/v1/me', me],
    ['dana', '/api/v1/me/notification-preferences', notificationPreference],
    ['marco', '/api/v1/me', me],
    ['dana', '/api/v1/plan', planFile],
    ['priya', '/api/v1/plan', planFile],
    ['dana', '/api/v1/plan/history', planHistoryPage],
    ['priya', '/api/v1/plan/history?item=milestones/M-GOLIVE&limit=5', planHistoryPage],
    ['dana', '/api/v1/sources', sourceList],
    ['dana', '/health', health],
    ['dana', '/api/v1/scenarios', scenarioList],
    ['dana', '/api/v1/incidents', incidentList],
    [
      'dana',
      '/api/v1/initiatives/I-MAINT/gate',
      z.strictObject({ gate: gateView, mayPass: z.boolean() }),
    ],
    [
      'marco',
      '/api/v1/initiatives/I-ERP/gate',
      z.strictObject({ gate: gateView, mayPass: z.boolean() }),
    ],
    ['dana', '/api/v1/portfolio', z.strictObject({ portfolio: portfolioView })],
    ['priya', '/api/v1/portfolio', z.strictObject({ portfolio: portfolioView })],
    ['dana', '/api/v1/tokens', tokenList],
    ['priya', '/api/v1/tokens', tokenList],
    ['omar', '/api/v1/tokens', tokenList],
    ['lena', '/api/v1/audit', auditPage],
    ['omar', '/api/v1/audit?item=decision/&limit=2', auditPage],
    ['dana', '/api/v1/scenarios/S-CONTRACT', scenarioColumn],
    ['dana', '/api/v1/imports', importRunList],
    ['dana', '/api/v1/baselines', baselineList],
    ['omar', '/api/v1/webhooks/dead-letters', deadLetterList],
    ['dana', '/api/v1/latency', latencyView],
    ['dana', '/api/v1/session', sessionState],
    ['priya', '/api/v1/latency', latencyView],
    ['dana', '/api/v1/baselines/original/variance', varianceReport],
    ['priya', '/api/v1/baselines/original/variance', varianceReport],
    ['dana', '/api/v1/kpis/K-SAVINGS/forecast-history', kpiForecastHistory],
    ['dana', '/api/v1/imports?source=demo&limit=5', importRunList],
  ];

  it.each(routes)('as %s, GET %s answers its contract', async (as, path, schema) => {
    const { status, body } = await call<unknown>(as, 'GET', path);
    expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
    expect(problemsOf(schema, body)).toEqual([]);
  });

  it('answers a plan file validated and applied by their contract', async () => {
    // Lena is the strategy office: she may apply the whole plan.
    const stored = await call<{ milestones: { id: string; name: string }[] }>(
      'lena',
      'GET',
      '/api/v1/plan',
    );
    expect(stored.status).toBe(200);
    const text = JSON.stringify(stored.body);
    const post = async (path: string, contentType: string, body: string, as = 'lena') => {
      const response = await fetch(`${api.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[as] ?? as}`, 'content-type': contentType },
        body,
      });
      return { status: response.status, body: await response.json() };
    };
    // JSON is YAML too: the same file sent as either.
    for (const type of ['application/json', 'application/yaml']) {
      const checked = await post('/api/v1/plan/validate', type, text);
      expect(checked.status, JSON.stringify(checked.body)).toBe(200);
      expect(problemsOf(planValidation, checked.body), type).toEqual([]);
    }
    // A dry run that renames the go-live milestone lists the change and changes nothing.
    const renamed = {
      ...stored.body,
      milestones: stored.body.milestones.map((m) =>
        m.id === 'M-GOLIVE' ? { ...m, name: `${m.name} (renamed)` } : m,
      ),
    };
    const dry = await post('/api/v1/plan?dryRun=true', 'application/json', JSON.stringify(renamed));
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(problemsOf(planApplyAnswer, dry.body)).toEqual([]);
    expect(dry.body).toMatchObject({
      dryRun: true,
      changes: [{ collection: 'milestones', id: 'M-GOLIVE', action: 'updated', fields: ['name'] }],
    });
    // The stored plan applied as it is: nothing changes.
    const applied = await post('/api/v1/plan', 'application/json', text);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(problemsOf(planApplyAnswer, applied.body)).toEqual([]);
    expect(applied.body).toMatchObject({ dryRun: false, changes: [] });
    // Refusals are error answers: a file that does not parse, a change the sender may not make.
    const unreadable = await post('/api/v1/plan/validate', 'application/yaml', 'organisation: [');
    expect(unreadable.status).toBe(400);
    expect(problemsOf(errorBody, unreadable.body)).toEqual([]);
    const forbidden = await post(
      '/api/v1/plan',
      'application/json',
      JSON.stringify(renamed),
      'dana',
    );
    expect(forbidden.status).toBe(403);
    expect(problemsOf(errorBody, forbidden.body)).toEqual([]);
  });

  it('answers the signals known at an instant by their contract', async () => {
    const at = new Date().toISOString();
    const { status, body } = await call<unknown>(
      'dana',
      'GET',
      `/api/v1/signals?knownAt=${encodeURIComponent(at)}`,
    );
    expect(status).toBe(200);
    expect(problemsOf(knownAtSignalList, body)).toEqual([]);
  });

  it('answers the named entities of the strategic view by their contract', async () => {
    for (const as of ['dana', 'priya']) {
      const { status, body } = await call<unknown>(as, 'POST', '/api/v1/state/entities', {
        objectives: ['O-COST'],
        kpis: ['K-SAVINGS'],
        initiatives: ['I-ERP'],
        milestones: ['M-GOLIVE'],
        workItems: ['ERP-17', 'NOPE-1'],
      });
      expect(status, as).toBe(200);
      expect(problemsOf(stateEntities, body), as).toEqual([]);
    }
  });

  it('answers a pushed batch of work items by its contract', async () => {
    const batch = {
      source: 'contract',
      items: [
        {
          key: 'CT-1',
          summary: 'A pushed item',
          status: 'Open',
          statusCategory: 'todo',
          updatedAt: '2026-09-14T09:30:00Z',
        },
      ],
    };
    const first = await call<unknown>('dana', 'POST', '/api/v1/push/work-items', batch);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(problemsOf(workItemsAnswer, first.body)).toEqual([]);
  });

  it('answers a period closed, adjusted and read back by its contract', async () => {
    const closed = await call<unknown>('lena', 'POST', '/api/v1/periods/2026-09/close');
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);
    expect(problemsOf(periodAnswer, closed.body)).toEqual([]);
    // 2026-08 is closed on the demo already: one of its KPI actuals corrected.
    const adjusted = await call<unknown>('lena', 'POST', '/api/v1/periods/2026-08/adjustments', {
      kpi: 'K-OTD',
      amount: -0.3,
      reason: 'the contract test adjusts',
    });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);
    expect(problemsOf(adjustmentAnswer, adjusted.body)).toEqual([]);
    for (const as of ['dana', 'lena', 'marco']) {
      const list = await call<unknown>(as, 'GET', '/api/v1/periods');
      expect(list.status, as).toBe(200);
      expect(problemsOf(periodList, list.body), as).toEqual([]);
      for (const period of ['2026-08', '2026-09']) {
        const one = await call<unknown>(as, 'GET', `/api/v1/periods/${period}`);
        expect(one.status, as).toBe(200);
        expect(problemsOf(periodAnswer, one.body), as).toEqual([]);
      }
    }
  });

  it('answers the reviews, a pack published and read back by their contract', async () => {
    const list = await call<unknown>('dana', 'GET', '/api/v1/reviews');
    expect(list.status).toBe(200);
    expect(problemsOf(reviewList, list.body)).toEqual([]);
    const published = await call<{ pack: { id: string } }>(
      'dana',
      'POST',
      '/api/v1/reviews/REV-OPS/packs',
    );
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(problemsOf(publishPackRoute.response[201], published.body)).toEqual([]);
    const packs = await call<unknown>('dana', 'GET', '/api/v1/reviews/REV-OPS/packs');
    expect(packs.status).toBe(200);
    expect(problemsOf(reviewPacksRoute.response[200], packs.body)).toEqual([]);
    const pack = await call<unknown>(
      'dana',
      'GET',
      `/api/v1/review-packs/${encodeURIComponent(published.body.pack.id)}`,
    );
    expect(pack.status).toBe(200);
    expect(problemsOf(showPackRoute.response[200], pack.body)).toEqual([]);
  });

  it('answers a comparison of scenarios by its contract', async () => {
    const { status, body } = await call<unknown>('dana', 'POST', '/api/v1/scenarios/compare', {
      ids: ['S-CONTRACT'],
    });
    expect(status).toBe(200);
    expect(problemsOf(scenarioComparison, body)).toEqual([]);
  });

  it('answers errors by the error contract', async () => {
    for (const path of [
      '/api/v1/decisions/NOPE',
      '/api/v1/decisions?status=maybe',
      '/api/v1/signals?colour=red',
    ]) {
      const { status, body } = await call<unknown>('dana', 'GET', path);
      expect(status, path).toBeGreaterThanOrEqual(400);
      expect(status, path).toBeLessThan(500);
      expect(problemsOf(errorBody, body), path).toEqual([]);
    }
  });

  it('is strict: an unlisted property fails the contract, naming its place', () => {
    expect(problemsOf(decisionList, { decisions: [], extra: 1 }).join(' ')).toMatch(/extra/);
    expect(
      problemsOf(planApplyAnswer, {
        dryRun: false,
        changes: [{ collection: 'units', id: 'IT', action: 'updated', fields: [], before: {} }],
        signals: { raised: [], changed: [], resolved: [] },
      }).join(' '),
    ).toMatch(/changes\.0.*before/);
    // A plan file is checked against the published plan schema, field by field.
    expect(
      problemsOf(planFile, {
        organisation: { name: 'Acme', currency: 'EUR', extra: 1 },
      }).join(' '),
    ).toMatch(/organisation/);
    expect(problemsOf(planFile, 'organisation: Acme')).not.toEqual([]);
  });
});
