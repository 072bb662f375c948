import { Command, Option } from 'commander';
import { readConfig, type ConfigFlags } from '../app/config.ts';
import { processOutput, reportError, type Output } from './output.ts';
import { registerDecisionCommands } from './decision-commands.ts';
import { registerIncidentCommands } from './incident-commands.ts';
import { registerAuditCommands } from './audit-commands.ts';
import { registerMoneyCommands } from './money-commands.ts';
import { registerReviewCommands } from './review-commands.ts';
import { registerGateCommands } from './gate-commands.ts';
import { registerPlanCommands } from './plan-commands.ts';
import { registerJiraCommands } from './jira-commands.ts';
import { registerImportCommands } from './import-commands.ts';
import { registerJiraSiteCommands } from './jira-site-commands.ts';
import { registerNotifyCommands } from './notify-commands.ts';
import { registerStateCommands } from './state-commands.ts';
import { registerServeCommands } from './serve-commands.ts';
import { registerScheduleCommands } from './schedule-commands.ts';
import { registerTokenCommands } from './token-commands.ts';
import { registerPeriodCommands } from './period-commands.ts';
import { registerBaselineCommands } from './baseline-commands.ts';

/** Global options every command reads. */
export interface GlobalOptions extends ConfigFlags {
  json?: boolean;
  knownAt?: string;
}

/** What a command needs from the CLI around it. */
export interface CommandKit {
  output: Output;
  /** Parses the global flags, a command's own flags and the environment (fails fast on bad values). */
  config(own?: ConfigFlags): ReturnType<typeof readConfig>;
  json(): boolean;
  /** The global `--known-at` instant as written (undefined: now). */
  knownAt(): string | undefined;
}

function definedOnly(flags: ConfigFlags): ConfigFlags {
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
}

/** Builds the `throughline` program. */
export function buildProgram(
  output: Output = processOutput,
  env: NodeJS.ProcessEnv = process.env,
): Command {
  const program = new Command('throughline')
    .description(
      'Throughline: the plan linked to the work, status derived, signals with the money at stake.',
    )
    .addOption(
      new Option(
        '--data <dir>',
        'folder of the embedded database (or THROUGHLINE_DATA; default ./data)',
      ),
    )
    .addOption(
      new Option('--as-of <date>', 'pin "now" to this day, YYYY-MM-DD (or THROUGHLINE_AS_OF)'),
    )
    .addOption(
      new Option(
        '--known-at <timestamp>',
        'answer reads as known at this instant (2026-09-14T10:00:00Z), from the history',
      ),
    )
    .option('--json', 'print JSON instead of text for people')
    .showHelpAfterError()
    .configureOutput({
      writeOut: (s) => output.out(s.trimEnd()),
      writeErr: (s) => output.err(s.trimEnd()),
    })
    .exitOverride();
  const kit: CommandKit = {
    output,
    config: (own = {}) =>
      readConfig({ ...program.opts<GlobalOptions>(), ...definedOnly(own) }, env),
    json: () => program.opts<GlobalOptions>().json === true,
    knownAt: () => program.opts<GlobalOptions>().knownAt,
  };
  registerServeCommands(program, kit);
  registerPlanCommands(program, kit);
  registerJiraCommands(program, kit);
  registerImportCommands(program, kit);
  registerJiraSiteCommands(program, kit);
  registerStateCommands(program, kit);
  registerDecisionCommands(program, kit);
  registerIncidentCommands(program, kit);
  registerAuditCommands(program, kit);
  registerMoneyCommands(program, kit);
  registerReviewCommands(program, kit);
  registerPeriodCommands(program, kit);
  registerGateCommands(program, kit);
  registerTokenCommands(program, kit);
  registerScheduleCommands(program, kit);
  registerBaselineCommands(program, kit);
  registerNotifyCommands(program, kit, env);
  return program;
}

/** Runs the CLI and returns the exit code: 0, or 1 for bad input, 2 for a fault of ours. */
export async function runCli(
  argv: readonly string[],
  output: Output = processOutput,
): Promise<number> {
  const program = buildProgram(output);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') {
      // commander already printed help or its own usage error.
      return error.exitCode === 0 ? 0 : 1;
    }
    return reportError(output, error);
  }
}
