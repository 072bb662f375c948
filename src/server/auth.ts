import type { FastifyRequest } from 'fastify';
import { DomainError } from '../core/errors.ts';
import type { Queryable } from '../store/database.ts';
import { findTokenOwner } from '../store/token-store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The person the bearer token belongs to. */
    personId: string;
  }
}

/** Resolves the bearer token of a request to its person, or refuses the request. */
export async function authenticate(db: Queryable, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new DomainError({
      code: 'auth.missing_token',
      message: 'This route needs an API token: send "Authorization: Bearer <token>"',
      path: 'headers.authorization',
    });
  }
  const person = await findTokenOwner(db, match[1]);
  if (person === null) {
    throw new DomainError({
      code: 'auth.bad_token',
      message: 'The API token is not valid',
      path: 'headers.authorization',
    });
  }
  request.personId = person;
}
