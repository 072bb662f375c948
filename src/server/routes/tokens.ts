import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app/context.ts';
import {
  createTokenAs,
  findTokenById,
  listTokensAs,
  presentToken,
  revokeTokenAs,
} from '../../app/manage-tokens.ts';
import { DEFAULT_API_TOKEN_LIFETIME_MS } from '../../core/access/tokens.ts';
import { MAX_DURATION_MS, parseDuration } from '../../core/duration.ts';
import { fail } from '../../core/errors.ts';
import { actorOf } from '../actor.ts';
import { routeSchema, serializeAsIs, type RouteTypes } from '../../contract/http.ts';
import { createTokenRoute, listTokensRoute, revokeTokenRoute } from '../../contract/tokens.ts';

/** Request bodies of the token routes are a few fields: anything bigger is refused early. */
export const TOKEN_BODY_LIMIT = 4 * 1024;

/** When a token asked for over the API ends: `expiresIn` (a duration) or 90 days from now. */
function expiryOf(expiresIn: string | undefined, now: Date): Date {
  if (expiresIn === undefined) return new Date(now.getTime() + DEFAULT_API_TOKEN_LIFETIME_MS);
  const ms = parseDuration(expiresIn);
  if (ms === null || ms > MAX_DURATION_MS) {
    fail(
      'request.invalid',
      `'${expiresIn.slice(0, 40)}' is not a lifetime: write a whole number with m, h, d or w (e.g. 30d), at most ten years`,
      { path: 'body.expiresIn' },
    );
  }
  return new Date(now.getTime() + ms);
}

/**
 * API tokens over the API: list (one's own; anyone's for an admin), make one (shown once), and
 * revoke one (one's own; anyone's for an admin). Rate-limited (`rateLimit`, per client address).
 */
export function registerTokenRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  rateLimit: { max: number; timeWindow: number },
): void {
  app.get<RouteTypes<typeof listTokensRoute>>(
    '/api/v1/tokens',
    {
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(listTokensRoute),
        summary:
          "The caller's API tokens and web sessions (an admin: anyone's, or one person's with ?person=)",
        tags: ['tokens'],
      },
      config: { rateLimit },
    },
    async (request) => {
      const now = ctx.clock.now();
      const tokens = await listTokensAs(
        ctx,
        { personId: request.personId, scope: request.tokenScope, origin: actorOf(request).origin },
        request.query.person,
      );
      return { tokens: tokens.map((t) => presentToken(t, now)) };
    },
  );

  app.post<RouteTypes<typeof createTokenRoute>>(
    '/api/v1/tokens',
    {
      bodyLimit: TOKEN_BODY_LIMIT,
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(createTokenRoute),
        summary: 'Makes an API token (its secret shown this once); for another person: admins only',
        description:
          "Scope: read (reads only), write, or admin (an admin's own rights). Without a scope, the token may do what its person may, within the caller's own scope. Lifetime: expiresIn (30d, 12h …), 90 days by default.",
        tags: ['tokens'],
      },
      config: { rateLimit },
    },
    async (request, reply) => {
      const now = ctx.clock.now();
      const created = await createTokenAs(
        ctx,
        { personId: request.personId, scope: request.tokenScope, origin: actorOf(request).origin },
        {
          person: request.body.person,
          label: request.body.label,
          scope: request.body.scope,
          expiresAt: expiryOf(request.body.expiresIn, now),
        },
        now,
      );
      const token = await findTokenById(ctx, created.id);
      void reply.status(201);
      return {
        secret: created.secret,
        token: token === null ? undefined : presentToken(token, now),
      };
    },
  );

  app.delete<RouteTypes<typeof revokeTokenRoute>>(
    '/api/v1/tokens/:id',
    {
      bodyLimit: TOKEN_BODY_LIMIT,
      serializerCompiler: serializeAsIs,
      schema: {
        ...routeSchema(revokeTokenRoute),
        summary:
          'Revokes an API token or ends a web session, by id: your own; anyone’s for an admin',
        tags: ['tokens'],
      },
      config: { rateLimit },
    },
    async (request) => {
      const now = ctx.clock.now();
      const revoked = await revokeTokenAs(
        ctx,
        { personId: request.personId, scope: request.tokenScope, origin: actorOf(request).origin },
        request.params.id,
      );
      return { revoked: presentToken(revoked, now) };
    },
  );
}
