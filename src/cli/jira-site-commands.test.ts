import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli } from '../../test/support/cli-run.ts';
import { startJiraStandIn, type JiraStandIn } from '../connectors/jira/stand-in/jira-stand-in.ts';

const TOKEN = 'cli-test-api-token-value';
const SECRET = 'cli-test-webhook-secret';

describe('throughline jira site … and jira sync', () => {
  let data: string;
  let standIn: JiraStandIn;
  const saved = { ...process.env };

  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'throughline-jira-cli-'));
    standIn = await startJiraStandIn({
      kind: 'cloud',
      credentials: { email: 'sync@acme.example', apiToken: TOKEN },
    });
    for (let n = 1; n <= 3; n += 1) standIn.issues.add({ key: `ERP-${n}` });
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    delete process.env.THROUGHLINE_SECRET_KEY;
    process.env.TL_TEST_JIRA_TOKEN = TOKEN;
    process.env.TL_TEST_JIRA_SECRET = SECRET;
  });
  afterAll(async () => {
    process.env = saved;
    await standIn.close();
    await rm(data, { recursive: true, force: true });
  });

  it(
    'adds a site with secrets from the environment, lists it without them, and syncs it',
    { timeout: 240_000 },
    async () => {
      const add = await runCapturedCli([
        '--data',
        data,
        'jira',
        'site',
        'add',
        'acme',
        '--url',
        standIn.url,
        '--email',
        'sync@acme.example',
        '--token-env',
        'TL_TEST_JIRA_TOKEN',
        '--webhook-secret-env',
        'TL_TEST_JIRA_SECRET',
        '--projects',
        'ERP',
        '--page-size',
        '2',
      ]);
      expect(add.stderr.join('\n')).toBe('');
      expect(add.code).toBe(0);
      expect(add.stdout[0]).toBe(
        `created Jira site 'acme' (cloud, ${standIn.url}, basic auth, signed webhooks); syncs projects ERP`,
      );

      const list = await runCapturedCli(['--data', data, '--json', 'jira', 'site', 'list']);
      expect(list.code).toBe(0);
      const text = list.stdout.join('\n');
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(SECRET);
      expect(JSON.parse(text)).toMatchObject([
        { id: 'acme', hasCredentials: true, hasWebhookSecret: true, stale: null, syncCursor: null },
      ]);

      const sync = await runCapturedCli(['--data', data, 'jira', 'sync', 'acme']);
      expect(sync.stderr.join('\n')).toBe('');
      expect(sync.code).toBe(0);
      expect(sync.stdout).toEqual([
        "initial sync of 'acme' as Stand-in Sync User (UTC)",
        '  JQL: (project in ("ERP")) ORDER BY updated ASC, key ASC',
        expect.stringMatching(
          /^ {2}page 1: 2 issue\(s\) — 2 applied, 0 seen before, 0 older than held; cursor \S+$/,
        ),
        expect.stringMatching(
          /^ {2}page 2: 1 issue\(s\) — 1 applied, 0 seen before, 0 older than held; cursor \S+$/,
        ),
        expect.stringMatching(
          /^synced 'acme': 3 issue\(s\) in 2 page\(s\) — 3 applied, 0 seen before, 0 older than held; cursor \S+$/,
        ),
      ]);
    },
  );

  it('names what is wrong, with exit code 1', { timeout: 120_000 }, async () => {
    const bad = await runCapturedCli([
      '--data',
      data,
      'jira',
      'site',
      'add',
      'x',
      '--url',
      'nope',
      '--kind',
      'cloud',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toEqual([
      "error config.invalid: baseUrl: 'nope' is not a URL; expected e.g. https://acme.atlassian.net",
    ]);
    const missingEnv = await runCapturedCli([
      '--data',
      data,
      'jira',
      'site',
      'add',
      'x',
      '--url',
      standIn.url,
      '--email',
      'a@b.c',
      '--token-env',
      'TL_TEST_NOT_SET',
    ]);
    expect(missingEnv.code).toBe(1);
    expect(missingEnv.stderr[0]).toContain('TL_TEST_NOT_SET');
    const unknown = await runCapturedCli(['--data', data, 'jira', 'sync', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr[0]).toContain('error jira.unknown_site');
  });
});
