/**
 * Runs the `throughline` CLI from the TypeScript sources, for tests that need a process of its
 * own (and can kill it): `node --import tsx test/support/cli-entry.ts ARGS…`.
 */
import { runCli } from '../../src/cli/main.ts';

process.exitCode = await runCli(process.argv.slice(2));
