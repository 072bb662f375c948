import type { Command } from 'commander';
import { adjustPeriod } from '../app/adjust-period.ts';
import { closePeriod } from '../app/close-period.ts';
import type { AppContext } from '../app/context.ts';
import { listPeriods, type PeriodView, showPeriod } from '../app/periods.ts';
import { cliActor } from '../app/write.ts';
import { fail } from '../core/errors.ts';
import type { BudgetField, FigureRef } from '../core/governance/locked-periods.ts';
import { readPlan } from '../app/derive.ts';
import type { CommandKit } from './main.ts';
import { type Output, printJson } from './output.ts';
import { withApp } from './with-app.ts';

interface ActorOption {
  actor?: string;
}

interface AdjustOptions extends ActorOption {
  kpi?: string;
  initiative?: string;
  line?: string;
  figurePeriod?: string;
  amount: string;
  reason: string;
}

/** The person of the plan the command acts for: closing and adjusting are a controller's. */
async function personOf(ctx: AppContext, options: ActorOption, verb: string): Promise<string> {
  if (options.actor === undefined)
    fail('request.invalid', `say who ${verb}: --actor PERSON (a finance controller)`, {
      path: '--actor',
    });
  const plan = await readPlan(ctx);
  if (plan?.people.some((p) => p.id === options.actor) !== true)
    fail('not_found', `there is no person '${options.actor}' in the plan`, { path: '--actor' });
  return options.actor;
}

function figureOf(period: string, options: AdjustOptions): FigureRef {
  const figurePeriod = options.figurePeriod ?? period;
  if ((options.kpi === undefined) === (options.initiative === undefined))
    fail('request.invalid', 'name one figure: --kpi ID (its actual) or --initiative ID', {
      path: '--kpi',
    });
  if (options.kpi !== undefined) {
    if (options.line !== undefined)
      fail('request.invalid', '--line is for an initiative budget line, not a KPI', {
        path: '--line',
      });
    return { kind: 'kpi_actual', kpi: options.kpi, period: figurePeriod };
  }
  const line = options.line ?? 'actual';
  if (line !== 'plan' && line !== 'committed' && line !== 'actual')
    fail('request.invalid', `--line must be plan, committed or actual, not '${line}'`, {
      path: '--line',
    });
  return {
    kind: 'budget',
    initiative: options.initiative ?? '',
    period: figurePeriod,
    line: line satisfies BudgetField,
  };
}

function printPeriod(output: Output, view: PeriodView): void {
  output.out(`${view.period} closed by ${view.closedByName} at ${view.closedAt}`);
  if (view.figures.length === 0) output.out('  no figures were frozen');
  for (const f of view.figures) {
    const moved =
      f.adjustments.length === 0
        ? ''
        : ` → ${f.standing} after ${f.adjustments.length} adjustment(s)`;
    output.out(`  ${f.label}: ${f.frozen ?? 'none'} frozen${moved}`);
    for (const a of f.adjustments)
      output.out(`    ${a.amount > 0 ? '+' : ''}${a.amount} by ${a.by} at ${a.at}: ${a.reason}`);
  }
  if (view.forecast.kpis.length > 0) output.out('  forecast at closing:');
  for (const k of view.forecast.kpis)
    output.out(
      `    ${k.kpi} ${k.period}: ${k.forecast}${k.target === null ? '' : ` (target ${k.target})`}`,
    );
  for (const m of view.forecast.milestones)
    output.out(`    ${m.milestone}: planned ${m.plannedDate}, forecast ${m.forecastDate}`);
}

/** `period close|list|show|adjust`: locked periods (docs/GOVERNANCE.md "Locked periods"). */
export function registerPeriodCommands(program: Command, kit: CommandKit): void {
  const period = program
    .command('period')
    .description('closed reporting periods: frozen figures and their adjustments');

  period
    .command('close <period>')
    .description('close a month (2026-08) or a quarter (2026-Q3), freezing its figures')
    .option('--actor <person>', 'the finance controller who closes it')
    .action(async (label: string, options: ActorOption) => {
      const view = await withApp(kit, async (ctx) => {
        const closed = await closePeriod(
          ctx,
          label,
          cliActor(await personOf(ctx, options, 'closes')),
        );
        return showPeriod(ctx, closed.period);
      });
      if (kit.json()) return printJson(kit.output, { period: view });
      printPeriod(kit.output, view);
    });

  period
    .command('list')
    .description('the closed periods: which, by whom, when')
    .action(async () => {
      const periods = await withApp(kit, (ctx) => listPeriods(ctx));
      if (kit.json()) return printJson(kit.output, { periods });
      if (periods.length === 0) return kit.output.out('no period is closed');
      for (const p of periods)
        kit.output.out(
          `${p.period} closed by ${p.closedByName} at ${p.closedAt}: ${p.figures} figure(s) frozen, ${p.adjustments} adjustment(s)`,
        );
    });

  period
    .command('show <period>')
    .description('a closed period: frozen figures, adjustments beside them, the forecast then')
    .action(async (label: string) => {
      const view = await withApp(kit, (ctx) => showPeriod(ctx, label));
      if (kit.json()) return printJson(kit.output, { period: view });
      printPeriod(kit.output, view);
    });

  period
    .command('adjust <period>')
    .description('correct a figure of a closed period: an adjustment with a reason')
    .option('--kpi <id>', 'the KPI whose actual moves')
    .option('--initiative <id>', 'the initiative whose budget line moves')
    .option('--line <line>', 'plan, committed or actual (an initiative; default actual)')
    .option('--figure-period <period>', "the figure's own period (default: the closed period)")
    .requiredOption('--amount <n>', 'added to the figure (negative lowers it)')
    .requiredOption('--reason <text>', 'why the figure moves')
    .option('--actor <person>', 'the finance controller who adjusts it')
    .action(async (label: string, options: AdjustOptions) => {
      const amount = Number(options.amount);
      if (options.amount.trim() === '' || !Number.isFinite(amount))
        fail('request.invalid', `--amount: '${options.amount}' is not a number`, {
          path: '--amount',
        });
      const figure = figureOf(label, options);
      const result = await withApp(kit, async (ctx) =>
        adjustPeriod(
          ctx,
          label,
          { figure, amount, reason: options.reason },
          cliActor(await personOf(ctx, options, 'adjusts')),
        ),
      );
      if (kit.json()) return printJson(kit.output, result);
      kit.output.out(
        `${label}: ${result.from ?? 'none'} → ${result.to} (${amount > 0 ? '+' : ''}${amount}: ${result.adjustment.reason}); recorded in ${result.periods.join(', ')}`,
      );
    });
}
