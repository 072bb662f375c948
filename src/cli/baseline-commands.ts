import type { Command } from 'commander';
import { listBaselines, saveBaseline, varianceAgainst } from '../app/baselines.ts';
import { readPlan } from '../app/derive.ts';
import { authorize } from '../app/viewer.ts';
import { cliActor } from '../app/write.ts';
import { fail } from '../core/errors.ts';
import type { CommandKit } from './main.ts';
import { money, printJson } from './output.ts';
import { withApp } from './with-app.ts';

const signed = (n: number): string => (n > 0 ? `+${n}` : `${n}`);

/** `baseline save NAME`, `baseline list`, `baseline variance NAME`. */
export function registerBaselineCommands(program: Command, kit: CommandKit): void {
  const baseline = program
    .command('baseline')
    .description('named baselines of the plan, and the variance of dates and money against them');

  baseline
    .command('save')
    .description('save the plan as it stands now as a named baseline')
    .argument('<name>', 'a name of your choice, e.g. "Approved Q3 plan"')
    .option('--approved', 'the plan as approved (the default kind is a baseline saved by hand)')
    .option('--note <text>', 'why it was saved')
    .option('--as <person>', 'save as this person of the plan (the access policy applies)')
    .action(async (name: string, options: { approved?: boolean; note?: string; as?: string }) => {
      const saved = await withApp(kit, async (ctx) => {
        let actor = cliActor();
        if (options.as !== undefined) {
          const plan = await readPlan(ctx);
          if (plan?.people.some((p) => p.id === options.as) !== true)
            fail('not_found', `there is no person '${options.as}' in the plan`, { path: '--as' });
          await authorize(ctx, options.as, { kind: 'baseline.save' }, '--as');
          actor = cliActor(options.as);
        }
        return saveBaseline(
          ctx,
          {
            name,
            kind: options.approved === true ? 'approved' : 'manual',
            ...(options.note === undefined ? {} : { note: options.note }),
          },
          actor,
        );
      });
      if (kit.json()) return printJson(kit.output, saved);
      kit.output.out(
        `Saved baseline ${saved.id} "${saved.name}" (${saved.kind}) at ${saved.savedAt}: the plan as of change ${saved.planSeq}`,
      );
    });

  baseline
    .command('list')
    .description('the original plan (B0) and every baseline saved, oldest first')
    .action(async () => {
      const baselines = await withApp(kit, (ctx) => listBaselines(ctx));
      if (kit.json()) return printJson(kit.output, { baselines });
      if (baselines.length === 0) {
        kit.output.out('No plan has been applied yet: no baseline.');
        return;
      }
      for (const b of baselines)
        kit.output.out(
          `${b.id}  ${b.name}  [${b.kind}${b.decision === null ? '' : ` by ${b.decision}`}]  saved ${b.savedAt} by ${b.savedBy}${b.note === null ? '' : `: ${b.note}`}`,
        );
    });

  baseline
    .command('variance')
    .description(
      "dates (milestones' planned and forecast against the baseline) and money (budget against the baseline)",
    )
    .argument('<name>', 'a baseline name or id (B0 is the original plan)')
    .action(async (name: string) => {
      const report = await withApp(kit, (ctx) => varianceAgainst(ctx, name, undefined, '<name>'));
      if (kit.json()) return printJson(kit.output, report);
      const t = report.totals;
      kit.output.out(
        `Against ${report.baseline.id} "${report.baseline.name}" (${report.baseline.kind}, saved ${report.baseline.savedAt}) — as of ${report.asOf}`,
      );
      kit.output.out(
        `Budget ${money(t.baselineBudget)} → ${money(t.currentBudget)} ${t.currency} (${signed(t.variance)}); ${t.replanned} milestone(s) re-planned, ${t.late} forecast after their baseline date (worst ${t.worstForecastDays} days)`,
      );
      for (const m of report.milestones) {
        if (m.change === 'unchanged' && (m.forecastDays ?? 0) === 0) continue;
        kit.output.out(
          `  milestone ${m.id} ${m.name}: baseline ${m.baselineDate ?? '—'}, plan ${m.plannedDate ?? '—'}${m.plannedDays === null || m.plannedDays === 0 ? '' : ` (${signed(m.plannedDays)} days)`}, forecast ${m.forecastDate ?? '—'}${m.forecastDays === null ? '' : ` (${signed(m.forecastDays)} days)`} [${m.change}]`,
        );
      }
      for (const i of report.initiatives) {
        if (i.change === 'unchanged') continue;
        kit.output.out(
          `  initiative ${i.id} ${i.name}: budget ${money(i.baselineBudget)} → ${money(i.currentBudget)} ${i.currency} (${signed(i.variance)}) [${i.change}]`,
        );
      }
    });
}
