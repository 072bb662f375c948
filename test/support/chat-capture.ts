import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the capturing chat webhook received. */
export interface CapturedPost {
  path: string;
  contentType: string | undefined;
  body: unknown;
}

/** How the webhook answers one request; answers are taken in order, then 200 "ok". */
export interface ScriptedAnswer {
  status: number;
  retryAfter?: string;
  /** Do not answer at all for this long (a receiver that hangs). */
  hangMs?: number;
}

/** A local HTTP server standing in for a Slack-compatible incoming webhook. */
export interface ChatCapture {
  /** Base address, e.g. `http://127.0.0.1:PORT`; any path is accepted. */
  url: string;
  posts: CapturedPost[];
  script: ScriptedAnswer[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the capturing webhook on 127.0.0.1 and a free port. */
export async function startChatCapture(): Promise<ChatCapture> {
  const capture: ChatCapture = {
    url: '',
    posts: [],
    script: [],
    close: () => Promise.resolve(),
  };
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const text = await readBody(request);
    capture.posts.push({
      path: request.url ?? '',
      contentType: request.headers['content-type'],
      body: JSON.parse(text) as unknown,
    });
    const answer = capture.script.shift() ?? { status: 200 };
    if (answer.hangMs !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, answer.hangMs));
      if (response.destroyed) return;
    }
    response.writeHead(answer.status, {
      'content-type': 'text/plain',
      ...(answer.retryAfter === undefined ? {} : { 'retry-after': answer.retryAfter }),
    });
    response.end(answer.status === 200 ? 'ok' : 'no');
  };
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  capture.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  capture.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return capture;
}
