import { describe, expect, it } from 'vitest';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import { accessTo } from './access.ts';

const plan = {
  organisation: { id: 'acme', name: 'Acme', defaultCalendar: 'std', currency: 'USD' },
  people: [
    { id: 'lena', name: 'Lena Hoffmann', unit: 'FIN', role: 'strategy_office' },
    { id: 'omar', name: 'Omar Haddad', unit: 'IT', role: 'admin' },
    { id: 'priya', name: 'Priya Shah', unit: 'IT' },
    { id: 'marco', name: 'Marco Rossi', unit: 'OPS' },
  ],
  units: [{ id: 'IT', name: 'IT' }],
  kpis: [{ id: 'K-SAVINGS', owner: 'marco' }],
  initiatives: [
    { id: 'I-ERP', owner: 'priya', unit: 'IT' },
    { id: 'I-PROC', owner: 'marco', unit: 'OPS' },
  ],
  milestones: [{ id: 'M-GOLIVE', initiative: 'I-ERP' }],
  demands: [
    { id: 'D-ERP', initiative: 'I-ERP', unit: 'IT' },
    { id: 'D-PROC', initiative: 'I-PROC', unit: 'IT' },
  ],
} as unknown as PlanFile;

const priya = { id: 'priya', mayApply: false, roles: ['member'] };
const marco = { id: 'marco', mayApply: false, roles: ['member'] };
const lena = { id: 'lena', mayApply: true, roles: ['strategy_office'] };
const PLANNERS = 'the strategy office (Lena Hoffmann) or an admin (Omar Haddad)';

describe('accessTo', () => {
  it('lets the strategy office change anything', () => {
    expect(accessTo(lena, plan, 'units', plan.units?.[0]).editable).toBe(true);
    expect(accessTo(lena, plan, 'kpis', plan.kpis?.[0]).locked).toEqual({});
  });

  it("gives Priya her initiative's demands and milestones, not a unit's capacity or another's demand", () => {
    expect(accessTo(priya, plan, 'demands', plan.demands?.[0]).editable).toBe(true);
    expect(accessTo(priya, plan, 'milestones', plan.milestones?.[0]).editable).toBe(true);
    expect(accessTo(priya, plan, 'units', plan.units?.[0])).toEqual({
      editable: false,
      reason: `Units and their capacity are changed by ${PLANNERS}.`,
      locked: {},
    });
    expect(accessTo(priya, plan, 'demands', plan.demands?.[1]).reason).toBe(
      `Only Marco Rossi, the owner of I-PROC, or ${PLANNERS} may change D-PROC.`,
    );
  });

  it("keeps K-SAVINGS' targets and actuals from Marco, its owner, saying who may", () => {
    const access = accessTo(marco, plan, 'kpis', plan.kpis?.[0]);
    expect(access.editable).toBe(true);
    expect(access.locked['targets']).toBe(`Only ${PLANNERS} may move the targets of K-SAVINGS.`);
    expect(access.locked['actuals']).toMatch(/^Actuals are recorded by a finance controller/);
    const ownersSet = {
      ...plan,
      organisation: { ...plan.organisation, ownersSetTargets: true },
    } as PlanFile;
    expect(accessTo(marco, ownersSet, 'kpis', plan.kpis?.[0]).locked['targets']).toBeUndefined();
  });
});
