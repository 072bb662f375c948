import { describe, expect, it } from 'vitest';
import { SCENARIO_CHANGE_KINDS, parseScenario } from '../../core/scenario/scenario.ts';
import type { ScenarioChange } from '../api/decision-types.ts';
import {
  changeOf,
  type ChangeDraft,
  draftOf,
  idFromName,
  LEVERS,
  sortBuilderProblems,
} from './levers.ts';

/** One change of every kind, every field filled. */
const EVERY_KIND: ScenarioChange[] = [
  { kind: 'move_milestone', milestone: 'M-PURCH', plannedDate: '2026-11-30' },
  { kind: 'accept_slip', milestone: 'M-PILOT' },
  {
    kind: 'add_capacity',
    unit: 'IT',
    perWeek: 4,
    from: '2026-10-01',
    to: '2026-10-31',
    cost: { amount: 60000, period: '2026-Q4', initiative: 'I-ERP' },
  },
  { kind: 'move_demand', demand: 'D-PROC-ERP-LINK', from: '2026-10-12', to: '2026-10-30' },
  { kind: 'prioritise', unit: 'IT', initiative: 'I-PROC', over: ['I-MAINT', 'I-ERP'] },
  {
    kind: 'move_budget',
    from: { initiative: 'I-MAINT', period: '2026-Q4' },
    to: { initiative: 'I-PROC', period: '2027-Q1' },
    amount: 25000,
  },
  { kind: 'descope_milestone', milestone: 'M-SENSORS' },
  { kind: 'descope_benefit', benefit: 'B-PURCH-SAVINGS' },
  { kind: 'hold_initiative', initiative: 'I-MAINT', reason: 'IT first', until: '2026-11-02' },
  { kind: 'stop_initiative', initiative: 'I-MAINT' },
];

describe('the levers of the scenario builder', () => {
  it('has a form for each of the ten kinds of change, in the order the core lists them', () => {
    expect(LEVERS.map((l) => l.kind)).toEqual(SCENARIO_CHANGE_KINDS);
    expect(EVERY_KIND.map((c) => c.kind)).toEqual(SCENARIO_CHANGE_KINDS);
  });

  it('turns every kind of change into its form and back unchanged, and the core accepts it', () => {
    EVERY_KIND.forEach((change, k) => {
      const draft = draftOf(change, k);
      expect(
        Object.values(draft.values).every((v) => typeof v === 'string' || Array.isArray(v)),
      ).toBe(true);
      expect(changeOf(draft)).toEqual(change);
    });
    expect(() =>
      parseScenario({
        id: 'S-ALL',
        name: 'All',
        author: 'dana',
        createdAt: '2026-09-14',
        changes: EVERY_KIND.map((c, k) => changeOf(draftOf(c, k))),
      }),
    ).not.toThrow();
  });

  it('leaves empty fields out, so that the server names what is missing, and reads numbers', () => {
    const draft: ChangeDraft = {
      key: 1,
      kind: 'add_capacity',
      values: { unit: 'IT', perWeek: '2.5', from: '', 'cost.amount': '', 'cost.period': '' },
    };
    expect(changeOf(draft)).toEqual({ kind: 'add_capacity', unit: 'IT', perWeek: 2.5 });
    expect(() =>
      parseScenario({
        id: 'S',
        name: 'S',
        author: 'dana',
        createdAt: '2026-09-14',
        changes: [changeOf(draft)],
      }),
    ).toThrow(/needs 'from'/);
  });

  it('puts each problem at the change row and field its path names', () => {
    const drafts = EVERY_KIND.slice(0, 5).map((c, k) => draftOf(c, k));
    const problem = (path: string, message = path) => ({ code: 'x', message, path });
    const compared = sortBuilderProblems(
      [
        problem('$.scenarios[0].changes[1].milestone'),
        problem('$.scenarios[0].changes[2].cost.initiative'),
        problem('$.scenarios[0].changes[4].over[1]'),
        problem('$.scenarios[0].changes[3]'),
        problem('$.scenarios[0].changes[2].kind'),
        problem('$.scenarios[0].name'),
        problem('$.scenarios[1].changes[0].benefit'),
        problem('$.scenarios[0].changes[9].unit'),
        { code: 'x', message: 'no path' },
      ],
      drafts,
      ['scenarios', 0],
    );
    expect([...compared.rows.entries()]).toEqual([
      [1, { fields: { milestone: ['$.scenarios[0].changes[1].milestone'] }, row: [] }],
      [
        2,
        {
          fields: { 'cost.initiative': ['$.scenarios[0].changes[2].cost.initiative'] },
          row: ['$.scenarios[0].changes[2].kind'],
        },
      ],
      [4, { fields: { over: ['$.scenarios[0].changes[4].over[1]'] }, row: [] }],
      [3, { fields: {}, row: ['$.scenarios[0].changes[3]'] }],
    ]);
    expect(compared.top).toEqual({ name: ['$.scenarios[0].name'] });
    // Another scenario's problem, a row the builder does not have, no path: above the form.
    expect(compared.general.map((p) => p.message)).toEqual([
      '$.scenarios[1].changes[0].benefit',
      '$.scenarios[0].changes[9].unit',
      'no path',
    ]);

    const saved = sortBuilderProblems(
      [problem('$.changes[0].plannedDate'), problem('$.id')],
      drafts,
    );
    expect(saved.rows.get(0)).toEqual({
      fields: { plannedDate: ['$.changes[0].plannedDate'] },
      row: [],
    });
    expect(saved.top).toEqual({ id: ['$.id'] });
  });

  it('suggests an id from the name', () => {
    expect(idFromName('More IT in October')).toBe('S-MORE-IT-IN-OCTOBER');
    expect(idFromName('  Ärger — über 4 Wochen!  ')).toBe('S-ARGER-UBER-4-WOCHEN');
    expect(idFromName(' … ')).toBe('');
    expect(idFromName('x'.repeat(200))).toHaveLength(60);
  });
});
