import type { Command } from 'commander';
import { applyPlan } from '../app/apply-plan.ts';
import { fail } from '../core/errors.ts';
import { planToFileText, readPlanFile } from '../plan-file/index.ts';
import { readPlan } from '../app/derive.ts';
import type { CommandKit } from './main.ts';
import { printJson } from './output.ts';
import { withApp } from './with-app.ts';

/** `plan validate|apply|export`. */
export function registerPlanCommands(program: Command, kit: CommandKit): void {
  const plan = program.command('plan').description('plan files: validate, apply, export');

  plan
    .command('validate')
    .description('check a plan file as a complete plan; exit 1 listing every error with its place')
    .argument('<file>', 'plan file (.yaml, .yml or .json)')
    .action(async (file: string) => {
      const { plan: parsed } = await readPlanFile(file);
      if (kit.json()) printJson(kit.output, { valid: true, file });
      else
        kit.output.out(
          `${file}: valid — ${parsed.objectives.length} objectives, ${parsed.kpis.length} KPIs, ${parsed.initiatives.length} initiatives, ${parsed.milestones.length} milestones, ${parsed.dependencies.length} dependencies, ${parsed.benefits.length} benefits`,
        );
    });

  plan
    .command('apply')
    .description('upsert the plan file by id in one transaction and print what changed')
    .argument('<file>', 'plan file (.yaml, .yml or .json)')
    .option('--prune', 'also remove stored entities the file does not name')
    .option('--dry-run', 'show what would change, change nothing')
    .action(async (file: string, options: { prune?: boolean; dryRun?: boolean }) => {
      const { plan: parsed } = await readPlanFile(file);
      const result = await withApp(kit, (ctx) =>
        applyPlan(ctx, parsed, {
          prune: options.prune === true,
          dryRun: options.dryRun === true,
          actor: 'cli',
        }),
      );
      if (kit.json()) {
        printJson(kit.output, {
          dryRun: result.dryRun,
          changes: result.changes.map(({ collection, id, action, fields }) => ({
            collection,
            id,
            action,
            fields,
          })),
          signals: result.signals,
          durationMs: Math.round(result.durationMs),
        });
        return;
      }
      const prefix = result.dryRun ? 'would be ' : '';
      if (result.changes.length === 0) kit.output.out(`${file}: no change`);
      for (const change of result.changes) {
        const fields = change.fields.length > 0 ? ` (${change.fields.join(', ')})` : '';
        kit.output.out(`${prefix}${change.action} ${change.collection} ${change.id}${fields}`);
      }
      const { raised, resolved } = result.signals;
      if (raised.length > 0) kit.output.out(`signals ${prefix}raised: ${raised.join(', ')}`);
      if (resolved.length > 0) kit.output.out(`signals ${prefix}resolved: ${resolved.join(', ')}`);
      if (result.dryRun) kit.output.out('dry run: nothing was changed');
    });

  plan
    .command('export')
    .description('print the stored plan as a plan file')
    .option('--format <format>', 'yaml or json', 'yaml')
    .action(async (options: { format: string }) => {
      if (options.format !== 'yaml' && options.format !== 'json') {
        fail('config.invalid', `--format '${options.format}' is neither yaml nor json`, {
          path: '--format',
        });
      }
      const format = options.format;
      const stored = await withApp(kit, (ctx) => readPlan(ctx));
      if (stored === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
      kit.output.out(planToFileText(stored, format).trimEnd());
    });
}
