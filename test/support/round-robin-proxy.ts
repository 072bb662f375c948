import replyFrom from '@fastify/reply-from';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * One address in front of several app instances, as a load balancer would be: requests go round
 * robin to the instances whose `/health` answered lately (checked every `checkEveryMs`); an
 * instance that stops answering leaves the rotation until it answers again. Streams (SSE) pass
 * through as they come. Built on @fastify/reply-from.
 */
export interface RoundRobinProxy {
  readonly url: string;
  /** The upstreams in rotation now. */
  healthy(): string[];
  /** How many requests each upstream was given. */
  readonly given: Map<string, number>;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(
  upstreams: readonly string[],
  checkEveryMs = 250,
): Promise<RoundRobinProxy> {
  const alive = new Set(upstreams);
  const given = new Map(upstreams.map((u) => [u, 0]));
  let next = 0;
  const check = async (): Promise<void> => {
    await Promise.all(
      upstreams.map(async (upstream) => {
        const ok = await fetch(`${upstream}/health`, { signal: AbortSignal.timeout(1_000) })
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) alive.add(upstream);
        else alive.delete(upstream);
      }),
    );
  };
  await check();
  const timer = setInterval(() => void check(), checkEveryMs);
  const pick = (): string | null => {
    const live = upstreams.filter((u) => alive.has(u));
    if (live.length === 0) return null;
    const chosen = live[next % live.length]!;
    next += 1;
    given.set(chosen, (given.get(chosen) ?? 0) + 1);
    return chosen;
  };

  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 20 * 1024 * 1024 });
  await app.register(replyFrom, { http: {} });
  // Bodies pass through untouched (a webhook's signature is over its exact bytes).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.all('/*', (request, reply) => {
    const upstream = pick();
    if (upstream === null) return reply.code(503).send({ message: 'no instance is up' });
    return reply.from(`${upstream}${request.url}`, {
      onError: (failed, { error }) => {
        // The instance went away between two checks: out of rotation, and the client retries.
        alive.delete(upstream);
        void failed.code(502).send({ message: `instance unreachable: ${error.message}` });
      },
    });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    healthy: () => upstreams.filter((u) => alive.has(u)),
    given,
    close: async () => {
      clearInterval(timer);
      await app.close();
    },
  };
}
