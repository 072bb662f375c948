import { describe, expect, it } from 'vitest';
import { buildPerson, buildPlan } from '../test-factories.ts';
import type { Decider, Decision, DecisionOption } from './decision.ts';
import { escalate, escalationChain, reminderStep, stillPossible } from './escalation.ts';

const plan = buildPlan({
  people: [
    buildPerson({ id: 'priya', name: 'Priya Shah' }),
    buildPerson({ id: 'dana', name: 'Dana Whitfield', role: 'executive' }),
    buildPerson({ id: 'marco', name: 'Marco Rossi' }),
    buildPerson({ id: 'grace', name: 'Grace Okafor', role: 'executive' }),
  ],
});

function option(number: number, lastDay: string | null): DecisionOption {
  return { number, title: `Option ${number}`, lastDay } as DecisionOption;
}

function decider(overrides: Partial<Decider> = {}): Decider {
  return {
    person: 'dana',
    right: 'R-COST',
    because: 'Dana Whitfield, by R-COST',
    considered: [
      { right: 'R-ERP-SLIP', person: 'priya', covers: false, reasons: ['too much'] },
      { right: 'R-COST', person: 'dana', covers: true, reasons: [] },
    ],
    escalatesTo: null,
    ...overrides,
  };
}

function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    id: 'DEC-1',
    status: 'open',
    signal: null,
    title: 'IT in weeks 41–43',
    kinds: ['replan'],
    options: [option(1, '2026-10-25'), option(2, '2026-10-04'), option(3, '2026-10-04')],
    decider: decider(),
    dueDate: '2026-10-04',
    openedBy: 'priya',
    openedAt: '2026-09-15T08:00:00.000Z',
    outcome: null,
    ...overrides,
  };
}

describe('reminderStep', () => {
  it('reminds from three days before to the day before, and on the due day; never after or without a date', () => {
    const due = '2026-10-04';
    expect(reminderStep(due, '2026-09-30')).toBeNull();
    expect(['2026-10-01', '2026-10-02', '2026-10-03'].map((d) => reminderStep(due, d))).toEqual([
      'due_soon',
      'due_soon',
      'due_soon',
    ]);
    expect(reminderStep(due, due)).toBe('due_today');
    expect(reminderStep(due, '2026-10-05')).toBeNull();
    expect(reminderStep(null, due)).toBeNull();
    // Across a month and a year end.
    expect(reminderStep('2027-01-01', '2026-12-29')).toBe('due_soon');
    expect(reminderStep('2027-01-01', '2026-12-28')).toBeNull();
  });
});

describe('escalate', () => {
  it('does nothing on or before the due date, nor to a decided decision', () => {
    expect(escalate(plan, decision(), '2026-10-04', ['dana'])).toBeNull();
    expect(escalate(plan, decision({ dueDate: null }), '2027-01-01', ['dana'])).toBeNull();
    expect(escalate(plan, decision({ status: 'decided' }), '2026-10-05', ['dana'])).toBeNull();
  });

  it('goes to the first other executive, drops the options no longer possible, and is due when the rest are', () => {
    const step = escalate(plan, decision(), '2026-10-05', ['dana'])!;
    expect(step).toMatchObject({
      from: 'dana',
      to: 'grace',
      stays: false,
      passedDueDate: '2026-10-04',
      dueDate: '2026-10-25',
      expired: [2, 3],
      remaining: [1],
    });
    expect(step.decider).toMatchObject({
      person: 'grace',
      right: null,
      because: 'Grace Okafor, by escalation: Dana Whitfield did not decide it by 2026-10-04',
      escalatesTo: null,
    });
  });

  it('goes first to the next holder the rights name, then to the executives', () => {
    const up = decider({
      person: 'priya',
      escalatesTo: 'marco',
      considered: [
        { right: 'R-ERP-SLIP', person: 'priya', covers: true, reasons: [] },
        { right: 'R-OPS', person: 'marco', covers: true, reasons: [] },
      ],
    });
    expect(escalationChain(plan, up)).toEqual(['marco', 'priya', 'dana', 'grace']);
    const step = escalate(plan, decision({ decider: up }), '2026-10-05', ['priya'])!;
    expect(step.decider).toMatchObject({ person: 'marco', right: 'R-OPS', escalatesTo: 'dana' });
    // Marco held it too and let it pass: Dana next.
    const again = escalate(
      plan,
      decision({ decider: step.decider, dueDate: '2026-10-25' }),
      '2026-10-26',
      ['priya', 'marco'],
    )!;
    expect([again.from, again.to, again.decider.escalatesTo]).toEqual(['marco', 'dana', 'grace']);
  });

  it('stays, overdue, with the last holder when nobody above is left', () => {
    const held = decision({ decider: decider({ person: 'grace' }) });
    const step = escalate(plan, held, '2026-10-05', ['dana', 'grace'])!;
    expect(step).toMatchObject({ from: 'grace', to: 'grace', stays: true, dueDate: '2026-10-25' });
    expect(step.because).toContain('nobody above Grace Okafor holds the right');
  });

  it('keeps the passed due date when no option is still possible: a new decision is needed', () => {
    const step = escalate(
      plan,
      decision({ options: [option(1, '2026-10-04'), option(2, '2026-10-01')] }),
      '2026-10-05',
      ['dana'],
    )!;
    expect(step).toMatchObject({
      to: 'grace',
      dueDate: '2026-10-04',
      expired: [1, 2],
      remaining: [],
    });
  });

  it('keeps an option with no last day possible for ever, and its decision then has no due date', () => {
    expect(stillPossible(option(1, null), '2099-01-01')).toBe(true);
    const step = escalate(
      plan,
      decision({ options: [option(1, null), option(2, '2026-10-04')] }),
      '2026-10-05',
      ['dana'],
    )!;
    expect([step.dueDate, step.remaining]).toEqual([null, [1]]);
  });
});
