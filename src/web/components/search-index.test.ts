import { describe, expect, it } from 'vitest';
import type { DerivedStatus, StateView } from '../api/types.ts';
import { indexState } from '../live/state-index.ts';
import { searchEntries, searchFor } from './search-index.ts';

const onTrack: DerivedStatus = { status: 'on_track', rule: 'test', reason: 'on track' };
const priya = { id: 'priya', name: 'Priya Shah' };
const dana = { id: 'dana', name: 'Dana Whitfield' };

/** A small view: one objective, its KPI, one initiative with a milestone and a work item. */
const view: StateView = {
  asOf: '2026-09-14',
  organisation: { id: 'acme', name: 'Acme' },
  openSignals: 0,
  objectives: [
    {
      id: 'O-COST',
      name: 'Cut operating cost',
      owner: dana,
      horizon: null,
      status: onTrack,
      children: [],
      kpis: [
        {
          id: 'K-SAVINGS',
          name: 'Realised cost savings',
          owner: dana,
          unitOfMeasure: 'USD',
          direction: 'higher_is_better',
          status: onTrack,
          periods: [],
        },
      ],
      initiatives: [
        {
          id: 'I-ERP',
          name: 'ERP migration',
          owner: priya,
          unit: 'IT',
          delivery: onTrack,
          value: onTrack,
          milestones: [
            {
              id: 'M-GOLIVE',
              name: 'ERP go-live, plant 1',
              plannedDate: '2026-10-05',
              forecastDate: '2026-10-05',
              slipWorkingDays: 0,
              complete: false,
              status: onTrack,
              workItems: [
                {
                  key: 'ERP-17',
                  summary: 'Data migration cutover',
                  status: 'In Progress',
                  statusCategory: 'in_progress',
                  dueDate: '2026-10-02',
                  forecastFinish: '2026-10-02',
                },
              ],
            },
          ],
        },
      ],
    },
  ],
};

const people = [
  { id: 'priya', name: 'Priya Shah', title: 'IT lead', unit: 'IT' },
  { id: 'dana', name: 'Dana Whitfield', title: 'COO', unit: 'OPS' },
  { id: 'sam', name: 'Sam Carter', title: 'Plant manager', unit: 'OPS' },
];

const entries = searchEntries(indexState(view), people, (u) =>
  u === 'IT' ? 'Information technology' : u,
);
const ids = (query: string) => searchFor(entries, query).map((e) => `${e.kind}:${e.id}`);

describe('the header search', () => {
  it('finds every kind by name or code, names before codes, then by kind', () => {
    expect(ids('ERP')).toEqual([
      'initiative:I-ERP',
      'milestone:M-GOLIVE',
      // Found by its code and the milestone it serves, not its summary: after the names.
      'work_item:ERP-17',
    ]);
    expect(ids('m-golive')).toEqual(['milestone:M-GOLIVE']);
    expect(ids('savings')).toEqual(['kpi:K-SAVINGS']);
    expect(ids('cutover')).toEqual(['work_item:ERP-17']);
    expect(ids('cost')[0]).toBe('objective:O-COST');
  });

  it('needs every word of the query, in any order', () => {
    // The milestone by its name; its work item by the milestone it serves.
    expect(ids('plant go-live')).toEqual(['milestone:M-GOLIVE', 'work_item:ERP-17']);
    expect(ids('plant zebra')).toEqual([]);
    expect(ids('   ')).toEqual([]);
  });

  it('finds people with their role and unit, and what they own by their name', () => {
    const found = searchFor(entries, 'priya');
    expect(found[0]).toMatchObject({
      kind: 'person',
      name: 'Priya Shah',
      detail: 'IT lead · Information technology · owns 1',
      href: '/initiatives?owner=priya',
    });
    expect(found.map((e) => e.id)).toContain('I-ERP');
  });

  it('leads a person to what they own: initiatives, else a KPI or objective, else their unit', () => {
    const href = (id: string) => entries.find((e) => e.kind === 'person' && e.id === id)?.href;
    expect(href('priya')).toBe('/initiatives?owner=priya');
    expect(href('dana')).toBe('/kpis/K-SAVINGS');
    expect(href('sam')).toBe('/units/OPS');
  });

  it('finds only what the view holds: nothing of what the server left out', () => {
    expect(ids('divest')).toEqual([]);
    expect(ids('I-DIVEST')).toEqual([]);
  });

  it('takes any text as text: pattern characters, NUL, a very long query', () => {
    for (const query of [
      '(',
      '[',
      '\\',
      '.*',
      'a)b(',
      '\u0000',
      'ERP\u0000',
      'x'.repeat(200_000),
    ]) {
      expect(() => searchFor(entries, query)).not.toThrow();
    }
    expect(ids('.*')).toEqual([]);
    expect(ids('(M-GOLIVE')).toEqual([]);
  });

  it('keeps to its limit', () => {
    const many = Array.from({ length: 80 }, (_, i) => ({
      kind: 'work_item' as const,
      id: `ERP-${i}`,
      name: `Task ${i}`,
      detail: '',
      href: `/work-items/ERP-${i}`,
    }));
    expect(searchFor(many, 'erp')).toHaveLength(30);
    expect(searchFor(many, 'erp', 5)).toHaveLength(5);
  });
});
