import { describe, expect, it } from 'vitest';
import type { PlanFile } from '../../plan-file/plan-file-types.ts';
import type { Incident } from '../api/incident-types.ts';
import type {
  DerivedStatus,
  InitiativeView,
  KpiView,
  MilestoneView,
  ObjectiveView,
  StateView,
} from '../api/types.ts';
import { indexState } from '../live/state-index.ts';
import {
  byMoneyAtStake,
  dependantsOf,
  incidentsFrom,
  incidentsOf,
  kpiFigure,
  leadOf,
  moneyIncidentsOf,
  ownedBy,
  valueTotals,
  weeklyCostOf,
} from './home-model.ts';

const status = (s: 'on_track' | 'at_risk' | 'off_track'): DerivedStatus => ({
  status: s,
  rule: 'test',
  reason: s,
});
const person = (id: string) => ({ id, name: id[0]!.toUpperCase() + id.slice(1) });

function milestone(id: string, extra: Partial<MilestoneView> = {}): MilestoneView {
  return {
    id,
    name: `Milestone ${id}`,
    plannedDate: '2026-10-05',
    forecastDate: '2026-10-05',
    slipWorkingDays: 0,
    complete: false,
    status: status('on_track'),
    workItems: [],
    ...extra,
  };
}

function kpi(id: string, owner: string, unit: string, target: number, forecast: number): KpiView {
  return {
    id,
    name: `KPI ${id}`,
    owner: person(owner),
    unitOfMeasure: unit,
    direction: 'higher_is_better',
    status: status(forecast < target ? 'off_track' : 'on_track'),
    periods: [
      {
        period: '2026-Q4',
        start: '2026-10-01',
        end: '2026-12-31',
        target,
        actual: null,
        forecast,
        forecastAtPlan: forecast,
        gap: forecast - target,
        benefits: [],
        status: status(forecast < target ? 'off_track' : 'on_track'),
      },
    ],
  };
}

const erp: InitiativeView = {
  id: 'I-ERP',
  name: 'ERP migration',
  owner: person('priya'),
  unit: 'IT',
  delivery: status('off_track'),
  value: status('on_track'),
  milestones: [
    milestone('M-FIN', { complete: true }),
    milestone('M-GOLIVE', {
      workItems: [
        {
          key: 'ERP-17',
          summary: 'Cutover',
          status: 'In progress',
          statusCategory: 'in_progress',
          dueDate: null,
          forecastFinish: null,
        },
      ],
    }),
  ],
};
const proc: InitiativeView = {
  id: 'I-PROC',
  name: 'Procurement consolidation',
  owner: person('marco'),
  unit: 'OPS',
  delivery: status('off_track'),
  value: status('off_track'),
  milestones: [milestone('M-PURCH', { slipWorkingDays: 20 }), milestone('M-AFTER')],
};
const savings = kpi('K-SAVINGS', 'marco', 'USD', 1_200_000, 788_571);
const otd = kpi('K-OTD', 'marco', '%', 90, 95.5);
const child: ObjectiveView = {
  id: 'O-MAINT',
  name: 'Cut maintenance',
  owner: person('marco'),
  horizon: null,
  status: status('at_risk'),
  kpis: [],
  initiatives: [proc],
  children: [],
};
const cost: ObjectiveView = {
  id: 'O-COST',
  name: 'Cut cost',
  owner: person('dana'),
  horizon: null,
  status: status('off_track'),
  kpis: [savings],
  initiatives: [erp, proc],
  children: [child],
};
const customer: ObjectiveView = {
  id: 'O-CUSTOMER',
  name: 'Ship on time',
  owner: person('dana'),
  horizon: null,
  status: status('on_track'),
  kpis: [otd, savings],
  initiatives: [],
  children: [],
};
const state: StateView = {
  asOf: '2026-09-14',
  organisation: { id: 'acme', name: 'Acme' },
  objectives: [cost, customer],
  openSignals: 0,
};

const plan = {
  organisation: { id: 'acme', name: 'Acme', defaultCalendar: 'std', currency: 'USD' },
  dependencies: [
    { predecessor: 'M-GOLIVE', successor: 'M-PURCH' },
    { predecessor: 'M-PURCH', successor: 'M-AFTER' },
    // A completed milestone's successors wait on nothing.
    { predecessor: 'M-FIN', successor: 'M-OTHER' },
  ],
  benefits: [
    { id: 'B-1', milestone: 'M-PURCH', kpi: 'K-SAVINGS', amountPerWeek: 120_000 },
    { id: 'B-2', milestone: 'M-AFTER', kpi: 'K-SAVINGS', amountPerWeek: 5_000 },
    { id: 'B-3', milestone: 'M-GOLIVE', kpi: 'K-SAVINGS', amountPerWeek: 999 },
  ],
} as unknown as PlanFile;

function incident(id: string, againstPlan: number, againstTarget: number): Incident {
  return {
    id,
    headline: id,
    root: { key: id, kind: 'source', id, text: '' },
    causes: [],
    money: { currency: 'USD', againstPlan, againstTarget, kpis: [] },
    slipWeeks: 0,
    signals: [],
    effects: { milestones: [], kpis: [], objectives: [], capacity: [], sources: [] },
    initiatives: [],
    units: [],
    kpisBelowTarget: [],
    owners: [],
    reaches: null,
    decider: null,
    decision: null,
  };
}

/** The money an incident puts on a KPI (its amounts are not what these tests read). */
function stake(kpi: string, period: string | null, counted: boolean): Incident['money']['kpis'][0] {
  return { kpi, name: '', period, unitOfMeasure: 'USD', counted, againstTarget: 0, againstPlan: 0 };
}

/** An effect on a milestone (its dates are not what these tests read). */
function onMilestone(id: string): Incident['effects']['milestones'][0] {
  return {
    id,
    name: id,
    signal: null,
    plannedDate: '2026-10-01',
    forecastDate: '2026-10-01',
    slipWorkingDays: 0,
    slipCalendarDays: 0,
    unconstrainedDate: null,
    text: '',
  };
}

describe('whose home leads with what', () => {
  it('reads what each person owns from the owner fields, each thing once', () => {
    const marco = ownedBy(state, 'marco');
    expect(marco.topObjectives).toEqual([]);
    expect(marco.objectives.map((o) => o.id)).toEqual(['O-MAINT']);
    // K-SAVINGS measures two objectives: it counts once.
    expect(marco.kpis.map((k) => k.id)).toEqual(['K-SAVINGS', 'K-OTD']);
    expect(marco.initiatives.map((i) => i.id)).toEqual(['I-PROC']);
    expect(ownedBy(state, 'dana').topObjectives.map((o) => o.id)).toEqual(['O-COST', 'O-CUSTOMER']);
  });

  it('leads with top objectives, else KPIs, else initiatives, else the portfolio', () => {
    expect(leadOf(ownedBy(state, 'dana'))).toBe('objectives');
    expect(leadOf(ownedBy(state, 'marco'))).toBe('kpis');
    expect(leadOf(ownedBy(state, 'priya'))).toBe('initiatives');
    expect(leadOf(ownedBy(state, 'omar'))).toBe('objectives');
  });
});

describe('the money', () => {
  it('adds up the money KPIs in the currency, their gap signed short below zero', () => {
    expect(kpiFigure(savings)).toMatchObject({ value: 788_571, target: 1_200_000, gap: -411_429 });
    expect(valueTotals([savings, otd], 'USD')).toEqual({
      currency: 'USD',
      target: 1_200_000,
      forecast: 788_571,
      gap: -411_429,
      kpis: 1,
    });
    expect(valueTotals([otd], 'USD')).toBeNull();
  });

  it('ranks incidents by the money at stake against plan, then short of target', () => {
    const ranked = byMoneyAtStake([
      incident('small', 10, 500),
      incident('big-target', 480, 411),
      incident('big', 480, 100),
    ]);
    expect(ranked.map((i) => i.id)).toEqual(['big-target', 'big', 'small']);
  });

  it('finds the incidents of an objective by its effects or its KPIs', () => {
    const byKpi = incident('by-kpi', 1, 1);
    byKpi.money.kpis.push(stake('K-SAVINGS', '2026-Q4', true));
    const byEffect = incident('by-effect', 1, 1);
    byEffect.effects.objectives.push({ id: 'O-MAINT', name: '', status: 'at_risk', text: '' });
    const neither = incident('neither', 1, 1);
    expect(incidentsOf(cost, [byKpi, byEffect, neither]).map((i) => i.id)).toEqual(['by-kpi']);
    expect(incidentsOf(child, [byKpi, byEffect, neither]).map((i) => i.id)).toEqual(['by-effect']);
    // Its money lands only where a counted KPI sits in the objective's tree.
    const onChild = incident('on-child', 1, 1);
    onChild.money.kpis.push(stake('K-SAVINGS', null, true));
    const uncounted = incident('uncounted', 1, 1);
    uncounted.money.kpis.push(stake('K-SAVINGS', null, false));
    expect(moneyIncidentsOf(cost, [byKpi, byEffect, onChild, uncounted]).map((i) => i.id)).toEqual([
      'by-kpi',
      'on-child',
    ]);
    expect(moneyIncidentsOf(child, [byKpi, byEffect, onChild]).map((i) => i.id)).toEqual([]);
  });
});

describe('what waits on an initiative', () => {
  const index = indexState(state);

  it("follows the plan's dependencies down the chain from its open milestones", () => {
    const dependants = dependantsOf(erp, plan, index);
    expect(dependants.map((d) => [d.milestone.id, d.initiative.id, d.on.id])).toEqual([
      ['M-PURCH', 'I-PROC', 'M-GOLIVE'],
      ['M-AFTER', 'I-PROC', 'M-GOLIVE'],
    ]);
    expect(dependantsOf(erp, null, index)).toEqual([]);
    expect(dependantsOf(proc, plan, index)).toEqual([]);
  });

  it("costs a week's delay by the benefits hung on the dependants, not its own", () => {
    expect(weeklyCostOf(dependantsOf(erp, plan, index), plan, index)).toEqual([
      { kpi: 'K-SAVINGS', name: 'KPI K-SAVINGS', unit: 'USD', owner: 'Marco', perWeek: 125_000 },
    ]);
  });

  it('finds the incidents its work starts: a work item of its own, or a milestone that slipped', () => {
    const fromWork = incident('from-work', 1, 1);
    fromWork.causes.push({ key: 'work_item:ERP-17', kind: 'work_item', id: 'ERP-17', text: '' });
    const fromSlip = incident('from-slip', 1, 1);
    fromSlip.effects.milestones.push(onMilestone('M-GOLIVE'));
    const elsewhere = incident('elsewhere', 1, 1);
    elsewhere.effects.milestones.push(onMilestone('M-PURCH'));
    expect(incidentsFrom(erp, [fromWork, fromSlip, elsewhere]).map((i) => i.id)).toEqual([
      'from-work',
      'from-slip',
    ]);
  });
});
