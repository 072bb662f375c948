import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ingestWorkItemEvents } from '../app/ingest-work.ts';
import { normalizeJiraPayload } from '../connectors/jira/normalize-jira.ts';
import type { WorkItemEvent } from '../core/domain/work-item.ts';
import { DomainError, type Problem } from '../core/errors.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

async function readPayload(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DomainError({ code: 'file.not_found', message: `cannot read '${file}'`, file });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DomainError({ code: 'file.parse', message: `not JSON: ${reason}`, file });
  }
}

/** `jira ingest FILE...`: saved Jira Cloud payloads in, all files in one transaction. */
export function registerJiraCommands(program: Command, kit: CommandKit): void {
  const jira = program.command('jira').description('Jira work data');
  jira
    .command('ingest')
    .description(
      'ingest saved Jira Cloud REST v3 payloads: search/jql pages and issue webhook deliveries',
    )
    .argument('<files...>', 'JSON files, each one payload')
    .option('--source <id>', 'the Jira site these payloads come from', 'jira')
    .action(async (files: string[], options: { source: string }) => {
      // Read and check every file first: one bad file and nothing is ingested.
      const events: WorkItemEvent[] = [];
      const problems: Problem[] = [];
      for (const file of files) {
        try {
          events.push(
            ...normalizeJiraPayload(await readPayload(file), { source: options.source, file })
              .entries,
          );
        } catch (error) {
          if (error instanceof DomainError) problems.push(...error.problems);
          else throw error;
        }
      }
      if (problems.length > 0) throw new DomainError(problems);
      const result = await withApp(kit, (ctx) => ingestWorkItemEvents(ctx, events));
      if (kit.json()) {
        printJson(kit.output, { ...result, durationMs: Math.round(result.durationMs * 100) / 100 });
        return;
      }
      kit.output.out(
        `ingested ${files.length} file(s): ${result.applied} applied, ${result.duplicates} duplicate, ${result.stale} older than what we hold`,
      );
      const { raised, changed, resolved } = result.signals;
      if (raised.length > 0) kit.output.out(`signals raised: ${raised.join(', ')}`);
      if (changed.length > 0) kit.output.out(`signals changed: ${changed.join(', ')}`);
      if (resolved.length > 0) kit.output.out(`signals resolved: ${resolved.join(', ')}`);
    });
}
