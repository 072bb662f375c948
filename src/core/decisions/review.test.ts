import { describe, expect, it } from 'vitest';
import { demoInputAfterSlip } from '../../../test/support/demo-after-slip.ts';
import type { Plan } from '../domain/plan.ts';
import type { DerivedState, MilestoneForecast } from '../domain/state.ts';
import { computeState } from '../engine/compute-state.ts';
import { priceScenarioWithPlan, type ScenarioResult } from '../scenario/price-scenario.ts';
import type { Decision, DecisionOption } from './decision.ts';
import { optionEffect } from './option-effect.ts';
import { proposeOptions } from './propose-options.ts';
import { reviewDecision } from './review.ts';

const input = await demoInputAfterSlip('2026-09-14');
const state = computeState(input);
const signal = state.signals.find((s) => s.kind === 'capacity.over_allocated')!;
const priced = proposeOptions(input.plan, state, signal).map((proposed, k) => {
  const scenario = priceScenarioWithPlan(input, proposed.changes, state);
  const option: DecisionOption = {
    number: k + 1,
    title: proposed.title,
    proposedBy: 'engine',
    changes: proposed.changes,
    result: scenario.result,
    effect: optionEffect(input.plan, proposed.changes, scenario),
    lastDay: null,
  };
  return { option, plan: scenario.plan };
});
const capacity = priced.find((p) => p.option.changes[0]!.kind === 'add_capacity')!;

function decided(option: DecisionOption | null): Decision {
  return {
    id: 'DEC-1',
    status: option === null ? 'open' : 'decided',
    signal: signal.id,
    title: 'Decide',
    kinds: ['add_capacity'],
    options: priced.map((p) => p.option),
    decider: { person: 'dana', right: 'R-COST', because: '', considered: [], escalatesTo: null },
    dueDate: '2026-10-04',
    openedBy: 'priya',
    openedAt: '2026-09-14T09:00:00.000Z',
    outcome:
      option === null
        ? null
        : {
            option: option.number,
            reason: 'contractors',
            decidedBy: 'dana',
            decidedAt: '2026-09-14T10:00:00.000Z',
          },
  };
}

/** The plan after deciding, with K-SAVINGS' actual for a period. */
function withActual(plan: Plan, kpi: string, period: string, value: number): Plan {
  return {
    ...plan,
    kpis: plan.kpis.map((k) =>
      k.id === kpi ? { ...k, actuals: { ...k.actuals, [period]: value } } : k,
    ),
  };
}

const q4 = capacity.option.result.kpis.find(
  (k) => k.kpi === 'K-SAVINGS' && k.period === '2026-Q4',
)!;
const doNothing = q4.forecast.before!;
const predicted = q4.forecast.after!;

describe('reviewDecision on the ERP story', () => {
  it('has nothing to review while the decision is open', () => {
    expect(reviewDecision(decided(null), null, input.plan, state)).toBeNull();
  });

  it('awaits the Q4 actuals: predicted 908,571 against 788,571 doing nothing, 120,000 meant to be saved', () => {
    const after = computeState({ ...input, plan: capacity.plan });
    const review = reviewDecision(decided(capacity.option), null, capacity.plan, after)!;
    expect(review).toMatchObject({
      option: capacity.option.number,
      predictedOn: '2026-09-14',
      predictedWhen: 'added',
      status: 'awaiting',
    });
    expect(review.kpis).toHaveLength(1);
    const [savings] = review.kpis;
    expect(savings).toMatchObject({
      kpi: 'K-SAVINGS',
      period: '2026-Q4',
      actual: null,
      gap: null,
      realised: null,
      ended: false,
      note: 'awaiting actuals for 2026-Q4',
    });
    expect(savings!.doNothing).toBeCloseTo(788_571.43, 1);
    expect(savings!.predicted).toBeCloseTo(908_571.43, 1);
    expect(savings!.saved).toBeCloseTo(120_000, 6);
    expect(review.awaiting).toContain('K-SAVINGS: awaiting actuals for 2026-Q4');
    expect(review.money.meantToProtect).toBeCloseTo(120_000, 6);
    expect(review.money.realised).toBeNull();
    // The cost is the option's own: its add_capacity cost, in no initiative's budget.
    const change = capacity.option.changes[0]!;
    expect(review.money.cost).toBe(change.kind === 'add_capacity' ? change.cost?.amount : NaN);
    expect(review.summary).toContain('was to protect 120,000 USD (K-SAVINGS 2026-Q4)');
    expect(review.summary).toContain('awaiting actuals');
    // M-PURCH back to 9 November; it has no linked work, so its completion is never known.
    const purch = review.milestones.find((m) => m.milestone === 'M-PURCH')!;
    expect(purch).toMatchObject({ doNothing: '2026-11-16', predicted: '2026-11-09', actual: null });
    expect(purch.note).toContain('no linked work');
  });

  it('sets the Q4 actual against the prediction: 25,000 short of it, 95,000 realised against doing nothing', () => {
    const plan = withActual(capacity.plan, 'K-SAVINGS', '2026-Q4', doNothing + 95_000);
    const later = computeState({ ...input, plan, asOf: '2027-01-04' });
    const review = reviewDecision(decided(capacity.option), null, plan, later)!;
    const [savings] = review.kpis;
    expect(savings!.actual).toBeCloseTo(doNothing + 95_000, 6);
    expect(savings!.gap).toBeCloseTo(doNothing + 95_000 - predicted, 6);
    expect(savings!.gap).toBeCloseTo(-25_000, 6);
    expect(savings!.realised).toBeCloseTo(95_000, 6);
    expect(savings!.ended).toBe(true);
    expect(savings!.note).toBe(
      'actual 883,571 against 908,571 predicted (−25,000); +95,000 against doing nothing, 120,000 meant',
    );
    expect(review.money.realised).toBeCloseTo(95_000, 6);
    expect(review.money.predictedWithActuals).toBeCloseTo(120_000, 6);
    expect(review.status).toBe('complete');
    expect(review.awaiting).toEqual([]);
    const cost = review.money.cost.toLocaleString('en-US');
    expect(review.summary).toBe(
      `“${capacity.option.title}” was to protect 120,000 USD (K-SAVINGS 2026-Q4) at a cost of ${cost} USD; realised 95,000 USD.`,
    );
  });

  it('calls an actual of a running period a figure so far', () => {
    const plan = withActual(capacity.plan, 'K-SAVINGS', '2026-Q4', doNothing + 10_000);
    const running = computeState({ ...input, plan, asOf: '2026-11-02' });
    const [savings] = reviewDecision(decided(capacity.option), null, plan, running)!.kpis;
    expect(savings!.ended).toBe(false);
    expect(savings!.note).toContain('so far (2026-Q4 runs to 2026-12-31)');
  });

  it('reads the prediction made when deciding over the one made when the option was added', () => {
    const atDecision: ScenarioResult = {
      ...capacity.option.result,
      asOf: '2026-09-20',
      kpis: capacity.option.result.kpis.map((k) => ({
        ...k,
        forecast: { before: k.forecast.before, after: k.forecast.before! + 100_000 },
      })),
    };
    const after = computeState({ ...input, plan: capacity.plan });
    const review = reviewDecision(
      decided(capacity.option),
      { result: atDecision, when: 'decided' },
      capacity.plan,
      after,
    )!;
    expect([review.predictedOn, review.predictedWhen]).toEqual(['2026-09-20', 'decided']);
    expect(review.kpis[0]!.saved).toBeCloseTo(100_000, 6);
  });
});

describe('reviewDecision, signs and milestones', () => {
  const base = computeState(input);
  /** A state whose milestones are the given ones (the review reads no other milestone figure). */
  function withMilestones(
    list: Pick<MilestoneForecast, 'id' | 'forecastDate' | 'complete'>[],
  ): Pick<DerivedState, 'asOf' | 'kpis' | 'milestones'> {
    return {
      asOf: '2027-01-04',
      kpis: base.kpis,
      milestones: new Map(list.map((m) => [m.id, m as MilestoneForecast])),
    };
  }
  const option: DecisionOption = {
    ...capacity.option,
    result: {
      ...capacity.option.result,
      kpis: [
        {
          kpi: 'K-DOWNTIME',
          period: '2026-Q4',
          target: { before: 125, after: 125 },
          forecast: { before: 118, after: 110 },
          gap: { before: 7, after: 15 },
        },
        // A KPI the plan has dropped since: reported, never awaited.
        {
          kpi: 'K-GONE',
          period: '2026-Q4',
          target: { before: null, after: null },
          forecast: { before: 10, after: 12 },
          gap: { before: null, after: null },
        },
        // Only the target moved: nothing predicted of the forecast.
        {
          kpi: 'K-OTD',
          period: '2026-Q4',
          target: { before: 90, after: 91 },
          forecast: { before: 96, after: 96 },
          gap: { before: 6, after: 5 },
        },
      ],
      milestones: [
        {
          id: 'M-GOLIVE',
          plannedDate: { before: '2026-10-05', after: '2026-10-05' },
          forecastDate: { before: '2026-10-26', after: '2026-10-19' },
          slipWorkingDays: { before: 15, after: 10 },
          levelledDate: { before: '2026-10-26', after: '2026-10-19' },
        },
        {
          id: 'M-SENSORS',
          plannedDate: { before: '2026-09-18', after: null },
          forecastDate: { before: '2026-09-18', after: null },
          slipWorkingDays: { before: 0, after: null },
          levelledDate: { before: '2026-09-18', after: null },
        },
      ],
    },
  };
  const options = [option];
  const decision = { ...decided(capacity.option), options };

  it('signs a lower-is-better KPI so that fewer hours are saved hours; a moved target alone is not a prediction', () => {
    const plan = withActual(input.plan, 'K-DOWNTIME', '2026-Q4', 114);
    const review = reviewDecision(decision, null, plan, withMilestones([]))!;
    expect(review.kpis.map((k) => k.kpi)).toEqual(['K-DOWNTIME', 'K-GONE']);
    expect(review.kpis[1]!.note).toBe('K-GONE is no longer in the plan');
    expect(review.awaiting).toEqual([]);
    expect(review.kpis[0]).toMatchObject({ saved: 8, actual: 114, gap: -4, realised: 4 });
    // Hours are not money: nothing meant to be protected in USD.
    expect(review.money).toMatchObject({ meantToProtect: 0, realised: null });
  });

  it('compares a milestone’s predicted date with the day it completed; a dropped one is not awaited', () => {
    const done = withMilestones([{ id: 'M-GOLIVE', forecastDate: '2026-10-23', complete: true }]);
    const review = reviewDecision(decision, null, input.plan, done)!;
    const golive = review.milestones.find((m) => m.milestone === 'M-GOLIVE')!;
    expect(golive).toMatchObject({
      name: 'ERP go-live, plant 1',
      predicted: '2026-10-19',
      doNothing: '2026-10-26',
      actual: '2026-10-23',
      lateDays: 4,
      note: 'completed 2026-10-23, 4 days later than predicted',
    });
    const sensors = review.milestones.find((m) => m.milestone === 'M-SENSORS')!;
    expect(sensors).toMatchObject({ predicted: null, note: 'dropped by the option' });
    expect(review.awaiting).toEqual(['K-DOWNTIME: awaiting actuals for 2026-Q4']);
    expect(review.status).toBe('partial');

    const open = withMilestones([{ id: 'M-GOLIVE', forecastDate: '2026-10-30', complete: false }]);
    const waiting = reviewDecision(decision, null, input.plan, open)!;
    expect(waiting.awaiting).toContain('M-GOLIVE: awaiting completion (predicted 2026-10-19)');
    expect(waiting.status).toBe('awaiting');
  });

  it('says so when the option predicted nothing it can be held to', () => {
    const accept = priced.find((p) => p.option.changes[0]!.kind === 'move_milestone')!;
    const review = reviewDecision(
      decided(accept.option),
      null,
      accept.plan,
      computeState({ ...input, plan: accept.plan }),
    )!;
    expect(review.kpis).toEqual([]);
    expect(review.milestones.map((m) => m.milestone).sort()).toEqual(['M-PILOT', 'M-PURCH']);
    expect(review.status).toBe('nothing_to_review');
    expect(review.summary).toMatch(/moved no money in USD\.$/);
  });
});
