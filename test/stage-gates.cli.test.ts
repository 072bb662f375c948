import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/**
 * `throughline gate show|pass` and `throughline portfolio` on the demo, in-process on an
 * embedded database of their own: the gate's owner passes, anyone else and failing criteria exit
 * 1 naming who may and the criterion, and nothing changes.
 */
describe('throughline gate and portfolio', () => {
  let dir: string;
  let data: string;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    THROUGHLINE_AS_OF: process.env.THROUGHLINE_AS_OF,
  };
  const cli = (...args: string[]): Promise<CliRun> => runCapturedCli(['--data', data, ...args]);

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    dir = await mkdtemp(join(tmpdir(), 'throughline-gates-cli-'));
    data = join(dir, 'data');
    const demo = await cli('demo');
    expect(demo.code, demo.stderr.join('\n')).toBe(0);
  }, 180_000);

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved))
      if (value !== undefined) process.env[name] = value;
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a gate blocked for want of a benefit, and the portfolio by stage with money', async () => {
    const shown = await cli('gate', 'show', 'I-MAINT');
    expect(shown.code, shown.stderr.join('\n')).toBe(0);
    const text = shown.stdout.join('\n');
    expect(text).toContain('I-MAINT Predictive maintenance pilot, line 3: defined');
    expect(text).toContain('next gate: approved — blocked');
    expect(text).toContain(
      '[FAIL] benefits: I-MAINT (Predictive maintenance pilot, line 3) has no benefit',
    );
    expect(text).toContain('owner: Dana Whitfield, by R-COST');
    const json = await cli('--json', 'portfolio');
    const { portfolio } = JSON.parse(json.stdout.join('\n')) as {
      portfolio: {
        stages: { stage: string; initiatives: { id: string }[]; money: { plan: number } }[];
      };
    };
    const inDelivery = portfolio.stages.find((s) => s.stage === 'in_delivery');
    expect(inDelivery?.initiatives.map((i) => i.id)).toEqual(['I-ERP']);
    expect(inDelivery?.money.plan).toBe(1_300_000);
    const human = await cli('portfolio');
    expect(human.stdout.join('\n')).toContain(
      'I-MAINT Predictive maintenance pilot, line 3 (nina, OPS): 140,000 USD; blocked at approved: missing benefits',
    );
  });

  it('refuses another person and failing criteria (exit 1, nothing changed), and passes as the owner', async () => {
    const marco = await cli(
      'gate',
      'pass',
      'I-PROC',
      '--go',
      '--note',
      'Ready',
      '--actor',
      'marco',
    );
    expect(marco.code).toBe(1);
    expect(marco.stderr.join('\n')).toContain('Dana Whitfield');
    const blocked = await cli(
      'gate',
      'pass',
      'I-MAINT',
      '--go',
      '--note',
      'Ship it',
      '--actor',
      'dana',
    );
    expect(blocked.code).toBe(1);
    expect(blocked.stderr.join('\n')).toContain('benefits: I-MAINT');
    const neither = await cli('gate', 'pass', 'I-PROC', '--note', 'x', '--actor', 'dana');
    expect(neither.code).toBe(1);
    expect(neither.stderr.join('\n')).toContain('--go or --no-go');
    expect((await cli('gate', 'show', 'I-PROC')).stdout[0]).toContain(': approved');
    const passed = await cli(
      '--json',
      'gate',
      'pass',
      'I-PROC',
      '--go',
      '--note',
      'Desk staffed',
      '--actor',
      'dana',
    );
    expect(passed.code, passed.stderr.join('\n')).toBe(0);
    const body = JSON.parse(passed.stdout.join('\n')) as {
      decision: { id: string; to: string };
      gate: { stage: string };
    };
    expect(body.decision).toMatchObject({ id: 'G-1', to: 'in_delivery' });
    expect(body.gate.stage).toBe('in_delivery');
    const noGo = await cli(
      'gate',
      'pass',
      'I-MAINT',
      '--no-go',
      '--note',
      'Name the benefit first',
      '--actor',
      'dana',
    );
    expect(noGo.code, noGo.stderr.join('\n')).toBe(0);
    expect(noGo.stdout[0]).toBe('G-2: no-go at the gate to approved for I-MAINT by dana');
  });
});
