import { describe, expect, it } from 'vitest';
import type { Dependency, DependencyType, Plan } from '../domain/plan.ts';
import type { WorkItem } from '../domain/work-item.ts';
import { DomainError } from '../errors.ts';
import {
  buildCalendar,
  buildDependency,
  buildDoneWorkItem,
  buildInitiative,
  buildMilestone,
  buildPlan,
  buildUnit,
  buildWorkItem,
} from '../test-factories.ts';
import { computeState } from './compute-state.ts';

const asOf = '2026-09-14'; // a Monday

function forecastOf(plan: Partial<Plan>, workItems: WorkItem[] = []) {
  const state = computeState({
    plan: buildPlan({ units: [buildUnit()], initiatives: [buildInitiative()], ...plan }),
    workItems,
    changes: {},
    asOf,
  });
  return state.milestones;
}

describe('forecastMilestones from linked work', () => {
  it('lands the next working day after the latest open work item', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['A', 'B'], epics: [] } })] },
      [
        buildWorkItem({ key: 'A', dueDate: '2026-09-30' }),
        buildWorkItem({ key: 'B', dueDate: '2026-10-02' }), // a Friday
      ],
    );
    expect(milestones.get('M-1')).toMatchObject({
      forecastDate: '2026-10-05',
      driver: { kind: 'work_item', key: 'B' },
      complete: false,
    });
    expect(milestones.get('M-1')?.explanation[0]?.rule).toBe('milestone.after_latest_work');
  });

  it('takes an overdue item as finishing on asOf', () => {
    const milestones = forecastOf(
      {
        milestones: [
          buildMilestone({ plannedDate: '2026-09-10', work: { keys: ['A'], epics: [] } }),
        ],
      },
      [buildWorkItem({ key: 'A', dueDate: '2026-09-01' })],
    );
    expect(milestones.get('M-1')).toMatchObject({ forecastDate: '2026-09-15', slipWorkingDays: 3 });
    expect(milestones.get('M-1')?.status.status).toBe('off_track');
  });

  it('is pushed by a blocker of its work item that is not linked itself', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['A'], epics: [] } })] },
      [
        buildWorkItem({ key: 'A', dueDate: '2026-09-30', blockedBy: ['X'] }),
        buildWorkItem({ key: 'X', dueDate: '2026-10-09' }),
      ],
    );
    expect(milestones.get('M-1')).toMatchObject({
      forecastDate: '2026-10-12',
      driver: { kind: 'work_item', key: 'A' },
    });
  });

  it('lands the next working day after the last done date when all work is done', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['A', 'B'], epics: [] } })] },
      [
        buildDoneWorkItem('2026-09-02', { key: 'A' }),
        buildDoneWorkItem('2026-09-11', { key: 'B' }), // a Friday
      ],
    );
    expect(milestones.get('M-1')).toMatchObject({
      forecastDate: '2026-09-14',
      complete: true,
      driver: { kind: 'work_item', key: 'B' },
      status: { status: 'on_track' },
    });
    expect(milestones.get('M-1')?.explanation[0]?.rule).toBe('milestone.after_work_done');
  });

  it('ignores done work while some work is still open', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['A', 'B'], epics: [] } })] },
      [
        buildDoneWorkItem('2026-09-30', { key: 'A' }),
        buildWorkItem({ key: 'B', dueDate: '2026-09-21' }),
      ],
    );
    expect(milestones.get('M-1')?.forecastDate).toBe('2026-09-22');
  });

  it('links an epic and all its children, each once', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['S-1'], epics: ['E-1'] } })] },
      [
        buildWorkItem({ key: 'E-1', dueDate: '2026-09-25' }),
        buildWorkItem({ key: 'S-1', parentKey: 'E-1', dueDate: '2026-09-28' }),
        buildWorkItem({ key: 'S-2', parentKey: 'E-1', dueDate: '2026-10-07' }),
        buildWorkItem({ key: 'S-3', parentKey: 'E-9', dueDate: '2026-12-01' }),
      ],
    );
    expect(milestones.get('M-1')).toMatchObject({
      forecastDate: '2026-10-08',
      driver: { kind: 'work_item', key: 'S-2' },
    });
    expect(milestones.get('M-1')?.explanation[0]?.text).toContain('latest of 3 open work items');
  });

  it('stays at its planned date without linked work', () => {
    const milestones = forecastOf({
      milestones: [buildMilestone({ work: { keys: ['GONE-1'], epics: [] } })],
    });
    expect(milestones.get('M-1')).toMatchObject({
      forecastDate: '2026-10-05',
      driver: { kind: 'plan' },
      status: { status: 'on_track', rule: 'milestone.on_plan' },
    });
    expect(milestones.get('M-1')?.explanation[0]?.rule).toBe('milestone.planned_date');
  });

  it('is at risk, on its plan, when its only open work has no due date', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['A'], epics: [] } })] },
      [buildWorkItem({ key: 'A', dueDate: null })],
    );
    expect(milestones.get('M-1')).toMatchObject({
      forecastDate: '2026-10-05',
      driver: { kind: 'plan' },
      status: { status: 'at_risk', rule: 'milestone.work_finish_unknown' },
    });
    expect(milestones.get('M-1')?.status.reason).toContain('A has no due date');
  });

  it('is at risk when one open item has no due date even though the rest is on time', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['A', 'B'], epics: [] } })] },
      [buildWorkItem({ key: 'A', dueDate: '2026-09-25' }), buildWorkItem({ key: 'B' })],
    );
    expect(milestones.get('M-1')).toMatchObject({
      forecastDate: '2026-09-28',
      status: { status: 'at_risk' },
    });
  });

  it('is off track, not at risk, when it is late and some work has no due date', () => {
    const milestones = forecastOf(
      { milestones: [buildMilestone({ work: { keys: ['A', 'B'], epics: [] } })] },
      [buildWorkItem({ key: 'A', dueDate: '2026-10-09' }), buildWorkItem({ key: 'B' })],
    );
    expect(milestones.get('M-1')?.status).toMatchObject({
      status: 'off_track',
      reason: 'forecast 2026-10-12 passed its plan 2026-10-05 by 5 working days',
    });
  });

  it("uses the calendar of its initiative's unit", () => {
    const milestones = forecastOf(
      {
        calendars: [buildCalendar(), buildCalendar({ id: 'de', holidays: ['2026-10-05'] })],
        units: [buildUnit({ id: 'IT', calendar: 'de' })],
        milestones: [
          buildMilestone({ plannedDate: '2026-10-06', work: { keys: ['A'], epics: [] } }),
        ],
      },
      [buildWorkItem({ key: 'A', dueDate: '2026-10-02' })],
    );
    expect(milestones.get('M-1')).toMatchObject({ forecastDate: '2026-10-06', slipWorkingDays: 0 });
  });

  it('fails with a named reference when a calendar does not exist', () => {
    expect(() => forecastOf({ units: [buildUnit({ id: 'IT', calendar: 'nope' })] })).toThrowError(
      DomainError,
    );
    expect(() => forecastOf({ units: [buildUnit({ id: 'IT', calendar: 'nope' })] })).toThrow(
      /Calendar nope does not exist/,
    );
  });
});

describe('forecastMilestones through dependencies', () => {
  // A's work finishes Friday 2026-10-23, so A lands Monday 2026-10-26.
  const work = [buildWorkItem({ key: 'A-1', dueDate: '2026-10-23' })];
  const twoMilestones = (dependency: Partial<Dependency>, plannedB = '2026-10-01') => ({
    milestones: [
      buildMilestone({ id: 'A', plannedDate: '2026-10-26', work: { keys: ['A-1'], epics: [] } }),
      buildMilestone({ id: 'B', plannedDate: plannedB }),
    ],
    dependencies: [buildDependency({ predecessor: 'A', successor: 'B', ...dependency })],
  });

  it.each<[DependencyType, number, string]>([
    ['FS', 0, '2026-10-26'],
    ['FS', 3, '2026-10-29'],
    ['SS', 5, '2026-11-02'],
    ['FF', 1, '2026-10-27'],
    ['SF', 10, '2026-11-09'],
    ['FS', -2, '2026-10-22'],
    ['SS', -5, '2026-10-19'],
  ])('%s with lag %i puts the successor no earlier than %s', (type, lagDays, expected) => {
    const milestones = forecastOf(twoMilestones({ type, lagDays }), work);
    expect(milestones.get('B')).toMatchObject({
      forecastDate: expected,
      driver: { kind: 'dependency', predecessor: 'A', type, lagDays },
    });
    expect(milestones.get('B')?.explanation.map((step) => step.rule)).toContain(
      'milestone.dependency',
    );
  });

  it('does not move a successor that is already late enough', () => {
    const milestones = forecastOf(twoMilestones({ type: 'FS', lagDays: -2 }, '2026-11-02'), work);
    expect(milestones.get('B')).toMatchObject({
      forecastDate: '2026-11-02',
      driver: { kind: 'plan' },
    });
  });

  it("counts the lag in the successor's calendar", () => {
    const milestones = forecastOf(
      {
        ...twoMilestones({ type: 'FS', lagDays: 1 }),
        calendars: [buildCalendar(), buildCalendar({ id: 'de', holidays: ['2026-10-27'] })],
        units: [buildUnit({ id: 'IT' }), buildUnit({ id: 'OPS', calendar: 'de' })],
        initiatives: [buildInitiative(), buildInitiative({ id: 'I-2', unit: 'OPS' })],
        milestones: [
          buildMilestone({
            id: 'A',
            plannedDate: '2026-10-26',
            work: { keys: ['A-1'], epics: [] },
          }),
          buildMilestone({ id: 'B', initiative: 'I-2', plannedDate: '2026-10-01' }),
        ],
      },
      work,
    );
    expect(milestones.get('B')?.forecastDate).toBe('2026-10-28');
  });

  it('takes the latest requirement of several predecessors, whatever the input order', () => {
    const milestones = forecastOf(
      {
        milestones: [
          buildMilestone({ id: 'C', plannedDate: '2026-10-01' }),
          buildMilestone({ id: 'B', plannedDate: '2026-10-12' }),
          buildMilestone({
            id: 'A',
            plannedDate: '2026-10-26',
            work: { keys: ['A-1'], epics: [] },
          }),
        ],
        dependencies: [
          buildDependency({ predecessor: 'B', successor: 'C', lagDays: 20 }),
          buildDependency({ predecessor: 'A', successor: 'B', lagDays: 0 }),
          buildDependency({ predecessor: 'A', successor: 'C', lagDays: 2 }),
        ],
      },
      work,
    );
    expect(milestones.get('B')?.forecastDate).toBe('2026-10-26');
    // B + 20 = 2026-11-23 beats A + 2 = 2026-10-28.
    expect(milestones.get('C')).toMatchObject({
      forecastDate: '2026-11-23',
      driver: { kind: 'dependency', predecessor: 'B' },
    });
  });

  it('does not loop on a dependency cycle, and says which link it ignored', () => {
    const milestones = forecastOf({
      milestones: [
        buildMilestone({ id: 'A', plannedDate: '2026-10-05' }),
        buildMilestone({ id: 'B', plannedDate: '2026-10-12' }),
      ],
      dependencies: [
        buildDependency({ predecessor: 'A', successor: 'B', lagDays: 5 }),
        buildDependency({ predecessor: 'B', successor: 'A', lagDays: 5 }),
      ],
    });
    expect(milestones.get('A')?.forecastDate).toBe('2026-10-05');
    expect(milestones.get('A')?.explanation.map((step) => step.rule)).toContain(
      'milestone.dependency_cycle',
    );
    expect(milestones.get('B')?.forecastDate).toBe('2026-10-12');
  });
});
