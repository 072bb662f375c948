import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import {
  createIssueStore,
  defaultFields,
  type Json,
  type StandInField,
  type StandInIssue,
  type StandInIssueStore,
} from './stand-in-issues.ts';
import { JqlError, parseJql, type JqlQuery } from './stand-in-jql.ts';
import {
  sendJiraWebhook,
  type SentWebhook,
  type WebhookSendOptions,
} from './jira-webhook-sender.ts';

/**
 * A Jira stand-in: a real local HTTP server implementing the part of the Jira REST API that
 * Throughline uses, shaped after Atlassian's official OpenAPI description
 * (`test/fixtures/reference/jira/jira-cloud-platform-swagger-v3.v3.json`; the contract tests check
 * its answers against it). For tests and demos, never for production.
 *
 * Cloud mode: `GET /rest/api/3/search/jql` (token paging, `fields`, `expand=changelog`, no
 * `total`), `GET /rest/api/{2,3}/field`, `GET /rest/api/{2,3}/myself`, basic auth with e-mail
 * and API token, and 410 Gone on the removed `/rest/api/{2,3}/search`.
 * Data Center mode: `GET /rest/api/2/search` (`startAt`/`maxResults`/`total`),
 * `GET /rest/api/2/field`, `GET /rest/api/2/myself`, bearer personal access tokens.
 *
 * On demand it answers 429 with `Retry-After`, goes down (503, or refusing connections), answers
 * slowly, and sends signed webhooks. It records every request and answer.
 */

export type StandInCredentials = { email: string; apiToken: string } | { token: string };

export interface JiraStandInOptions {
  kind: 'cloud' | 'dc';
  credentials: StandInCredentials;
  /** The time zone of the user the credentials belong to: JQL dates are read in it. Default UTC. */
  timeZone?: string;
  fields?: StandInField[];
  /** Issues as Jira sends them (e.g. a saved search page's `issues`). */
  issues?: readonly Json[];
  /** The most issues a page holds, whatever `maxResults` asks for. Default 100. */
  maxPageSize?: number;
  /** The stand-in's clock (issue timestamps). Default the wall clock. */
  now?: () => Date;
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** A request the stand-in received and what it answered. */
export interface StandInExchange {
  method: string;
  path: string;
  /** Every query parameter with all its values, in order. */
  query: Record<string, string[]>;
  headers: Record<string, string>;
  /** When it arrived (ms since the epoch). */
  at: number;
  status: number;
  /** The answer's JSON body (undefined for an empty body). */
  body: unknown;
}

export interface JiraStandIn {
  readonly url: string;
  readonly port: number;
  readonly kind: 'cloud' | 'dc';
  readonly issues: StandInIssueStore;
  readonly fields: readonly StandInField[];
  /** Every request so far, with its answer (cleared by `clearExchanges`). */
  readonly exchanges: StandInExchange[];
  /** Forgets the exchanges, the search-page count and the in-flight high-water mark. */
  clearExchanges(): void;
  /** The most requests that were in flight at once since `clearExchanges`. */
  readonly maxInFlight: number;
  /** Requests being answered now. */
  readonly inFlight: number;
  /** The next `count` API requests answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(count: number, retryAfterSeconds: number | null): void;
  /**
   * `'503'`: every API request answers 503 Service Unavailable (with `Retry-After` when given);
   * `'refuse'`: the server stops listening (connection refused); `null`: back to normal.
   */
  setOutage(mode: '503' | 'refuse' | null, retryAfterSeconds?: number): Promise<void>;
  /** How long to hold each answer before sending it (0 for none), decided per request. */
  setDelay(
    delay:
      | ((exchange: {
          path: string;
          query: Record<string, string[]>;
          searchPage: number;
        }) => number)
      | null,
  ): void;
  /** A webhook delivery body for an issue as it is now, as Jira would send it. */
  webhookBody(
    key: string,
    event: 'jira:issue_created' | 'jira:issue_updated' | 'jira:issue_deleted',
  ): Json;
  /** Signs and sends a delivery (see `sendJiraWebhook`). */
  sendWebhook(
    target: { url: string; secret: string | null },
    body: Json | string,
    options?: WebhookSendOptions,
  ): Promise<SentWebhook[]>;
  close(): Promise<void>;
}

const REMOVED_SEARCH_MESSAGE =
  'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046';

class HttpAnswer extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

function errorBody(...messages: string[]): Json {
  return { errorMessages: messages, errors: {} };
}

/** Starts a stand-in on 127.0.0.1. */
export async function startJiraStandIn(options: JiraStandInOptions): Promise<JiraStandIn> {
  const host = options.host ?? '127.0.0.1';
  const timeZone = options.timeZone ?? 'UTC';
  const now = options.now ?? (() => new Date());
  const fields = options.fields ?? defaultFields(options.kind);
  const maxPageSize = options.maxPageSize ?? 100;
  const store = createIssueStore({ timeZone, now, fields });
  if (options.issues !== undefined) store.load(options.issues);
  const epicLinkField =
    fields.find((f) => f.schema?.custom === 'com.pyxis.greenhopper.jira:gh-epic-link')?.id ?? null;

  const exchanges: StandInExchange[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let rateLimited = { count: 0, retryAfter: null as number | null };
  let outage: { mode: '503' | 'refuse' | null; retryAfter?: number } = { mode: null };
  let delayFor: Parameters<JiraStandIn['setDelay']>[0] = null;
  let searchPages = 0;
  const sockets = new Set<Socket>();

  let baseUrl = '';
  const server: Server = createServer((req, res) => {
    handle(req, res)
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(server, options.port ?? 0, host);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the stand-in has no port');
  const port = address.port;
  baseUrl = `http://${host}:${port}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const at = Date.now();
    const url = new URL(req.url ?? '/', baseUrl);
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
      else if (Array.isArray(value)) headers[name] = value.join(', ');
    }
    // Drain the body (none of the routes read one).
    for await (const _chunk of req) {
      /* nothing */
    }
    let status = 200;
    let body: unknown;
    let extraHeaders: Record<string, string> = {};
    const isSearch = /\/search(\/jql)?$/.test(url.pathname);
    if (isSearch) searchPages += 1;
    try {
      body = route(req.method ?? 'GET', url.pathname, query, headers);
    } catch (error) {
      const answer =
        error instanceof HttpAnswer
          ? error
          : new HttpAnswer(500, errorBody(`stand-in fault: ${String(error)}`));
      status = answer.status;
      body = answer.body;
      extraHeaders = answer.headers;
    }
    const delay =
      delayFor?.({ path: url.pathname, query, searchPage: isSearch ? searchPages : 0 }) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    exchanges.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query,
      headers,
      at,
      status,
      body,
    });
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json;charset=UTF-8',
      'content-length': Buffer.byteLength(text),
      ...extraHeaders,
    });
    res.end(text);
  }

  function route(
    method: string,
    path: string,
    query: Record<string, string[]>,
    headers: Record<string, string>,
  ): unknown {
    if (!path.startsWith('/rest/api/')) {
      throw new HttpAnswer(404, errorBody(`No resource at ${path}`));
    }
    if (outage.mode === '503') {
      throw new HttpAnswer(
        503,
        errorBody('Service Unavailable'),
        outage.retryAfter === undefined ? {} : { 'retry-after': String(outage.retryAfter) },
      );
    }
    if (rateLimited.count > 0) {
      rateLimited.count -= 1;
      throw new HttpAnswer(
        429,
        errorBody('Rate limit exceeded.'),
        rateLimited.retryAfter === null ? {} : { 'retry-after': String(rateLimited.retryAfter) },
      );
    }
    authenticate(headers.authorization);
    const cloud = options.kind === 'cloud';
    if (cloud && /^\/rest\/api\/[23]\/search$/.test(path)) {
      throw new HttpAnswer(410, errorBody(REMOVED_SEARCH_MESSAGE));
    }
    if (method !== 'GET')
      throw new HttpAnswer(405, errorBody(`Method ${method} is not allowed here.`));
    const versions = cloud ? '[23]' : '2';
    if (new RegExp(`^/rest/api/${versions}/field$`).test(path)) return fields;
    if (new RegExp(`^/rest/api/${versions}/myself$`).test(path)) return myself(path);
    if (cloud && path === '/rest/api/3/search/jql') return searchJql(query);
    if (!cloud && path === '/rest/api/2/search') return searchStartAt(query);
    throw new HttpAnswer(404, errorBody(`No resource at ${path}`));
  }

  function authenticate(header: string | undefined): void {
    const credentials = options.credentials;
    let ok = false;
    if ('token' in credentials) {
      ok = header === `Bearer ${credentials.token}`;
    } else if (header?.startsWith('Basic ') === true) {
      const pair = Buffer.from(header.slice(6), 'base64').toString('utf8');
      ok = pair === `${credentials.email}:${credentials.apiToken}`;
    }
    if (!ok) {
      throw new HttpAnswer(
        401,
        errorBody('You are not authenticated. Authentication required to perform this operation.'),
        {
          'www-authenticate': options.kind === 'cloud' ? 'Basic realm="protected-area"' : 'Bearer',
        },
      );
    }
  }

  function myself(path: string): Json {
    const credentials = options.credentials;
    const email = 'email' in credentials ? credentials.email : 'stand-in@example.com';
    const base = {
      self: `${baseUrl}${path.replace(/myself$/, 'user')}?accountId=557058:stand-in`,
      displayName: 'Stand-in Sync User',
      emailAddress: email,
      active: true,
      timeZone,
      locale: 'en_US',
    };
    return options.kind === 'cloud'
      ? { ...base, accountId: '557058:stand-in', accountType: 'atlassian' }
      : { ...base, key: 'JIRAUSER10000', name: 'throughline-sync' };
  }

  function parseQuery(jql: string): JqlQuery {
    try {
      return parseJql(jql, { timeZone, epicLinkField });
    } catch (error) {
      if (error instanceof JqlError) throw new HttpAnswer(400, errorBody(error.message));
      throw error;
    }
  }

  function intParam(query: Record<string, string[]>, name: string, fallback: number): number {
    const raw = query[name]?.[0];
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw)) {
      throw new HttpAnswer(
        400,
        errorBody(`The value '${raw}' is invalid for the ${name} parameter.`),
      );
    }
    return Number(raw);
  }

  function matching(jql: string): { issues: StandInIssue[]; query: JqlQuery } {
    const parsed = parseQuery(jql);
    const issues = store.all().filter((i) => parsed.matches(i));
    issues.sort((a, b) => parsed.compare(a, b));
    return { issues, query: parsed };
  }

  function searchJql(query: Record<string, string[]>): Json {
    const jql = query.jql?.[0] ?? '';
    if (jql.trim() === '' || /^\s*order\s+by/i.test(jql)) {
      // search/jql refuses unbounded queries.
      throw new HttpAnswer(
        400,
        errorBody(
          'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
        ),
      );
    }
    const { issues, query: parsed } = matching(jql);
    const size = Math.min(maxPageSize, Math.max(1, intParam(query, 'maxResults', 50)));
    let from = 0;
    const token = query.nextPageToken?.[0];
    if (token !== undefined) {
      const after = decodeToken(token, jql);
      // Keyset paging: the page starts after the last issue of the page before, wherever that
      // issue is now, so an issue that changes meanwhile is never skipped.
      from = issues.findIndex((i) => parsed.compare(i, after) > 0);
      if (from < 0) from = issues.length;
    }
    const page = issues.slice(from, from + size);
    const last = page[page.length - 1];
    const isLast = from + size >= issues.length;
    return {
      issues: page.map((i) => issueJson(i, query, 'id')),
      isLast,
      ...(isLast || last === undefined ? {} : { nextPageToken: encodeToken(last, jql) }),
    };
  }

  function searchStartAt(query: Record<string, string[]>): Json {
    const jql = query.jql?.[0] ?? '';
    const { issues } = matching(jql);
    const startAt = intParam(query, 'startAt', 0);
    const size = Math.min(maxPageSize, intParam(query, 'maxResults', 50));
    return {
      expand: 'schema,names',
      startAt,
      maxResults: size,
      total: issues.length,
      issues: issues.slice(startAt, startAt + size).map((i) => issueJson(i, query, '*navigable')),
    };
  }

  function issueJson(issue: StandInIssue, query: Record<string, string[]>, fallback: string): Json {
    const wanted = (query.fields ?? [fallback]).flatMap((v) => v.split(',')).map((v) => v.trim());
    const all = wanted.includes('*all') || wanted.includes('*navigable');
    const excluded = new Set(wanted.filter((w) => w.startsWith('-')).map((w) => w.slice(1)));
    const known = new Set(fields.map((f) => f.id));
    const picked: Json = {};
    const ids = all ? [...new Set([...known, ...Object.keys(issue.fields)])] : wanted;
    for (const id of ids) {
      if (id === 'id' || id === 'key' || excluded.has(id) || id.startsWith('*')) continue;
      if (id in issue.fields) picked[id] = structuredClone(issue.fields[id]);
      else if (known.has(id)) picked[id] = null;
    }
    const api = options.kind === 'cloud' ? '3' : '2';
    const onlyId = !all && wanted.every((w) => w === 'id');
    const json: Json = onlyId
      ? { id: issue.id }
      : {
          expand: 'operations,versionedRepresentations,editmeta,changelog,renderedFields',
          id: issue.id,
          self: `${baseUrl}/rest/api/${api}/issue/${issue.id}`,
          key: issue.key,
          fields: picked,
        };
    const expand = (query.expand ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
    if (expand.includes('changelog')) {
      // Jira lists the newest change first.
      const histories = [...issue.histories]
        .reverse()
        .slice(0, 100)
        .map((h) => ({
          id: h.id,
          author: { accountId: '557058:stand-in', displayName: 'Stand-in User', active: true },
          created: h.created,
          items: h.items,
        }));
      json.changelog = {
        startAt: 0,
        maxResults: histories.length,
        total: issue.histories.length,
        histories,
      };
    }
    return json;
  }

  function encodeToken(last: StandInIssue, jql: string): string {
    return Buffer.from(
      JSON.stringify({ jql, key: last.key, id: last.id, fields: last.fields }),
      'utf8',
    ).toString('base64url');
  }

  function decodeToken(token: string, jql: string): StandInIssue {
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        jql?: unknown;
        key?: unknown;
        id?: unknown;
        fields?: unknown;
      };
      if (
        decoded.jql === jql &&
        typeof decoded.key === 'string' &&
        typeof decoded.id === 'string'
      ) {
        return { key: decoded.key, id: decoded.id, fields: decoded.fields as Json, histories: [] };
      }
    } catch {
      // falls through to the refusal below
    }
    throw new HttpAnswer(400, errorBody('The provided next page token is invalid or expired.'));
  }

  function webhookBody(
    key: string,
    event: 'jira:issue_created' | 'jira:issue_updated' | 'jira:issue_deleted',
  ): Json {
    const issue = store.get(key);
    if (issue === undefined) throw new Error(`the stand-in has no issue ${key}`);
    const last = issue.histories[issue.histories.length - 1];
    const api = options.kind === 'cloud' ? '3' : '2';
    return {
      timestamp: now().getTime(),
      webhookEvent: event,
      issue_event_type_name:
        event === 'jira:issue_created'
          ? 'issue_created'
          : event === 'jira:issue_deleted'
            ? 'issue_deleted'
            : 'issue_generic',
      user: { accountId: '557058:stand-in', displayName: 'Stand-in User', active: true },
      issue: {
        id: issue.id,
        self: `${baseUrl}/rest/api/${api}/issue/${issue.id}`,
        key: issue.key,
        fields: structuredClone(issue.fields),
      },
      ...(last === undefined || event === 'jira:issue_created'
        ? {}
        : { changelog: { id: last.id, items: structuredClone(last.items) } }),
    };
  }

  const standIn: JiraStandIn = {
    url: baseUrl,
    port,
    kind: options.kind,
    issues: store,
    fields,
    exchanges,
    clearExchanges: () => {
      exchanges.length = 0;
      searchPages = 0;
      maxInFlight = inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    rateLimit(count, retryAfterSeconds) {
      rateLimited = { count, retryAfter: retryAfterSeconds };
    },
    async setOutage(mode, retryAfterSeconds) {
      const wasRefusing = outage.mode === 'refuse';
      outage = {
        mode,
        ...(retryAfterSeconds === undefined ? {} : { retryAfter: retryAfterSeconds }),
      };
      if (mode === 'refuse' && !wasRefusing) await stop(server, sockets);
      if (mode !== 'refuse' && wasRefusing) await listen(server, port, host);
    },
    setDelay(delay) {
      delayFor = delay;
    },
    webhookBody,
    sendWebhook: (target, body, sendOptions) => sendJiraWebhook(target, body, sendOptions),
    async close() {
      if (outage.mode !== 'refuse') await stop(server, sockets);
    },
  };
  return standIn;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stop(server: Server, sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  });
}
