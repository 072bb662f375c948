import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scheduleCriticalPath } from '../../core/schedule/critical-path.ts';
import { dayOf, formatLocalDateTime, parseLocalDateTime } from '../../core/schedule/local-time.ts';
import { compileWorkingTime } from '../../core/schedule/working-time.ts';
import { normalizeMsProjectXml } from './mspdi.ts';
import { scheduleInputFromMsProject } from './mspdi-schedule.ts';

const CORPUS = new URL('../../../test/fixtures/reference/scheduling/mspdi-mpxj/', import.meta.url);

const day = (type: number, times: [string, string][]): string =>
  `<WeekDay><DayType>${type}</DayType><DayWorking>${times.length > 0 ? 1 : 0}</DayWorking>${
    times.length > 0
      ? `<WorkingTimes>${times.map(([from, to]) => `<WorkingTime><FromTime>${from}</FromTime><ToTime>${to}</ToTime></WorkingTime>`).join('')}</WorkingTimes>`
      : ''
  }</WeekDay>`;
const office: [string, string][] = [
  ['08:00:00', '12:00:00'],
  ['13:00:00', '17:00:00'],
];

function project(tasks: string, calendars?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <StartDate>2026-12-21T08:00:00</StartDate>
  <CalendarUID>1</CalendarUID>
  <MinutesPerDay>480</MinutesPerDay>
  <Calendars>${
    calendars ??
    `<Calendar><UID>1</UID><Name>Standard</Name><IsBaseCalendar>1</IsBaseCalendar><BaseCalendarUID>-1</BaseCalendarUID>
      <WeekDays>${day(1, [])}${[2, 3, 4, 5, 6].map((d) => day(d, office)).join('')}${day(7, [])}</WeekDays>
      <Exceptions><Exception><Name>Christmas</Name><Type>1</Type><DayWorking>0</DayWorking>
        <TimePeriod><FromDate>2026-12-24T00:00:00</FromDate><ToDate>2026-12-25T23:59:00</ToDate></TimePeriod>
      </Exception></Exceptions>
    </Calendar>
    <Calendar><UID>2</UID><Name>Team</Name><IsBaseCalendar>0</IsBaseCalendar><BaseCalendarUID>1</BaseCalendarUID>
      <WeekDays>${day(2, [['08:00:00', '12:00:00']])}</WeekDays>
    </Calendar>`
  }</Calendars>
  <Tasks>${tasks}</Tasks>
</Project>`;
}

const task = (uid: number, duration: string, extra = ''): string =>
  `<Task><UID>${uid}</UID><Name>T${uid}</Name><OutlineLevel>1</OutlineLevel><Duration>${duration}</Duration>${extra}</Task>`;

describe('reading MSPDI', () => {
  it('skips holidays of the project calendar and honours a derived calendar', () => {
    const plan = normalizeMsProjectXml(
      project(
        task(1, 'PT24H0M0S') +
          task(2, 'PT8H0M0S', '<CalendarUID>2</CalendarUID>') +
          task(
            3,
            'PT8H0M0S',
            '<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>14400</LinkLag><LagFormat>8</LagFormat></PredecessorLink>',
          ),
      ),
      'holidays.xml',
    );
    const schedule = scheduleCriticalPath(scheduleInputFromMsProject(plan));
    const [t1, t2, t3] = schedule.activities;
    // Mon 21, Tue 22, Wed 23 … then Christmas Eve and Day are holidays.
    expect(formatLocalDateTime(t1!.earlyFinish)).toBe('2026-12-23T17:00:00');
    // The team calendar works Monday mornings only: half the day on Monday, half on Tuesday.
    expect(formatLocalDateTime(t2!.earlyFinish)).toBe('2026-12-22T12:00:00');
    // An elapsed day (1ed) of lag runs through the holiday night: 24 Dec 17:00, then work resumes on the 28th.
    expect(formatLocalDateTime(t3!.earlyStart)).toBe('2026-12-28T08:00:00');
  });

  it('reads weekly recurring exceptions and refuses monthly ones', () => {
    const calendar = (exception: string): string =>
      `<Calendar><UID>1</UID><Name>Standard</Name><BaseCalendarUID>-1</BaseCalendarUID>
        <WeekDays>${day(1, [])}${[2, 3, 4, 5, 6].map((d) => day(d, office)).join('')}${day(7, [])}</WeekDays>
        <Exceptions><Exception><Name>Fridays off</Name>${exception}<DayWorking>0</DayWorking>
          <TimePeriod><FromDate>2027-01-01T00:00:00</FromDate><ToDate>2027-01-31T23:59:00</ToDate></TimePeriod>
        </Exception></Exceptions></Calendar>`;
    const weekly = normalizeMsProjectXml(
      project(
        task(1, 'PT40H0M0S'),
        calendar('<Type>6</Type><DaysOfWeek>32</DaysOfWeek><Period>1</Period>'),
      ),
      'fridays.xml',
    );
    const schedule = scheduleCriticalPath({
      ...scheduleInputFromMsProject(weekly),
      start: parseLocalDateTime('2027-01-04T08:00')!,
    });
    // Five days from Monday 4 January: Friday the 8th is off, so it ends on Monday the 11th.
    expect(formatLocalDateTime(schedule.activities[0]!.earlyFinish)).toBe('2027-01-11T17:00:00');
    // Monthly on a day of the month: 1 January 2027 is the only occurrence in the range.
    const monthly = normalizeMsProjectXml(
      project(
        task(1, 'PT8H0M0S'),
        calendar('<Type>4</Type><MonthDay>1</MonthDay><Period>1</Period>'),
      ),
      'monthly.xml',
    );
    expect(monthly.calendars[0]!.exceptions).toEqual([
      { from: '2027-01-01', to: '2027-01-01', periods: [] },
    ]);
    // A yearly exception that does not say its month cannot be placed: refused, located.
    expect(() =>
      normalizeMsProjectXml(
        project(task(1, 'PT8H0M0S'), calendar('<Type>3</Type><MonthItem>4</MonthItem>')),
        'yearly.xml',
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            message: expect.stringContaining(
              "recurring calendar exception 'Fridays off' (type 3)",
            ) as string,
            path: '$.Project.Calendars.Calendar[0].Exceptions.Exception[0]',
          }),
        ],
      }),
    );
  });

  it('refuses a recurrence it cannot place and stays fast on a long one', () => {
    const calendar = (recurrence: string, to = '2027-12-31'): string =>
      `<Calendar><UID>1</UID><Name>Standard</Name><BaseCalendarUID>-1</BaseCalendarUID>
        <WeekDays>${day(1, [])}${[2, 3, 4, 5, 6].map((d) => day(d, office)).join('')}${day(7, [])}</WeekDays>
        <Exceptions><Exception><Name>Odd</Name>${recurrence}<DayWorking>0</DayWorking>
          <TimePeriod><FromDate>2027-01-01T00:00:00</FromDate><ToDate>${to}T23:59:00</ToDate></TimePeriod>
        </Exception></Exceptions></Calendar>`;
    for (const recurrence of [
      '<Type>4</Type><MonthDay>40</MonthDay>',
      '<Type>5</Type><MonthItem>12</MonthItem><MonthPosition>0</MonthPosition>',
      '<Type>5</Type><MonthItem>4</MonthItem><MonthPosition>7</MonthPosition>',
      '<Type>2</Type><Month>12</Month><MonthDay>1</MonthDay>',
      '<Type>8</Type>',
    ])
      expect(() =>
        normalizeMsProjectXml(project(task(1, 'PT8H0M0S'), calendar(recurrence)), 'odd.xml'),
      ).toThrow(/recurring calendar exception 'Odd' \(type \d\) is not supported/);
    // Every Monday for 80 years, then a task of 2,000 days across them: well under a second.
    const began = performance.now();
    const plan = normalizeMsProjectXml(
      project(
        task(1, 'PT16000H0M0S'),
        calendar('<Type>6</Type><DaysOfWeek>2</DaysOfWeek><Period>0</Period>', '2106-12-31'),
      ),
      'mondays.xml',
    );
    const schedule = scheduleCriticalPath(scheduleInputFromMsProject(plan));
    expect(performance.now() - began).toBeLessThan(1500);
    // Four working days a week (Tuesday to Friday): 2,000 days take 500 weeks, into 2036.
    expect(formatLocalDateTime(schedule.activities[0]!.earlyFinish).slice(0, 4)).toBe('2036');
  });

  it('expands daily, weekly, monthly and yearly recurring exceptions as MS Project saved them', () => {
    // MS Project 2010 saved one exception of each kind; each ends (ToDate) on its last
    // occurrence. The days below are worked out by hand from the recurrence.
    const xml = readFileSync(
      new URL(
        'generated__calendar-recurring-exceptions__calendar-recurring-exceptions-project2010-mspdi.xml',
        CORPUS,
      ),
      'utf8',
    );
    const plan = normalizeMsProjectXml(xml, 'recurring.xml');
    const time = compileWorkingTime(plan.calendars.find((c) => c.id === plan.calendar)!);
    const periods = (date: string): string =>
      time
        .periodsOn(dayOf(parseLocalDateTime(date)!))
        .map((p) => `${p.from / 60}-${p.to / 60}`)
        .join(',');
    const off = [
      '2000-02-01', // daily every 3 days: 1, 4, 7, 10 February
      '2000-02-10',
      '2001-01-16', // weekly every 2 weeks on Tuesday: 2, 16, 30 January, 13 February
      '2001-02-13',
      '2002-01-07', // monthly, every 2 months, the first Monday: January, March, May
      '2002-03-04',
      '2002-05-06',
      '2002-01-25', // monthly, every 6 months, the last Friday: January 2002 … January 2005
      '2002-07-26',
      '2005-01-28',
      '2003-06-04', // monthly, every 5 months, on the 4th: January 2003 … February 2005
      '2005-02-04',
      '2004-03-02', // yearly, the first Tuesday of March: 2004 … 2007
      '2007-03-06',
      '2006-02-01', // yearly on 1 February: 2005 … 2007
      '2007-02-01',
    ];
    for (const date of off) expect([date, periods(date)]).toEqual([date, '']);
    const on = ['2000-02-02', '2001-01-09', '2002-02-04', '2002-04-26', '2003-02-04', '2008-03-04'];
    for (const date of on) expect([date, periods(date)]).toEqual([date, '8-12,13-17']);
    // A recurring working exception: the first Saturday of January, February and March 2010.
    for (const date of ['2010-01-02', '2010-02-06', '2010-03-06'])
      expect([date, periods(date)]).toEqual([date, '9-13,14-17']);
    expect(periods('2010-04-03')).toBe('');
  });

  it('refuses a calendar without working time where it is used, and only there', () => {
    const calendars = `<Calendar><UID>1</UID><Name>Standard</Name><BaseCalendarUID>-1</BaseCalendarUID>
        <WeekDays>${day(1, [])}${[2, 3, 4, 5, 6].map((d) => day(d, office)).join('')}${day(7, [])}</WeekDays></Calendar>
      <Calendar><UID>4</UID><Name>Budget</Name><BaseCalendarUID>-65533</BaseCalendarUID></Calendar>`;
    const withResources = (work: string): string =>
      project(task(1, 'PT16H0M0S'), calendars).replace(
        '</Project>',
        `<Resources><Resource><UID>1</UID><Name>Budget</Name><Type>1</Type><CalendarUID>4</CalendarUID></Resource></Resources>
         <Assignments><Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>1</ResourceUID><Units>1</Units>
           <Work>${work}</Work><Start>2026-12-21T08:00:00</Start><Finish>2026-12-22T17:00:00</Finish></Assignment></Assignments></Project>`,
      );
    // Nothing works on the budget calendar: the file schedules.
    const unused = normalizeMsProjectXml(withResources('PT0H0M0S'), 'budget.xml');
    const schedule = scheduleCriticalPath(scheduleInputFromMsProject(unused));
    expect(formatLocalDateTime(schedule.activities[0]!.earlyFinish)).toBe('2026-12-22T17:00:00');
    // A resource with work on it: refused, naming the calendar, the resource and the place.
    const used = normalizeMsProjectXml(withResources('PT16H0M0S'), 'budget.xml');
    expect(() => scheduleInputFromMsProject(used)).toThrow(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            file: 'budget.xml',
            path: '$.Project.Assignments.Assignment[0]',
            message: expect.stringMatching(
              /calendar UID 4 'Budget' has no working time, and resource UID 1 'Budget' on task UID 1 works on it/,
            ) as string,
          }),
        ],
      }),
    );
  });

  it('keeps progress: a started task stays at its actual start, a finished one at its actual dates', () => {
    const link = (uid: number): string =>
      `<PredecessorLink><PredecessorUID>${uid}</PredecessorUID><Type>1</Type></PredecessorLink>`;
    const plan = normalizeMsProjectXml(
      project(
        task(
          1,
          'PT16H0M0S',
          '<ActualStart>2026-12-21T08:00:00</ActualStart><ActualFinish>2026-12-23T12:00:00</ActualFinish>',
        ) +
          // Started before its predecessor finished: MS Project keeps the actual start.
          task(
            2,
            'PT8H0M0S',
            `<ActualStart>2026-12-22T08:00:00</ActualStart><PercentComplete>50</PercentComplete>${link(1)}`,
          ) +
          task(3, 'PT8H0M0S', link(2)),
      ),
      'progress.xml',
    );
    const [t1, t2, t3] = scheduleCriticalPath(scheduleInputFromMsProject(plan)).activities;
    expect(formatLocalDateTime(t1!.earlyFinish)).toBe('2026-12-23T12:00:00');
    expect(formatLocalDateTime(t2!.earlyStart)).toBe('2026-12-22T08:00:00');
    expect(formatLocalDateTime(t2!.earlyFinish)).toBe('2026-12-22T17:00:00');
    expect(formatLocalDateTime(t3!.earlyStart)).toBe('2026-12-23T08:00:00');
    expect(plan.warnings).toEqual([]);
    expect(() =>
      normalizeMsProjectXml(
        project(
          task(
            1,
            'PT8H0M0S',
            '<ActualStart>2026-12-22T08:00:00</ActualStart><ActualFinish>2026-12-21T08:00:00</ActualFinish>',
          ),
        ),
        'backwards.xml',
      ),
    ).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ path: '$.Project.Tasks.Task[0].ActualFinish' })],
      }),
    );
  });

  it('schedules an as-late-as-possible task at its late dates, without a warning', () => {
    const plan = normalizeMsProjectXml(
      project(task(1, 'PT8H0M0S', '<ConstraintType>1</ConstraintType>') + task(2, 'PT24H0M0S')),
      'alap.xml',
    );
    expect(plan.warnings).toEqual([]);
    const [t1] = scheduleCriticalPath(scheduleInputFromMsProject(plan)).activities;
    // Task 2 ends on Wednesday 23 December: task 1 takes that Wednesday.
    expect(formatLocalDateTime(t1!.start)).toBe('2026-12-23T08:00:00');
    expect(formatLocalDateTime(t1!.earlyStart)).toBe('2026-12-21T08:00:00');
    expect(t1!.totalSlack).toBe(0);
  });

  it('starts a task at its start-no-earlier-than date even before the project start', () => {
    const plan = normalizeMsProjectXml(
      project(
        task(
          1,
          'PT8H0M0S',
          '<ConstraintType>4</ConstraintType><ConstraintDate>2026-12-14T08:00:00</ConstraintDate>',
        ) + task(2, 'PT8H0M0S'),
      ),
      'early.xml',
    );
    const [t1, t2] = scheduleCriticalPath(scheduleInputFromMsProject(plan)).activities;
    expect(formatLocalDateTime(t1!.earlyStart)).toBe('2026-12-14T08:00:00');
    // The project finishes with its last task, so the early task has slack up to it.
    expect(formatLocalDateTime(t1!.lateFinish)).toBe('2026-12-21T17:00:00');
    expect(formatLocalDateTime(t2!.earlyStart)).toBe('2026-12-21T08:00:00');
  });

  it('never marks an unlinked manual task with an estimated duration and no work critical', () => {
    const manual =
      '<Manual>1</Manual><Start>2026-12-21T08:00:00</Start><Finish>2026-12-21T17:00:00</Finish>';
    const plan = normalizeMsProjectXml(
      project(
        task(1, 'PT8H0M0S', `${manual}<Estimated>1</Estimated>`) +
          task(2, 'PT8H0M0S', `${manual}<Estimated>0</Estimated>`) +
          task(3, 'PT8H0M0S', `${manual}<Estimated>1</Estimated>`) +
          task(
            4,
            'PT0H0M0S',
            '<PredecessorLink><PredecessorUID>3</PredecessorUID><Type>1</Type></PredecessorLink>',
          ) +
          task(5, 'PT8H0M0S', `${manual}<Estimated>1</Estimated>`),
      ).replace(
        '</Project>',
        `<Resources><Resource><UID>1</UID><Name>Ann</Name><Type>1</Type></Resource></Resources>
         <Assignments><Assignment><UID>1</UID><TaskUID>5</TaskUID><ResourceUID>1</ResourceUID>
           <Units>1</Units><Work>PT8H0M0S</Work></Assignment></Assignments></Project>`,
      ),
      'manual.xml',
    );
    const critical = scheduleCriticalPath(scheduleInputFromMsProject(plan)).activities.map(
      (a) => a.critical,
    );
    // Estimated and unlinked: not critical; firm, linked, or with work: critical.
    expect(critical).toEqual([false, true, true, true, true]);
  });

  it('keeps the gap of a split task as part of its span', () => {
    const timephased = (from: string, to: string, value: string): string =>
      `<TimephasedData><Type>1</Type><UID>1</UID><Start>${from}</Start><Finish>${to}</Finish><Unit>2</Unit><Value>${value}</Value></TimephasedData>`;
    const xml = (gap: string): string =>
      project(
        task(
          1,
          'PT16H0M0S',
          '<Start>2026-12-21T08:00:00</Start><Finish>2026-12-23T17:00:00</Finish>',
        ) +
          task(
            2,
            'PT8H0M0S',
            '<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink>',
          ),
      ).replace(
        '</Project>',
        `<Assignments><Assignment><UID>1</UID><TaskUID>1</TaskUID><ResourceUID>-65535</ResourceUID><Work>PT0H0M0S</Work>
          ${timephased('2026-12-21T08:00:00', '2026-12-21T17:00:00', 'PT8H0M0S')}
          ${timephased('2026-12-22T08:00:00', '2026-12-22T17:00:00', gap)}
          ${timephased('2026-12-23T08:00:00', '2026-12-23T17:00:00', 'PT8H0M0S')}
        </Assignment></Assignments></Project>`,
      );
    const finishOf = (gap: string): string =>
      formatLocalDateTime(
        scheduleCriticalPath(scheduleInputFromMsProject(normalizeMsProjectXml(xml(gap), 's.xml')))
          .activities[1]!.earlyFinish,
      );
    // Work stops on Tuesday and resumes on Wednesday: the successor waits for Wednesday's end,
    // then for Christmas (24 and 25 December are holidays of this calendar).
    expect(finishOf('PT0H0M0S')).toBe('2026-12-28T17:00:00');
    // Not split (work every day): the task lasts its 16 hours.
    expect(finishOf('PT8H0M0S')).toBe('2026-12-23T17:00:00');
  });

  it('names the line of XML that is not well-formed', () => {
    expect(() => normalizeMsProjectXml('<Project>\n<Tasks>\n</Project>', 'broken.xml')).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ code: 'file.parse', file: 'broken.xml', line: 3 })],
      }),
    );
  });

  it('names every bad field with its place', () => {
    try {
      normalizeMsProjectXml(
        project(
          task(1, 'eight hours') +
            task(2, 'PT8H0M0S', '<ConstraintType>4</ConstraintType>') +
            task(
              3,
              'PT8H0M0S',
              '<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>9</Type></PredecessorLink>',
            ),
        ),
        'bad.xml',
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({
        problems: [
          {
            path: '$.Project.Tasks.Task[0].Duration',
            message: "<Duration> 'eight hours' is not a duration like PT8H0M0S",
          },
          { path: '$.Project.Tasks.Task[1].ConstraintDate' },
          {
            path: '$.Project.Tasks.Task[2].PredecessorLink[0].Type',
            message: 'unknown link <Type> 9',
          },
        ],
      });
    }
  });

  it('refuses a file that is not MS Project XML', () => {
    expect(() => normalizeMsProjectXml('<html></html>', 'page.xml')).toThrow(
      /root element is not <Project>/,
    );
  });
});
