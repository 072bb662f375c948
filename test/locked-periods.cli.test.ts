import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli } from './support/cli-run.ts';
import { SPREADSHEETS } from './support/import-helpers.ts';

/**
 * `throughline period …` in-process on an embedded database of its own, the demo step of
 * docs/GOVERNANCE.md "Locked periods": August closed by Lena, a re-import refused naming the
 * period and the figure, an adjustment by Lena, refusals for others and for bad input.
 */
describe('throughline period', () => {
  let dir: string;
  let data: string;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    THROUGHLINE_AS_OF: process.env.THROUGHLINE_AS_OF,
  };
  const cli = (...args: string[]) => runCapturedCli(['--data', data, ...args]);

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    dir = await mkdtemp(join(tmpdir(), 'throughline-period-cli-'));
    data = join(dir, 'data');
    const demo = await cli('demo');
    expect(demo.code, demo.stderr.join('\n')).toBe(0);
  }, 180_000);
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved))
      if (value !== undefined) process.env[name] = value;
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'walks the demo step: list, a refused re-import, an adjustment, show',
    { timeout: 120_000 },
    async () => {
      const list = await cli('--json', 'period', 'list');
      expect(list.code, list.stderr.join('\n')).toBe(0);
      const listed = JSON.parse(list.stdout.join('\n')) as {
        periods: { period: string; closedByName: string }[];
      };
      expect(listed.periods).toEqual([
        expect.objectContaining({ period: '2026-08', closedByName: 'Lena Hoffmann' }),
      ]);
      const reimport = await cli(
        'import',
        `${SPREADSHEETS}august-reimport.csv`,
        '--source',
        'finance',
        '--mapping',
        `${SPREADSHEETS}kpi-actuals.mapping.json`,
      );
      expect(reimport.code).toBe(1);
      expect(reimport.stderr.join('\n')).toMatch(
        /2026-08 is closed \(by Lena Hoffmann on [\d-]+\): the actual of K-OTD for 2026-08 would change from 96\.1 to 95\.2/,
      );
      const adjust = await cli(
        'period',
        'adjust',
        '2026-08',
        '--kpi',
        'K-OTD',
        '--amount',
        '-0.3',
        '--reason',
        'Late returns',
        '--actor',
        'lena',
      );
      expect(adjust.code, adjust.stderr.join('\n')).toBe(0);
      expect(adjust.stdout.join('\n')).toContain('2026-08: 96.1 → 95.8');
      const show = await cli('period', 'show', '2026-08');
      expect(show.code).toBe(0);
      expect(show.stdout.join('\n')).toMatch(
        /the actual of K-OTD for 2026-08: 96\.1 frozen → 95\.8/,
      );
      expect(show.stdout.join('\n')).toContain('-0.3 by lena');
    },
  );

  it(
    'refuses others, bad periods and bad amounts, naming the place',
    { timeout: 120_000 },
    async () => {
      const cases: [string[], RegExp][] = [
        [['period', 'close', '2026-09', '--actor', 'sam'], /Lena Hoffmann/],
        [['period', 'close', '2026-09'], /--actor PERSON/],
        [['period', 'close', '2026-13', '--actor', 'lena'], /not a month \(2026-08\) or a quarter/],
        [['period', 'close', '2026-08', '--actor', 'lena'], /2026-08 is closed already/],
        [
          [
            'period',
            'adjust',
            '2026-08',
            '--kpi',
            'K-OTD',
            '--amount',
            'lots',
            '--reason',
            'x',
            '--actor',
            'lena',
          ],
          /--amount: 'lots' is not a number/,
        ],
        [
          ['period', 'adjust', '2026-08', '--amount', '1', '--reason', 'x', '--actor', 'lena'],
          /name one figure/,
        ],
      ];
      for (const [args, message] of cases) {
        const run = await cli(...args);
        expect(run.code, args.join(' ')).toBe(1);
        expect(run.stderr.join('\n'), args.join(' ')).toMatch(message);
      }
    },
  );
});
