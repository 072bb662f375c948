import type { Command } from 'commander';
import type { AppContext } from '../app/context.ts';
import { deriveSnapshot, readPlan, type Snapshot } from '../app/derive.ts';
import {
  moneyOfInitiative,
  moneyOfObjective,
  moneyOfPortfolio,
  valueOfBenefit,
} from '../app/money-view.ts';
import { validateValue } from '../app/validate-value.ts';
import { fail } from '../core/errors.ts';
import type { InitiativeMoney, Roi, Totals } from '../core/governance/money.ts';
import type { BenefitValue } from '../core/governance/value.ts';
import type { CommandKit } from './main.ts';
import { money, printJson, type Output } from './output.ts';
import { withApp } from './with-app.ts';

interface MoneyOptions {
  initiative?: string;
  objective?: string;
}

interface ValidateOptions {
  period?: string;
  amount?: string;
  note?: string;
  actor?: string;
}

async function snapshotOf(ctx: AppContext): Promise<Snapshot> {
  const snapshot = await deriveSnapshot(ctx.db, ctx.clock.asOf());
  if (snapshot === null) fail('not_found', 'No plan has been applied yet', { path: 'plan' });
  return snapshot;
}

const percent = (ratio: number | null): string =>
  ratio === null ? '—' : `${Math.round(ratio * 100)}%`;

function roiLine(roi: Roi): string {
  return `ROI to date ${percent(roi.toDate)}, at completion ${percent(roi.atCompletion)}`;
}

function totalsLine(t: Totals, currency: string): string {
  return `plan ${money(t.plan)} ${currency}, committed ${money(t.committed)}, actual ${money(t.actual)}, forecast at completion ${money(t.eac)}; benefits realised ${money(t.benefitsRealised)}, still to come ${money(t.benefitsForecast)}`;
}

function printInitiative(output: Output, m: InitiativeMoney): void {
  output.out(
    `${m.initiative} ${m.name}${m.overrun ? ' [OVERRUN]' : ''}: ${totalsLine(m, m.currency)}; run rate ${m.runRate === null ? '—' : m.runRate.toFixed(2)}; ${roiLine(m.roi)}`,
  );
  for (const p of m.periods)
    output.out(
      `  ${p.period}: plan ${money(p.plan)}, committed ${money(p.committed)}, actual ${p.actual === null ? '—' : money(p.actual)}${p.overrun ? ' (over plan)' : ''}`,
    );
}

function printValue(output: Output, v: BenefitValue): void {
  output.out(
    `${v.benefit} (${v.milestone} → ${v.kpi}, ${money(v.amountPerWeek)} a week) ${v.landedOn === null ? 'not landed yet' : `landed ${v.landedOn}`}: ${v.status}; promised ${money(v.promised)}, realised ${money(v.realised)} (validated ${money(v.validated)})`,
  );
  for (const p of v.periods)
    output.out(
      `  ${p.period}: promised ${money(p.promised)}, claimed ${money(p.claimed)}, ${p.status}${p.validation === null ? '' : ` ${money(p.validation.amount)} by ${p.validation.by} at ${p.validation.at}: ${p.validation.note}`}${p.belowPromise ? ' (below promise)' : ''}`,
    );
  if (v.shortfallStreak >= v.periodsNeeded)
    output.out(
      `  below its promise by ${Math.round(v.threshold * 100)}% or more for ${v.shortfallStreak} periods: a value signal`,
    );
}

/** `money` and `value show|validate` (docs/GOVERNANCE.md "Money", "Validated value"). */
export function registerMoneyCommands(program: Command, kit: CommandKit): void {
  program
    .command('money')
    .description(
      'budget (plan, committed, actual), forecast at completion and ROI: the portfolio, an initiative or an objective',
    )
    .option('--initiative <id>', "one initiative's money per period")
    .option('--objective <id>', "one objective's money, with its initiatives' shares")
    .action(async (options: MoneyOptions) => {
      if (options.initiative !== undefined && options.objective !== undefined)
        fail('request.invalid', 'give --initiative or --objective, not both', {
          path: '--objective',
        });
      await withApp(kit, async (ctx) => {
        const snapshot = await snapshotOf(ctx);
        if (options.initiative !== undefined) {
          const shown = await moneyOfInitiative(ctx.db, snapshot, null, options.initiative);
          if (kit.json()) return printJson(kit.output, shown);
          printInitiative(kit.output, shown.money);
          for (const v of shown.benefits) printValue(kit.output, v);
          return;
        }
        if (options.objective !== undefined) {
          const shown = await moneyOfObjective(ctx.db, snapshot, null, options.objective);
          if (kit.json()) return printJson(kit.output, shown);
          const m = shown.money;
          kit.output.out(
            `${m.objective} ${m.name}: ${totalsLine(m, shown.currency)}; ${roiLine(m.roi)}`,
          );
          for (const i of m.initiatives)
            kit.output.out(`  ${i.id}: ${Math.round(i.share * 100)}% counted here`);
          return;
        }
        const shown = await moneyOfPortfolio(ctx.db, snapshot, null);
        if (kit.json()) return printJson(kit.output, shown);
        kit.output.out(
          `Portfolio as of ${shown.asOf}: ${totalsLine(shown.totals, shown.currency)}; ${roiLine(shown.totals.roi)}`,
        );
        for (const m of shown.initiatives) printInitiative(kit.output, m);
      });
    });

  const value = program
    .command('value')
    .description("validated value: a benefit's realised amount per period, claimed or validated");
  value
    .command('show <benefit>')
    .description("a benefit's value per period since its milestone landed")
    .action(async (benefit: string) => {
      await withApp(kit, async (ctx) => {
        const shown = await valueOfBenefit(ctx.db, await snapshotOf(ctx), null, benefit);
        if (kit.json()) printJson(kit.output, shown);
        else printValue(kit.output, shown);
      });
    });
  value
    .command('validate <benefit>')
    .description(
      "a finance controller (never the owner of the benefit's initiative) confirms the amount realised in an ended period",
    )
    .option('--period <period>', 'the reporting period, e.g. 2026-08')
    .option('--amount <n>', 'the realised amount confirmed')
    .option('--note <text>', 'what the confirmation rests on')
    .option('--actor <person>', 'the finance controller who validates')
    .action(async (benefit: string, options: ValidateOptions) => {
      for (const [name, given] of [
        ['--period', options.period],
        ['--amount', options.amount],
        ['--note', options.note],
        ['--actor', options.actor],
      ] as const)
        if (given === undefined) fail('request.invalid', `give ${name}`, { path: name });
      const amount = Number(options.amount);
      if (options.amount!.trim() === '' || !Number.isFinite(amount))
        fail('request.invalid', `--amount: '${options.amount!}' is not a number`, {
          path: '--amount',
        });
      await withApp(kit, async (ctx) => {
        const plan = await readPlan(ctx);
        if (plan?.people.some((p) => p.id === options.actor) !== true)
          fail('not_found', `there is no person '${options.actor!}' in the plan`, {
            path: '--actor',
          });
        const result = await validateValue(ctx, options.actor!, {
          benefit,
          period: options.period!,
          amount,
          note: options.note!,
        });
        if (kit.json()) printJson(kit.output, result);
        else
          kit.output.out(
            result.duplicate
              ? `${benefit} ${result.validation.period} was already validated at ${money(result.validation.amount)} with this note: nothing stored`
              : `${benefit} ${result.validation.period} validated at ${money(result.validation.amount)} by ${result.validation.by}`,
          );
      });
    });
}
