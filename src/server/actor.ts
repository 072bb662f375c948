import type { FastifyRequest } from 'fastify';
import type { Actor } from '../app/write.ts';

/** The person a request acts for, and where it came from, as the audit log records it. */
export function actorOf(request: FastifyRequest): Actor {
  const userAgent = request.headers['user-agent'];
  return {
    id: request.personId,
    origin: {
      via: request.authVia === 'cookie' ? 'web' : 'api',
      ip: request.ip,
      ...(typeof userAgent === 'string' ? { userAgent: userAgent.slice(0, 300) } : {}),
      requestId: request.id,
    },
  };
}
