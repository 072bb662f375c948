import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: compile once, so tests that run the real `throughline` command run
 * today's code. A type error elsewhere in the tree still emits JavaScript (and fails
 * `npm run check`), so it does not stop the tests from running.
 */
export function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const result = spawnSync(
    process.execPath,
    [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) console.warn('tsc reported type errors; the tests run what it emitted');
}
