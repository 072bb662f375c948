import { describe, expect, it } from 'vitest';
import { scheduleCriticalPath } from '../../core/schedule/critical-path.ts';
import { formatLocalDateTime, parseLocalDateTime } from '../../core/schedule/local-time.ts';
import { normalizeMsProjectXml } from './mspdi.ts';
import { scheduleInputFromMsProject } from './mspdi-schedule.ts';

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
    expect(() =>
      normalizeMsProjectXml(
        project(task(1, 'PT8H0M0S'), calendar('<Type>4</Type><MonthDay>1</MonthDay>')),
        'monthly.xml',
      ),
    ).toThrow("recurring calendar exception 'Fridays off' (type 4) is not supported");
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
