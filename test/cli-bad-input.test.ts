import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_FILES } from '../src/app/load-demo.ts';
import { BAD_PLANS, DEMO_PLAN_FILE, SYNTAX_ERROR_PLAN, type BadPlan } from './support/bad-plans.ts';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/** The line the CLI prints for a problem: `error <code>: <file>:<line>:<column> <json path>: <message>`. */
function errorLine(file: string, problem: BadPlan['problem']): string {
  const path = problem.path === undefined ? '' : ` ${problem.path}`;
  return `error ${problem.code}: ${file}:${problem.line}:${problem.column}${path}: ${problem.message}`;
}

/** A stack trace line, or a source location of ours. */
const STACK_TRACE = /^\s*at\s|\.(?:ts|js|mjs|cjs):\d+:\d+/m;

function expectNoInternals(run: CliRun): void {
  const printed = [...run.stdout, ...run.stderr].join('\n');
  expect(printed).not.toMatch(STACK_TRACE);
  expect(printed).not.toContain('error internal');
  expect(printed).not.toContain('node_modules');
}

describe('the CLI refuses bad input (PGlite on disk)', () => {
  let dir: string;
  let data: string;
  let exportBefore: CliRun;

  /** Runs the CLI on this suite's database. */
  function cli(...args: string[]): Promise<CliRun> {
    return runCapturedCli(['--data', data, ...args]);
  }

  /** Writes a file into this suite's folder and returns its path. */
  async function fileWith(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text, 'utf8');
    return file;
  }

  async function expectStoredPlanUnchanged(): Promise<void> {
    const after = await cli('plan', 'export', '--format', 'json');
    expect(after.code).toBe(0);
    expect(after.stdout).toEqual(exportBefore.stdout);
  }

  beforeAll(async () => {
    // Only --data may say where the data lives: no server, no pinned date, no debug traces.
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('THROUGHLINE_DATA', '');
    vi.stubEnv('THROUGHLINE_AS_OF', '');
    vi.stubEnv('THROUGHLINE_DEBUG', '');
    dir = await mkdtemp(join(tmpdir(), 'throughline-cli-'));
    data = join(dir, 'data');
    const demo = await cli('demo');
    expect(demo.stderr).toEqual([]);
    expect(demo.code).toBe(0);
    exportBefore = await cli('plan', 'export', '--format', 'json');
    expect(exportBefore.code).toBe(0);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('starts from the demo plan', () => {
    // Guards the "unchanged" checks: the export holds the demo, with what the bad files rename.
    const exported = JSON.parse(exportBefore.stdout.join('\n')) as {
      objectives: { id: string; name: string }[];
    };
    expect(exported.objectives).toContainEqual(
      expect.objectContaining({ id: 'O-CUSTOMER', name: 'Ship on time, every time' }),
    );
  });

  it('validates the demo plan file: exit 0', async () => {
    const run = await cli('plan', 'validate', DEMO_PLAN_FILE);
    expect(run).toEqual({
      code: 0,
      stdout: [
        `${DEMO_PLAN_FILE}: valid — 4 objectives, 5 KPIs, 4 initiatives, 7 milestones, 2 dependencies, 3 benefits`,
      ],
      stderr: [],
    });
  });

  it('applies the demo plan file a second time with "no change"', async () => {
    const run = await cli('plan', 'apply', DEMO_PLAN_FILE);
    expect(run).toEqual({ code: 0, stdout: [`${DEMO_PLAN_FILE}: no change`], stderr: [] });
    await expectStoredPlanUnchanged();
  });

  describe.each([...BAD_PLANS, SYNTAX_ERROR_PLAN])('a plan file with $name', (bad) => {
    let file: string;
    beforeAll(async () => {
      file = await fileWith(`${bad.name.replaceAll(' ', '-')}.yaml`, bad.text);
    });

    it(`plan validate exits 1 with ${bad.problem.code} at file:line:column`, async () => {
      const run = await cli('plan', 'validate', file);
      expect(run).toEqual({ code: 1, stdout: [], stderr: [errorLine(file, bad.problem)] });
      expectNoInternals(run);
    });

    it(`plan apply exits 1 with ${bad.problem.code}, and the stored plan is exactly as it was`, async () => {
      const run = await cli('plan', 'apply', file);
      expect(run).toEqual({ code: 1, stdout: [], stderr: [errorLine(file, bad.problem)] });
      expectNoInternals(run);
      await expectStoredPlanUnchanged();
    });
  });

  it('names a plan file that is not there: exit 1, file.not_found', async () => {
    const file = join(dir, 'no-such-plan.yaml');
    for (const command of ['validate', 'apply']) {
      const run = await cli('plan', command, file);
      expect(run).toEqual({
        code: 1,
        stdout: [],
        stderr: [`error file.not_found: ${file}: plan file '${file}' not found`],
      });
    }
    await expectStoredPlanUnchanged();
  });

  describe('jira ingest', () => {
    let notJson: string;
    let wrongShape: string;
    let stateBefore: CliRun;
    let signalsBefore: CliRun;

    beforeAll(async () => {
      notJson = await fileWith('not-json.json', '{not json');
      wrongShape = await fileWith(
        'wrong-shape.json',
        JSON.stringify({ issues: [{ id: '10017', key: 'ERP-17', fields: { summary: 42 } }] }),
      );
      stateBefore = await cli('--json', 'state');
      signalsBefore = await cli('--json', 'signals', '--all');
      expect(stateBefore.code).toBe(0);
      expect(signalsBefore.code).toBe(0);
    });

    async function expectNothingIngested(): Promise<void> {
      expect(await cli('--json', 'state')).toEqual(stateBefore);
      expect(await cli('--json', 'signals', '--all')).toEqual(signalsBefore);
    }

    it('refuses a file that is not JSON: exit 1, naming the file', async () => {
      const run = await cli('jira', 'ingest', '--source', 'demo', notJson);
      expect(run.code).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toMatch(/^error file\.parse: /);
      expect(run.stderr[0]).toContain(`${notJson}: not JSON: `);
      expectNoInternals(run);
    });

    it('refuses a payload of the wrong shape: exit 1, naming the file and the JSON path', async () => {
      const run = await cli('jira', 'ingest', '--source', 'demo', wrongShape);
      expect(run.code).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(run.stderr[0]).toBe(
        `error jira.bad_payload: ${wrongShape} $.issues[0].fields.summary: ${wrongShape}: $.issues[0].fields.summary has the wrong type: expected a string, got number 42`,
      );
      expectNoInternals(run);
    });

    it('refuses text PostgreSQL cannot store (a NUL): exit 1, naming the file and the JSON path', async () => {
      const slip = JSON.parse(await readFile(DEMO_FILES.erp17Slip, 'utf8')) as {
        issue: { fields: { summary: string } };
      };
      slip.issue.fields.summary = 'cut-over \u0000 plan';
      const nul = await fileWith('nul.json', JSON.stringify(slip));
      const run = await cli('jira', 'ingest', '--source', 'demo', nul);
      expect(run.code).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toMatch(/^error jira\.bad_payload: /);
      expect(run.stderr[0]).toContain(`${nul} $.issue.fields.summary`);
      expect(run.stderr[0]).toContain('NUL');
      expectNoInternals(run);
      await expectNothingIngested();
    });

    it('ingests nothing when one of several files is bad', async () => {
      const run = await cli('jira', 'ingest', '--source', 'demo', DEMO_FILES.erp17Slip, notJson);
      expect(run.code).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toContain(notJson);
      expect(run.stderr[0]).not.toContain(DEMO_FILES.erp17Slip);
      await expectNothingIngested();
    });

    it('would have changed the state with the good file alone (so the check above can fail)', async () => {
      const run = await cli('jira', 'ingest', '--source', 'demo', DEMO_FILES.erp17Slip);
      expect(run.code).toBe(0);
      expect(run.stdout.join('\n')).toContain('kpi.misses_target:K-SAVINGS:2026-Q4');
      expect(await cli('--json', 'signals', '--all')).not.toEqual(signalsBefore);
    });
  });

  it('refuses --as-of 2026-13-45: exit 1, config.invalid naming --as-of', async () => {
    const run = await cli('--as-of', '2026-13-45', 'state');
    expect(run).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        "error config.invalid: --as-of: as-of date '2026-13-45' is not a date written YYYY-MM-DD",
      ],
    });
  });
});
