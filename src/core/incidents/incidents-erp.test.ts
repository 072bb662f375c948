import { describe, expect, it } from 'vitest';
import { demoInputAfterSlip } from '../../../test/support/demo-after-slip.ts';
import { deciderFor } from '../decisions/decider.ts';
import { optionEffect } from '../decisions/option-effect.ts';
import { computeState } from '../engine/compute-state.ts';
import { priceScenarioWithPlan } from '../scenario/price-scenario.ts';
import { groupIncidents } from './group-incidents.ts';
import { incidentOptions } from './incident-options.ts';

const input = await demoInputAfterSlip('2026-09-14');
const { plan } = input;
const state = computeState(input);

describe('incidents on the ERP story, after the ERP-17 slip', () => {
  const incidents = groupIncidents(plan, state, state.signals);
  const incident = incidents[0]!;

  it('is one incident: the slips, the K-SAVINGS miss and the IT over-allocation', () => {
    expect(incidents).toHaveLength(1);
    expect(incident.id).toBe('incident:work_item:ERP-17');
    expect(incident.signals.map((s) => s.id).sort()).toEqual(
      [
        'capacity.over_allocated:IT:2026-W41',
        'kpi.misses_target:K-SAVINGS:2026-Q4',
        'milestone.slipped:M-GOLIVE',
        'milestone.slipped:M-PILOT',
        'milestone.slipped:M-PURCH',
      ].sort(),
    );
    expect(incident.causes.map((c) => c.key)).toEqual([
      'work_item:ERP-17',
      'capacity.over_allocated:IT:2026-W41',
    ]);
  });

  it('says in one line what is at stake: 480,000 USD against plan, 411,429 below target', () => {
    expect(incident.headline).toBe(
      "ERP-17's slip and IT's bottleneck in weeks 41–43 put 480,000 USD of Realised cost savings at risk in 2026-Q4",
    );
    expect(incident.money.currency).toBe('USD');
    expect(incident.money.againstPlan).toBeCloseTo(480_000, 0);
    expect(incident.money.againstTarget).toBeCloseTo(411_428.57, 1);
    expect(incident.money.kpis).toMatchObject([
      { kpi: 'K-SAVINGS', period: '2026-Q4', counted: true },
    ]);
  });

  it('folds the effects in, with names beside ids and working and calendar days told apart', () => {
    const { effects } = incident;
    expect(effects.milestones.map((m) => [m.id, m.forecastDate, m.slipWorkingDays])).toEqual([
      ['M-GOLIVE', '2026-10-26', 15],
      ['M-PURCH', '2026-11-16', 20],
      ['M-PILOT', '2026-11-23', 5],
    ]);
    expect(effects.milestones[1]!.text).toBe(
      "Centralised purchasing live (M-PURCH): forecast 2026-11-16, 20 working days (28 calendar days) after its plan 2026-10-19; 2026-11-09 without IT's bottleneck",
    );
    expect(effects.kpis.map((k) => k.text)).toEqual([
      'Realised cost savings (K-SAVINGS) 2026-Q4: forecast 788,571 against a target of 1,200,000 USD: 411,429 USD below target, 480,000 USD below plan',
    ]);
    expect(effects.capacity.map((c) => [c.unit, c.weeks])).toEqual([
      ['IT', ['2026-W41', '2026-W42', '2026-W43']],
    ]);
    expect(effects.objectives.map((o) => o.id).sort()).toEqual(['O-COST', 'O-CUSTOMER', 'O-MAINT']);
    const chain = incident.signals.find((s) => s.id === 'milestone.slipped:M-PURCH')!.chain;
    expect(chain.map((s) => s.text)).toEqual([
      'ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 calendar days)',
      'ERP go-live, plant 1 (M-GOLIVE) forecast 2026-10-26, +15 working days (+21 calendar days) against its plan 2026-10-05',
      'Centralised purchasing live (M-PURCH) forecast 2026-11-16, +20 working days (+28 calendar days) against its plan 2026-10-19; 2026-11-09 without the resource bottleneck',
      expect.stringMatching(/^.+ \(O-COST\) off track$/),
    ]);
    expect(incident.owners).toEqual(['dana', 'marco', 'nina', 'priya', 'sam']);
  });

  it('reaches Priya first, beyond her rights: a decision opens by itself', () => {
    expect(incident.reaches).toMatchObject({ person: 'priya', as: 'owner of M-GOLIVE' });
    expect(incident.reaches!.covered).toBe(false);
    expect(incident.reaches!.amount).toBe(480_000);
    expect(incident.reaches!.reasons.join('; ')).toContain('outside R-ERP-SLIP');
  });

  it('proposes accepting every later date, October IT capacity, and letting I-MAINT yield; Dana decides', () => {
    const options = incidentOptions(plan, state, incident, state.signals);
    expect(options.map((o) => o.changes)).toEqual([
      [
        { kind: 'accept_slip', milestone: 'M-GOLIVE' },
        { kind: 'accept_slip', milestone: 'M-PURCH' },
        { kind: 'accept_slip', milestone: 'M-PILOT' },
      ],
      [expect.objectContaining({ kind: 'add_capacity', unit: 'IT' })],
      [expect.objectContaining({ kind: 'prioritise', unit: 'IT', over: ['I-MAINT'] })],
    ]);
    expect(options[0]!.title).toBe(
      'Accept the later dates and re-baseline: M-GOLIVE on 2026-10-26, M-PURCH on 2026-11-16, M-PILOT on 2026-11-23',
    );
    const effects = options.map((o) =>
      optionEffect(plan, o.changes, priceScenarioWithPlan(input, o.changes, state)),
    );
    expect(deciderFor(plan, effects).person).toBe('dana');
  });
});

describe('incidents in general', () => {
  it('keeps signals with different roots apart, and an empty list gives none', () => {
    expect(groupIncidents(plan, state, [])).toEqual([]);
    const alone = state.signals.filter((s) => s.id === 'milestone.slipped:M-GOLIVE');
    const [one] = groupIncidents(plan, state, alone);
    expect(one!.headline).toBe(
      "ERP-17's slip moves ERP go-live, plant 1 up to 15 working days late",
    );
    const stale = {
      id: 'source.stale:jira',
      kind: 'source.stale' as const,
      subject: { kind: 'source' as const, id: 'jira' },
      title: 'jira has not answered for 45 minutes',
      chain: [],
      affectedOwners: ['priya'],
    };
    const both = groupIncidents(plan, state, [...alone, stale]);
    expect(both.map((i) => i.id)).toEqual([
      'incident:work_item:ERP-17',
      'incident:source.stale:jira',
    ]);
    expect(both[1]!.headline).toBe(stale.title);
    expect(both[1]!.reaches).toBeNull();
  });
});

describe('incidents whatever order the signals come in', () => {
  it('gives the same incident for the signals reversed (the store lists the newest first)', () => {
    const forward = groupIncidents(plan, state, state.signals);
    const backward = groupIncidents(plan, state, [...state.signals].reverse());
    expect(backward).toEqual(forward);
  });
});

describe('the threshold of the person an incident reaches', () => {
  const withPriyaRight = (maxAmount: number, maxSlipWeeks: number) => ({
    ...plan,
    decisionRights: [
      {
        id: 'R-PRIYA-WIDE',
        person: 'priya',
        initiatives: ['I-ERP', 'I-PROC', 'I-MAINT'],
        units: ['IT'],
        maxAmount,
        maxSlipWeeks,
      },
    ],
  });
  const reach = (p: typeof plan) => groupIncidents(p, state, state.signals)[0]!.reaches!;

  it('is within a right that reaches every initiative and unit, up to its money and weeks', () => {
    expect(reach(withPriyaRight(480_000, 4)).covered).toBe(true);
  });

  it('is beyond it by one unit of money, or a week of slip', () => {
    const money = reach(withPriyaRight(479_999, 4));
    expect(money.covered).toBe(false);
    expect(money.reasons).toEqual(['480,000 USD is more than the 479,999 USD of R-PRIYA-WIDE']);
    expect(reach(withPriyaRight(480_000, 3)).reasons).toEqual([
      'a slip of 4 weeks is more than the 3 of R-PRIYA-WIDE',
    ]);
  });

  it('is 0 for a person with no right: any money is beyond it', () => {
    const none = reach({ ...plan, decisionRights: [] });
    expect([none.person, none.covered, none.reasons]).toEqual(['priya', false, []]);
  });
});
