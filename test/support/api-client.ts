import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { pinnedClock } from '../../src/app/clock.ts';
import type { AppContext } from '../../src/app/context.ts';
import { DEMO_AS_OF, loadDemo } from '../../src/app/load-demo.ts';
import { buildServer } from '../../src/server/server.ts';
import type { Database } from '../../src/store/database.ts';
import { createApiToken } from '../../src/store/token-store.ts';
import { openTestDatabase, type TestDatabaseKind } from './databases.ts';

/** An answer of the API: its status and its JSON body. */
export interface Answer<T> {
  status: number;
  body: T;
}

/**
 * A JSON caller for a running server: `call(as, method, path, body?, headers?)` sends the bearer
 * token of `as` (a key of `tokens`, or the token itself; null sends none).
 */
export function apiCaller(
  base: () => string,
  tokens: Readonly<Record<string, string>>,
): <T>(
  as: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Answer<T>> {
  return async <T>(
    as: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> => {
    const response = await fetch(`${base()}${path}`, {
      method,
      headers: {
        ...(as === null ? {} : { authorization: `Bearer ${tokens[as] ?? as}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
}

/** The demo served over HTTP for the tests of one `describe`, with a token for each person named. */
export interface DemoApi {
  readonly db: Database;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  readonly port: number;
  /** Person id → their API token (filled before the tests run). */
  readonly tokens: Readonly<Record<string, string>>;
  /** A JSON caller as one of those people (see apiCaller). */
  readonly call: ReturnType<typeof apiCaller>;
}

/**
 * Loads the demo into a fresh database of `kind`, makes an API token for each of `people` and
 * serves the API (in demo mode when asked) before the tests of the enclosing `describe`; closes
 * the server and the database after them.
 */
export function useDemoApi(
  kind: TestDatabaseKind,
  people: readonly string[],
  options: { demo?: boolean } = {},
): DemoApi {
  let db: Database | undefined;
  let app: FastifyInstance | undefined;
  let base: string | undefined;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    const ctx: AppContext = { db, clock: pinnedClock(DEMO_AS_OF) };
    await loadDemo(ctx, undefined);
    for (const person of people)
      tokens[person] = await createApiToken(db, person, 'test', new Date());
    app = await buildServer(ctx, options.demo === true ? { demo: true } : undefined);
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('The demo API is not started: call useDemoApi in a describe');
    return value;
  };
  return {
    get db() {
      return started(db);
    },
    get base() {
      return started(base);
    },
    get port() {
      return (started(app).server.address() as AddressInfo).port;
    },
    tokens,
    call: apiCaller(() => started(base), tokens),
  };
}
