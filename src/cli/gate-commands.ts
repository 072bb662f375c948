import type { Command } from 'commander';
import type { AppContext } from '../app/context.ts';
import {
  decideGate,
  type GateView,
  portfolioFor,
  type PortfolioView,
  showGate,
} from '../app/stage-gates.ts';
import { cliActor } from '../app/write.ts';
import { fail } from '../core/errors.ts';
import { stageWords } from '../core/governance/stage-gates.ts';
import { readPlan } from '../app/derive.ts';
import type { CommandKit } from './main.ts';
import { money, type Output, printJson } from './output.ts';
import { withApp } from './with-app.ts';

interface PassOptions {
  go?: boolean;
  noGo?: boolean;
  note?: string;
  actor?: string;
}

/** The person of the plan who decides at the gate. */
async function personOf(ctx: AppContext, actor: string | undefined): Promise<string> {
  if (actor === undefined)
    fail('request.invalid', "say who decides: --actor PERSON (the gate's owner)", {
      path: '--actor',
    });
  const plan = await readPlan(ctx);
  if (plan?.people.some((p) => p.id === actor) !== true)
    fail('not_found', `there is no person '${actor}' in the plan`, { path: '--actor' });
  return actor;
}

function printGate(output: Output, gate: GateView): void {
  output.out(`${gate.initiative} ${gate.name}: ${stageWords(gate.stage)}`);
  if (gate.gate === null) output.out('  no gate ahead');
  else {
    output.out(
      `  next gate: ${stageWords(gate.gate)} — ${gate.passes ? 'every criterion met' : 'blocked'}`,
    );
    if (gate.owner !== null) output.out(`  owner: ${gate.owner.because}`);
    for (const c of gate.criteria)
      output.out(`  [${c.pass ? 'pass' : 'FAIL'}] ${c.id}: ${c.message}`);
  }
  for (const p of gate.history)
    output.out(
      `  passed ${stageWords(p.stage)} on ${p.on}${p.by === undefined ? '' : ` by ${p.by}`}${p.decision === undefined ? '' : ` (${p.decision})`}${p.note === undefined ? '' : `: ${p.note}`}`,
    );
  for (const d of gate.decisions)
    if (!d.go)
      output.out(
        `  no-go at ${stageWords(d.to)} on ${d.decidedOn} by ${d.decidedBy} (${d.id}): ${d.note}`,
      );
}

function printPortfolio(output: Output, portfolio: PortfolioView): void {
  const c = portfolio.currency;
  for (const stage of portfolio.stages) {
    if (stage.initiatives.length === 0) continue;
    output.out(
      `${stageWords(stage.stage)}: ${stage.initiatives.length} initiative(s), budget ${money(stage.money.plan)} ${c} (actual ${money(stage.money.actual)})`,
    );
    for (const i of stage.initiatives)
      output.out(
        `  ${i.id} ${i.name} (${i.owner}, ${i.unit}): ${money(i.budget.plan)} ${i.currency}${
          i.gate === null
            ? ''
            : i.gatePasses
              ? `; ready for ${stageWords(i.gate)}`
              : `; blocked at ${stageWords(i.gate)}: missing ${i.missing.join(', ')}`
        }`,
      );
  }
  output.out(
    `total: budget ${money(portfolio.total.plan)} ${c} (actual ${money(portfolio.total.actual)})`,
  );
}

/** `gate show|pass` and `portfolio`: stage gates (docs/GOVERNANCE.md "Stage gates"). */
export function registerGateCommands(program: Command, kit: CommandKit): void {
  const gate = program
    .command('gate')
    .description("an initiative's stage gate: its criteria, its owner, go / no-go");

  gate
    .command('show <initiative>')
    .description('the stage, the gate ahead, its criteria checked and who decides')
    .action(async (initiative: string) => {
      const view = await withApp(kit, (ctx) => showGate(ctx, null, initiative));
      if (kit.json()) return printJson(kit.output, { gate: view });
      printGate(kit.output, view);
    });

  gate
    .command('pass <initiative>')
    .description("go or no-go at the initiative's gate (its owner only), with a note")
    .option('--go', 'pass the gate: the stage moves on')
    .option('--no-go', 'stop at the gate: recorded, the stage stays')
    .option('--note <text>', 'why')
    .option('--actor <person>', "the gate's owner, who decides")
    .action(async (initiative: string, options: PassOptions) => {
      // commander reads `--no-go` as go = false.
      const go = options.go === true;
      const noGo = options.go === false || options.noGo === true;
      if (go === noGo)
        fail('request.invalid', 'say --go or --no-go (one of them)', { path: '--go' });
      if (options.note === undefined || options.note.trim() === '')
        fail('request.invalid', 'say why: --note TEXT', { path: '--note' });
      const passed = await withApp(kit, async (ctx) =>
        decideGate(
          ctx,
          initiative,
          { go, note: options.note ?? '' },
          cliActor(await personOf(ctx, options.actor)),
        ),
      );
      if (kit.json()) return printJson(kit.output, passed);
      kit.output.out(
        `${passed.decision.id}: ${passed.decision.go ? 'go' : 'no-go'} at the gate to ${stageWords(passed.decision.to)} for ${initiative} by ${passed.decision.decidedBy}`,
      );
      printGate(kit.output, passed.gate);
    });

  program
    .command('portfolio')
    .description('every initiative by stage, with money per stage')
    .action(async () => {
      const portfolio = await withApp(kit, (ctx) => portfolioFor(ctx, null));
      if (kit.json()) return printJson(kit.output, { portfolio });
      printPortfolio(kit.output, portfolio);
    });
}
