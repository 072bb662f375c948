import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { routeSchema, type RouteTypes } from '../../contract/http.ts';
import { oidcStartRoute } from '../../contract/session.ts';
import type { AppContext } from '../../app/context.ts';
import { readPlan } from '../../app/derive.ts';
import {
  finishSignOn,
  SIGN_IN_WINDOW_MS,
  startSignOn,
  type OidcProvider,
  type SignOnRefusal,
} from '../../app/oidc-sign-in.ts';
import type { SessionLifetime } from '../../core/access/tokens.ts';
import { beginWebSession, recordSessionEvent } from './session.ts';

/** The cookie that ties a sign-in's callback to the browser that started it (its state only). */
export const SIGN_ON_STATE_COOKIE = 'tl_sign_on';

const COOKIE_PATH = '/api/v1/session/oidc';

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** What the refusal page says, and its status. */
function refusalText(
  refusal: SignOnRefusal,
  providerName: string,
): { status: number; text: string } {
  switch (refusal.reason) {
    case 'unreachable':
      return {
        status: 502,
        text: `${providerName} cannot be reached right now (${refusal.detail}). Try again in a moment; if it lasts, tell your administrator.`,
      };
    case 'not_started_here':
      return {
        status: 400,
        text: 'This sign-in did not start in this browser (or its cookie has gone). Start again from the sign-in page.',
      };
    case 'ended_or_used':
      return {
        status: 400,
        text: 'This sign-in has been used already or took longer than 10 minutes. Start again from the sign-in page.',
      };
    case 'provider_refused':
      return { status: 403, text: `${providerName} did not sign you in (${refusal.detail}).` };
    case 'bad_answer':
      return {
        status: 403,
        text: `${providerName}'s answer did not check out (${refusal.detail}). Start again from the sign-in page.`,
      };
    case 'no_email':
      return {
        status: 403,
        text: `${providerName} did not say your e-mail address, which Throughline needs to know who you are. Ask your administrator to release the e-mail claim to Throughline.`,
      };
    case 'email_not_verified':
      return {
        status: 403,
        text: `${providerName} has not verified the e-mail address ${refusal.email}: only a verified address can sign you in. Verify it with ${providerName}, then sign in again.`,
      };
    case 'unknown_person':
      return {
        status: 403,
        text: `${refusal.email} is not the e-mail address of anyone in the plan, so Throughline cannot tell who you are. Ask the strategy office to add you (or your address) to the plan's people.`,
      };
    case 'ambiguous_person':
      return {
        status: 403,
        text: `${refusal.email} is the e-mail address of more than one person in the plan. Ask the strategy office to give each person their own address.`,
      };
  }
}

/** A plain page (no script: the content security policy allows none inline) saying why. */
function sendRefusal(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Not signed in · Throughline</title></head><body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5"><main><h1>Not signed in</h1><p role="alert">${escapeHtml(text)}</p><p><a href="/">Back to the sign-in page</a></p></main></body></html>`,
    );
}

function stateCookieOptions(request: FastifyRequest, maxAge: number) {
  return {
    path: COOKIE_PATH,
    httpOnly: true,
    // Lax: sent on the provider's top-level redirect back, never on a cross-site sub-request.
    sameSite: 'lax' as const,
    secure: request.protocol === 'https',
    maxAge,
  };
}

/**
 * Single sign-on with an OpenID Connect provider (authorization code with PKCE): the start
 * (which sends the browser to the provider) and the callback (which signs the matched person in
 * with a new web session, or shows a page saying why not).
 */
export function registerOidcRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  provider: OidcProvider,
  options: {
    lifetime: SessionLifetime;
    rateLimit: { max: number; timeWindow: number };
  },
): void {
  const name = provider.config.name;
  app.get<{ Querystring: RouteTypes<typeof oidcStartRoute>['Querystring'] }>(
    '/api/v1/session/oidc',
    {
      schema: {
        ...routeSchema(oidcStartRoute),
        summary: `Signs in with single sign-on: redirects to the provider (authorization code with PKCE)`,
        tags: ['session'],
      },
      config: { public: true, rateLimit: options.rateLimit },
    },
    async (request, reply) => {
      const started = await startSignOn(ctx, provider, request.query.returnTo);
      if (!started.ok) {
        const page = refusalText(started, name);
        return sendRefusal(reply, page.status, page.text);
      }
      void reply.setCookie(
        SIGN_ON_STATE_COOKIE,
        started.state,
        stateCookieOptions(request, SIGN_IN_WINDOW_MS / 1000),
      );
      return reply.header('cache-control', 'no-store').redirect(started.url, 302);
    },
  );

  app.get(
    '/api/v1/session/oidc/callback',
    {
      schema: {
        summary:
          'Where the provider sends the browser back: signs the person with the verified e-mail in, or says why not',
        tags: ['session'],
      },
      config: { public: true, rateLimit: options.rateLimit },
    },
    async (request, reply) => {
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      const browserState = request.cookies[SIGN_ON_STATE_COOKIE];
      void reply.clearCookie(SIGN_ON_STATE_COOKIE, { path: COOKIE_PATH });
      const result = await finishSignOn(ctx, provider, await readPlan(ctx), {
        query,
        browserState,
      });
      if (!result.ok) {
        request.log.warn({ reason: result.reason }, 'single sign-on refused');
        const email = 'email' in result ? result.email : null;
        await recordSessionEvent(ctx, request, 'anonymous', {
          action: 'session.sign_in_refused',
          after: { via: 'oidc', reason: result.reason, ...(email === null ? {} : { email }) },
        });
        const page = refusalText(result, name);
        return sendRefusal(reply, page.status, page.text);
      }
      await beginWebSession(ctx, request, reply, result.personId, {
        label: `web session (${name})`,
        lifetime: options.lifetime,
      });
      await recordSessionEvent(ctx, request, result.personId, {
        action: 'session.sign_in',
        after: { via: 'oidc', email: result.email },
      });
      return reply.header('cache-control', 'no-store').redirect(result.returnTo, 302);
    },
  );
}
