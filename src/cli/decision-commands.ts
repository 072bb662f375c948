import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { AppContext } from '../app/context.ts';
import { decide, listDecisions, openDecision, showDecision } from '../app/decisions.ts';
import { priceScenarios } from '../app/scenarios.ts';
import type { Decision } from '../core/decisions/decision.ts';
import { DomainError, fail, type Problem } from '../core/errors.ts';
import type { ScenarioColumn } from '../core/scenario/price-scenario.ts';
import { parseScenario, type Scenario } from '../core/scenario/scenario.ts';
import { readPlan } from '../app/derive.ts';
import { checkApiToken } from '../app/authenticate.ts';
import { printReview } from './decision-review-output.ts';
import type { CommandKit } from './main.ts';
import { money, printJson, type Output } from './output.ts';
import { withApp } from './with-app.ts';

interface Identity {
  as?: string;
  token?: string;
}

/**
 * Who the command acts as: the person of an API token (`--token` or THROUGHLINE_TOKEN), or a
 * person of the plan named by `--as`. Decision rights apply to them as they do over the API.
 */
async function actorOf(ctx: AppContext, identity: Identity): Promise<string> {
  const secret = identity.token ?? process.env.THROUGHLINE_TOKEN;
  if (secret !== undefined && secret !== '') {
    const check = await checkApiToken(ctx, secret, ctx.clock.now());
    if (!check.ok)
      fail('auth.bad_token', `the API token is not valid (${check.reason})`, { path: '--token' });
    return check.token.personId;
  }
  if (identity.as === undefined)
    fail('auth.missing_token', 'say who decides: --as PERSON or --token TOKEN', { path: '--as' });
  const plan = await readPlan(ctx);
  if (plan?.people.some((p) => p.id === identity.as) !== true)
    fail('not_found', `there is no person '${identity.as}' in the plan`, { path: '--as' });
  return identity.as;
}

function printDecision(output: Output, d: Decision): void {
  output.out(`${d.id} [${d.status}] ${d.title}${d.dueDate === null ? '' : ` — due ${d.dueDate}`}`);
  output.out(`  decides: ${d.decider.because}`);
  for (const o of d.options) {
    const { totals } = o.result;
    output.out(
      `  option ${o.number}: ${o.title} (${o.effect.kinds.join(', ')}; ${money(o.effect.amount)} ${totals.currency}; ${o.effect.slipWeeks} weeks later at most; signals ${totals.signals.before} → ${totals.signals.after}${o.lastDay === null ? '' : `; possible until ${o.lastDay}`})`,
    );
  }
  if (d.outcome !== null)
    output.out(
      `  decided: option ${d.outcome.option} by ${d.outcome.decidedBy} at ${d.outcome.decidedAt}: ${d.outcome.reason}`,
    );
}

function printColumns(output: Output, columns: readonly ScenarioColumn[]): void {
  for (const c of columns) {
    const t = c.result.totals;
    output.out(`${c.id} ${c.name} (by ${c.author})`);
    output.out(
      `  milestones changed ${t.milestonesChanged}; budget ${money(t.budgetPlan.before)} → ${money(t.budgetPlan.after)} ${t.currency}; scenario cost ${money(t.scenarioCost)}`,
    );
    output.out(
      `  short of target ${money(t.moneyAtStake.againstTarget.before)} → ${money(t.moneyAtStake.againstTarget.after)}; later by capacity ${money(t.moneyLaterByCapacity.before)} → ${money(t.moneyLaterByCapacity.after)}; signals ${t.signals.before} → ${t.signals.after}`,
    );
    for (const m of c.result.milestones)
      output.out(
        `  ${m.id}: plan ${m.plannedDate.before ?? '-'} → ${m.plannedDate.after ?? '-'}, levelled ${m.levelledDate.before ?? '-'} → ${m.levelledDate.after ?? '-'}`,
      );
  }
}

/** Reads a scenario file (YAML or JSON); problems name the file. */
async function readScenarioFile(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return fail('file.not_found', `cannot read ${file}`, { file });
  }
  let value: unknown;
  try {
    value = parse(text, { version: '1.2', uniqueKeys: true });
  } catch (error) {
    return fail('file.parse', `${file} is not YAML or JSON: ${(error as Error).message}`, {
      file,
    });
  }
  try {
    return parseScenario(value);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new DomainError(error.problems.map((p): Problem => ({ ...p, file })));
  }
}

/** `decisions`, `decision show|open`, `decide`, `scenario compare`. */
export function registerDecisionCommands(program: Command, kit: CommandKit): void {
  program
    .command('decisions')
    .description('decisions, newest first: options, who decides, due date, outcome')
    .option('--status <status>', 'open, decided or all', 'all')
    .action(async (options: { status: string }) => {
      if (!['open', 'decided', 'all'].includes(options.status))
        fail('request.invalid', `--status must be open, decided or all, not '${options.status}'`, {
          path: '--status',
        });
      const status = options.status === 'all' ? undefined : (options.status as Decision['status']);
      const decisions = await withApp(kit, (ctx) => listDecisions(ctx, status));
      if (kit.json()) printJson(kit.output, { decisions });
      else if (decisions.length === 0) kit.output.out('no decisions');
      else for (const d of decisions) printDecision(kit.output, d);
    });

  const decision = program.command('decision').description('one decision');
  decision
    .command('show')
    .argument('<id>', 'the decision, e.g. DEC-1')
    .description('a decision with its options and history')
    .action(async (id: string) => {
      const shown = await withApp(kit, (ctx) => showDecision(ctx, id));
      if (kit.json()) return printJson(kit.output, shown);
      printDecision(kit.output, shown.decision);
      for (const e of shown.history) kit.output.out(`  ${e.at} ${e.action} by ${e.actor}`);
      printReview(kit.output, shown.review);
    });
  decision
    .command('open')
    .description(
      'opens a decision for an incident (or the incident of a signal), with the options the engine proposes for all its signals',
    )
    .option('--incident <id>', 'the incident, e.g. incident:work_item:ERP-17')
    .option('--signal <id>', 'a signal of it, e.g. capacity.over_allocated:IT:2026-W41')
    .option('--as <person>', 'act as this person of the plan')
    .option('--token <token>', 'act as the person of this API token (or THROUGHLINE_TOKEN)')
    .action(async (options: Identity & { signal?: string; incident?: string }) => {
      if ((options.signal === undefined) === (options.incident === undefined))
        fail('request.invalid', 'say which: --incident ID or --signal ID (one of them)', {
          path: '--incident',
        });
      const request =
        options.incident === undefined
          ? { signal: options.signal! }
          : { incident: options.incident };
      const { decision: opened } = await withApp(kit, async (ctx) =>
        openDecision(ctx, request, await actorOf(ctx, options)),
      );
      if (kit.json()) printJson(kit.output, { decision: opened });
      else printDecision(kit.output, opened);
    });

  program
    .command('decide')
    .argument('<id>', 'the decision, e.g. DEC-1')
    .description("decides: applies the option's changes to the plan (only the decider may)")
    .requiredOption('--option <n>', 'the option number')
    .requiredOption('--reason <text>', 'why')
    .option('--as <person>', 'act as this person of the plan')
    .option('--token <token>', 'act as the person of this API token (or THROUGHLINE_TOKEN)')
    .action(async (id: string, options: Identity & { option: string; reason: string }) => {
      const option = Number(options.option);
      if (!Number.isInteger(option) || option < 1)
        fail(
          'decision.unknown_option',
          `--option must be an option number, not '${options.option}'`,
          {
            path: '--option',
          },
        );
      if (options.reason.trim() === '')
        fail('request.invalid', '--reason must say why', { path: '--reason' });
      const result = await withApp(kit, async (ctx) =>
        decide(ctx, id, { option, reason: options.reason }, await actorOf(ctx, options)),
      );
      if (kit.json()) return printJson(kit.output, result);
      printDecision(kit.output, result.decision);
      for (const b of result.baseline)
        kit.output.out(
          `  ${b.milestone}: baseline ${b.before} → ${b.after} (the old one is kept in the plan history)`,
        );
      kit.output.out(
        `  plan: ${result.planChanges} change(s); signals raised ${result.signals.raised.length}, resolved ${result.signals.resolved.length}`,
      );
    });

  program
    .command('scenario')
    .description('what-if scenarios')
    .command('compare')
    .argument(
      '<files...>',
      'scenario files (YAML or JSON: id, name, author, createdAt, changes), up to four',
    )
    .description('prices scenarios side by side against the current state')
    .action(async (files: string[]) => {
      const scenarios: Scenario[] = [];
      const problems: Problem[] = [];
      for (const file of files) {
        try {
          scenarios.push(await readScenarioFile(file));
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          problems.push(...error.problems);
        }
      }
      if (problems.length > 0) throw new DomainError(problems);
      let columns: ScenarioColumn[];
      try {
        columns = await withApp(kit, (ctx) => priceScenarios(ctx, scenarios));
      } catch (error) {
        // `$[1].changes[0]` is the second file: name it.
        if (!(error instanceof DomainError)) throw error;
        throw new DomainError(
          error.problems.map((p) => {
            const k = /^\$\[(\d+)\]/.exec(p.path ?? '')?.[1];
            const file = k === undefined ? undefined : files[Number(k)];
            return file === undefined
              ? p
              : { ...p, file, path: `$${(p.path ?? '').slice(`$[${k}]`.length)}` };
          }),
        );
      }
      if (kit.json()) printJson(kit.output, { scenarios: columns });
      else printColumns(kit.output, columns);
    });
}
