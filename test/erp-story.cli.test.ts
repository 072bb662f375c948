import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectStoryOnTrack,
  expectStorySignal,
  expectStorySlipped,
  type SignalView,
  type StateView,
} from './support/erp-story.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'throughline.js');

/** Runs the real `throughline` command in its own process, on its own data folder. */
async function throughline(data: string, ...args: string[]): Promise<string> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.THROUGHLINE_AS_OF;
  const { stdout } = await run(process.execPath, [BIN, '--data', data, ...args], {
    cwd: ROOT,
    env,
  });
  return stdout;
}

describe('the ERP story over the CLI', () => {
  let data: string;
  beforeAll(async () => {
    data = await mkdtemp(join(tmpdir(), 'throughline-cli-'));
  });
  afterAll(async () => {
    await rm(data, { recursive: true, force: true });
  });

  it(
    'loads the demo on track, replays the ERP-17 webhook, and shows the chain',
    { timeout: 180_000 },
    async () => {
      expect(await throughline(data, 'demo')).toContain('as of 2026-09-14');
      expectStoryOnTrack(JSON.parse(await throughline(data, 'state', '--json')) as StateView);

      const ingest = JSON.parse(
        await throughline(
          data,
          'jira',
          'ingest',
          '--source',
          'demo',
          'demo/jira/erp-17-due-date-moved.json',
          '--json',
        ),
      ) as { applied: number };
      expect(ingest.applied).toBe(1);

      expectStorySlipped(JSON.parse(await throughline(data, 'state', '--json')) as StateView);
      const { signals } = JSON.parse(await throughline(data, 'signals', '--json')) as {
        signals: SignalView[];
      };
      expectStorySignal(signals);

      // What a person reads: the chain in order, amounts rounded to whole dollars, owners by name.
      const text = await throughline(data, 'signals');
      const lines = text.split('\n');
      const start = lines.findIndex((l) =>
        l.includes('Realised cost savings misses its 2026-Q4 target'),
      );
      expect(start).toBeGreaterThanOrEqual(0);
      expect(lines.slice(start + 1, start + 7).map((l) => l.trim())).toEqual([
        'ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 days)',
        '→ M-GOLIVE forecast 2026-10-26, +15 working days (plan 2026-10-05)',
        '→ M-PURCH forecast 2026-11-16, +20 working days (plan 2026-10-19; 2026-11-09 without the resource bottleneck)',
        '→ K-SAVINGS 2026-Q4 −480,000 USD, now 411,429 below target (forecast 788,571 against 1,200,000)',
        '→ O-COST off track',
        'affects: Priya Shah, Marco Rossi, Dana Whitfield',
      ]);

      // The same delivery again changes nothing.
      const again = JSON.parse(
        await throughline(
          data,
          'jira',
          'ingest',
          '--source',
          'demo',
          'demo/jira/erp-17-due-date-moved.json',
          '--json',
        ),
      ) as { applied: number; duplicates: number };
      expect(again).toMatchObject({ applied: 0, duplicates: 1 });
    },
  );
});
