import { describe, expect, it } from 'vitest';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { changeWords, diffFields } from './change-summary.ts';

const plan = {
  organisation: { id: 'acme', name: 'Acme', defaultCalendar: 'std', currency: 'USD' },
  people: [{ id: 'priya', name: 'Priya Shah', unit: 'IT' }],
  units: [{ id: 'IT', name: 'IT' }],
  milestones: [
    { id: 'M-GOLIVE', name: 'ERP go-live', initiative: 'I-ERP', plannedDate: '2026-10-01' },
  ],
} as unknown as PlanFile;

describe('changeWords', () => {
  it('says a moved milestone by name and id, with both dates in the app format', () => {
    const fields = diffFields(
      { id: 'M-GOLIVE', plannedDate: '2026-10-01', owner: 'priya' },
      { id: 'M-GOLIVE', plannedDate: '2026-10-15', owner: 'priya' },
    );
    expect(
      changeWords(plan, { collection: 'milestones', id: 'M-GOLIVE', action: 'updated', fields }),
    ).toEqual({
      entity: 'Milestone ERP go-live (M-GOLIVE)',
      lines: ['planned date 1 Oct 2026 → 15 Oct 2026'],
    });
  });

  it("says a unit's capacity line by line: a week, a week in a period, a period added", () => {
    const fields = diffFields(
      { id: 'IT', name: 'IT', capacity: { perWeek: 6, periods: { '2026-12': 4 } } },
      { id: 'IT', name: 'IT', capacity: { perWeek: 7, periods: { '2026-12': 4, '2026-Q4': 8 } } },
    );
    expect(changeWords(plan, { collection: 'units', id: 'IT', action: 'updated', fields })).toEqual(
      {
        entity: 'Unit IT',
        lines: ['capacity a week 6 → 7', 'capacity a week in 2026-Q4 none → 8'],
      },
    );
  });

  it('says a new demand is added and an owner by name', () => {
    expect(
      changeWords(plan, { collection: 'demands', id: 'D-NEW', action: 'created', fields: [] }),
    ).toEqual({ entity: 'Demand D-NEW', lines: ['added'] });
    const owner = changeWords(plan, {
      collection: 'milestones',
      id: 'M-GOLIVE',
      action: 'updated',
      fields: [{ field: 'owner', before: null, after: 'priya' }],
    });
    expect(owner.lines).toEqual(['owner none → Priya Shah']);
  });
});
