import type { Command } from 'commander';
import { parseDateOrInstant } from '../core/calendar.ts';
import { fail } from '../core/errors.ts';
import { readAuditLog, type StoredAuditEntry } from '../app/audit-log.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

interface AuditOptions {
  person?: string;
  item?: string;
  from?: string;
  to?: string;
  limit: string;
}

function instant(text: string, option: string): Date {
  const when = parseDateOrInstant(text);
  if (when === null)
    fail('request.invalid', `${option}: '${text}' is not a date or an instant with a zone`, {
      path: option,
    });
  return when;
}

function describe(entry: StoredAuditEntry): string {
  const via = [entry.origin.via, entry.origin.ip].filter((x) => x !== undefined).join(' ');
  return `${entry.at} ${entry.actor} (${via}) ${entry.action}${entry.item === null ? '' : ` ${entry.item}`}`;
}

/** `audit`: the audit log, filtered by person, item and time (docs/SECURITY.md). */
export function registerAuditCommands(program: Command, kit: CommandKit): void {
  program
    .command('audit')
    .description('the audit log: every write with its actor, time, changes and origin')
    .option(
      '--person <id>',
      'writes by this actor (a person id, source:jira:SITE, engine, clock, cli)',
    )
    .option('--item <item>', 'writes to this item (kpis/K-SAVINGS), or under a prefix ending in /')
    .option('--from <when>', 'from this date or instant')
    .option('--to <when>', 'before this date or instant')
    .option('--limit <n>', 'at most this many entries, oldest first', '200')
    .action(async (options: AuditOptions) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000)
        fail(
          'request.invalid',
          `--limit: '${options.limit}' is not a whole number from 1 to 100000`,
          {
            path: '--limit',
          },
        );
      const entries = await withApp(kit, (ctx) =>
        readAuditLog(ctx, {
          ...(options.person === undefined ? {} : { actor: options.person }),
          ...(options.item === undefined ? {} : { item: options.item }),
          ...(options.from === undefined ? {} : { from: instant(options.from, '--from') }),
          ...(options.to === undefined ? {} : { to: instant(options.to, '--to') }),
          limit,
        }),
      );
      if (kit.json()) printJson(kit.output, { entries });
      else if (entries.length === 0) kit.output.out('no entries');
      else
        for (const entry of entries) {
          kit.output.out(describe(entry));
          if (entry.before !== null) kit.output.out(`  before: ${JSON.stringify(entry.before)}`);
          if (entry.after !== null) kit.output.out(`  after:  ${JSON.stringify(entry.after)}`);
        }
    });
}
