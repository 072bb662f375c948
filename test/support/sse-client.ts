/** A minimal Server-Sent Events client over fetch, for tests and the latency bench. */
export interface SseEvent {
  id: number | null;
  event: string;
  data: unknown;
  /** performance.now() when the event's last byte arrived. */
  receivedAt: number;
}

export interface SseClient {
  events: SseEvent[];
  /** Resolves with the first event (seen or to come) that matches, or rejects after the timeout. */
  waitFor(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the stream is open (the server sent its first bytes). */
  opened: Promise<void>;
  close(): void;
}

/** Opens `url` as an event stream with a bearer token (and Last-Event-ID when given). */
export function connectSse(
  url: string,
  token: string,
  options: { lastEventId?: number; onEvent?: (event: SseEvent) => void } = {},
): SseClient {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  const waiters = new Set<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  let markOpen: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    markOpen = resolve;
  });

  const dispatch = (block: string): void => {
    let id: number | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = Number(value);
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const parsed: SseEvent = {
      id,
      event,
      data: JSON.parse(data.join('\n')) as unknown,
      receivedAt: performance.now(),
    };
    events.push(parsed);
    options.onEvent?.(parsed);
    for (const waiter of waiters) {
      if (waiter.match(parsed)) {
        waiters.delete(waiter);
        waiter.resolve(parsed);
      }
    }
  };

  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: 'text/event-stream',
  };
  if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
  void (async () => {
    try {
      const response = await fetch(url, { headers, signal: controller.signal });
      if (response.body === null) return;
      const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        markOpen();
        buffer += decoder.decode(value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // Closed by the test.
    }
  })();

  return {
    events,
    opened,
    waitFor(match, timeoutMs = 2000) {
      const seen = events.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`no matching event within ${timeoutMs} ms`));
        }, timeoutMs);
      });
    },
    close: () => controller.abort(),
  };
}
