import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/**
 * `throughline decisions`, `decision open|show`, `decide` (acting as a person with --as, the
 * same rights as over the API) and `scenario compare`, in-process on an embedded database of
 * their own. The cases share one folder and run in order.
 */
describe('throughline decisions and decide', () => {
  let dir: string;
  let data: string;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    THROUGHLINE_AS_OF: process.env.THROUGHLINE_AS_OF,
    THROUGHLINE_TOKEN: process.env.THROUGHLINE_TOKEN,
  };
  const cli = (...args: string[]): Promise<CliRun> => runCapturedCli(['--data', data, ...args]);

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    delete process.env.THROUGHLINE_AS_OF;
    delete process.env.THROUGHLINE_TOKEN;
    dir = await mkdtemp(join(tmpdir(), 'throughline-decisions-cli-'));
    data = join(dir, 'data');
    const demo = await cli('demo');
    expect(demo.code, demo.stderr.join('\n')).toBe(0);
    const slip = await cli('jira', 'ingest', '--source', 'demo', DEMO_FILES.erp17Slip);
    expect(slip.code, slip.stderr.join('\n')).toBe(0);
  }, 180_000);

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the story decision opened by the slip itself, and lists it with who decides', async () => {
    const signals = await cli('--json', 'signals');
    const list = JSON.parse(signals.stdout.join('\n')) as {
      signals: { id: string; kind: string }[];
    };
    const signal = list.signals.find((s) => s.kind === 'capacity.over_allocated')!.id;
    const opened = await cli('decision', 'open', '--signal', signal, '--as', 'priya');
    expect(opened.code, opened.stderr.join('\n')).toBe(0);
    expect(opened.stdout[0]).toMatch(/^DEC-1 \[open\] .* — due 2026-10-04$/);
    const listed = await cli('decisions');
    expect(listed.code).toBe(0);
    expect(listed.stdout.join('\n')).toContain('decides: Dana Whitfield, by R-COST');
    expect(listed.stdout.filter((l) => l.startsWith('  option '))).toHaveLength(3);
  });

  it('lists the one incident with its money and decider, and shows it with its chains', async () => {
    const listed = await cli('incidents');
    expect(listed.code, listed.stderr.join('\n')).toBe(0);
    expect(listed.stdout[0]).toBe(
      "incident:work_item:ERP-17: ERP-17's slip and IT's bottleneck in weeks 41–43 put 480,000 USD of Realised cost savings at risk in 2026-Q4",
    );
    expect(listed.stdout).toContain(
      '  at stake: 480,000 USD against plan, 411,429 USD against target; up to 4 weeks late',
    );
    expect(listed.stdout.join('\n')).toContain('decides: Dana Whitfield, by R-COST');
    expect(listed.stdout.join('\n')).toMatch(/decision: DEC-1 \[open\] due 2026-10-04/);
    const json = await cli('--json', 'incidents');
    const parsed = JSON.parse(json.stdout.join('\n')) as {
      incidents: { id: string; money: { againstPlan: number } }[];
    };
    expect(parsed.incidents.map((i) => [i.id, Math.round(i.money.againstPlan)])).toEqual([
      ['incident:work_item:ERP-17', 480_000],
    ]);
    const shown = await cli('incident', 'show', 'incident:work_item:ERP-17');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(
      '    ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 calendar days)',
    );
    const missing = await cli('incident', 'show', 'incident:work_item:ERP-404');
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toContain(
      "there is no incident 'incident:work_item:ERP-404'",
    );
    const byIncident = await cli(
      'decision',
      'open',
      '--incident',
      'incident:work_item:ERP-17',
      '--as',
      'marco',
    );
    expect([byIncident.code, byIncident.stdout[0]?.slice(0, 12)]).toEqual([0, 'DEC-1 [open]']);
    const neither = await cli('decision', 'open', '--as', 'marco');
    expect([neither.code, neither.stderr[0]]).toEqual([
      1,
      'error request.invalid: --incident: say which: --incident ID or --signal ID (one of them)',
    ]);
  });

  it('refuses Priya with exit 1 naming Dana; an unknown person names --as', async () => {
    const refused = await cli(
      'decide',
      'DEC-1',
      '--option',
      '2',
      '--reason',
      'contractors',
      '--as',
      'priya',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.join('\n')).toMatch(
      /error decision\.forbidden: id: only Dana Whitfield \(dana\) may decide DEC-1/,
    );
    const nobody = await cli('decide', 'DEC-1', '--option', '2', '--reason', 'x', '--as', 'danna');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr.join('\n')).toContain("--as: there is no person 'danna' in the plan");
    const nobodyAtAll = await cli('decide', 'DEC-1', '--option', '2', '--reason', 'x');
    expect([nobodyAtAll.code, nobodyAtAll.stderr[0]]).toEqual([
      1,
      'error auth.missing_token: --as: say who decides: --as PERSON or --token TOKEN',
    ]);
  });

  it('lets Dana decide once, with --json, and shows the history', async () => {
    const decided = await cli(
      '--json',
      'decide',
      'DEC-1',
      '--option',
      '2',
      '--reason',
      'Contractors for weeks 41–43',
      '--as',
      'dana',
    );
    expect(decided.code, decided.stderr.join('\n')).toBe(0);
    const result = JSON.parse(decided.stdout.join('\n')) as {
      decision: { status: string; outcome: { decidedBy: string; reason: string } };
      planChanges: number;
    };
    expect(result.decision.status).toBe('decided');
    expect(result.decision.outcome).toMatchObject({
      decidedBy: 'dana',
      reason: 'Contractors for weeks 41–43',
    });
    expect(result.planChanges).toBeGreaterThan(0);
    const twice = await cli(
      'decide',
      'DEC-1',
      '--option',
      '1',
      '--reason',
      'again',
      '--as',
      'dana',
    );
    expect(twice.code).toBe(1);
    expect(twice.stderr[0]).toContain('error decision.already_decided');
    const shown = await cli('decision', 'show', 'DEC-1');
    expect(
      shown.stdout
        .filter((l) => / (opened|decided) by /.test(l))
        .map((l) => l.replace(/^.* (\w+ by \w+)$/, '$1')),
    ).toEqual(['opened by engine', 'decided by dana']);
  });

  it('compares scenario files side by side; a bad one names its file and path', async () => {
    const a = join(dir, 'later.yaml');
    const b = join(dir, 'stop.json');
    await writeFile(
      a,
      'id: S-LATER\nname: Pilot later\nauthor: marco\ncreatedAt: 2026-09-14\nchanges:\n  - { kind: move_milestone, milestone: M-PILOT, plannedDate: 2026-11-30 }\n',
    );
    await writeFile(
      b,
      JSON.stringify({
        id: 'S-STOP',
        name: 'Stop the pilot',
        author: 'dana',
        createdAt: '2026-09-14',
        changes: [{ kind: 'stop_initiative', initiative: 'I-MAINT' }],
      }),
    );
    const compared = await cli('--json', 'scenario', 'compare', a, b);
    expect(compared.code, compared.stderr.join('\n')).toBe(0);
    const columns = (
      JSON.parse(compared.stdout.join('\n')) as {
        scenarios: { id: string; result: { milestones: { id: string }[] } }[];
      }
    ).scenarios;
    expect(columns.map((c) => c.id)).toEqual(['S-LATER', 'S-STOP']);
    expect(columns[0]!.result.milestones.map((m) => m.id)).toContain('M-PILOT');
    const text = await cli('scenario', 'compare', a);
    expect(text.stdout[0]).toBe('S-LATER Pilot later (by marco)');

    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'id: S-BAD\nname: Bad\nauthor: x\ncreatedAt: 2026-09-14\nchanges:\n  - { kind: accept_slip, milestone: M-NOPE }\n',
    );
    const refused = await cli('scenario', 'compare', a, bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr[0]).toContain(`${bad} $.changes[0].milestone`);
  });
});
