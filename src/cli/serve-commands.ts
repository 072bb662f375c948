import type { Command } from 'commander';
import { loadDemo } from '../app/load-demo.ts';
import { openApp, resolveClock } from '../app/open-app.ts';
import { serverActor, write } from '../app/write.ts';
import { readSyncSchedule } from '../app/sync-scheduler.ts';
import { createLiveModel } from '../app/live-model.ts';
import { readWebhookWindow } from '../app/receive-webhook.ts';
import { buildServer } from '../server/server.ts';
import { readNotificationConfig } from '../app/notifications/notification-config.ts';
import { createNotificationTransports } from '../app/notifications/transports.ts';
import { DEMO_WEBHOOK_SECRET, webhookSecretLookup } from '../app/webhook-secrets.ts';
import { DEMO_SOURCE } from '../app/load-demo.ts';
import { checkDemoDatabase, demoApiToken, DEMO_TOKEN_PERSON } from '../app/demo-mode.ts';
import type { AppContext } from '../app/context.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

async function demoSummary(
  ctx: AppContext,
  kit: CommandKit,
  asOf: string | undefined,
): Promise<void> {
  const result = await loadDemo(ctx, asOf);
  kit.output.out(
    `demo organisation loaded (as of ${result.asOf}): ${result.plan.changes.length} plan change(s), ${result.work.applied} work item update(s)`,
  );
}

/** `serve` and `demo`. */
export function registerServeCommands(program: Command, kit: CommandKit): void {
  program
    .command('demo')
    .description(
      'load the demo organisation (Acme Manufacturing) with its Jira work; clock pinned to 2026-09-14',
    )
    .action(async () => {
      const config = kit.config();
      await withApp(kit, async (ctx) => {
        // Never over another organisation's plan: the demo would be merged into it.
        await checkDemoDatabase(ctx, 'demo');
        const result = await loadDemo(ctx, config.asOf);
        if (kit.json()) {
          printJson(kit.output, {
            asOf: result.asOf,
            planChanges: result.plan.changes.length,
            workItemsApplied: result.work.applied,
          });
          return;
        }
        kit.output.out(
          `demo organisation loaded (as of ${result.asOf}): ${result.plan.changes.length} plan change(s), ${result.work.applied} work item update(s)`,
        );
        kit.output.out(
          'replay the ERP slip: throughline jira ingest --source demo demo/jira/erp-17-due-date-moved.json',
        );
      });
    });

  program
    .command('serve')
    .description('run the web app and the API on one port')
    .option('--port <port>', 'port to listen on (or PORT; default 4400)')
    .option('--host <host>', 'address to listen on (or HOST; default 127.0.0.1)')
    .option(
      '--demo',
      'demo mode (anyone signs in as anyone): loads the demo organisation into an empty database; refused on any other plan',
    )
    .option(
      '--trust-proxy <proxies>',
      'believe X-Forwarded-* from these proxies: true, or addresses/CIDR ranges such as loopback,10.0.0.0/8 (or THROUGHLINE_TRUST_PROXY; default none)',
    )
    .action(
      async (options: { port?: string; host?: string; demo?: boolean; trustProxy?: string }) => {
        const demo = options.demo === true;
        const config = kit.config({
          port: options.port,
          host: options.host,
          trustProxy: options.trustProxy,
        });
        const opened = await openApp(config);
        let ctx: AppContext = opened;
        try {
          if (demo && (await checkDemoDatabase(ctx, '--demo')) === 'empty') {
            await demoSummary(ctx, kit, config.asOf);
            ctx = { ...ctx, clock: await resolveClock(ctx.db, config.asOf) };
          }
        } catch (error) {
          await ctx.db.close();
          throw error;
        }
        // Signals may be due to the passing of time alone: bring them up to date at start, in the
        // model the server then keeps in memory.
        const model = createLiveModel();
        await write({ ...ctx, model }, serverActor('clock'), ({ derive }) => derive());
        const app = await buildServer(
          { ...ctx, model },
          {
            logger: process.env.THROUGHLINE_LOG === '1',
            demo,
            webhookSecret: webhookSecretLookup(ctx, { demo }),
            trustProxy: config.trustProxy,
            sessionLifetime: config.sessionLifetime,
            oidc: config.oidc,
            databaseUrl: config.databaseUrl,
            webhookWindow: readWebhookWindow(process.env),
            jiraSync: readSyncSchedule(process.env),
            notifications: createNotificationTransports(readNotificationConfig(process.env)),
          },
        );
        const address = await app.listen({ port: config.port, host: config.host });
        kit.output.out(
          `Throughline is running at ${address} (as of ${ctx.clock.asOf()}${ctx.clock.pinned ? ', pinned' : ''}; database: ${ctx.db.kind})`,
        );
        kit.output.out(
          `Web app: ${address}/${demo ? ' (demo: sign in as anyone of Acme Manufacturing)' : ''}`,
        );
        kit.output.out(`API description: ${address}/docs`);
        if (demo) {
          kit.output.out(
            `Jira webhooks: POST ${address}/hooks/jira/${DEMO_SOURCE} signed with the demo secret '${DEMO_WEBHOOK_SECRET}'`,
          );
        }
        // Outside a demo no token is made here: each start would leave one more in the logs.
        const token = demo ? await demoApiToken(ctx) : null;
        if (token !== null) {
          kit.output.out(
            `API token for ${DEMO_TOKEN_PERSON} (the demo's, the same at every start while it lasts): ${token}`,
          );
          kit.output.out(`  try: curl -H "Authorization: Bearer ${token}" ${address}/api/v1/state`);
        } else {
          kit.output.out(
            'API tokens: throughline token create --person ID [--expires-in 90d]; list and revoke them with throughline token list / revoke',
          );
        }
        const stop = async (): Promise<void> => {
          await app.close();
          await ctx.db.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
        // Keep running until a signal stops the process.
        await new Promise<never>(() => undefined);
      },
    );
}
