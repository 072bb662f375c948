import type { Command } from 'commander';
import { importMsProject } from '../app/import-msproject.ts';
import { scheduleFile, type ScheduleFileResult } from '../app/schedule-file.ts';
import { fail } from '../core/errors.ts';
import { DEFAULT_SCHEDULES } from '../core/schedule/resource-levelling.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

interface ScheduleOptions {
  level?: boolean;
  seed?: string;
  iterations?: string;
}

/** `schedule FILE` and `msproject import FILE --initiative ID`. */
export function registerScheduleCommands(program: Command, kit: CommandKit): void {
  program
    .command('schedule')
    .description(
      'schedule a plan file, an MS Project XML or a PSPLIB .sm file: early and late dates, slack, critical path',
    )
    .argument('<file>', 'plan file (.yaml, .yml, .json), MS Project XML (.xml) or PSPLIB (.sm)')
    .option('--level', 'also level the resources and print the levelled start of each task')
    .option('--seed <n>', 'seed of the levelling search (the same seed, the same schedule)', '1')
    .option(
      '--iterations <n>',
      'schedules the levelling search may build',
      String(DEFAULT_SCHEDULES),
    )
    .action(async (file: string, options: ScheduleOptions) => {
      const result = await scheduleFile(file, {
        level: options.level === true,
        seed: wholeNumber(options.seed, '--seed'),
        iterations: wholeNumber(options.iterations, '--iterations'),
      });
      if (kit.json()) printJson(kit.output, contract(result));
      else printTable(kit, file, result);
    });
  registerMsProjectImport(program, kit);
}

/** The stable contract first, then the extra fields. */
function contract(result: ScheduleFileResult): object {
  const { finish, levelledFinish, tasks, ...extra } = result;
  return {
    finish,
    ...(levelledFinish !== undefined ? { levelledFinish } : {}),
    tasks: tasks.map(
      ({
        id,
        earlyStart,
        earlyFinish,
        lateStart,
        lateFinish,
        totalSlack,
        freeSlack,
        critical,
        levelledStart,
        ...more
      }) => ({
        id,
        earlyStart,
        earlyFinish,
        lateStart,
        lateFinish,
        totalSlack,
        freeSlack,
        critical,
        ...(levelledStart !== undefined ? { levelledStart } : {}),
        ...more,
      }),
    ),
    ...extra,
  };
}

function printTable(kit: CommandKit, file: string, result: ScheduleFileResult): void {
  const levelled = result.levelledFinish !== undefined;
  const header = [
    'id',
    'name',
    'early start',
    'early finish',
    'late start',
    'late finish',
    `total slack`,
    `free slack`,
    'critical',
    ...(levelled ? ['levelled start'] : []),
  ];
  const rows = result.tasks.map((task) => [
    task.id,
    `${task.summary === true ? '▸ ' : ''}${task.name ?? ''}`,
    String(task.earlyStart),
    String(task.earlyFinish),
    String(task.lateStart),
    String(task.lateFinish),
    formatNumber(task.totalSlack),
    formatNumber(task.freeSlack),
    task.critical ? 'yes' : '',
    ...(levelled ? [String(task.levelledStart ?? '')] : []),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  kit.output.out(`${file}: ${result.tasks.length} tasks, slack in ${result.slackUnit}`);
  kit.output.out(line(header));
  for (const row of rows) kit.output.out(line(row));
  kit.output.out(`finish: ${result.finish}`);
  if (levelled) kit.output.out(`levelled finish: ${result.levelledFinish}`);
  if (result.criticalPath.length > 0)
    kit.output.out(`critical path: ${result.criticalPath.join(' → ')}`);
  for (const warning of result.warnings) kit.output.out(`note: ${warning}`);
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function wholeNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    fail('config.invalid', `${flag} '${text}' is not a whole number`, { path: flag });
  return value;
}

function registerMsProjectImport(program: Command, kit: CommandKit): void {
  const msproject = program.command('msproject').description('MS Project plans (MSPDI XML)');
  msproject
    .command('import')
    .description(
      "turn an MS Project plan's tasks into milestones (and its links into dependencies) of an initiative",
    )
    .argument('<file>', 'MS Project XML (.xml, saved as "XML format")')
    .requiredOption('--initiative <id>', 'the initiative the milestones belong to')
    .option(
      '--prefix <text>',
      'milestone ids are this prefix and the task UID (default: "<initiative>-")',
    )
    .option('--dry-run', 'show what would change, change nothing')
    .action(
      async (file: string, options: { initiative: string; prefix?: string; dryRun?: boolean }) => {
        const result = await withApp(kit, (ctx) =>
          importMsProject(ctx, file, {
            initiative: options.initiative,
            ...(options.prefix !== undefined ? { idPrefix: options.prefix } : {}),
            dryRun: options.dryRun === true,
            actor: 'cli',
          }),
        );
        if (kit.json()) {
          printJson(kit.output, {
            dryRun: result.dryRun,
            milestones: result.milestones,
            dependencies: result.dependencies,
            changes: result.changes.map(({ collection, id, action, fields }) => ({
              collection,
              id,
              action,
              fields,
            })),
            signals: result.signals,
            warnings: result.warnings,
          });
          return;
        }
        const prefix = result.dryRun ? 'would be ' : '';
        kit.output.out(
          `${file}: ${result.milestones} milestones and ${result.dependencies} dependencies for ${options.initiative}`,
        );
        if (result.changes.length === 0) kit.output.out('no change');
        for (const change of result.changes) {
          const fields = change.fields.length > 0 ? ` (${change.fields.join(', ')})` : '';
          kit.output.out(`${prefix}${change.action} ${change.collection} ${change.id}${fields}`);
        }
        const { raised, resolved } = result.signals;
        if (raised.length > 0) kit.output.out(`signals ${prefix}raised: ${raised.join(', ')}`);
        if (resolved.length > 0)
          kit.output.out(`signals ${prefix}resolved: ${resolved.join(', ')}`);
        for (const warning of result.warnings) kit.output.out(`note: ${warning}`);
        if (result.dryRun) kit.output.out('dry run: nothing was changed');
      },
    );
}
