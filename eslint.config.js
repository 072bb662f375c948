// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** Imports the pure core may never make: I/O, the store, the server, connectors, the UI. */
const OUTSIDE_THE_CORE = [
  {
    group: [
      'node:*',
      'fs',
      'fs/*',
      'path',
      'http',
      'https',
      'net',
      'os',
      'child_process',
      'crypto',
    ],
    message: 'The core is pure: no I/O or platform modules.',
  },
  {
    group: [
      'pg',
      '@electric-sql/*',
      'fastify',
      '@fastify/*',
      'commander',
      'yaml',
      'ajv',
      'ajv-*',
      'react',
      'react-*',
    ],
    message: 'The core is pure: no database, HTTP, CLI, file-format or UI libraries.',
  },
  {
    group: [
      '**/store/**',
      '**/server/**',
      '**/cli/**',
      '**/connectors/**',
      '**/web/**',
      '**/app/**',
      '**/plan-file/**',
    ],
    message: 'The core may not depend on the edges; the edges depend on the core.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'dist/**',
      'data/**',
      'coverage/**',
      'test-results/**',
      'src/web/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: ['eslint.config.js', 'bin/*.js'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-exports': [
        'error',
        {
          restrictDefaultExports: {
            direct: true,
            named: true,
            defaultFrom: true,
            namedFrom: true,
            namespaceFrom: true,
          },
        },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: OUTSIDE_THE_CORE }],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The core is pure: pass configuration in.' },
        { name: 'console', message: 'The core is pure: no logging; return explanations instead.' },
        { name: 'fetch', message: 'The core is pure: no network.' },
        { name: 'setTimeout', message: 'The core is pure: no timers.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'The core has no clock: "now" is a parameter.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'The core has no clock: "now" is a parameter.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'The core is deterministic: pass a seeded generator.',
        },
      ],
    },
  },
  {
    // The edges (HTTP routes, CLI commands) are thin: they call the use-cases in src/app, and
    // only the use-cases talk to the store.
    files: ['src/server/**/*.ts', 'src/cli/**/*.ts'],
    ignores: ['src/server/**/*.test.ts', 'src/cli/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/**'],
              message:
                'The edges reach the store through the use-cases in src/app: call (or add) a use-case there.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['eslint.config.js', 'vitest.config.ts', 'vite.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
  {
    // The web app runs in the browser.
    files: ['src/web/**/*.{ts,tsx,js}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Copied to the page as it is, outside any TypeScript project: plain JavaScript rules.
    files: ['src/web/public/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
