import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  DEMO_STAND_IN_CREDENTIALS,
  DEMO_STAND_IN_PORT,
  DEMO_STAND_IN_TIME_ZONE,
  DEMO_WEBHOOK_SECRET,
} from '../app/demo-jira-site.ts';
import { DEMO_FILES } from '../app/load-demo.ts';
import { startJiraStandIn } from '../connectors/jira/stand-in/jira-stand-in.ts';
import { sendJiraWebhook } from '../connectors/jira/stand-in/jira-webhook-sender.ts';
import { DomainError } from '../core/errors.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';

async function readJson(file: string): Promise<{ text: string; json: unknown }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DomainError({ code: 'file.not_found', message: `cannot read '${file}'`, file });
  }
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError({ code: 'file.parse', message: `not JSON: ${reason}`, file });
  }
}

/** `jira stand-in` (a local Jira for demos) and `jira send-webhook` (a signed delivery). */
export function registerJiraStandInCommands(jira: Command, kit: CommandKit): void {
  jira
    .command('stand-in')
    .description('run the Jira stand-in (a local Jira REST API for demos and tests) until Ctrl-C')
    .option('--port <port>', 'port on 127.0.0.1', String(DEMO_STAND_IN_PORT))
    .option('--kind <kind>', 'cloud or dc', 'cloud')
    .option('--issues <file>', 'a saved search page whose issues it serves (default: the demo’s)')
    .option('--email <email>', 'Cloud: the e-mail it accepts', DEMO_STAND_IN_CREDENTIALS.email)
    .option(
      '--token <token>',
      'the API token (Cloud) or personal access token (DC) it accepts',
      DEMO_STAND_IN_CREDENTIALS.apiToken,
    )
    .option(
      '--time-zone <zone>',
      "the sync user's time zone (JQL dates are read in it)",
      DEMO_STAND_IN_TIME_ZONE,
    )
    .action(
      async (flags: {
        port: string;
        kind: string;
        issues?: string;
        email: string;
        token: string;
        timeZone: string;
      }) => {
        if (flags.kind !== 'cloud' && flags.kind !== 'dc') {
          throw new DomainError({
            code: 'config.invalid',
            message: `--kind is cloud or dc, not '${flags.kind}'`,
            path: '--kind',
          });
        }
        const file = flags.issues ?? DEMO_FILES.jiraSnapshot;
        const { json } = await readJson(file);
        const issues = (json as { issues?: unknown }).issues;
        if (!Array.isArray(issues)) {
          throw new DomainError({
            code: 'file.parse',
            message: 'expected a search page: { "issues": [...] }',
            file,
            path: '$.issues',
          });
        }
        const standIn = await startJiraStandIn({
          kind: flags.kind,
          credentials:
            flags.kind === 'cloud'
              ? { email: flags.email, apiToken: flags.token }
              : { token: flags.token },
          issues: issues as Record<string, unknown>[],
          timeZone: flags.timeZone,
          port: Number(flags.port),
        }).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
          throw new DomainError({
            code: 'config.invalid',
            message: `port ${flags.port} is in use; pick another with --port`,
            path: '--port',
          });
        });
        kit.output.out(
          `Jira stand-in (${flags.kind}) at ${standIn.url} with ${issues.length} issue(s) from ${file}`,
        );
        kit.output.out(
          flags.kind === 'cloud'
            ? `basic auth: ${flags.email} / ${flags.token}; try: curl -u '${flags.email}:${flags.token}' '${standIn.url}/rest/api/3/search/jql?jql=project%3DERP&fields=summary,duedate'`
            : `bearer token: ${flags.token}`,
        );
        kit.output.out('Ctrl-C stops it');
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await standIn.close();
      },
    );

  jira
    .command('send-webhook')
    .description('send a saved Jira webhook delivery, signed as Jira signs it (X-Hub-Signature)')
    .argument('<file>', 'the delivery body (JSON)')
    .option('--to <url>', 'where to send it', `http://127.0.0.1:4400/hooks/jira/demo`)
    .option(
      '--secret <secret>',
      "the site's webhook secret (the demo's is demo-secret)",
      DEMO_WEBHOOK_SECRET,
    )
    .option('--unsigned', 'send it without a signature')
    .option(
      '--keep-timestamp',
      "send its `timestamp` as saved (by default it is stamped with the current time, as Jira would fire it now, so that the receiver's freshness window takes it)",
    )
    .option('--duplicates <n>', 'send the same delivery this many more times', '0')
    .option(
      '--retries <n>',
      'send it again this many times as retries (X-Atlassian-Webhook-Retry)',
      '0',
    )
    .action(
      async (
        file: string,
        flags: {
          to: string;
          secret: string;
          unsigned?: boolean;
          keepTimestamp?: boolean;
          duplicates: string;
          retries: string;
        },
      ) => {
        const { text } = await readJson(file);
        const sent = await sendJiraWebhook(
          { url: flags.to, secret: flags.unsigned === true ? null : flags.secret },
          flags.keepTimestamp === true ? text : stampedNow(text),
          { duplicates: Number(flags.duplicates), retries: Number(flags.retries) },
        );
        if (kit.json()) {
          printJson(kit.output, sent);
          return;
        }
        for (const s of sent) {
          kit.output.out(
            `${s.identifier}${s.retry > 0 ? ` retry ${s.retry}` : ''}: ${s.status === null ? 'not delivered' : s.status} ${s.responseBody.slice(0, 200)}`,
          );
        }
        if (sent.some((s) => s.status === null || s.status >= 300)) {
          throw new DomainError({
            code: 'request.invalid',
            message: `the receiver at ${flags.to} did not accept every delivery`,
            path: '--to',
          });
        }
      },
    );
}

/** The delivery as Jira would fire it now: its `timestamp` (epoch ms) set to the current time. */
function stampedNow(text: string): string {
  const json: unknown = JSON.parse(text);
  if (json === null || typeof json !== 'object' || Array.isArray(json) || !('timestamp' in json)) {
    return text;
  }
  return JSON.stringify({ ...json, timestamp: Date.now() });
}
