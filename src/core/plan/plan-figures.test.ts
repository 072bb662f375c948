import { describe, expect, it } from 'vitest';
import {
  buildBenefit,
  buildInitiative,
  buildKpi,
  buildMilestone,
  buildPlan,
} from '../test-factories.ts';
import { createFigureEditor, type FigureUpdate } from './plan-figures.ts';

function plan() {
  return buildPlan({
    kpis: [
      buildKpi({ id: 'K-OTD', name: 'On-time delivery', actuals: { '2026-Q2': 96.2 } }),
      buildKpi({ id: 'K-SAVINGS', name: 'Realised cost savings' }),
    ],
    initiatives: [
      buildInitiative({
        id: 'I-ERP',
        name: 'ERP migration',
        budget: { '2026-Q3': { plan: 400000, committed: 380000 } },
      }),
    ],
    milestones: [buildMilestone({ id: 'M-GOLIVE', initiative: 'I-ERP', name: 'ERP go-live' })],
    benefits: [
      buildBenefit({ id: 'B-1', milestone: 'M-GOLIVE', kpi: 'K-SAVINGS', amountPerWeek: 120000 }),
    ],
  });
}

function applyAll(editor: ReturnType<typeof createFigureEditor>, update: FigureUpdate) {
  const resolved = editor.resolve(update);
  if (!resolved.ok) throw new Error(resolved.message);
  return editor.apply(resolved.update);
}

describe('the figure editor', () => {
  it('sets a KPI actual and reports what moved; the same value again moves nothing', () => {
    const original = plan();
    const editor = createFigureEditor(original);
    expect(
      applyAll(editor, { kind: 'kpi_actual', kpi: 'K-OTD', period: '2026-Q3', value: 96.4 }),
    ).toEqual([
      {
        collection: 'kpis',
        id: 'K-OTD',
        field: 'actuals',
        period: '2026-Q3',
        from: null,
        to: 96.4,
      },
    ]);
    expect(
      applyAll(editor, { kind: 'kpi_actual', kpi: 'K-OTD', period: '2026-Q2', value: 96.2 }),
    ).toEqual([]);
    expect(editor.result().kpis[0]?.actuals).toEqual({ '2026-Q2': 96.2, '2026-Q3': 96.4 });
    // The plan given is never changed.
    expect(original.kpis[0]?.actuals).toEqual({ '2026-Q2': 96.2 });
  });

  it('changes only the budget figures given, and needs a plan figure for a new period', () => {
    const editor = createFigureEditor(plan());
    expect(
      applyAll(editor, { kind: 'budget', initiative: 'I-ERP', period: '2026-Q3', actual: 342000 }),
    ).toEqual([
      {
        collection: 'initiatives',
        id: 'I-ERP',
        field: 'budget.actual',
        period: '2026-Q3',
        from: null,
        to: 342000,
      },
    ]);
    expect(editor.result().initiatives[0]?.budget['2026-Q3']).toEqual({
      plan: 400000,
      committed: 380000,
      actual: 342000,
    });
    expect(
      editor.resolve({ kind: 'budget', initiative: 'I-ERP', period: '2027-Q1', actual: 5 }),
    ).toEqual({
      ok: false,
      field: 'plan',
      reason: 'bad_value',
      message: "initiative 'I-ERP' has no budget line for 2027-Q1 yet: give its plan figure",
    });
  });

  it('updates a benefit and creates one when its milestone and KPI are given', () => {
    const editor = createFigureEditor(plan());
    expect(applyAll(editor, { kind: 'benefit', benefit: 'B-1', amountPerWeek: 135000 })).toEqual([
      { collection: 'benefits', id: 'B-1', field: 'amountPerWeek', from: 120000, to: 135000 },
    ]);
    applyAll(editor, {
      kind: 'benefit',
      benefit: 'B-2',
      amountPerWeek: 10,
      milestone: 'M-GOLIVE',
      kpi: 'K-OTD',
    });
    expect(editor.result().benefits.map((b) => [b.id, b.amountPerWeek])).toEqual([
      ['B-1', 135000],
      ['B-2', 10],
    ]);
    expect(editor.resolve({ kind: 'benefit', benefit: 'B-3', amountPerWeek: 1 })).toMatchObject({
      ok: false,
      reason: 'unknown_reference',
      message:
        "no benefit 'B-3' in the plan (did you mean 'B-1'?); to create one, give its milestone and KPI",
    });
  });

  it('names what the plan lacks, with the likely id', () => {
    const editor = createFigureEditor(plan());
    expect(
      editor.resolve({ kind: 'kpi_actual', kpi: 'K-OTF', period: '2026-Q3', value: 1 }),
    ).toEqual({
      ok: false,
      field: 'kpi',
      reason: 'unknown_reference',
      message: "no kpi 'K-OTF' in the plan (did you mean 'K-OTD'?)",
    });
    expect(
      editor.resolve({ kind: 'kpi_actual', kpi: 'K-OTD', period: '2026-Q5', value: 1 }),
    ).toMatchObject({
      ok: false,
      field: 'period',
    });
  });

  it('finds entities by name when rows name them so, and gives the figure a key by id', () => {
    const editor = createFigureEditor(plan(), 'name');
    expect(
      editor.resolve({
        kind: 'kpi_actual',
        kpi: ' on-time  DELIVERY ',
        period: '2026-Q3',
        value: 1,
      }),
    ).toEqual({
      ok: true,
      update: { kind: 'kpi_actual', kpi: 'K-OTD', period: '2026-Q3', value: 1 },
      key: 'kpi K-OTD actual 2026-Q3',
    });
    expect(
      editor.resolve({ kind: 'budget', initiative: 'ERP', period: '2026-Q3', plan: 1 }),
    ).toMatchObject({
      ok: false,
      message: "no initiative named 'ERP' in the plan",
    });
  });
});
