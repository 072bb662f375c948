import { exitCodeOf } from '../app/error-status.ts';
import { DomainError, formatPlace } from '../core/errors.ts';
import type { DerivedStatus, Status } from '../core/domain/state.ts';

/** Where the CLI writes; tests pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Prints a value as JSON (for `--json`). */
export function printJson(output: Output, value: unknown): void {
  output.out(JSON.stringify(value, null, 2));
}

const STATUS_LABEL: Record<Status, string> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
};

/** `on track`, `at risk` or `off track`. */
export function statusLabel(status: DerivedStatus | Status | null | undefined): string {
  if (status === null || status === undefined) return '-';
  return STATUS_LABEL[typeof status === 'string' ? status : status.status];
}

/** Whole units with thousands separators: 1,268,571. */
export function money(amount: number): string {
  return Math.round(amount).toLocaleString('en-US');
}

/**
 * Prints an error for a person — every problem with its place, never a stack trace — and
 * returns the exit code.
 */
export function reportError(output: Output, error: unknown): number {
  if (error instanceof DomainError) {
    for (const problem of error.problems) {
      const place = formatPlace(problem);
      output.err(`error ${problem.code}: ${place === '' ? '' : `${place}: `}${problem.message}`);
    }
    return exitCodeOf(error.code);
  }
  const message = error instanceof Error ? error.message : String(error);
  output.err(`error internal: ${message}`);
  if (process.env.THROUGHLINE_DEBUG === '1' && error instanceof Error)
    output.err(error.stack ?? '');
  return 2;
}
