import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scheduleCriticalPath } from '../../core/schedule/critical-path.ts';
import { formatLocalDateTime, parseLocalDateTime } from '../../core/schedule/local-time.ts';
import { compileWorkingTime } from '../../core/schedule/working-time.ts';
import { normalizeMsProjectXml } from './mspdi.ts';
import { scheduleInputFromMsProject } from './mspdi-schedule.ts';
import { compareWithMsProject, type OracleComparison } from './mspdi-oracle.ts';

/**
 * The oracle: MS Project's own computed values for three plans it saved (public MPXJ test
 * data, see test/fixtures/reference/README.md). Every task, every field, compared in working time:
 * 17:00 on one working day and 08:00 on the next are the same point.
 */
const REFERENCE = new URL('../../../test/fixtures/reference/scheduling/mspdi/', import.meta.url);
const FILES = ['mspdirelations', 'sample', 'task-links-project2019-mspdi'] as const;

interface ExpectedRow {
  uid: string;
  name: string;
  dates: Record<
    'Start' | 'Finish' | 'EarlyStart' | 'EarlyFinish' | 'LateStart' | 'LateFinish',
    string
  >;
  totalSlackTenths: number;
  freeSlackTenths: number;
  critical: boolean;
}

function readExpected(name: string): ExpectedRow[] {
  const [header, ...lines] = readFileSync(new URL(`${name}.expected.csv`, REFERENCE), 'utf8')
    .trim()
    .split(/\r?\n/);
  const columns = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    const cell = (column: string): string => cells[columns.indexOf(column)] ?? '';
    return {
      uid: cell('UID'),
      name: cell('Name'),
      dates: {
        Start: cell('Start'),
        Finish: cell('Finish'),
        EarlyStart: cell('EarlyStart'),
        EarlyFinish: cell('EarlyFinish'),
        LateStart: cell('LateStart'),
        LateFinish: cell('LateFinish'),
      },
      totalSlackTenths: Number(cell('TotalSlack_tenthsMin')),
      freeSlackTenths: Number(cell('FreeSlack_tenthsMin')),
      critical: cell('Critical') === '1',
    };
  });
}

interface Difference {
  uid: string;
  field: string;
  ours: string;
  msProject: string;
}

function compare(name: string, treatManualAsAutomatic = false): Difference[] {
  const xml = readFileSync(new URL(`${name}.xml`, REFERENCE), 'utf8');
  const plan = normalizeMsProjectXml(xml, `${name}.xml`);
  const input = scheduleInputFromMsProject(plan);
  const activities = treatManualAsAutomatic
    ? input.activities.map(({ manualStart: _manual, ...activity }) => activity)
    : input.activities;
  const schedule = scheduleCriticalPath({ ...input, activities });
  const projectCalendar = input.calendars.find((calendar) => calendar.id === input.calendar)!;
  const time = compileWorkingTime(projectCalendar);
  // A point in working time: working minutes since the project start.
  const point = (instant: number): number => time.workBetween(plan.start, instant);
  const byId = new Map(schedule.activities.map((activity) => [activity.id, activity]));

  const differences: Difference[] = [];
  const differ = (
    uid: string,
    field: string,
    ours: string | number | boolean,
    msProject: string | number | boolean,
  ): void => {
    differences.push({ uid, field, ours: String(ours), msProject: String(msProject) });
  };
  const expectedRows = readExpected(name);
  expect(expectedRows.length).toBeGreaterThan(0);
  for (const row of expectedRows) {
    const ours = byId.get(row.uid);
    if (ours === undefined) {
      differ(row.uid, 'scheduled', false, true);
      continue;
    }
    const fields = {
      Start: ours.earlyStart,
      Finish: ours.earlyFinish,
      EarlyStart: ours.earlyStart,
      EarlyFinish: ours.earlyFinish,
      LateStart: ours.lateStart,
      LateFinish: ours.lateFinish,
    };
    for (const [field, value] of Object.entries(fields) as [keyof typeof fields, number][]) {
      const theirs = parseLocalDateTime(row.dates[field])!;
      if (point(value) !== point(theirs))
        differ(row.uid, field, formatLocalDateTime(value), row.dates[field]);
    }
    // Slack in the CSV is in tenths of a minute; ours in minutes.
    if (Math.round(ours.totalSlack * 10) !== row.totalSlackTenths)
      differ(row.uid, 'TotalSlack', ours.totalSlack * 10, row.totalSlackTenths);
    if (Math.round(ours.freeSlack * 10) !== row.freeSlackTenths)
      differ(row.uid, 'FreeSlack', ours.freeSlack * 10, row.freeSlackTenths);
    if (ours.critical !== row.critical) differ(row.uid, 'Critical', ours.critical, row.critical);
  }
  return differences;
}

describe('MS Project as the oracle', () => {
  for (const name of FILES) {
    it(`${name}: every task agrees with MS Project`, () => {
      expect(compare(name)).toEqual([]);
    });
  }

  it('task-links: the manually scheduled tasks also sit where the links put them', () => {
    // Its tasks are manually scheduled, so MS Project keeps their typed dates. Scheduled from
    // the links instead, they land on the same early dates: the link arithmetic (all four
    // types, lags in days and weeks) is ours, not read back from the file. Only the late dates
    // of the two manual predecessors of start-linked successors move: MS Project does not
    // pull a manually scheduled task earlier through an SS or SF link (docs/SCHEDULING.md).
    const differences = compare('task-links-project2019-mspdi', true);
    expect(differences.filter((d) => !/^(Late|TotalSlack)/.test(d.field))).toEqual([]);
    expect(differences.map((d) => `${d.uid} ${d.field}`).sort()).toEqual([
      '11 LateFinish',
      '11 LateStart',
      '11 TotalSlack',
      '13 LateFinish',
      '13 LateStart',
      '13 TotalSlack',
    ]);
  });

  it('counts what it compares: every task of the three files, nine fields each', () => {
    const rows = FILES.flatMap((name) => readExpected(name));
    expect(rows.length).toBe(6 + 20 + 17);
  });
});

/**
 * The wider corpus: 68 files MS Project saved (MPXJ's test data, see
 * test/fixtures/reference/README.md), each holding MS Project's start and finish, early and
 * late dates, total and free slack and critical flag for every task (nine fields). Every file is scheduled and compared field by field.
 * A file that still differs is listed here with its number of differing fields and why; the
 * test fails when a listed file agrees or differs less (lower the count), when the count
 * rises, or when a file not listed differs or cannot be scheduled.
 */
const CORPUS = new URL('../../../test/fixtures/reference/scheduling/mspdi-mpxj/', import.meta.url);
const CORPUS_FILES = readdirSync(CORPUS)
  .filter((file) => file.endsWith('.xml'))
  .sort();

interface KnownDifference {
  /** Differing task fields, or 'fails' when the file is refused. */
  differences: number | 'fails';
  reason: string;
}

const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {};

function outcome(result: OracleComparison): number | 'fails' {
  return result.failure !== undefined ? 'fails' : result.differences.length;
}

describe('MS Project as the oracle, over the MPXJ corpus', () => {
  const results = new Map<string, OracleComparison>();
  for (const file of CORPUS_FILES) {
    it(`${file}: agrees with MS Project${file in KNOWN_DIFFERENCES ? ' except as listed' : ''}`, () => {
      const result = compareWithMsProject(readFileSync(new URL(file, CORPUS), 'utf8'), file);
      results.set(file, result);
      const known = KNOWN_DIFFERENCES[file];
      const found = outcome(result);
      if (known === undefined) {
        expect({ failure: result.failure, differences: result.differences }).toEqual({
          failure: undefined,
          differences: [],
        });
      } else {
        expect(found, `${file} is listed with ${known.differences}: update the list`).toBe(
          known.differences,
        );
      }
    });
  }

  it('sees a stored value that differs from ours, field by field', () => {
    const file = 'generated__task-links__task-links-project2019-mspdi.xml';
    const xml = readFileSync(new URL(file, CORPUS), 'utf8');
    expect(compareWithMsProject(xml, file).differences).toEqual([]);
    // One task's stored values moved by a day, its slack and flag changed: each is reported.
    const task = /<Task>\s*<UID>2<\/UID>[\s\S]*?<\/Task>/.exec(xml)![0];
    const edited = task
      .replace(/<LateFinish>\d{4}-\d\d-\d\dT/, '<LateFinish>2030-01-01T')
      .replace(/<TotalSlack>\d+<\/TotalSlack>/, '<TotalSlack>123</TotalSlack>')
      .replace(
        /<Critical>(\d)<\/Critical>/,
        (_, flag: string) => `<Critical>${flag === '1' ? 0 : 1}</Critical>`,
      );
    const differences = compareWithMsProject(xml.replace(task, edited), file).differences;
    expect(differences.map((d) => `${d.uid} ${d.field}`)).toEqual([
      '2 LateFinish',
      '2 TotalSlack',
      '2 Critical',
    ]);
  });

  it('runs every file of the corpus and prints the agreement table', () => {
    expect(CORPUS_FILES).toHaveLength(68);
    expect(results.size).toBe(CORPUS_FILES.length);
    const rows = [...results].map(([file, result]) => ({
      file,
      tasks: result.tasks,
      differingTasks: new Set(result.differences.map((d) => d.uid)).size,
      differences: outcome(result),
    }));
    const agreeing = rows.filter((row) => row.differences === 0).length;
    const failing = rows.filter((row) => row.differences === 'fails').length;
    const tasks = rows.reduce((sum, row) => sum + row.tasks, 0);
    console.log(
      `MS Project corpus: ${agreeing} of ${rows.length} files agree on every task and field, ` +
        `${rows.length - agreeing - failing} differ, ${failing} refused; ${tasks} tasks compared`,
    );
    for (const row of rows.filter((r) => r.differences !== 0))
      console.log(
        `  ${row.file}: ${row.differences} (${row.differingTasks} of ${row.tasks} tasks)`,
      );
    expect(tasks).toBe(1596);
  });
});
