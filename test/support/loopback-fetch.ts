/**
 * A `fetch` for tests that talk to local stand-ins: requests to 127.0.0.1 go through, anything
 * else is refused and remembered, so a test can fail on a network call it did not expect
 * (`expectNoStrayCalls`) even when the code under test swallowed the error and retried.
 */
export interface LoopbackFetch {
  fetch: typeof fetch;
  /** URLs of refused calls, in order. */
  readonly stray: string[];
  /** Throws when any call left the machine. */
  expectNoStrayCalls(): void;
}

export function loopbackFetch(): LoopbackFetch {
  const stray: string[] = [];
  const guarded: typeof fetch = (input, init) => {
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    );
    if (url.hostname !== '127.0.0.1') {
      stray.push(url.href);
      return Promise.reject(new Error(`unexpected network call to ${url.href}`));
    }
    return fetch(input, init);
  };
  return {
    fetch: guarded,
    stray,
    expectNoStrayCalls() {
      if (stray.length > 0) throw new Error(`unexpected network calls: ${stray.join(', ')}`);
    },
  };
}
