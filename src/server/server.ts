import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.ts';
import { authenticate } from './auth.ts';
import { handleError } from './errors.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerJiraRoutes } from './routes/jira.ts';
import { registerPlanRoutes } from './routes/plan.ts';
import { registerSignalRoutes } from './routes/signals.ts';
import { registerStateRoutes } from './routes/state.ts';

export interface ServerOptions {
  /** Log requests (off in tests). */
  logger?: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
}

/** Builds the HTTP server: the API under `/api/v1`, its OpenAPI description at `/docs`. */
export async function buildServer(
  ctx: AppContext,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === true ? { level: 'info' } : false,
    bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      code: 'not_found',
      message: `No route ${request.method} ${request.url}`,
      path: request.url,
    });
  });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Throughline API',
        version: '0.1.0',
        description:
          'The plan (objectives, KPIs, initiatives, milestones, dependencies, benefits), the work mirrored from Jira, and what the engine derives: forecasts, statuses and signals with their cause chains. Every route but /health needs `Authorization: Bearer <token>`.',
      },
      components: {
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.decorateRequest('personId', '');
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    await authenticate(ctx.db, request);
  });

  registerHealthRoutes(app, ctx);
  registerStateRoutes(app, ctx);
  registerSignalRoutes(app, ctx);
  registerJiraRoutes(app, ctx);
  // Plan routes parse their own bodies (to name lines in errors): keep that parser in their scope.
  await app.register((scope, _opts, done) => {
    registerPlanRoutes(scope, ctx);
    done();
  });
  return app;
}
