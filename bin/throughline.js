#!/usr/bin/env node
// The `throughline` command: runs the compiled CLI (`npm run build`, done by `npm install`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'throughline is not built yet: run `npm install` (or `npm run build`) first\n',
  );
  process.exit(2);
}
// A closed pipe (`throughline state | head`) is the reader's choice, not an error.
process.stdout.on('error', (/** @type {NodeJS.ErrnoException} */ error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
/** @type {{ runCli: (argv: string[]) => Promise<number> }} */
// The compiled module has no types of its own here; the JSDoc above is its contract.
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
const cli = await import(entry.href);
process.exitCode = await cli.runCli(process.argv.slice(2));
