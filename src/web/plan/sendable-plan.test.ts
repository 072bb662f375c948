import { describe, expect, it } from 'vitest';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { sendablePlan } from './sendable-plan.ts';

describe('sendablePlan', () => {
  it('leaves out what points at entities the person cannot see, and keeps the rest', () => {
    const plan = {
      organisation: { id: 'acme', name: 'Acme', defaultCalendar: 'std', currency: 'USD' },
      units: [{ id: 'IT', name: 'IT' }],
      people: [{ id: 'priya', name: 'Priya', unit: 'IT' }],
      objectives: [],
      kpis: [{ id: 'K-1' }],
      initiatives: [{ id: 'I-ERP', unit: 'IT', owner: 'priya' }],
      milestones: [
        { id: 'M-GOLIVE', initiative: 'I-ERP' },
        { id: 'M-HIDDEN-INIT', initiative: 'I-PROC' },
      ],
      dependencies: [
        { predecessor: 'M-GOLIVE', successor: 'M-HIDDEN-INIT' },
        { predecessor: 'M-GOLIVE', successor: 'M-GOLIVE' },
      ],
      benefits: [{ id: 'B-1', milestone: 'M-GOLIVE', kpi: 'K-1' }],
      demands: [
        { id: 'D-ERP', initiative: 'I-ERP', unit: 'IT' },
        { id: 'D-PROC', initiative: 'I-PROC', unit: 'IT' },
        { id: 'D-AFTER', initiative: 'I-ERP', unit: 'IT', after: ['D-PROC'] },
        { id: 'D-AFTER-OK', initiative: 'I-ERP', unit: 'IT', after: ['D-ERP'] },
      ],
    } as unknown as PlanFile;
    const sent = sendablePlan(plan);
    expect(sent.milestones?.map((m) => m.id)).toEqual(['M-GOLIVE']);
    expect(sent.dependencies).toHaveLength(1);
    expect(sent.benefits?.map((b) => b.id)).toEqual(['B-1']);
    expect(sent.demands?.map((d) => d.id)).toEqual(['D-ERP', 'D-AFTER-OK']);
    expect(sent.units).toBe(plan.units);
  });
});
