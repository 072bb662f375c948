import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain/plan.ts';
import { computeState } from '../engine/compute-state.ts';
import {
  buildBenefit,
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildObjective,
  buildPerson,
  buildPlan,
  buildUnit,
} from '../test-factories.ts';
import { benefitValue, validationProblem, type ValueValidation, valueSignals } from './value.ts';

/** A benefit of 7,000 a week (1,000 a day) from a milestone that landed on 2026-06-30. */
function planWith(
  actuals: Record<string, number>,
  direction: 'higher_is_better' | 'lower_is_better' = 'higher_is_better',
  baseline = 0,
): Plan {
  return buildPlan({
    units: [buildUnit()],
    people: [
      buildPerson({ id: 'priya' }),
      buildPerson({ id: 'marco' }),
      buildPerson({ id: 'dana' }),
    ],
    objectives: [buildObjective({ id: 'O-1', owner: 'dana' })],
    initiatives: [buildInitiative({ id: 'I-1', owner: 'priya', objectives: ['O-1'] })],
    milestones: [buildMilestone({ id: 'M-1', initiative: 'I-1', plannedDate: '2026-06-30' })],
    kpis: [
      buildKpi({ id: 'K-1', owner: 'marco', actuals, direction, baseline, objectives: ['O-1'] }),
    ],
    benefits: [buildBenefit({ id: 'B-1', milestone: 'M-1', kpi: 'K-1', amountPerWeek: 7000 })],
  });
}

const valueOf = (plan: Plan, asOf = '2026-09-14', validations: ValueValidation[] = []) => {
  const state = computeState({ plan, workItems: [], changes: {}, asOf });
  return benefitValue(plan, state, plan.benefits[0]!, validations);
};

describe('validated value', () => {
  it('sets each period actual against the promise from the landing on: claimed until validated', () => {
    const plan = planWith({
      '2026-06': 500,
      '2026-07': 29_000,
      '2026-08': 30_000,
      '2026-09': 9_000,
    });
    const value = valueOf(plan);
    expect(value.landedOn).toBe('2026-06-30');
    expect(value.periods.map((p) => [p.period, p.promised, p.claimed, p.status])).toEqual([
      ['2026-06', 1000, 500, 'claimed'],
      ['2026-07', 31_000, 29_000, 'claimed'],
      ['2026-08', 31_000, 30_000, 'claimed'],
      ['2026-09', 30_000, 9_000, 'in_progress'],
    ]);
    expect(value.status).toBe('claimed');
    expect(value.shortfallStreak).toBe(0);
  });

  it('is validated once a controller confirms every ended period; the latest validation wins', () => {
    const plan = planWith({ '2026-07': 29_000, '2026-08': 30_000 });
    const v = (period: string, amount: number, at: string): ValueValidation => ({
      benefit: 'B-1',
      period,
      amount,
      note: 'ledger',
      by: 'lena',
      at,
    });
    const value = valueOf(plan, '2026-09-14', [
      v('2026-07', 28_000, '2026-09-01T00:00:00Z'),
      v('2026-08', 10_000, '2026-09-02T00:00:00Z'),
      v('2026-08', 29_500, '2026-09-03T00:00:00Z'),
    ]);
    expect(value.status).toBe('validated');
    expect(value.validated).toBe(57_500);
    expect(value.realised).toBe(57_500);
    expect(value.periods[1]!.validation?.amount).toBe(29_500);
  });

  it('raises a value signal after two ended periods 20 % or more below promise, with the chain to the objective', () => {
    const plan = planWith({ '2026-07': 20_000, '2026-08': 24_000 });
    const value = valueOf(plan);
    expect(value.periods.map((p) => p.belowPromise)).toEqual([true, true]);
    expect(value.shortfallStreak).toBe(2);
    const [signal] = valueSignals(plan, [value]);
    expect(signal).toMatchObject({
      id: 'value.below_promise:B-1',
      kind: 'value.below_promise',
      subject: { kind: 'benefit', id: 'B-1' },
      affectedOwners: ['priya', 'marco', 'dana'],
    });
    expect(signal!.chain.map((s) => `${s.kind}:${s.id}`)).toEqual([
      'benefit:B-1',
      'kpi:K-1',
      'initiative:I-1',
      'objective:O-1',
    ]);
    expect(signal!.chain[0]!.figures).toMatchObject({ promised: 62_000, realised: 44_000 });
    // One period at exactly 80 % is not below promise: the streak breaks.
    const edge = valueOf(planWith({ '2026-07': 20_000, '2026-08': 24_800 }));
    expect(edge.shortfallStreak).toBe(0);
    expect(valueSignals(plan, [edge])).toEqual([]);
    // A validation above the threshold clears it too.
    const validated = valueOf(plan, '2026-09-14', [
      {
        benefit: 'B-1',
        period: '2026-08',
        amount: 26_000,
        note: 'late invoices',
        by: 'lena',
        at: '2026-09-05T00:00:00Z',
      },
    ]);
    expect(validated.shortfallStreak).toBe(0);
  });

  it('reads a lower-is-better KPI as baseline minus actual', () => {
    const value = valueOf(planWith({ '2026-07': 100_000 - 31_000 }, 'lower_is_better', 100_000));
    expect(value.periods[0]).toMatchObject({ promised: 31_000, claimed: 31_000 });
  });

  it('has nothing to validate before the milestone lands, and names the period otherwise', () => {
    const early = valueOf(planWith({ '2026-07': 1 }), '2026-06-01');
    expect(early.landedOn).toBeNull();
    expect(validationProblem(early, '2026-07')?.field).toBe('benefit');
    const value = valueOf(planWith({ '2026-07': 1, '2026-09': 2 }));
    expect(validationProblem(value, '2026-07')).toBeNull();
    expect(validationProblem(value, '2026-13')?.message).toMatch(
      /period: '2026-13' is not a reporting period/,
    );
    expect(validationProblem(value, '2026-05')?.message).toMatch(
      /no actual for 2026-05.*2026-07, 2026-09/,
    );
    expect(validationProblem(value, '2026-09')?.message).toMatch(
      /has not ended \(it ends 2026-09-30\)/,
    );
  });
});
