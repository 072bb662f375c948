import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Everything the web build is made from: a change to any of it means a new build. */
const INPUTS = ['src/web', 'vite.config.ts', 'src/core/plan/json-path.ts', 'package-lock.json'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'node_modules' && name !== 'dist')
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

function inputsHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => filesUnder(join(ROOT, input)))) {
    hash.update(relative(ROOT, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

let built: string | null = null;

/**
 * Builds the web app with Vite into a folder named by a hash of its sources (in the system's
 * temporary folder), so that every test run uses a build of the code as it is, built once for
 * all test files, and never touches the `dist/web` that `npm start` serves.
 */
export function buildWebApp(): string {
  if (built !== null) return built;
  const cache = join(tmpdir(), 'throughline-web-test');
  const target = join(cache, inputsHash());
  if (!existsSync(join(target, 'index.html'))) {
    mkdirSync(cache, { recursive: true });
    const scratch = `${target}.${process.pid}`;
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--outDir',
        scratch,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      // Vitest runs with NODE_ENV=test; the app must be built as it ships, for production.
      { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
    );
    try {
      renameSync(scratch, target);
    } catch {
      // Another test file built the same sources at the same time: use that build.
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  built = target;
  return target;
}
