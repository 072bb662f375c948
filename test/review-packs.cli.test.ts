import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/**
 * `throughline review list` and `throughline review pack` on the demo after the ERP-17 slip: the
 * weekly operations review's pack for 2026-09-14, as Markdown and into a PDF file; the same pack
 * again on the next call (the latest); bad flags refused naming the flag.
 */
describe('throughline review', () => {
  let dir: string;
  let data: string;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    THROUGHLINE_AS_OF: process.env.THROUGHLINE_AS_OF,
    THROUGHLINE_TOKEN: process.env.THROUGHLINE_TOKEN,
  };
  const cli = (...args: string[]): Promise<CliRun> => runCapturedCli(['--data', data, ...args]);
  const ok = (run: CliRun): CliRun => {
    expect(run.code, run.stderr.join('\n')).toBe(0);
    return run;
  };

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    delete process.env.THROUGHLINE_TOKEN;
    dir = await mkdtemp(join(tmpdir(), 'throughline-review-packs-cli-'));
    data = join(dir, 'data');
    ok(await cli('demo'));
    ok(await cli('jira', 'ingest', '--source', 'demo', DEMO_FILES.erp17Slip));
  }, 180_000);

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the reviews, and gives the 2026-09-14 pack as Markdown, then the same one again', async () => {
    const listed = JSON.parse(ok(await cli('--json', 'review', 'list')).stdout.join('\n')) as {
      reviews: { id: string; lastMeeting: { date: string } }[];
    };
    expect(listed.reviews.map((r) => [r.id, r.lastMeeting.date])).toEqual([
      ['REV-OPS', '2026-09-14'],
      ['REV-STEER', '2026-09-01'],
    ]);
    const md = ok(await cli('review', 'pack', '--review', 'REV-OPS')).stdout.join('\n');
    expect(md).toContain('# Weekly operations review — 2026-09-14');
    expect(md).toContain('480,000 USD at risk in 2026-Q4 for K-SAVINGS');
    expect(md).toContain('DEC-1');
    const again = ok(await cli('review', 'pack', '--review', 'REV-OPS')).stdout.join('\n');
    expect(again).toBe(md);
    const file = join(dir, 'pack.pdf');
    ok(await cli('review', 'pack', '--format', 'pdf', '--out', file));
    expect((await readFile(file)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('refuses bad flags and an unknown review naming them', async () => {
    const format = await cli('review', 'pack', '--format', 'docx');
    expect(format.code).not.toBe(0);
    expect(format.stderr.join('\n')).toContain('--format');
    const pdf = await cli('review', 'pack', '--format', 'pdf');
    expect(pdf.stderr.join('\n')).toContain('--out');
    const unknown = await cli('review', 'pack', '--review', 'REV-OSP');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.join('\n')).toContain("no review 'REV-OSP'");
  });
});
