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

const shared = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
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
          exclude: ALONE,
          // Most of a test's time is spent waiting (a browser, a server, a child process): two
          // files at once keep both cores of a small machine busy.
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
