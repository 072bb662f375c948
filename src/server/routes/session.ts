import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import type { Plan } from '../../core/domain/plan.ts';
import { fail } from '../../core/errors.ts';
import { readPlan } from '../../app/derive.ts';
import { revokeApiToken } from '../../store/session-store.ts';
import { findTokenOwner } from '../../store/token-store.ts';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../session-cookie.ts';
import { bearer, errorResponses } from './schemas.ts';

/** A person as the web app shows them. */
export interface PersonCard {
  id: string;
  name: string;
  title: string | null;
  unit: string | null;
  unitName: string | null;
}

/** The person with this id, with their title and unit; their id alone when the plan has none. */
export function personCard(plan: Plan | null, id: string): PersonCard {
  const person = plan?.people.find((p) => p.id === id);
  if (person === undefined) return { id, name: id, title: null, unit: null, unitName: null };
  return {
    id,
    name: person.name,
    title: person.title ?? null,
    unit: person.unit,
    unitName: plan?.units.find((u) => u.id === person.unit)?.name ?? person.unit,
  };
}

export const personSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    title: { type: ['string', 'null'] },
    unit: { type: ['string', 'null'] },
    unitName: { type: ['string', 'null'] },
  },
  required: ['id', 'name'],
} as const;

/** Web sessions: sign in with an API token, sign out, and who is signed in. */
export function registerSessionRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: { demo: boolean },
): void {
  app.get(
    '/api/v1/session',
    {
      schema: {
        summary:
          'Is the web app signed in, as whom, and is this the demo organisation? Never a 401',
        tags: ['session'],
        response: {
          200: {
            type: 'object',
            properties: {
              signedIn: { type: 'boolean' },
              person: { anyOf: [personSchema, { type: 'null' }] },
              demo: { type: 'boolean' },
            },
          },
        },
      },
      config: { public: true },
    },
    async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const personId =
        token === undefined || token === '' ? null : await findTokenOwner(ctx.db, token);
      return {
        signedIn: personId !== null,
        person: personId === null ? null : personCard(await readPlan(ctx), personId),
        demo: options.demo,
      };
    },
  );

  app.post<{ Body: { token: string } }>(
    '/api/v1/session',
    {
      schema: {
        summary: 'Signs the web app in with an API token (sets an HttpOnly session cookie)',
        tags: ['session'],
        body: {
          type: 'object',
          properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
          required: ['token'],
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { person: personSchema } },
          ...errorResponses,
        },
      },
      config: { public: true },
    },
    async (request, reply) => {
      const token = request.body.token.trim();
      const personId = await findTokenOwner(ctx.db, token);
      if (personId === null) {
        fail('auth.bad_token', 'The API token is not valid', { path: 'body.token' });
      }
      setSessionCookie(request, reply, token);
      return { person: personCard(await readPlan(ctx), personId) };
    },
  );

  app.delete(
    '/api/v1/session',
    {
      schema: {
        summary: 'Signs the web app out: the session token is revoked and the cookie cleared',
        tags: ['session'],
        response: {
          200: { type: 'object', properties: { signedOut: { type: 'boolean' } } },
        },
      },
      config: { public: true },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token !== undefined && token !== '') await revokeApiToken(ctx.db, token);
      clearSessionCookie(reply);
      return { signedOut: true };
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        summary: 'The signed-in person, and whether this is the demo organisation',
        tags: ['session'],
        security: bearer,
        response: {
          200: {
            type: 'object',
            properties: { person: personSchema, demo: { type: 'boolean' } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      person: personCard(await readPlan(ctx), request.personId),
      demo: options.demo,
    }),
  );
}
