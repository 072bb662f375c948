import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loopbackFetch } from '../../../../test/support/loopback-fetch.ts';
import { createJiraClient, type JiraClient } from '../jira-client.ts';
import { projectsJql, syncJql } from '../jira-jql.ts';
import {
  discoverJiraFields,
  fetchJiraIssuePages,
  readJiraIdentity,
  type JiraSiteKind,
} from '../jira-sync.ts';
import { normalizeJiraPayload } from '../normalize-jira.ts';
import { startJiraStandIn, type JiraStandIn, type StandInExchange } from './jira-stand-in.ts';

/**
 * Contract tests: our requests and the stand-in's answers, checked against Atlassian's official
 * Jira Cloud OpenAPI description (test/fixtures/reference/jira/jira-cloud-platform-swagger-v3.v3.json,
 * from github.com/cfdude/mcp-jira @ 8bc79038; see test/fixtures/reference/README.md). Every request
 * the connector makes must be a documented, non-deprecated operation with documented query
 * parameters of the documented types and the documented auth; every answer the stand-in gives
 * must validate against the operation's response schema (with its $refs resolved). If either
 * side drifts from the real API, these fail.
 *
 * Data Center has no description in the reference folder; its `/rest/api/2/search` is checked
 * against the v3 description of the same operation (`/rest/api/3/search`: the same parameters
 * and the same `SearchResults` answer, `startAt`/`maxResults`/`total`).
 */

const REFERENCE = new URL('../../../../test/fixtures/reference/jira/', import.meta.url);
const spec = JSON.parse(
  readFileSync(new URL('jira-cloud-platform-swagger-v3.v3.json', REFERENCE), 'utf8'),
) as OpenApi;
const DEMO_PAGE = JSON.parse(
  readFileSync(new URL('../../../../demo/jira/search-initial.json', import.meta.url), 'utf8'),
) as { issues: Record<string, unknown>[] };

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: Record<string, unknown>;
}
interface Operation {
  operationId: string;
  deprecated?: boolean;
  parameters?: Parameter[];
  security?: Record<string, unknown>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: depending on the loader its default import is the plugin itself or
// the module object holding it.
type AddFormats = (instance: Ajv) => Ajv;
const formatsModule = addFormatsPlugin as unknown as AddFormats | { default: AddFormats };
const addFormats = typeof formatsModule === 'function' ? formatsModule : formatsModule.default;
addFormats(ajv);
// The description says `date-time` (RFC 3339), but Jira writes offsets without a colon
// (`2019-01-30T15:51:33.199+0300`), as Atlassian's own examples in the same file do.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/);
ajv.addSchema(spec, 'jira');

const pointer = (...segments: string[]): string =>
  segments.map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function operationOf(path: string, method: string): Operation | undefined {
  return spec.paths[path]?.[method.toLowerCase()];
}

const responseValidators = new Map<string, ValidateFunction>();
function responseValidator(path: string, method: string, status: number): ValidateFunction {
  const ref = `jira#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  let validate = responseValidators.get(ref);
  if (validate === undefined) {
    validate = ajv.compile({ $ref: ref });
    responseValidators.set(ref, validate);
  }
  return validate;
}

function coerce(values: string[], schema: Record<string, unknown>): unknown {
  const type = schema.type;
  if (type === 'array') return values;
  const value = values[0] ?? '';
  if (values.length > 1) return values; // repeated, but not an array: invalid, and shown as such
  if (type === 'integer' || type === 'number')
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

/** Every way the request strays from the operation's description. */
function requestProblems(
  exchange: StandInExchange,
  op: Operation,
  auth: 'basic' | 'bearer',
): string[] {
  const problems: string[] = [];
  const params = op.parameters ?? [];
  for (const [name, values] of Object.entries(exchange.query)) {
    const param = params.find((p) => p.in === 'query' && p.name === name);
    if (param === undefined) {
      problems.push(`query parameter '${name}' is not documented for ${op.operationId}`);
      continue;
    }
    const validate = ajv.compile(param.schema);
    if (!validate(coerce(values, param.schema))) {
      problems.push(
        `query parameter '${name}'=${JSON.stringify(values)}: ${ajv.errorsText(validate.errors)}`,
      );
    }
  }
  for (const param of params.filter((p) => p.in === 'query' && p.required === true)) {
    if (!(param.name in exchange.query))
      problems.push(`required parameter '${param.name}' is missing`);
  }
  const authorization = exchange.headers.authorization ?? '';
  if (auth === 'basic') {
    const documented = (op.security ?? []).some((s) => 'basicAuth' in s);
    if (!documented) problems.push(`${op.operationId} does not document basic auth`);
    if (!/^Basic [A-Za-z0-9+/]+=*$/.test(authorization))
      problems.push('no basic Authorization header');
  } else if (!/^Bearer \S+$/.test(authorization)) {
    problems.push('no bearer Authorization header');
  }
  if (exchange.headers.accept !== 'application/json')
    problems.push('Accept is not application/json');
  return problems;
}

function responseProblems(exchange: StandInExchange, specPath: string): string[] {
  const validate = responseValidator(specPath, exchange.method, exchange.status);
  if (validate(exchange.body)) return [];
  return [
    `${exchange.method} ${exchange.path} → ${exchange.status}: ${ajv.errorsText(validate.errors)}`,
  ];
}

async function syncLikeOurConnector(
  client: JiraClient,
  kind: JiraSiteKind,
  pageSize: number,
): Promise<number> {
  await readJiraIdentity(client, kind);
  const fieldIds = await discoverJiraFields(client, kind);
  let issues = 0;
  for await (const page of fetchJiraIssuePages(client, {
    kind,
    source: 'contract',
    jqlFrom: (since) => syncJql(projectsJql(['ERP']), since === null ? null : '2026-01-01 00:00'),
    since: null,
    fieldIds,
    pageSize,
    changesSince: null,
  })) {
    issues += page.events.length;
  }
  return issues;
}

describe('the official Jira Cloud description itself', () => {
  it('has the operations we use, and marks the old search deprecated', () => {
    expect(operationOf('/rest/api/3/search/jql', 'GET')?.deprecated).not.toBe(true);
    expect(operationOf('/rest/api/3/field', 'GET')?.operationId).toBe('getFields');
    expect(operationOf('/rest/api/3/myself', 'GET')?.operationId).toBe('getCurrentUser');
    expect(operationOf('/rest/api/3/search', 'GET')?.deprecated).toBe(true);
    expect(operationOf('/rest/api/3/search', 'POST')?.deprecated).toBe(true);
  });

  it('accepts Atlassian’s own search/jql example and rejects a drifted one', () => {
    const example = JSON.parse(
      readFileSync(new URL('openapi-examples/search-jql.GET.200.example.json', REFERENCE), 'utf8'),
    ) as Record<string, unknown>;
    const validate = responseValidator('/rest/api/3/search/jql', 'GET', 200);
    expect(validate(example)).toBe(true);
    // search/jql has no `total` (that was the old /search): a stand-in that sent one must fail.
    expect(validate({ ...example, total: 1 })).toBe(false);
    expect(validate({ ...example, isLast: 'yes' })).toBe(false);
  });
});

describe('contract: Jira Cloud', () => {
  let standIn: JiraStandIn;
  let client: JiraClient;
  const net = loopbackFetch();

  beforeAll(async () => {
    standIn = await startJiraStandIn({
      kind: 'cloud',
      credentials: { email: 'sync@acme.example', apiToken: 'contract-token' },
      timeZone: 'Europe/Berlin',
      issues: DEMO_PAGE.issues,
    });
    // Some history, a sprint and story points, so the answers carry changelogs and custom fields.
    standIn.issues.update('ERP-17', { duedate: '2026-10-23' });
    standIn.issues.update('ERP-20', {
      customfield_10016: 3,
      customfield_10020: [
        {
          id: 12,
          name: 'ERP Sprint 12',
          state: 'active',
          boardId: 1,
          goal: '',
          startDate: '2026-09-07T07:00:00.000Z',
          endDate: '2026-09-18T15:00:00.000Z',
        },
      ],
    });
    client = createJiraClient({
      siteId: 'contract-cloud',
      baseUrl: standIn.url,
      credentials: { kind: 'basic', email: 'sync@acme.example', apiToken: 'contract-token' },
      fetch: net.fetch,
    });
  });
  afterAll(async () => {
    await standIn.close();
  });
  afterEach(() => {
    net.expectNoStrayCalls();
  });

  it('our requests are documented operations, and the answers match their schemas', async () => {
    standIn.clearExchanges();
    expect(await syncLikeOurConnector(client, 'cloud', 2)).toBe(DEMO_PAGE.issues.length);
    const exchanges = standIn.exchanges;
    expect(new Set(exchanges.map((e) => `${e.method} ${e.path}`))).toEqual(
      new Set(['GET /rest/api/3/myself', 'GET /rest/api/3/field', 'GET /rest/api/3/search/jql']),
    );
    const problems: string[] = [];
    for (const exchange of exchanges) {
      const op = operationOf(exchange.path, exchange.method);
      expect(op, `${exchange.method} ${exchange.path} is in the description`).toBeDefined();
      if (op === undefined) continue;
      expect(op.deprecated, `${op.operationId} is not deprecated`).not.toBe(true);
      expect(exchange.status).toBe(200);
      problems.push(
        ...requestProblems(exchange, op, 'basic'),
        ...responseProblems(exchange, exchange.path),
      );
    }
    expect(problems).toEqual([]);
  });

  it('pages with nextPageToken and asks for its fields explicitly', () => {
    const searches = standIn.exchanges.filter((e) => e.path === '/rest/api/3/search/jql');
    expect(searches).toHaveLength(3);
    expect(searches[0]?.query.nextPageToken).toBeUndefined();
    const tokens = searches
      .slice(0, 2)
      .map((e) => (e.body as { nextPageToken?: string }).nextPageToken);
    expect(searches.slice(1).map((e) => e.query.nextPageToken?.[0])).toEqual(tokens);
    expect((searches[2]?.body as { isLast?: boolean }).isLast).toBe(true);
    for (const search of searches) {
      const fields = search.query.fields?.[0]?.split(',') ?? [];
      expect(fields).toEqual(
        expect.arrayContaining([
          'summary',
          'status',
          'duedate',
          'updated',
          'issuelinks',
          'parent',
          'customfield_10015',
          'customfield_10016',
          'customfield_10020',
        ]),
      );
      expect(fields).not.toContain('*all');
      expect(search.query.expand).toEqual(['changelog']);
      expect(search.query.maxResults).toEqual(['2']);
    }
    const page = searches[0]?.body as { issues: { fields: Record<string, unknown> }[] };
    // Only what was asked for comes back.
    expect(Object.keys(page.issues[0]?.fields ?? {})).not.toContain('project');
  });

  it('answers the removed /search with 410 Gone, as Jira Cloud does since 2025', async () => {
    for (const [method, path] of [
      ['GET', '/rest/api/3/search?jql=project%3DERP'],
      ['POST', '/rest/api/3/search'],
      ['GET', '/rest/api/2/search?jql=project%3DERP'],
    ] as const) {
      const response = await net.fetch(`${standIn.url}${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from('sync@acme.example:contract-token').toString('base64')}`,
        },
      });
      expect(response.status).toBe(410);
      const body = (await response.json()) as { errorMessages: string[] };
      expect(body.errorMessages[0]).toContain('/rest/api/3/search/jql');
    }
  });

  it('answers without the credentials with 401, and refuses a bearer token on Cloud', async () => {
    const anonymous = await net.fetch(`${standIn.url}/rest/api/3/myself`);
    expect(anonymous.status).toBe(401);
    const bearer = await net.fetch(`${standIn.url}/rest/api/3/myself`, {
      headers: { authorization: 'Bearer contract-token' },
    });
    expect(bearer.status).toBe(401);
  });

  it('sends webhooks whose bodies our webhook edge reads', () => {
    const body = standIn.webhookBody('ERP-17', 'jira:issue_updated');
    const batch = normalizeJiraPayload(body, { source: 'contract' });
    expect(batch.kind).toBe('webhook');
    const entry = batch.entries[0];
    expect(entry?.op === 'upsert' ? entry.item.dueDate : null).toBe('2026-10-23');
    expect(entry?.change?.changes).toEqual([
      { field: 'dueDate', label: 'duedate', from: '2026-10-02', to: '2026-10-23' },
    ]);
  });
});

describe('contract: Jira Data Center', () => {
  let standIn: JiraStandIn;
  let client: JiraClient;
  const net = loopbackFetch();

  beforeAll(async () => {
    standIn = await startJiraStandIn({ kind: 'dc', credentials: { token: 'dc-pat' } });
    for (let n = 1; n <= 5; n += 1) standIn.issues.add({ key: `ERP-${n}` });
    client = createJiraClient({
      siteId: 'contract-dc',
      baseUrl: standIn.url,
      credentials: { kind: 'bearer', token: 'dc-pat' },
      fetch: net.fetch,
    });
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('pages /rest/api/2/search with startAt as the documented search operation, with bearer auth', async () => {
    standIn.clearExchanges();
    expect(await syncLikeOurConnector(client, 'dc', 2)).toBe(5);
    net.expectNoStrayCalls();
    const problems: string[] = [];
    for (const exchange of standIn.exchanges) {
      // The v2 paths have the same description as their v3 twins.
      const specPath = exchange.path.replace('/rest/api/2/', '/rest/api/3/');
      const op = operationOf(specPath, exchange.method);
      expect(op, `${specPath} is in the description`).toBeDefined();
      if (op === undefined) continue;
      expect(exchange.status).toBe(200);
      problems.push(
        ...requestProblems(exchange, op, 'bearer'),
        ...responseProblems(exchange, specPath),
      );
    }
    expect(problems).toEqual([]);
    const searches = standIn.exchanges.filter((e) => e.path === '/rest/api/2/search');
    // Each page asks again for the last issue of the one before (see jira-sync.ts).
    expect(searches.map((e) => e.query.startAt?.[0])).toEqual(['0', '1', '2', '3']);
    expect(searches.map((e) => (e.body as { total: number }).total)).toEqual([5, 5, 5, 5]);
  });
});
