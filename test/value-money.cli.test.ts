import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/**
 * `throughline money` and `throughline value show|validate` on the demo: the portfolio and
 * I-ERP's money, the invoicing benefit claimed, Lena validating August, Priya (its owner) and a
 * bad amount refused with the place named.
 */
describe('throughline money and value', { timeout: 120_000 }, () => {
  let dir: string;
  let data: string;
  const saved = { DATABASE_URL: process.env.DATABASE_URL, AS_OF: process.env.THROUGHLINE_AS_OF };
  const cli = (...args: string[]): Promise<CliRun> => runCapturedCli(['--data', data, ...args]);
  const ok = (run: CliRun): CliRun => {
    expect(run.code, run.stderr.join('\n')).toBe(0);
    return run;
  };

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    dir = await mkdtemp(join(tmpdir(), 'throughline-money-cli-'));
    data = join(dir, 'data');
    ok(await cli('demo'));
  }, 180_000);
  afterAll(async () => {
    if (saved.DATABASE_URL !== undefined) process.env.DATABASE_URL = saved.DATABASE_URL;
    if (saved.AS_OF !== undefined) process.env.THROUGHLINE_AS_OF = saved.AS_OF;
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the money of the portfolio and of I-ERP, in words and as JSON', async () => {
    const words = ok(await cli('money')).stdout.join('\n');
    expect(words).toMatch(/Portfolio as of 2026-09-14: plan 1,650,000 USD/);
    expect(words).toMatch(
      /I-ERP ERP migration: plan 1,300,000 USD, .*forecast at completion 1,233,652/,
    );
    const json = JSON.parse(
      ok(await cli('--json', 'money', '--initiative', 'I-ERP')).stdout.join('\n'),
    ) as {
      money: { eac: number; plan: number };
      benefits: { benefit: string; status: string }[];
    };
    expect(Math.round(json.money.eac)).toBe(1_233_652);
    expect(json.benefits).toMatchObject([{ benefit: 'B-ERP-INVOICING', status: 'claimed' }]);
    const objective = ok(await cli('money', '--objective', 'O-CUSTOMER')).stdout.join('\n');
    expect(objective).toMatch(/I-MAINT: 50% counted here/);
  });

  it('lets Lena validate August; refuses Priya (owner of the initiative, no controller) and a bad amount', async () => {
    const shown = ok(await cli('value', 'show', 'B-ERP-INVOICING')).stdout.join('\n');
    expect(shown).toMatch(/2026-08: promised 46,500, claimed 41,000, claimed/);
    const args = [
      'value',
      'validate',
      'B-ERP-INVOICING',
      '--period',
      '2026-08',
      '--note',
      'AP ledger',
    ];
    const priya = await cli(...args, '--amount', '41000', '--actor', 'priya');
    expect(priya.code).not.toBe(0);
    expect(priya.stderr.join('\n')).toMatch(/Only a finance controller \(Lena Hoffmann\)/);
    const bad = await cli(...args, '--amount', 'lots', '--actor', 'lena');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.join('\n')).toMatch(/--amount: 'lots' is not a number/);
    const lena = ok(await cli(...args, '--amount', '40250', '--actor', 'lena')).stdout.join('\n');
    expect(lena).toMatch(/B-ERP-INVOICING 2026-08 validated at 40,250 by lena/);
    const again = ok(await cli(...args, '--amount', '40250', '--actor', 'lena')).stdout.join('\n');
    expect(again).toMatch(/already validated .* nothing stored/);
    const after = ok(await cli('value', 'show', 'B-ERP-INVOICING')).stdout.join('\n');
    expect(after).toMatch(/2026-08: .*validated 40,250 by lena/);
  });
});
