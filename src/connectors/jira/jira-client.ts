import { DomainError, type ErrorCode } from '../../core/errors.ts';

/**
 * The one outbound HTTP client for Jira. Every request to a Jira site goes through here, so
 * that every request gets the same care:
 *
 * - a timeout per attempt;
 * - `Retry-After` honoured on 429 and 503, for the whole site (every request to it waits, not
 *   only the one that was told to), plus a little jitter so that many clients do not return in
 *   the same instant;
 * - otherwise exponential backoff with jitter on network failures and 5xx answers;
 * - at most `concurrency` requests in flight per site, across every client in the process;
 * - answers turned into typed domain errors: `jira.unreachable`, `jira.rate_limited`,
 *   `jira.auth_failed`, `jira.refused`, `jira.bad_response`. Credentials never appear in them.
 */

export type JiraCredentials =
  { kind: 'basic'; email: string; apiToken: string } | { kind: 'bearer'; token: string };

/** What happened before a retry, for progress output. */
export interface JiraRetryNotice {
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long we wait before the next attempt. */
  waitMs: number;
  /** `429`, `503`, `connection refused`, `timeout after 30000 ms`, … */
  reason: string;
  /** True when the wait is the site's own `Retry-After`. */
  retryAfter: boolean;
  path: string;
}

/** Time, injectable so that tests of long waits run at once. */
export interface JiraClientTimer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface JiraClientOptions {
  /** The site's id in Throughline, named in errors. */
  siteId: string;
  /** `https://acme.atlassian.net` or a Data Center base URL (context path included). */
  baseUrl: string;
  credentials: JiraCredentials;
  fetch?: typeof fetch;
  /** Per attempt, body included. Default 30 s. */
  timeoutMs?: number;
  /** Attempts per request before giving up. Default 8. */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt. Default 1 s. */
  backoffBaseMs?: number;
  /** Longest backoff step. Default 60 s. */
  backoffMaxMs?: number;
  /** A `Retry-After` longer than this fails at once with `jira.rate_limited`. Default 10 min. */
  maxRetryAfterMs?: number;
  /** Requests in flight per site (site id and base URL). Default 4. The first client of a site sets it. */
  concurrency?: number;
  timer?: JiraClientTimer;
  /** In [0, 1): the jitter. Default Math.random. */
  random?: () => number;
  onRetry?: (notice: JiraRetryNotice) => void;
}

export type JiraQuery = Record<string, string | number | boolean | readonly string[] | undefined>;

export interface JiraClient {
  readonly siteId: string;
  /** GETs a path under the base URL and returns the parsed JSON body of a 2xx answer. */
  getJson(path: string, query?: JiraQuery): Promise<unknown>;
}

const REAL_TIMER: JiraClientTimer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The gate of one site: how many requests may run, and until when everyone must wait. */
interface SiteGate {
  limit: number;
  active: number;
  waiting: (() => void)[];
  notBefore: number;
}

const GATES = new Map<string, SiteGate>();

function gateOf(siteId: string, baseUrl: string, limit: number): SiteGate {
  const key = `${siteId} ${baseUrl}`;
  let gate = GATES.get(key);
  if (gate === undefined) {
    gate = { limit, active: 0, waiting: [], notBefore: 0 };
    GATES.set(key, gate);
  }
  return gate;
}

async function acquire(gate: SiteGate): Promise<() => void> {
  if (gate.active >= gate.limit) {
    await new Promise<void>((resolve) => gate.waiting.push(resolve));
  } else {
    gate.active += 1;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const next = gate.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays counted.
    if (next !== undefined) next();
    else gate.active -= 1;
  };
}

/** Strips a trailing slash so that paths join cleanly. */
export function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The `Authorization` header for the credentials: basic `email:token` (Cloud) or bearer PAT (DC). */
export function authorizationHeader(credentials: JiraCredentials): string {
  if (credentials.kind === 'bearer') return `Bearer ${credentials.token}`;
  const pair = `${credentials.email}:${credentials.apiToken}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/**
 * A `Retry-After` value in milliseconds: delay-seconds or an HTTP date. Null when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The query string: arrays become comma-separated lists, as Jira's documentation writes them. */
export function encodeJiraQuery(query: JiraQuery): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

type Attempt =
  | { kind: 'answer'; status: number; statusText: string; headers: Headers; body: string }
  | { kind: 'network'; reason: string };

/** A client for one Jira site. */
export function createJiraClient(options: JiraClientOptions): JiraClient {
  const baseUrl = normalizeBaseUrl(options.baseUrl);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 8);
  const backoffBaseMs = options.backoffBaseMs ?? 1000;
  const backoffMaxMs = options.backoffMaxMs ?? 60_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 600_000;
  const timer = options.timer ?? REAL_TIMER;
  const random = options.random ?? Math.random;
  const gate = gateOf(options.siteId, baseUrl, Math.max(1, options.concurrency ?? 4));
  const headers = {
    accept: 'application/json',
    authorization: authorizationHeader(options.credentials),
    'user-agent': 'Throughline Jira connector',
  };

  const where = (path: string): string => `Jira site '${options.siteId}' (${baseUrl}${path})`;

  function backoff(attempt: number): number {
    const step = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
    // "Equal jitter": at least half the step, so that a retry never comes straight back.
    return Math.round(step / 2 + random() * (step / 2));
  }

  async function attemptOnce(url: string): Promise<Attempt> {
    const wait = gate.notBefore - timer.now();
    if (wait > 0) await timer.sleep(wait);
    const release = await acquire(gate);
    try {
      const response = await doFetch(url, {
        headers,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      return {
        kind: 'answer',
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body,
      };
    } catch (error) {
      return { kind: 'network', reason: networkReason(error, timeoutMs) };
    } finally {
      release();
    }
  }

  async function getJson(path: string, query: JiraQuery = {}): Promise<unknown> {
    const url = `${baseUrl}${path}${encodeJiraQuery(query)}`;
    const label = `GET ${path}`;
    let last: Attempt | null = null;
    let rateLimited = 0;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      const result = await attemptOnce(url);
      last = result;
      if (result.kind === 'answer' && result.status >= 200 && result.status < 300) {
        return parseBody(result.body, path);
      }
      if (result.kind === 'answer' && !isRetryable(result.status)) {
        throw answerError(result, path);
      }
      if (result.kind === 'answer' && result.status === 429) rateLimited += 1;
      if (attempt === maxAttempts) break;
      let waitMs = backoff(attempt);
      let fromSite = false;
      if (result.kind === 'answer') {
        const retryAfter = parseRetryAfter(result.headers.get('retry-after'), timer.now());
        if (retryAfter !== null && (result.status === 429 || result.status === 503)) {
          if (retryAfter > maxRetryAfterMs) {
            throw jiraError(
              'jira.rate_limited',
              `${where(path)} asks us to wait ${Math.round(retryAfter / 1000)} s (Retry-After), longer than the ${Math.round(maxRetryAfterMs / 1000)} s we wait`,
              label,
            );
          }
          // Honour the site's wait exactly, plus up to 10 % (at most 1 s) so clients spread out.
          waitMs = retryAfter + Math.round(random() * Math.min(1000, retryAfter * 0.1));
          fromSite = true;
          gate.notBefore = Math.max(gate.notBefore, timer.now() + waitMs);
        }
      }
      options.onRetry?.({
        attempt,
        waitMs,
        reason: result.kind === 'answer' ? `${result.status}` : result.reason,
        retryAfter: fromSite,
        path,
      });
      await timer.sleep(fromSite ? Math.max(0, gate.notBefore - timer.now()) : waitMs);
    }
    if (last?.kind === 'answer' && last.status === 429 && rateLimited > 0) {
      throw jiraError(
        'jira.rate_limited',
        `${where(path)} answered 429 Too Many Requests ${rateLimited} times in ${maxAttempts} attempts`,
        label,
      );
    }
    const reason =
      last === null
        ? 'no attempt was made'
        : last.kind === 'answer'
          ? `answered ${last.status}${last.statusText === '' ? '' : ` ${last.statusText}`}`
          : last.reason;
    throw jiraError(
      'jira.unreachable',
      `${where(path)} is unreachable: ${reason} (gave up after ${maxAttempts} attempts)`,
      label,
    );
  }

  function answerError(answer: Extract<Attempt, { kind: 'answer' }>, path: string): DomainError {
    const label = `GET ${path}`;
    const detail = jiraMessages(answer.body);
    const said = detail === '' ? '' : `: ${detail}`;
    if (answer.status === 401) {
      return jiraError(
        'jira.auth_failed',
        `${where(path)} refused the credentials (401)${said}; check the e-mail and API token (Cloud) or the personal access token (Data Center)`,
        label,
      );
    }
    if (answer.status === 403) {
      return jiraError(
        'jira.auth_failed',
        `${where(path)} does not let these credentials do this (403)${said}`,
        label,
      );
    }
    if (answer.status >= 300 && answer.status < 400) {
      const location = answer.headers.get('location') ?? 'elsewhere';
      return jiraError(
        'jira.refused',
        `${where(path)} redirects to ${location} (${answer.status}); check the site's base URL`,
        label,
      );
    }
    return jiraError('jira.refused', `${where(path)} answered ${answer.status}${said}`, label);
  }

  function parseBody(body: string, path: string): unknown {
    try {
      return JSON.parse(body) as unknown;
    } catch {
      throw jiraError(
        'jira.bad_response',
        `${where(path)} answered with something that is not JSON: ${JSON.stringify(body.slice(0, 80))}`,
        `GET ${path}`,
      );
    }
  }

  return { siteId: options.siteId, getJson };
}

/** 429 (slow down), 5xx (the site is struggling) and 408 (it timed out) are worth another try. */
function isRetryable(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

function jiraError(code: ErrorCode, message: string, path: string): DomainError {
  return new DomainError({ code, message, path });
}

/** Jira's own words from an error body (`errorMessages`, `errors`), or '' when it has none. */
function jiraMessages(body: string): string {
  try {
    const json = JSON.parse(body) as unknown;
    if (json === null || typeof json !== 'object') return '';
    const record = json as { errorMessages?: unknown; errors?: unknown; message?: unknown };
    const messages: string[] = [];
    if (Array.isArray(record.errorMessages)) {
      messages.push(...record.errorMessages.filter((m): m is string => typeof m === 'string'));
    }
    if (record.errors !== null && typeof record.errors === 'object') {
      for (const [field, message] of Object.entries(record.errors as Record<string, unknown>)) {
        if (typeof message === 'string') messages.push(`${field}: ${message}`);
      }
    }
    if (typeof record.message === 'string') messages.push(record.message);
    return messages.join('; ').slice(0, 500);
  } catch {
    return '';
  }
}

function networkReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  const code =
    cause !== null && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connection timed out';
    default:
      return error instanceof Error
        ? `${error.message}${code === undefined ? '' : ` (${code})`}`
        : String(error);
  }
}
