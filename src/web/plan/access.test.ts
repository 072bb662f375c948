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
    // The access policy's own words: a demand is changed as a field of its initiative.
    expect(accessTo(priya, plan, 'demands', plan.demands?.[1]).reason).toBe(
      `Only Marco Rossi, ${PLANNERS} may change the fields of I-PROC.`,
    );
  });

  it("keeps K-SAVINGS' targets and actuals from Marco, its owner, saying who may", () => {
    const access = accessTo(marco, plan, 'kpis', plan.kpis?.[0]);
    expect(access.editable).toBe(true);
    expect(access.locked['targets']).toBe(`Only ${PLANNERS} may move the targets of K-SAVINGS.`);
    expect(access.locked['actuals']).toMatch(
      /^Only a finance controller \(nobody holds it\) or an admin \(Omar Haddad\) may record the actuals of K-SAVINGS\.$/,
    );
    const ownersSet = {
      ...plan,
      organisation: { ...plan.organisation, ownersSetTargets: true },
    } as PlanFile;
    expect(accessTo(marco, ownersSet, 'kpis', plan.kpis?.[0]).locked['targets']).toBeUndefined();
  });

  it('keeps actuals from a finance controller whose own initiative the KPI proves, as the server does', () => {
    const withProof = {
      ...plan,
      people: [
        ...(plan.people ?? []),
        { id: 'fiona', name: 'Fiona Wright', unit: 'FIN', role: 'finance_controller' },
      ],
      kpis: [...(plan.kpis ?? []), { id: 'K-CLOSE', owner: 'fiona' }],
      initiatives: [...(plan.initiatives ?? []), { id: 'I-CLOSE', owner: 'fiona', unit: 'FIN' }],
      milestones: [...(plan.milestones ?? []), { id: 'M-CLOSE', initiative: 'I-CLOSE' }],
      benefits: [{ id: 'B-CLOSE', milestone: 'M-CLOSE', kpi: 'K-CLOSE', amountPerWeek: 1000 }],
    } as unknown as PlanFile;
    const fiona = { id: 'fiona', mayApply: false, roles: ['finance_controller'] };
    const access = accessTo(fiona, withProof, 'kpis', { id: 'K-CLOSE', owner: 'fiona' });
    expect(access.editable).toBe(true);
    expect(access.locked['actuals']).toBe(
      'Only a finance controller (nobody holds it) or an admin (Omar Haddad) may record the actuals of K-CLOSE.',
    );
    // Without the benefit, her role lets her record them.
    const noProof = { ...withProof, benefits: [] } as unknown as PlanFile;
    expect(
      accessTo(fiona, noProof, 'kpis', { id: 'K-CLOSE', owner: 'fiona' }).locked['actuals'],
    ).toBeUndefined();
  });
});
