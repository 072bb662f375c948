#!/usr/bin/env node
// The `throughline` command. The source is TypeScript, run through tsx's loader so that what
// runs is always what is in the tree.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
const code = await runCli(process.argv.slice(2));
process.exitCode = code;
