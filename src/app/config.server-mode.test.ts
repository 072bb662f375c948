import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCapturedCli } from '../../test/support/cli-run.ts';
import { DomainError } from '../core/errors.ts';
import { readConfig } from './config.ts';

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).problems[0];
  }
  return expect.unreachable('the configuration must be refused');
}

const URL = 'postgres://throughline@127.0.0.1:1/throughline';

describe('readConfig in server mode', () => {
  it('requires THROUGHLINE_SECRET_KEY with DATABASE_URL, saying how to make one', () => {
    for (const key of [undefined, '']) {
      expect(
        refusal(() => readConfig({}, { DATABASE_URL: URL, THROUGHLINE_SECRET_KEY: key })),
      ).toMatchObject({
        code: 'config.invalid',
        path: 'THROUGHLINE_SECRET_KEY',
        message: expect.stringMatching(
          /required with DATABASE_URL.*openssl rand -base64 32/,
        ) as string,
      });
    }
    const key = randomBytes(32).toString('base64');
    expect(readConfig({}, { DATABASE_URL: URL, THROUGHLINE_SECRET_KEY: key })).toMatchObject({
      databaseUrl: URL,
      secretKey: key,
      migrationUrl: undefined,
    });
    // The embedded database keeps its key file in the data folder.
    expect(readConfig({}, {}).secretKey).toBeUndefined();
  });

  it('takes DATABASE_MIGRATION_URL with DATABASE_URL only', () => {
    const key = randomBytes(32).toString('base64');
    const owner = 'postgres://owner@127.0.0.1:1/throughline';
    expect(
      readConfig(
        {},
        { DATABASE_URL: URL, DATABASE_MIGRATION_URL: owner, THROUGHLINE_SECRET_KEY: key },
      ).migrationUrl,
    ).toBe(owner);
    expect(refusal(() => readConfig({}, { DATABASE_MIGRATION_URL: owner }))).toMatchObject({
      code: 'config.invalid',
      path: 'DATABASE_MIGRATION_URL',
    });
  });
});

describe('throughline serve in server mode without a key', () => {
  let cwd: string | undefined;
  afterEach(async () => {
    vi.unstubAllEnvs();
    if (cwd !== undefined) await rm(cwd, { recursive: true, force: true });
  });

  it('exits 1 at start naming THROUGHLINE_SECRET_KEY, and makes no key file', async () => {
    cwd = await mkdtemp(join(tmpdir(), 'throughline-serve-'));
    vi.stubEnv('DATABASE_URL', URL);
    vi.stubEnv('THROUGHLINE_SECRET_KEY', '');
    const run = await runCapturedCli(['--data', join(cwd, 'data'), 'serve', '--port', '0']);
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/THROUGHLINE_SECRET_KEY.*openssl rand -base64 32/);
    expect(run.stdout.join('\n')).not.toMatch(/running at/);
    expect(await readdir(cwd)).toEqual([]);
  });
});
