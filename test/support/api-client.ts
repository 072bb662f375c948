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
