import { type Command, Option } from 'commander';
import { remindAndEscalate } from '../app/decision-reminders.ts';
import { flushDigests } from '../app/notifications/flush-digests.ts';
import { notifyDecisions } from '../app/notifications/notify-decisions.ts';
import { readNotificationConfig } from '../app/notifications/notification-config.ts';
import { retryNotifications } from '../app/notifications/retry-notifications.ts';
import {
  sendTestNotification,
  type NotificationChannel,
} from '../app/notifications/send-test-notification.ts';
import {
  closeNotificationTransports,
  createNotificationTransports,
  type NotificationTransports,
} from '../app/notifications/transports.ts';
import { DomainError } from '../core/errors.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

/** `notify digest`, `notify retry` and `notify test --person ID`. */
export function registerNotifyCommands(
  program: Command,
  kit: CommandKit,
  env: NodeJS.ProcessEnv,
): void {
  const withTransports = async <T>(
    work: (transports: NotificationTransports) => Promise<T>,
  ): Promise<T> => {
    const transports = createNotificationTransports(readNotificationConfig(env));
    try {
      return await work(transports);
    } finally {
      closeNotificationTransports(transports);
    }
  };

  const notify = program
    .command('notify')
    .description('notifications to the affected owners (SMTP_URL, SMTP_FROM, PUBLIC_URL)');

  notify
    .command('digest')
    .description('send each person one digest of the signals queued for them')
    .action(async () => {
      const report = await withTransports((transports) =>
        withApp(kit, (ctx) => flushDigests(ctx, transports, ctx.clock.now())),
      );
      if (kit.json()) {
        printJson(kit.output, report);
      } else {
        kit.output.out(
          `${report.sent} digest(s) sent carrying ${report.items} signal(s), ${report.failed} failed, ${report.skipped} skipped`,
        );
        for (const digest of report.digests) {
          const why = digest.reason === undefined ? '' : `: ${digest.reason}`;
          kit.output.out(
            `  ${digest.personId}: ${digest.outcome} (${digest.items} signal(s), ${digest.channel})${why}`,
          );
        }
      }
      // Failed digests stay queued for the next run; the exit code tells a scheduler.
      const failed = report.digests.filter((d) => d.outcome === 'failed');
      if (failed.length > 0) {
        throw new DomainError(
          failed.map((d) => ({
            code: 'notify.send_failed' as const,
            message: `the digest for ${d.personId} was not sent (kept for the next run): ${d.reason ?? 'unknown error'}`,
            path: d.personId,
          })),
        );
      }
    });

  notify
    .command('retry')
    .description('try again the notifications whose send failed')
    .action(async () => {
      const report = await withTransports((transports) =>
        withApp(kit, (ctx) => retryNotifications(ctx, transports, ctx.clock.now())),
      );
      if (kit.json()) {
        printJson(kit.output, report);
        return;
      }
      kit.output.out(
        `${report.sent} sent, ${report.failed} failed again, ${report.skipped} skipped`,
      );
      for (const o of report.outcomes) {
        const why = o.reason === undefined ? '' : `: ${o.reason}`;
        kit.output.out(`  ${o.signalId} → ${o.personId}: ${o.outcome} (${o.channel})${why}`);
      }
    });

  notify
    .command('decisions')
    .description(
      'remind deciders of decisions due soon, escalate the ones past due, and tell the people each step concerns',
    )
    .action(async () => {
      const result = await withTransports((transports) =>
        withApp(kit, async (ctx) => {
          const steps = await remindAndEscalate(ctx);
          return { ...steps, notices: await notifyDecisions(ctx, transports) };
        }),
      );
      if (kit.json()) {
        printJson(kit.output, result);
      } else {
        kit.output.out(
          `as of ${result.asOf}: ${result.reminded.length} reminder(s), ${result.escalated.length} escalation(s); ${result.notices.sent} notice(s) sent, ${result.notices.failed} failed, ${result.notices.skipped} skipped`,
        );
        for (const r of result.reminded)
          kit.output.out(`  ${r.decision}: reminded ${r.decider} (${r.step}, due ${r.dueDate})`);
        for (const e of result.escalated)
          kit.output.out(
            `  ${e.decision}: ${e.stays ? `overdue, stays with ${e.to}` : `escalated from ${e.from} to ${e.to}`} (was due ${e.passedDueDate}, now due ${e.dueDate ?? 'never'})`,
          );
        for (const o of result.notices.outcomes) {
          const why = o.reason === undefined ? '' : `: ${o.reason}`;
          kit.output.out(
            `  ${o.decisionId} ${o.action} → ${o.personId}: ${o.outcome} (${o.channel})${why}`,
          );
        }
      }
      // Failed notices stay pending for the next run; the exit code tells a scheduler.
      const failed = result.notices.outcomes.filter((o) => o.outcome === 'failed');
      if (failed.length > 0) {
        throw new DomainError(
          failed.map((o) => ({
            code: 'notify.send_failed' as const,
            message: `the ${o.action} notice of ${o.decisionId} to ${o.personId} was not sent (tried again next run): ${o.reason ?? 'unknown error'}`,
            path: o.personId,
          })),
        );
      }
    });

  notify
    .command('test')
    .description('send a test message to a person through their preferred channel')
    .requiredOption('--person <id>', 'the person (an id from the plan)')
    .addOption(
      new Option('--channel <channel>', 'use this channel instead of the preferred one').choices([
        'email',
        'chat',
      ]),
    )
    .action(async (options: { person: string; channel?: NotificationChannel }) => {
      const result = await withTransports((transports) =>
        withApp(kit, (ctx) =>
          sendTestNotification(ctx, transports, options.person, options.channel),
        ),
      );
      if (kit.json()) {
        printJson(kit.output, result);
        return;
      }
      kit.output.out(`test message sent to ${result.personId} by ${result.channel} (${result.to})`);
    });
}
