import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import type { Plan } from '../../core/domain/plan.ts';
import { fail } from '../../core/errors.ts';
import { readPlan } from '../../app/derive.ts';
import {
  auditSessionEvent,
  checkApiToken,
  checkWebSession,
  endWebSession,
  startWebSession,
  type AuditEntry,
} from '../../app/authenticate.ts';
import { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from '../../core/access/tokens.ts';
import { refusalMessage } from '../auth.ts';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../session-cookie.ts';
import { actorOf } from '../actor.ts';
import type { PersonCardView } from '../../contract/common.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { sessionRoute, signInRoute, signOutRoute } from '../../contract/session.ts';

/**
 * Records a sign-in, a refused one or a sign-out in the audit log (its own small write: no plan
 * changes with it), with the request's origin.
 */
export async function recordSessionEvent(
  ctx: AppContext,
  request: FastifyRequest,
  actor: string,
  entry: AuditEntry,
): Promise<void> {
  const origin = actorOf(request).origin;
  await auditSessionEvent(ctx, actor, entry, { ...origin, via: 'web' });
}

/** Sign-in and sign-out bodies are a token at most: anything bigger is refused early (413). */
export const SESSION_BODY_LIMIT = 4 * 1024;

/** The person with this id, with their title and unit; their id alone when the plan has none. */
export function personCard(plan: Plan | null, id: string): PersonCardView {
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

/**
 * Starts a fresh web session for a person and sets its cookie; the session the browser held
 * before, if any, ends (a new session token at every sign-in, never one reused).
 */
export async function beginWebSession(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  personId: string,
  options: { label: string; lifetime: SessionLifetime },
): Promise<void> {
  const previous = request.cookies[SESSION_COOKIE];
  if (previous !== undefined && previous !== '') await endWebSession(ctx, previous);
  const now = ctx.clock.now();
  const session = await startWebSession(ctx, personId, options.label, now, options.lifetime);
  setSessionCookie(request, reply, session, now);
}

/**
 * Web sessions: sign in with an API token (which mints a session of its own), sign out (which
 * ends only that session), and who is signed in.
 */
export function registerSessionRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  options: {
    demo: boolean;
    sessionLifetime?: SessionLifetime;
    /** The single sign-on provider's name, when one is configured. */
    signOn?: string | null;
    /** Sign-in attempts per client address and window. */
    rateLimit?: { max: number; timeWindow: number };
  },
): void {
  const signOn =
    options.signOn === undefined || options.signOn === null
      ? null
      : { name: options.signOn, url: '/api/v1/session/oidc' };
  const lifetime = options.sessionLifetime ?? DEFAULT_SESSION_LIFETIME;
  app.get<RouteTypes<typeof sessionRoute>>(
    '/api/v1/session',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(sessionRoute),
        summary:
          'Is the web app signed in, as whom, and is this the demo organisation? Never a 401',
        tags: ['session'],
      },
      config: { public: true },
    },
    async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const check =
        token === undefined || token === ''
          ? null
          : await checkWebSession(ctx, token, ctx.clock.now());
      const personId = check?.ok === true ? check.token.personId : null;
      return {
        signedIn: personId !== null,
        person: personId === null ? null : personCard(await readPlan(ctx), personId),
        demo: options.demo,
        signOn,
      };
    },
  );

  app.post<RouteTypes<typeof signInRoute>>(
    '/api/v1/session',
    {
      bodyLimit: SESSION_BODY_LIMIT,
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(signInRoute),
        summary:
          'Signs the web app in with an API token: a new web session of its own, in an HttpOnly cookie',
        description:
          'The API token is only checked: the cookie carries a new session token (7 days at most, ended after 12 hours without a request by default), so signing out never revokes the API token.',
        tags: ['session'],
      },
      config: {
        public: true,
        ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
      },
    },
    async (request, reply) => {
      const check = await checkApiToken(ctx, request.body.token.trim(), ctx.clock.now());
      if (!check.ok) fail('auth.bad_token', refusalMessage(check), { path: 'body.token' });
      const personId = check.token.personId;
      await beginWebSession(ctx, request, reply, personId, { label: 'web session', lifetime });
      await recordSessionEvent(ctx, request, personId, {
        action: 'session.sign_in',
        after: { via: 'token', token: check.token.id },
      });
      return { person: personCard(await readPlan(ctx), personId) };
    },
  );

  app.delete<RouteTypes<typeof signOutRoute>>(
    '/api/v1/session',
    {
      bodyLimit: SESSION_BODY_LIMIT,
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(signOutRoute),
        summary:
          'Signs the web app out: the session ends and the cookie is cleared (the API token it was started with stays)',
        tags: ['session'],
      },
      config: { public: true },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token !== undefined && token !== '') {
        const check = await checkWebSession(ctx, token, ctx.clock.now());
        await endWebSession(ctx, token);
        if (check.ok) {
          await recordSessionEvent(ctx, request, check.token.personId, {
            action: 'session.sign_out',
            item: `token/${check.token.id}`,
          });
        }
      }
      clearSessionCookie(reply);
      return { signedOut: true };
    },
  );
  // Who is signed in, with their roles and permissions: GET /api/v1/me (routes/me.ts).
}
