import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { DEMO_PLAN_TEXT, lineOf, withChange } from './support/bad-plans.ts';
import { runCapturedCli, type CliRun } from './support/cli-run.ts';

/**
 * Hostile files on the command line: plan files with text PostgreSQL cannot store or ids of
 * megabytes, MS Project XML with a DTD (external entities, "billion laughs"), thousands of
 * levels of nesting, negative or endless durations, PSPLIB files with impossible numbers. Each
 * is exit 1 with a message naming the file (and the line or the JSON path), never exit 2.
 */

const TWO_MB = 'x'.repeat(2 * 1024 * 1024);

const WEEKDAYS = [2, 3, 4, 5, 6]
  .map(
    (day) =>
      `<WeekDay><DayType>${day}</DayType><DayWorking>1</DayWorking><WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>16:00:00</ToTime></WorkingTime></WorkingTimes></WeekDay>`,
  )
  .join('');

/** An MSPDI file with these tasks, preceded by `prolog` (a DOCTYPE, say). */
function project(tasks: string, prolog = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>${prolog}
<Project xmlns="http://schemas.microsoft.com/project">
  <StartDate>2026-12-21T08:00:00</StartDate>
  <CalendarUID>1</CalendarUID>
  <Calendars><Calendar><UID>1</UID><Name>Standard</Name><WeekDays>${WEEKDAYS}</WeekDays></Calendar></Calendars>
  <Tasks>${tasks}</Tasks>
</Project>
`;
}

const task = (uid: string, duration: string, extra = ''): string =>
  `<Task><UID>${uid}</UID><Name>T${uid}</Name><Duration>${duration}</Duration>${extra}</Task>`;

const TWO_TASKS =
  task('1', 'PT8H0M0S') +
  task('2', 'PT8H0M0S', '<PredecessorLink><PredecessorUID>1</PredecessorUID></PredecessorLink>');

/** Ten entities of ten, nested seven times: 10^8 characters once expanded. */
const BILLION_LAUGHS = `<!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa">${[
  'b',
  'c',
  'd',
  'e',
  'f',
  'g',
  'h',
]
  .map((name, k) => `<!ENTITY ${name} "${`&${String.fromCharCode(97 + k)};`.repeat(10)}">`)
  .join('')}]>`;

/** A PSPLIB instance of three jobs with one resource. */
function psplib(duration: string, demand = '1', capacity = '10'): string {
  return `************************************************************************
jobs (incl. supersource/sink ):  3
RESOURCES
  - renewable                 :  1   R
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          1           2
   2        1          1           3
   3        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     ${duration}       ${demand}
  3      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
   ${capacity}
************************************************************************
`;
}

/** A stack trace line, or a source location of ours. */
const STACK_TRACE = /^\s*at\s|\.(?:ts|js|mjs|cjs):\d+:\d+/m;

describe('the CLI refuses hostile files (PGlite on disk)', () => {
  let dir: string;
  let data: string;
  let exportBefore: CliRun;

  function cli(...args: string[]): Promise<CliRun> {
    return runCapturedCli(['--data', data, ...args]);
  }

  async function fileWith(name: string, text: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, text, 'utf8');
    return file;
  }

  /** Exit 1, no internals, and the first error line names the file (and more, when given). */
  function expectRefused(run: CliRun, file: string, ...expected: (string | RegExp)[]): string {
    const printed = [...run.stdout, ...run.stderr].join('\n');
    expect(run.code, printed.slice(0, 1000)).toBe(1);
    expect(printed).not.toContain('error internal');
    expect(printed).not.toMatch(STACK_TRACE);
    expect(printed.length).toBeLessThan(10_000);
    const first = run.stderr.find((line) => line.startsWith('error ')) ?? '';
    expect(first).toContain(file);
    for (const part of expected) {
      if (typeof part === 'string') expect(first).toContain(part);
      else expect(first).toMatch(part);
    }
    return first;
  }

  async function expectStoredPlanUnchanged(): Promise<void> {
    const after = await cli('plan', 'export', '--format', 'json');
    expect(after.code).toBe(0);
    expect(after.stdout).toEqual(exportBefore.stdout);
  }

  beforeAll(async () => {
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('THROUGHLINE_DATA', '');
    vi.stubEnv('THROUGHLINE_AS_OF', '');
    vi.stubEnv('THROUGHLINE_DEBUG', '');
    dir = await mkdtemp(join(tmpdir(), 'throughline-hostile-'));
    data = join(dir, 'data');
    const demo = await cli('demo');
    expect(demo.code).toBe(0);
    exportBefore = await cli('plan', 'export', '--format', 'json');
    expect(exportBefore.code).toBe(0);
  }, 180_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  describe('plan files', () => {
    const plan = parse(DEMO_PLAN_TEXT) as { organisation: Record<string, unknown> };

    it.each(['validate', 'apply'])(
      'plan %s refuses a NUL character, naming line and path',
      async (command) => {
        const json = JSON.stringify(
          { ...plan, organisation: { ...plan.organisation, name: 'Acme\u0000' } },
          null,
          2,
        );
        const file = await fileWith(`nul-${command}.json`, json);
        expectRefused(
          await cli('plan', command, file),
          `${file}:${lineOf(json, '"name": "Acme\\u0000"')}:`,
          '$.organisation.name',
          'NUL character',
        );
        await expectStoredPlanUnchanged();
      },
    );

    it('plan apply refuses an unpaired surrogate in YAML, naming the line', async () => {
      const yaml = withChange(DEMO_PLAN_TEXT, 'name: Acme Manufacturing', 'name: "Acme \\uDC00"');
      const file = await fileWith('surrogate.yaml', yaml);
      expectRefused(
        await cli('plan', 'apply', file),
        `${file}:${lineOf(yaml, 'Acme \\uDC00')}:`,
        'unpaired UTF-16 surrogate',
      );
      await expectStoredPlanUnchanged();
    });

    it('plan apply refuses an organisation id of 2 MB', async () => {
      const json = JSON.stringify({ ...plan, organisation: { ...plan.organisation, id: TWO_MB } });
      const file = await fileWith('long-id.json', json);
      expectRefused(await cli('plan', 'apply', file), '$.organisation.id', 'at most 200');
      await expectStoredPlanUnchanged();
    });

    it('plan validate refuses YAML nested 20,000 levels deep', async () => {
      const file = await fileWith(
        'deep.yaml',
        `organisation: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
      );
      expectRefused(await cli('plan', 'validate', file), 'nested too deeply');
    });
  });

  describe('MS Project XML', () => {
    const hostile: [string, string, (string | RegExp)[]][] = [
      [
        'an external entity (XXE)',
        project(
          task('1', 'PT8H0M0S', '<Notes>&xxe;</Notes>'),
          '<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        ),
        [':1:', 'file.parse', 'DOCTYPE'],
      ],
      [
        'a billion laughs',
        project(task('1', 'PT8H0M0S', '<Notes>&h;</Notes>'), BILLION_LAUGHS),
        [':1:', 'DOCTYPE'],
      ],
      [
        'an entity of 2 MB',
        project(
          task('1', 'PT8H0M0S', '<Notes>&big;</Notes>'),
          `<!DOCTYPE Project [<!ENTITY big "${TWO_MB}">]>`,
        ),
        ['DOCTYPE'],
      ],
      [
        'elements nested 100,000 deep',
        project(task('1', 'PT8H0M0S', `${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`)),
        ['nested more than'],
      ],
      [
        'a NUL character',
        project(TWO_TASKS).replace('<Name>T1</Name>', '<Name>T\u0000</Name>'),
        [/:\d+:\d+/, 'NUL character'],
      ],
      [
        'a negative duration',
        project(task('1', '-PT8H0M0S')),
        ['$.Project.Tasks.Task[0].Duration', "'-PT8H0M0S' is negative"],
      ],
      [
        'a duration of ages',
        project(task('1', 'P99999999999999999999D')),
        ['$.Project.Tasks.Task[0].Duration', 'century'],
      ],
      [
        'a task UID of 2 MB',
        project(task(TWO_MB, 'PT8H0M0S')),
        ['$.Project.Tasks.Task[0].UID', 'at most 200'],
      ],
      [
        'no working time for centuries',
        project(TWO_TASKS).replace(
          /<WeekDays>.*<\/WeekDays>/,
          `<WeekDays>${WEEKDAYS.replaceAll('<DayWorking>1', '<DayWorking>0')}</WeekDays><Exceptions><Exception><Type>1</Type><DayWorking>1</DayWorking><TimePeriod><FromDate>2400-01-03T00:00:00</FromDate><ToDate>2400-01-03T23:59:00</ToDate></TimePeriod><WorkingTimes><WorkingTime><FromTime>08:00:00</FromTime><ToTime>16:00:00</ToTime></WorkingTime></WorkingTimes></Exception></Exceptions>`,
        ),
        ['file.parse', 'cannot be computed'],
      ],
    ];

    it.each(hostile)('schedule refuses %s with exit 1', async (name, text, expected) => {
      const file = await fileWith(`${name.replace(/\W+/g, '-')}.xml`, text);
      expectRefused(await cli('schedule', file), file, ...expected);
    });

    it.each(hostile)(
      'msproject import refuses %s with exit 1 and changes nothing',
      async (name, text, expected) => {
        const file = await fileWith(`import-${name.replace(/\W+/g, '-')}.xml`, text);
        expectRefused(
          await cli('msproject', 'import', file, '--initiative', 'I-ERP'),
          file,
          ...expected,
        );
        await expectStoredPlanUnchanged();
      },
    );

    it('still imports a well-formed file (the checks above refuse only what is hostile)', async () => {
      const file = await fileWith('good.xml', project(TWO_TASKS));
      const run = await cli('msproject', 'import', file, '--initiative', 'I-ERP', '--dry-run');
      expect(run.stderr).toEqual([]);
      expect(run.code).toBe(0);
    });
  });

  describe('PSPLIB', () => {
    it.each([
      ['a duration of 1e300 periods', psplib('1e300'), ':16:', 'at most'],
      ['a negative demand', psplib('3', '-5'), ':16:', 'demands -5 of R1'],
      ['a negative capacity', psplib('3', '1', '-1'), ':21:', 'capacity -1'],
    ])('schedule refuses %s with exit 1, naming the line', async (name, text, line, message) => {
      const file = await fileWith(`${name.replace(/\W+/g, '-')}.sm`, text);
      expectRefused(await cli('schedule', file), `${file}${line}`, message);
      expectRefused(await cli('schedule', '--level', file), `${file}${line}`, message);
    });
  });
});
