import type { ApiErrorBody, Problem } from './types.ts';

/** An error answer from the API, with its stable code and the problems that name their place. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problems: Problem[];

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.problems = body.problems ?? [{ code: body.code, message: body.message, path: body.path }];
  }
}

/** Called when the session ends (401), so the app can return to the sign-in page. */
let onUnauthenticated: (() => void) | null = null;

/** Registers what to do when the API says the session is gone. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Takes a request public/boot.js started before the app loaded, once; later calls ask anew. */
function takePrefetched(path: string): Promise<Response> | undefined {
  const early = window.__throughlinePrefetch;
  const found = early?.get(path);
  early?.delete(path);
  return found;
}

/** Calls the API with the session cookie; JSON in, JSON out; error answers become ApiError. */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; signal?: AbortSignal; quiet401?: boolean } = {},
): Promise<T> {
  const prefetched =
    init.method === undefined || init.method === 'GET' ? takePrefetched(path) : undefined;
  // A prefetched answer serves only when it is good: a 401 before sign-in says nothing after it.
  const started = await prefetched?.catch(() => null);
  const response =
    started?.ok === true
      ? started
      : await fetch(path, {
          method: init.method ?? 'GET',
          credentials: 'same-origin',
          headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          signal: init.signal,
        });
  const text = await response.text();
  let json: unknown = null;
  if (text !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && init.quiet401 !== true) onUnauthenticated?.();
    throw new ApiError(
      response.status,
      isErrorBody(json)
        ? json
        : { code: 'http', message: `${response.status} ${response.statusText}` },
    );
  }
  return json as T;
}

/** The API path of an entity id, encoded. */
export function apiPath(...segments: string[]): string {
  return `/api/v1/${segments.map(encodeURIComponent).join('/')}`;
}
