import type { Command } from 'commander';
import { loadDemo } from '../app/load-demo.ts';
import { openApp, resolveClock } from '../app/open-app.ts';
import { recomputeSignals } from '../app/derive.ts';
import { createLiveModel } from '../app/live-model.ts';
import { readWebhookWindow } from '../app/receive-webhook.ts';
import { buildServer } from '../server/server.ts';
import { readNotificationConfig } from '../app/notifications/notification-config.ts';
import { createNotificationTransports } from '../app/notifications/transports.ts';
import { DEMO_WEBHOOK_SECRET, webhookSecretLookup } from '../app/webhook-secrets.ts';
import { DEMO_SOURCE } from '../app/load-demo.ts';
import { loadPlan } from '../store/plan-store.ts';
import { createApiToken } from '../store/token-store.ts';
import type { AppContext } from '../app/context.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

/** The person the demo's API token acts as: the COO, who sees everything. */
const DEMO_PERSON = 'dana';

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
    .option('--demo', 'load the demo organisation first when the database holds no plan')
    .action(async (options: { port?: string; host?: string; demo?: boolean }) => {
      const config = kit.config({ port: options.port, host: options.host });
      const opened = await openApp(config);
      let ctx = opened;
      if (options.demo === true && (await loadPlan(ctx.db)) === null) {
        await demoSummary(ctx, kit, config.asOf);
        ctx = { db: ctx.db, clock: await resolveClock(ctx.db, config.asOf) };
      }
      // Signals may be due to the passing of time alone: bring them up to date at start, in the
      // model the server then keeps in memory.
      const model = createLiveModel();
      await ctx.db.transaction((tx) =>
        recomputeSignals(tx, ctx.clock.asOf(), ctx.clock.now(), { model }),
      );
      const app = await buildServer(
        { ...ctx, model },
        {
          logger: process.env.THROUGHLINE_LOG === '1',
          demo: options.demo === true,
          webhookSecret: webhookSecretLookup(ctx),
          databaseUrl: config.databaseUrl,
          webhookWindow: readWebhookWindow(process.env),
          notifications: createNotificationTransports(readNotificationConfig(process.env)),
        },
      );
      const address = await app.listen({ port: config.port, host: config.host });
      const plan = await loadPlan(ctx.db);
      const tokenPerson =
        plan?.people.some((p) => p.id === DEMO_PERSON) === true ? DEMO_PERSON : plan?.people[0]?.id;
      kit.output.out(
        `Throughline is running at ${address} (as of ${ctx.clock.asOf()}${ctx.clock.pinned ? ', pinned' : ''}; database: ${ctx.db.kind})`,
      );
      kit.output.out(
        `Web app: ${address}/${options.demo === true ? ' (demo: sign in as anyone of Acme Manufacturing)' : ''}`,
      );
      kit.output.out(`API description: ${address}/docs`);
      if (options.demo === true) {
        kit.output.out(
          `Jira webhooks: POST ${address}/hooks/jira/${DEMO_SOURCE} signed with the demo secret '${DEMO_WEBHOOK_SECRET}'`,
        );
      }
      if (tokenPerson !== undefined) {
        const token = await createApiToken(
          ctx.db,
          tokenPerson,
          'printed at start',
          ctx.clock.now(),
        );
        kit.output.out(`API token for ${tokenPerson}: ${token}`);
        kit.output.out(`  try: curl -H "Authorization: Bearer ${token}" ${address}/api/v1/state`);
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
    });
}
