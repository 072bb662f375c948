import { runCli } from '../../src/cli/main.ts';
import type { Output } from '../../src/cli/output.ts';

/** What one CLI run printed, line by line, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** Runs the CLI in-process with the given arguments, capturing what it prints. */
export async function runCapturedCli(argv: readonly string[]): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const output: Output = {
    out: (text) => stdout.push(...text.split('\n')),
    err: (text) => stderr.push(...text.split('\n')),
  };
  const code = await runCli(argv, output);
  return { code, stdout, stderr };
}
