import { describe, expect, it } from 'vitest';
import type { WorkItem } from '../domain/work-item.ts';
import { buildDoneWorkItem, buildPlan, buildWorkItem } from '../test-factories.ts';
import { computeState } from './compute-state.ts';

const asOf = '2026-09-14';

function forecast(items: WorkItem[]) {
  return computeState({ plan: buildPlan(), workItems: items, changes: {}, asOf }).workItems;
}

describe('forecastWorkItems', () => {
  it('forecasts an open item at its due date', () => {
    const result = forecast([buildWorkItem({ key: 'A', dueDate: '2026-10-02' })]);
    expect(result.get('A')).toMatchObject({ open: true, forecastFinish: '2026-10-02' });
    expect(result.get('A')?.explanation[0]?.rule).toBe('work_item.due_date');
  });

  it('forecasts an overdue open item at asOf', () => {
    const result = forecast([buildWorkItem({ key: 'A', dueDate: '2026-09-01' })]);
    expect(result.get('A')?.forecastFinish).toBe(asOf);
    expect(result.get('A')?.explanation[0]?.rule).toBe('work_item.overdue');
  });

  it('leaves an open item without due date unknown', () => {
    const result = forecast([buildWorkItem({ key: 'A' })]);
    expect(result.get('A')?.forecastFinish).toBeNull();
    expect(result.get('A')?.explanation[0]?.rule).toBe('work_item.no_due_date');
  });

  it('forecasts a done item at its done date, even when a blocker is late', () => {
    const result = forecast([
      buildDoneWorkItem('2026-09-10', { key: 'A', blockedBy: ['B'] }),
      buildWorkItem({ key: 'B', dueDate: '2026-12-01' }),
    ]);
    expect(result.get('A')).toMatchObject({ open: false, forecastFinish: '2026-09-10' });
  });

  it('pushes a blocked item to its blocker finish, transitively', () => {
    const result = forecast([
      buildWorkItem({ key: 'C', dueDate: '2026-10-01', blockedBy: ['B'] }),
      buildWorkItem({ key: 'B', dueDate: '2026-10-05', blockedBy: ['A'] }),
      buildWorkItem({ key: 'A', dueDate: '2026-10-20' }),
    ]);
    expect(result.get('A')?.forecastFinish).toBe('2026-10-20');
    expect(result.get('B')?.forecastFinish).toBe('2026-10-20');
    expect(result.get('C')?.forecastFinish).toBe('2026-10-20');
    expect(result.get('C')?.explanation.map((step) => step.rule)).toEqual([
      'work_item.due_date',
      'work_item.blocked_by',
    ]);
    expect(result.get('C')?.explanation[1]?.ref).toEqual({ kind: 'work_item', id: 'B' });
  });

  it('keeps its own finish when it is later than the blocker', () => {
    const result = forecast([
      buildWorkItem({ key: 'B', dueDate: '2026-11-01', blockedBy: ['A'] }),
      buildWorkItem({ key: 'A', dueDate: '2026-10-20' }),
    ]);
    expect(result.get('B')?.forecastFinish).toBe('2026-11-01');
    expect(result.get('B')?.explanation).toHaveLength(1);
  });

  it('gives an item without due date the finish of its blocker', () => {
    const result = forecast([
      buildWorkItem({ key: 'B', blockedBy: ['A'] }),
      buildWorkItem({ key: 'A', dueDate: '2026-10-20' }),
    ]);
    expect(result.get('B')?.forecastFinish).toBe('2026-10-20');
  });

  it('ignores blockers that are not among the work items', () => {
    const result = forecast([
      buildWorkItem({ key: 'B', dueDate: '2026-10-01', blockedBy: ['X-9'] }),
    ]);
    expect(result.get('B')?.forecastFinish).toBe('2026-10-01');
  });

  it('breaks a blocks cycle instead of looping, and says so', () => {
    const result = forecast([
      buildWorkItem({ key: 'A', dueDate: '2026-10-01', blockedBy: ['C'] }),
      buildWorkItem({ key: 'B', dueDate: '2026-10-10', blockedBy: ['A'] }),
      buildWorkItem({ key: 'C', dueDate: '2026-10-05', blockedBy: ['B'] }),
    ]);
    const rules = [...result.values()].flatMap((item) => item.explanation.map((s) => s.rule));
    expect(rules.filter((rule) => rule === 'work_item.blocks_cycle')).toHaveLength(1);
    expect(result.get('B')?.forecastFinish).toBe('2026-10-10');
    expect(result.get('C')?.forecastFinish).toBe('2026-10-10');
  });

  it('follows a blocker chain of 200,000 items without overflowing the stack', () => {
    const count = 200_000;
    const items = Array.from({ length: count }, (_, n) =>
      buildWorkItem({
        key: `W-${n}`,
        dueDate: n === count - 1 ? '2027-01-04' : '2026-10-01',
        blockedBy: n === count - 1 ? [] : [`W-${n + 1}`],
      }),
    );
    const result = forecast(items);
    expect(result.get('W-0')?.forecastFinish).toBe('2027-01-04');
  });
});
