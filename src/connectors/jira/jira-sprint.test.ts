import { describe, expect, it } from 'vitest';
import { normalizeJiraSprint } from './jira-sprint.ts';

describe('normalizeJiraSprint', () => {
  it('reads Cloud sprint objects and picks the active one', () => {
    expect(
      normalizeJiraSprint([
        {
          id: 1,
          name: 'Sprint 1',
          state: 'closed',
          startDate: '2026-08-03T08:00:00.000Z',
          endDate: '2026-08-17T08:00:00.000Z',
        },
        {
          id: 2,
          name: 'Sprint 2',
          state: 'active',
          startDate: '2026-08-17T08:00:00.000Z',
          endDate: '2026-08-31T08:00:00.000Z',
        },
      ]),
    ).toEqual({
      name: 'Sprint 2',
      state: 'active',
      startDate: '2026-08-17',
      endDate: '2026-08-31',
    });
  });

  it('reads the Data Center string form, commas in names included', () => {
    const legacy =
      'com.atlassian.greenhopper.service.sprint.Sprint@14b1c359[id=7,rapidViewId=1,state=FUTURE,name=Sprint 3, hardening,goal=,startDate=<null>,endDate=<null>,completeDate=<null>,sequence=7]';
    expect(normalizeJiraSprint([legacy])).toEqual({
      name: 'Sprint 3, hardening',
      state: 'future',
      startDate: null,
      endDate: null,
    });
  });

  it('prefers the next future sprint over closed ones, and the last closed when nothing is open', () => {
    const closedA = { name: 'A', state: 'closed', endDate: '2026-07-01T00:00:00.000Z' };
    const closedB = { name: 'B', state: 'closed', endDate: '2026-08-01T00:00:00.000Z' };
    const future1 = { name: 'F1', state: 'future', endDate: '2026-10-01T00:00:00.000Z' };
    const future2 = { name: 'F2', state: 'future', endDate: '2026-11-01T00:00:00.000Z' };
    expect(normalizeJiraSprint([closedA, future2, future1])?.name).toBe('F1');
    expect(normalizeJiraSprint([closedA, closedB])?.name).toBe('B');
  });

  it('gives null for nothing readable', () => {
    expect(normalizeJiraSprint(null)).toBeNull();
    expect(normalizeJiraSprint([])).toBeNull();
    expect(normalizeJiraSprint([{ name: 'x', state: 'weird' }, 42, 'no brackets'])).toBeNull();
  });
});
