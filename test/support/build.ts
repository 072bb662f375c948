import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pristineClusterImage } from '../../src/store/database.ts';

let imageFolder: string | undefined;

/**
 * Vitest global setup: compile once, so tests that run the real `throughline` command run
 * today's code. A type error elsewhere in the tree still emits JavaScript (and fails
 * `npm run check`), so it does not stop the tests from running.
 *
 * Then save one pristine embedded cluster: every new embedded database of the run (the tests'
 * own, the CLI's, the servers they start) starts from it instead of running initdb, which takes
 * seconds each time (THROUGHLINE_PGLITE_IMAGE; the workers and their child processes inherit it).
 */
export async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const result = spawnSync(
    process.execPath,
    [`${root}/node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) console.warn('tsc reported type errors; the tests run what it emitted');

  imageFolder = await mkdtemp(join(tmpdir(), 'throughline-cluster-'));
  const image = join(imageFolder, 'pristine-cluster.tar');
  await writeFile(image, await pristineClusterImage(), { mode: 0o600 });
  process.env.THROUGHLINE_PGLITE_IMAGE = image;
}

export async function teardown(): Promise<void> {
  if (imageFolder !== undefined) await rm(imageFolder, { recursive: true, force: true });
}
