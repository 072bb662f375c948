import { defineConfig } from 'vitest/config';

/**
 * Tests that measure time against a deadline (answers within a second, a killed process taken
 * over) or stress the machine on purpose: they run alone, after the rest.
 */
const ALONE = [
  'test/live.test.ts',
  'test/live-*.test.ts',
  'test/webhook-inbox.api.test.ts',
  'test/import-kill.test.ts',
  'src/**/*.kill.test.ts',
];

/**
 * Tests that change the process itself (its environment variables, module mocks, spies, fake
 * timers, exit code): each file gets fresh modules. The rest share each worker's modules from file
 * to file, so the app is not imported again for every file (most of a small file's time).
 */
const ISOLATED = [
  'test/**/*.cli.test.ts',
  'test/cli-bad-input.test.ts',
  'src/cli/**/*.test.ts',
  'src/app/config.server-mode.test.ts',
  'src/app/open-app.roles.test.ts',
];

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  // What a test waits to see (a browser drawing a page, a stream's event) may take longer than
  // the default second on a loaded machine; the assertion itself is the same.
  expect: { poll: { timeout: 10_000 } },
  pool: 'forks',
} as const;

export const config = defineConfig({
  test: {
    globalSetup: ['test/support/build.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'together',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...ALONE, ...ISOLATED],
          isolate: false,
          // Most of a test's time is spent waiting (a browser, a server, a child process): two
          // files at once keep both cores of a small machine busy.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'isolated',
          include: ISOLATED,
          exclude: ALONE,
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'alone',
          include: ALONE,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

export default config;
