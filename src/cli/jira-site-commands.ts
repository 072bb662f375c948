import type { Command } from 'commander';
import { addJiraSite, type JiraSiteView } from '../app/add-jira-site.ts';
import { listJiraSiteStatus } from '../app/list-jira-sites.ts';
import { syncJiraSite, type SyncProgress } from '../app/sync-jira-site.ts';
import type { JiraCredentials } from '../connectors/jira/jira-client.ts';
import { DomainError, type Problem } from '../core/errors.ts';
import { registerJiraStandInCommands } from './jira-stand-in-commands.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

interface SiteAddFlags {
  kind: string;
  url?: string;
  email?: string;
  token?: string;
  tokenEnv?: string;
  pat?: string;
  patEnv?: string;
  webhookSecret?: string;
  webhookSecretEnv?: string;
  projects?: string;
  jql?: string;
  startDateField?: string;
  storyPointsField?: string;
  sprintField?: string;
  overlapMinutes: string;
  pageSize: string;
}

/** The `jira` command, made by `registerJiraCommands` when it ran first. */
function jiraCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'jira') ??
    program.command('jira').description('Jira work data')
  );
}

/** Reads a flag's value, or the environment variable a `…-env` flag names (keeps tokens out of shell history). */
function fromFlagOrEnv(
  value: string | undefined,
  envName: string | undefined,
  flag: string,
): string | undefined {
  if (value !== undefined) return value;
  if (envName === undefined) return undefined;
  const fromEnv = process.env[envName];
  if (fromEnv === undefined || fromEnv === '') {
    throw new DomainError({
      code: 'config.invalid',
      message: `the environment variable ${envName} (named by --${flag}-env) is not set`,
      path: `--${flag}-env`,
    });
  }
  return fromEnv;
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) {
    throw new DomainError({
      code: 'config.invalid',
      message: `'${text}' is not a whole number`,
      path: flag,
    });
  }
  return Number(text);
}

function list(text: string | undefined): string[] | undefined {
  return text === undefined
    ? undefined
    : text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

function credentialsOf(flags: SiteAddFlags, kind: 'cloud' | 'dc'): JiraCredentials | null {
  const token = fromFlagOrEnv(flags.token, flags.tokenEnv, 'token');
  const pat = fromFlagOrEnv(flags.pat, flags.patEnv, 'pat');
  const problems: Problem[] = [];
  if (kind === 'cloud' && pat !== undefined) {
    problems.push({
      code: 'config.invalid',
      message: 'Jira Cloud takes --email and --token (an API token), not a personal access token',
      path: '--pat',
    });
  }
  if (kind === 'dc' && (token !== undefined || flags.email !== undefined)) {
    problems.push({
      code: 'config.invalid',
      message: 'Jira Data Center takes --pat (a personal access token), not --email/--token',
      path: '--token',
    });
  }
  if ((flags.email === undefined) !== (token === undefined) && kind === 'cloud') {
    problems.push({
      code: 'config.invalid',
      message: 'give both --email and --token (or --token-env), or neither for a webhook-only site',
      path: flags.email === undefined ? '--email' : '--token',
    });
  }
  if (problems.length > 0) throw new DomainError(problems);
  if (pat !== undefined) return { kind: 'bearer', token: pat };
  if (flags.email !== undefined && token !== undefined)
    return { kind: 'basic', email: flags.email, apiToken: token };
  return null;
}

function describeSelection(site: JiraSiteView): string {
  if (site.config.jql !== null) return site.config.jql;
  if (site.config.projects.length > 0) return `projects ${site.config.projects.join(', ')}`;
  return 'the work the plan links to';
}

function printProgress(kit: CommandKit, progress: SyncProgress): void {
  // Progress goes to stderr when stdout carries JSON for a script.
  const say = (text: string): void => (kit.json() ? kit.output.err(text) : kit.output.out(text));
  switch (progress.kind) {
    case 'start':
      say(
        `${progress.mode} sync of '${progress.site}' as ${progress.user}${progress.timeZone === null ? '' : ` (${progress.timeZone})`}`,
      );
      say(`  JQL: ${progress.jql}`);
      break;
    case 'retry':
      say(
        `  ${progress.path}: ${progress.reason}${progress.retryAfter ? ' (Retry-After)' : ''}, waiting ${(progress.waitMs / 1000).toFixed(1)} s before attempt ${progress.attempt + 1}`,
      );
      break;
    case 'page':
      say(
        `  page ${progress.page}: ${progress.issues} issue(s)${progress.total === null ? '' : ` of ${progress.total}`} — ${progress.applied} applied, ${progress.duplicates} seen before, ${progress.stale} older than held; cursor ${progress.cursor ?? '-'}`,
      );
      break;
  }
}

/** `jira site add|list` and `jira sync SITE` (and the stand-in for demos). */
export function registerJiraSiteCommands(program: Command, kit: CommandKit): void {
  const jira = jiraCommand(program);
  const site = jira
    .command('site')
    .description('Jira sites to sync from (credentials are encrypted at rest)');

  site
    .command('add')
    .description('add a Jira site, or replace the configuration of the site with that id')
    .argument('<id>', "the site's id: the work items' source and the webhook path /hooks/jira/<id>")
    .requiredOption('--url <url>', "the site's base URL, e.g. https://acme.atlassian.net")
    .option('--kind <kind>', 'cloud or dc (Data Center)', 'cloud')
    .option('--email <email>', 'Cloud: the account e-mail for basic auth')
    .option('--token <token>', 'Cloud: the API token (prefer --token-env)')
    .option('--token-env <name>', 'Cloud: the environment variable holding the API token')
    .option('--pat <token>', 'Data Center: the personal access token (prefer --pat-env)')
    .option('--pat-env <name>', 'Data Center: the environment variable holding the token')
    .option(
      '--webhook-secret <secret>',
      'the secret Jira signs webhooks with (prefer --webhook-secret-env)',
    )
    .option('--webhook-secret-env <name>', 'the environment variable holding the webhook secret')
    .option('--projects <keys>', 'project keys to sync, comma-separated (default selection)')
    .option('--jql <jql>', 'a JQL selection instead of projects (no ORDER BY)')
    .option('--start-date-field <id>', 'the start-date field id (default: found by name)')
    .option(
      '--story-points-field <ids>',
      'story-point field ids, comma-separated (default: found by name)',
    )
    .option('--sprint-field <id>', 'the sprint field id (default: found by type)')
    .option(
      '--overlap-minutes <n>',
      'how far before the cursor an incremental sync asks again',
      '5',
    )
    .option('--page-size <n>', 'issues per page', '100')
    .action(async (id: string, flags: SiteAddFlags & { url: string }) => {
      if (flags.kind !== 'cloud' && flags.kind !== 'dc') {
        throw new DomainError({
          code: 'config.invalid',
          message: `--kind is cloud or dc, not '${flags.kind}'`,
          path: '--kind',
        });
      }
      const kind = flags.kind;
      const credentials = credentialsOf(flags, kind);
      const webhookSecret = fromFlagOrEnv(
        flags.webhookSecret,
        flags.webhookSecretEnv,
        'webhook-secret',
      );
      const result = await withApp(kit, (ctx) =>
        addJiraSite(ctx, {
          id,
          kind,
          baseUrl: flags.url,
          credentials,
          ...(webhookSecret === undefined ? {} : { webhookSecret }),
          ...(flags.projects === undefined ? {} : { projects: list(flags.projects) ?? [] }),
          jql: flags.jql ?? null,
          startDateField: flags.startDateField ?? null,
          storyPointsFields: list(flags.storyPointsField) ?? null,
          sprintField: flags.sprintField ?? null,
          overlapMinutes: wholeNumber(flags.overlapMinutes, '--overlap-minutes'),
          pageSize: wholeNumber(flags.pageSize, '--page-size'),
        }),
      );
      if (kit.json()) {
        printJson(kit.output, result);
        return;
      }
      const s = result.site;
      kit.output.out(
        `${result.action} Jira site '${s.id}' (${s.kind}, ${s.baseUrl}, ${s.authKind === 'none' ? 'no API access: webhooks only' : `${s.authKind} auth`}${s.hasWebhookSecret ? ', signed webhooks' : ''}); syncs ${describeSelection(s)}`,
      );
      if (s.hasCredentials || s.hasWebhookSecret)
        kit.output.out('secrets are stored encrypted (AES-256-GCM)');
    });

  site
    .command('list')
    .description('the Jira sites, how far each sync got and whether its data is stale')
    .option(
      '--stale-after <minutes>',
      'a site whose last sync succeeded longer ago than this is stale',
      '30',
    )
    .action(async (flags: { staleAfter: string }) => {
      const staleAfter = wholeNumber(flags.staleAfter, '--stale-after');
      const sites = await withApp(kit, (ctx) => listJiraSiteStatus(ctx, staleAfter));
      if (kit.json()) {
        printJson(kit.output, sites);
        return;
      }
      if (sites.length === 0) {
        kit.output.out('no Jira sites; add one with `throughline jira site add ID --url URL …`');
        return;
      }
      for (const s of sites) {
        const staleness = s.stale;
        kit.output.out(
          `${s.id}  ${s.kind}  ${s.baseUrl}${s.demo ? '  (demo)' : ''}${staleness === null ? '' : `  STALE ${staleness.staleMinutes} min`}`,
        );
        kit.output.out(
          `  syncs ${describeSelection(s)}; auth ${s.authKind}; webhooks ${s.hasWebhookSecret ? 'signed' : 'unsigned'}`,
        );
        kit.output.out(
          `  cursor ${s.syncCursor ?? '-'}; last success ${s.lastSuccessAt ?? '-'}; last failure ${s.lastFailureAt ?? '-'}${s.lastError === null ? '' : ` (${s.lastError.code}: ${s.lastError.message})`}`,
        );
      }
    });

  jira
    .command('sync')
    .description('sync a Jira site: initial the first time, incremental (from the cursor) after')
    .argument('<site>', 'the site id')
    .option('--full', 'ignore the cursor and read everything the site selects again')
    .action(async (siteId: string, flags: { full?: boolean }) => {
      const result = await withApp(kit, (ctx) =>
        syncJiraSite(ctx, siteId, {
          full: flags.full === true,
          onProgress: (progress) => printProgress(kit, progress),
        }),
      );
      if (kit.json()) {
        printJson(kit.output, result);
        return;
      }
      kit.output.out(
        `synced '${result.site}': ${result.issues} issue(s) in ${result.pages} page(s) — ${result.applied} applied, ${result.duplicates} seen before, ${result.stale} older than held; cursor ${result.cursor ?? '-'}`,
      );
      const { raised, changed, resolved } = result.signals;
      if (raised.length > 0) kit.output.out(`signals raised: ${raised.join(', ')}`);
      if (changed.length > 0) kit.output.out(`signals changed: ${changed.join(', ')}`);
      if (resolved.length > 0) kit.output.out(`signals resolved: ${resolved.join(', ')}`);
    });

  registerJiraStandInCommands(jira, kit);
}
