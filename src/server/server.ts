import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../core/errors.ts';
import { findUnstorable } from '../core/storable-text.ts';
import { bearer } from './routes/schemas.ts';
import type { AppContext } from '../app/context.ts';
import { createLiveModel } from '../app/live-model.ts';
import { serverActor, write } from '../app/write.ts';
import { syncDueSites, type SyncSchedule } from '../app/sync-scheduler.ts';
import { remindAndEscalate } from '../app/decision-reminders.ts';
import { flushDigests } from '../app/notifications/flush-digests.ts';
import { notifyDecisions } from '../app/notifications/notify-decisions.ts';
import { notifySignals } from '../app/notifications/notify-signals.ts';
import { retryNotifications } from '../app/notifications/retry-notifications.ts';
import type { NotificationTransports } from '../app/notifications/transports.ts';
import type { TrustProxy } from '../app/access-config.ts';
import { DEFAULT_SESSION_LIFETIME, type SessionLifetime } from '../core/access/tokens.ts';
import { startEventHub } from './live/event-hub.ts';
import { startInboxWorker, type InboxWorker } from './live/inbox-worker.ts';
import {
  DEFAULT_WEBHOOK_WINDOW,
  type InboxRetryPolicy,
  type WebhookWindow,
} from '../app/receive-webhook.ts';
import { registerEventRoutes } from './routes/events.ts';
import { registerHookRoutes, type WebhookSecretLookup } from './routes/hooks.ts';
import { authenticate } from './auth.ts';
import { handleError } from './errors.ts';
import { registerDecisionRoutes } from './routes/decisions.ts';
import { registerDemoRoutes } from './routes/demo.ts';
import { registerIncidentRoutes } from './routes/incidents.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { importRoutes } from './routes/imports.ts';
import { registerPushRoutes } from './routes/push.ts';
import { registerScenarioRoutes } from './routes/scenarios.ts';
import { registerJiraRoutes } from './routes/jira.ts';
import { registerNotificationPreferenceRoutes } from './routes/notification-preferences.ts';
import { registerMeRoutes } from './routes/me.ts';
import { registerPlanRoutes } from './routes/plan.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerSignalRoutes } from './routes/signals.ts';
import { registerSourceRoutes } from './routes/sources.ts';
import { registerStateRoutes } from './routes/state.ts';
import { registerWebApp } from './web-app.ts';
import { registerTokenRoutes } from './routes/tokens.ts';
import { registerOidcRoutes } from './routes/oidc.ts';
import { registerExportRoutes } from './routes/exports.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerPlanHistoryRoutes } from './routes/plan-history.ts';
import { registerMoneyRoutes } from './routes/money.ts';
import { registerPeriodRoutes } from './routes/periods.ts';
import { registerGateRoutes } from './routes/gates.ts';
import { registerReviewRoutes } from './routes/reviews.ts';
import { publishDuePacks } from '../app/review-packs.ts';
import { registerBaselineRoutes } from './routes/baselines.ts';
import { oidcProvider } from '../app/oidc-sign-in.ts';
import type { OidcConfig } from '../app/access-config.ts';
import { CONTENT_SECURITY_POLICY } from './web-app.ts';

export interface ServerOptions {
  /** Log every request (THROUGHLINE_LOG=1). Faults and warnings are logged whatever this says. */
  logger?: boolean;
  /** Where log lines (JSON, one a line) go; default: standard output. */
  logStream?: { write(line: string): void };
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number;
  /** The demo organisation: its people can sign in with one click, its Jira story be replayed. */
  demo?: boolean;
  /** Folder of the built web app (default: dist/web). */
  webRoot?: string;
  /** The secret each Jira site signs its webhook deliveries with. */
  webhookSecret?: WebhookSecretLookup;
  /** How far a delivery's timestamp may lie from our clock (default 30 min back, 5 ahead); null: any. */
  webhookWindow?: WebhookWindow | null;
  /** How a webhook delivery that failed to apply is retried before it is dead-lettered. */
  inboxRetry?: InboxRetryPolicy;
  /** Server mode: the PostgreSQL server to LISTEN on for other instances' events. */
  databaseUrl?: string;
  /** E-mail and chat transports: when given, affected owners are notified of new signals. */
  notifications?: NotificationTransports;
  /**
   * The proxies believed about the client (X-Forwarded-For, -Proto, -Host): behind a trusted TLS
   * proxy the request's protocol is https and the session cookie Secure. Default: none.
   */
  trustProxy?: TrustProxy;
  /** How long a web session lasts at most, and without a request (default 7 days, 12 hours). */
  sessionLifetime?: SessionLifetime;
  /** Single sign-on with an OpenID Connect provider (docs/SECURITY.md), when configured. */
  oidc?: OidcConfig | null;
  /**
   * Requests per client address and window on the sign-in routes (default 60 a minute) and on
   * the token routes (default 60 a minute); more are refused with 429 and Retry-After.
   */
  rateLimits?: { signIn?: RateLimit; tokens?: RateLimit };
  /** The server's own incremental Jira sync, one instance per site at a time (docs/LIVE.md). */
  jiraSync?: SyncSchedule | null;
}

/** At most `max` requests per client address in `timeWindow` milliseconds. */
export interface RateLimit {
  max: number;
  timeWindow: number;
}

/** Builds the HTTP server: the API under `/api/v1`, its OpenAPI description at `/docs`. */
export async function buildServer(
  appContext: AppContext,
  options: ServerOptions = {},
): Promise<FastifyInstance> {
  // A server keeps the plan, the work and the derived state in memory between requests.
  const ctx: AppContext = { ...appContext, model: appContext.model ?? createLiveModel() };
  // Loaded now, so that the first event after a start does not wait for the whole work to load.
  await ctx.model?.refresh(ctx.db, ctx.clock.asOf());
  const transports = options.notifications;
  // Decisions tell the people they concern (e-mail, chat, the live stream), once across
  // instances; the clock's tick also reminds and escalates. One at a time, never on a request.
  let tellingDecisions: Promise<void> = Promise.resolve();
  let closing = false;
  function tellDecisions(remind: boolean): void {
    if (closing) return;
    tellingDecisions = tellingDecisions
      .then(async () => {
        if (remind) await remindAndEscalate(ctx);
        const told = await notifyDecisions(ctx, transports ?? null);
        if (told.steps > 0) await hub.pump();
      })
      .catch((error: unknown) => app.log.error({ err: error }, 'decision notices failed'));
  }
  const hub = await startEventHub(
    ctx,
    options.databaseUrl,
    transports === undefined
      ? undefined
      : (signals) => {
          // Never on the request path: a slow mail server must not slow the live stream.
          notifySignals(ctx, signals, transports).catch((error: unknown) =>
            app.log.error({ err: error }, 'notifying owners failed'),
          );
          // A webhook's write may have opened a decision by itself.
          tellDecisions(false);
        },
  );
  const app = Fastify({
    // A 500 says "it has been logged": so it is, always, with the request id the answer quotes.
    logger: {
      level: options.logger === true ? 'info' : 'warn',
      ...(options.logStream === undefined ? {} : { stream: options.logStream }),
    },
    genReqId: () => randomUUID(),
    bodyLimit: options.bodyLimit ?? 10 * 1024 * 1024,
    forceCloseConnections: true,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    trustProxy: options.trustProxy ?? false,
  });
  app.setErrorHandler(handleError);
  // Every JSON body, before any route reads it: text PostgreSQL cannot store (NUL, a lone
  // surrogate) or a hostile nesting is a 400 naming its place, never a fault mid-write. Bodies
  // read as text or bytes (plan files, webhooks) are checked by their own readers.
  app.addHook('preValidation', (request, _reply, done) => {
    const body: unknown = request.body;
    const found =
      typeof body !== 'object' || body === null || Buffer.isBuffer(body)
        ? null
        : findUnstorable(body, 'body');
    done(
      found === null
        ? undefined
        : new DomainError({
            code: 'request.invalid',
            message: `${found.path} ${found.reason}`,
            path: found.path,
          }),
    );
  });
  // Deny by default: a route needs a token or a session unless it says `public: true`. The web
  // app's files and the API's description are public; they are marked as they are registered.
  let registeringPublicRoutes = false;
  app.addHook('onRoute', (route) => {
    if (registeringPublicRoutes) route.config = { ...route.config, public: true };
    describeAuthentication(route);
  });
  registeringPublicRoutes = true;
  const serveWebApp = await registerWebApp(app, options.webRoot);
  app.setNotFoundHandler((request, reply) => {
    if (serveWebApp(request, reply)) return;
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
  registeringPublicRoutes = false;

  await app.register(cookie);
  app.decorateRequest('personId', '');
  app.decorateRequest('authVia', null);
  app.decorateRequest('tokenScope', 'read');
  // Security headers on every answer (docs/SECURITY.md "Headers").
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    hsts: { maxAge: 180 * 24 * 60 * 60, includeSubDomains: false },
  });
  // Only the routes that ask for it (sign-in, tokens) are limited, each by client address.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new DomainError({
        code: 'request.rate_limited',
        message: `Too many requests to this route from this address (at most ${context.max} at a time): try again in ${context.after}`,
        path: 'headers.retry-after',
      }),
  });
  // Decided on the route the router matched (it decodes the path), never on the raw URL: an
  // encoded path such as `/%61pi/v1/state` reaches the same route and needs the same token.
  app.addHook('onRequest', async (request) => {
    // No route at all: the 404 answer (or the web app's page) holds no data.
    if (request.routeOptions.url === undefined) return;
    if (request.routeOptions.config.public === true) return;
    await authenticate(ctx, request);
  });

  const worker = startInboxWorker(ctx, hub, app.log, options.inboxRetry);
  // Live streams never end by themselves: end them before the server waits for its connections.
  const notificationTimers: NodeJS.Timeout[] =
    transports === undefined
      ? []
      : [
          setInterval(() => {
            retryNotifications(ctx, transports, ctx.clock.now()).catch((error: unknown) =>
              app.log.error({ err: error }, 'retrying notifications failed'),
            );
          }, 60_000),
          setInterval(() => {
            flushDigests(ctx, transports, ctx.clock.now()).catch((error: unknown) =>
              app.log.error({ err: error }, 'sending digests failed'),
            );
          }, 60 * 60_000),
        ];
  let publishingPacks: Promise<unknown> = Promise.resolve();
  // Meetings from an hour before the start on; older ones are published on demand.
  const packsNotBefore = new Date(ctx.clock.now().getTime() - 60 * 60_000);
  // Time passes without events: today's date moves on, and a source that went quiet goes stale.
  const tick = setInterval(() => {
    tellDecisions(true);
    // A review whose meeting has started gets its pack, e-mailed to its attendees.
    if (!closing)
      publishingPacks = publishingPacks
        .then(() => publishDuePacks(ctx, transports ?? null, packsNotBefore))
        .catch((error: unknown) => app.log.error({ err: error }, 'publishing review packs failed'));
    write(ctx, serverActor('clock'), ({ derive }) => derive())
      .then(() => hub.pump())
      .catch((error: unknown) => {
        app.log.error({ err: error }, 'periodic recompute failed');
      });
  }, 60_000);
  notificationTimers.push(tick);
  // Each Jira site synced on schedule, by whichever instance holds its lease.
  let syncing: Promise<void> = Promise.resolve();
  let syncRunning = false;
  const schedule = options.jiraSync;
  if (schedule !== undefined && schedule !== null)
    notificationTimers.push(
      setInterval(
        () => {
          if (syncRunning || closing) return;
          syncRunning = true;
          syncing = syncDueSites(ctx, schedule, () => closing)
            .then(async (runs) => {
              for (const run of runs)
                if (run.outcome === 'failed')
                  app.log.warn({ err: run.error, site: run.site }, 'scheduled Jira sync failed');
              if (runs.length > 0) await hub.pump();
            })
            .catch((error: unknown) => app.log.error({ err: error }, 'scheduled Jira sync failed'))
            .finally(() => {
              syncRunning = false;
            });
        },
        Math.min(5_000, schedule.everyMs),
      ),
    );
  for (const timer of notificationTimers) timer.unref();
  app.addHook('preClose', async () => {
    for (const timer of notificationTimers) clearInterval(timer);
    closing = true;
    await syncing;
    await tellingDecisions;
    await publishingPacks;
    worker.close();
    await worker.idle();
    await hub.close();
  });
  // After any write through the API, push what it changed to live clients.
  app.addHook('onResponse', async (request, reply) => {
    // A webhook is only persisted when answered: the inbox worker pumps once it is processed.
    if (request.method === 'GET' || reply.statusCode >= 400) return;
    if (request.url.startsWith('/hooks/')) return;
    await hub.pump();
    // A write may have opened or decided a decision (an ingest opens one by itself).
    tellDecisions(false);
  });
  app.decorate('inboxWorker', worker);

  registerHealthRoutes(app, ctx);
  registerEventRoutes(app, hub);
  registerStateRoutes(app, ctx);
  registerSignalRoutes(app, ctx);
  registerDecisionRoutes(app, ctx);
  registerIncidentRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerPlanHistoryRoutes(app, ctx);
  registerMoneyRoutes(app, ctx);
  registerPeriodRoutes(app, ctx);
  registerGateRoutes(app, ctx);
  registerReviewRoutes(app, ctx, transports ?? null);
  registerBaselineRoutes(app, ctx);
  registerScenarioRoutes(app, ctx);
  registerJiraRoutes(app, ctx);
  registerSourceRoutes(app, ctx, () => worker.poke());
  registerPushRoutes(app, ctx);
  await app.register(importRoutes(ctx));
  registerNotificationPreferenceRoutes(app, ctx);
  registerMeRoutes(app, ctx, { demo: options.demo === true });
  const signInLimit = options.rateLimits?.signIn ?? { max: 60, timeWindow: 60_000 };
  registerSessionRoutes(app, ctx, {
    demo: options.demo === true,
    sessionLifetime: options.sessionLifetime,
    signOn: options.oidc?.name ?? null,
    rateLimit: signInLimit,
  });
  if (options.demo === true) registerDemoRoutes(app, ctx, options.sessionLifetime);
  registerTokenRoutes(app, ctx, options.rateLimits?.tokens ?? { max: 60, timeWindow: 60_000 });
  registerExportRoutes(app, ctx);
  if (options.oidc !== undefined && options.oidc !== null) {
    registerOidcRoutes(app, ctx, oidcProvider(options.oidc), {
      lifetime: options.sessionLifetime ?? DEFAULT_SESSION_LIFETIME,
      rateLimit: signInLimit,
    });
  }
  // Webhooks are authenticated by signature and need their raw bytes: their own scope.
  const secretOf = options.webhookSecret ?? (() => Promise.resolve(undefined));
  await app.register((scope, _opts, done) => {
    // Webhooks carry no token: each delivery is authenticated by its signature, in the route.
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
      describeAuthentication(route);
    });
    const window =
      options.webhookWindow === undefined ? DEFAULT_WEBHOOK_WINDOW : options.webhookWindow;
    registerHookRoutes(scope, ctx, secretOf, window, () => worker.poke());
    done();
  });
  // Plan routes parse their own bodies (to name lines in errors): keep that parser in their scope.
  await app.register((scope, _opts, done) => {
    registerPlanRoutes(scope, ctx);
    done();
  });
  return app;
}

/** The OpenAPI description says what the auth hook does: a token unless the route is public. */
function describeAuthentication(route: RouteOptions): void {
  if (route.schema === undefined) return;
  route.schema = { ...route.schema, security: route.config?.public === true ? [] : bearer };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Processes persisted webhook deliveries; tests wait on `idle()`. */
    inboxWorker: InboxWorker;
  }
}
