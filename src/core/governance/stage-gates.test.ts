import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain/plan.ts';
import { DomainError } from '../errors.ts';
import { validatePlan } from '../plan/validate-plan.ts';
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
import {
  checkGate,
  type GateFacts,
  governanceSignals,
  nextStage,
  passGate,
  portfolioByStage,
} from './stage-gates.ts';

const nothingDone: GateFacts = { milestoneDone: () => false, validatedBenefits: new Set() };

/** An approvable initiative (owner, objective, budget, milestone, benefit) and a bare one. */
function plan(overrides: Partial<Plan> = {}): Plan {
  return buildPlan({
    units: [buildUnit()],
    people: [
      buildPerson(),
      buildPerson({ id: 'dana', name: 'Dana Whitfield', role: 'executive' }),
      buildPerson({ id: 'marco', name: 'Marco Rossi' }),
    ],
    objectives: [buildObjective({ id: 'O-1' })],
    kpis: [buildKpi({ objectives: ['O-1'] })],
    initiatives: [
      buildInitiative({
        id: 'I-1',
        name: 'ERP',
        objectives: ['O-1'],
        stage: 'defined',
        stageHistory: [{ stage: 'defined', on: '2026-01-05', by: 'dana' }],
        budget: { '2026-Q3': { plan: 400000, committed: 100000, actual: 50000 } },
      }),
      buildInitiative({ id: 'I-2', name: 'Pilot', objectives: ['O-1'], stage: 'defined' }),
    ],
    milestones: [
      buildMilestone({ id: 'M-1', initiative: 'I-1' }),
      buildMilestone({ id: 'M-2', initiative: 'I-2' }),
    ],
    benefits: [buildBenefit({ id: 'B-1', milestone: 'M-1' })],
    decisionRights: [{ id: 'R-GO', person: 'dana', kinds: ['go_no_go'], objectives: ['O-1'] }],
    ...overrides,
  });
}

describe('stage gates', () => {
  it('walks the line and has no gate past closed, on hold or cancelled', () => {
    expect(nextStage('idea')).toBe('defined');
    expect(nextStage('in_delivery')).toBe('delivered');
    expect(nextStage('closed')).toBeNull();
    expect(nextStage('on_hold')).toBeNull();
    expect(nextStage('cancelled')).toBeNull();
  });

  it('checks the approval gate from the data, each criterion naming the initiative and what is missing', () => {
    const p = plan();
    expect(validatePlan(p)).toEqual([]);
    const ready = checkGate(p, 'I-1', nothingDone);
    expect(ready).toMatchObject({ stage: 'defined', gate: 'approved', passes: true });
    expect(ready.criteria.map((c) => c.id)).toEqual([
      'owner',
      'objectives',
      'budget',
      'benefits',
      'milestones',
    ]);
    expect(ready.owner).toMatchObject({ person: 'dana', right: 'R-GO' });
    const blocked = checkGate(p, 'I-2', nothingDone);
    expect(blocked.passes).toBe(false);
    expect(blocked.criteria.filter((c) => !c.pass).map((c) => c.id)).toEqual([
      'budget',
      'benefits',
    ]);
    expect(blocked.criteria.find((c) => c.id === 'benefits')?.message).toBe(
      'I-2 (Pilot) has no benefit: name the KPI its milestones move and by how much before it can be approved',
    );
  });

  it('lets delivered pass only when every milestone is done, and value validated only when validated', () => {
    const p = plan();
    const delivering = {
      ...p,
      initiatives: p.initiatives.map((i) =>
        i.id === 'I-1' ? { ...i, stage: 'in_delivery' as const } : i,
      ),
    };
    const open = checkGate(delivering, 'I-1', nothingDone);
    expect(open.gate).toBe('delivered');
    expect(open.criteria[0]).toMatchObject({ id: 'milestones_done', pass: false });
    expect(open.criteria[0]?.message).toContain('M-1');
    expect(checkGate(delivering, 'I-1', { ...nothingDone, milestoneDone: () => true }).passes).toBe(
      true,
    );
    const delivered = {
      ...p,
      initiatives: p.initiatives.map((i) =>
        i.id === 'I-1' ? { ...i, stage: 'delivered' as const } : i,
      ),
    };
    expect(checkGate(delivered, 'I-1', nothingDone).criteria[0]).toMatchObject({
      id: 'value_validated',
      pass: false,
    });
    expect(
      checkGate(delivered, 'I-1', { ...nothingDone, validatedBenefits: new Set(['B-1']) }).passes,
    ).toBe(true);
  });

  it('passes a go: the stage moves and the passage is appended; a no-go changes nothing', () => {
    const p = plan();
    const go = passGate(
      p,
      'I-1',
      nothingDone,
      { go: true, note: 'Case accepted' },
      '2026-09-14',
      'dana',
      'G-1',
    );
    const moved = go.plan.initiatives.find((i) => i.id === 'I-1');
    expect(moved?.stage).toBe('approved');
    expect(moved?.stageHistory?.at(-1)).toEqual({
      stage: 'approved',
      on: '2026-09-14',
      by: 'dana',
      decision: 'G-1',
      note: 'Case accepted',
    });
    expect(validatePlan(go.plan)).toEqual([]);
    const noGo = passGate(
      p,
      'I-2',
      nothingDone,
      { go: false, note: 'Not yet' },
      '2026-09-14',
      'dana',
      'G-2',
    );
    expect(noGo.plan).toBe(p);
    expect(noGo.to).toBeNull();
  });

  it('refuses a go whose criteria fail, naming each criterion, and a gate that is not there', () => {
    const p = plan();
    let error: unknown;
    try {
      passGate(p, 'I-2', nothingDone, { go: true, note: '' }, '2026-09-14', 'dana', 'G-1');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const problem = (error as DomainError).problems[0];
    expect(problem).toMatchObject({ code: 'gate.criteria_failed', path: 'criteria.budget' });
    expect(problem?.message).toContain('budget: I-2 (Pilot) has no budget');
    expect(problem?.message).toContain('benefits: I-2 (Pilot) has no benefit');
    const held = {
      ...p,
      initiatives: p.initiatives.map((i) => ({ ...i, stage: 'on_hold' as const })),
    };
    expect(() =>
      passGate(held, 'I-1', nothingDone, { go: true, note: '' }, '2026-09-14', 'dana', 'G-1'),
    ).toThrow(/on hold: there is no gate ahead/);
    expect(() => checkGate(p, 'I-404', nothingDone)).toThrow(/no initiative 'I-404'/);
  });

  it('raises governance signals for a skipped gate and for delivery without approval', () => {
    const p = plan();
    expect(governanceSignals(p).map((s) => s.id)).toEqual(['governance.gate:I-2:defined']);
    const rushed = {
      ...p,
      initiatives: p.initiatives.map((i) =>
        i.id === 'I-1' ? { ...i, stage: 'in_delivery' as const } : i,
      ),
    };
    const signals = governanceSignals(rushed).filter((s) => s.subject.id === 'I-1');
    expect(signals.map((s) => s.id)).toEqual([
      'governance.gate:I-1:approved',
      'governance.gate:I-1:in_delivery',
    ]);
    expect(signals[0]).toMatchObject({
      kind: 'governance.gate',
      title:
        'I-1 (ERP) is in delivery without approval: its stage history records no go through the approval gate',
      affectedOwners: ['priya', 'dana'],
    });
    expect(signals[0]?.chain.map((c) => `${c.kind}:${c.id}`)).toEqual([
      'initiative:I-1',
      'objective:O-1',
    ]);
    const held = {
      ...p,
      initiatives: p.initiatives.map((i) => ({ ...i, stage: 'on_hold' as const })),
    };
    expect(governanceSignals(held)).toEqual([]);
  });

  it('groups the portfolio by stage with money per stage', () => {
    const p = plan({
      initiatives: [
        ...plan().initiatives,
        buildInitiative({
          id: 'I-3',
          name: 'Abroad',
          currency: 'EUR',
          budget: { '2026-Q3': { plan: 7 } },
          stage: 'defined',
        }),
      ],
    });
    const portfolio = portfolioByStage(p, nothingDone);
    const defined = portfolio.stages.find((s) => s.stage === 'defined');
    expect(defined?.initiatives.map((i) => i.id)).toEqual(['I-1', 'I-2', 'I-3']);
    expect(defined?.money).toEqual({ plan: 400000, committed: 100000, actual: 50000 });
    expect(portfolio.total.plan).toBe(400000);
    expect(defined?.initiatives[1]).toMatchObject({
      gate: 'approved',
      gatePasses: false,
      missing: ['budget', 'benefits'],
    });
    expect(portfolio.stages.map((s) => s.stage)).toEqual([
      'idea',
      'defined',
      'approved',
      'in_delivery',
      'delivered',
      'value_validated',
      'closed',
      'on_hold',
      'cancelled',
    ]);
  });

  it('validates stages and stage histories in the plan, naming the place', () => {
    const p = plan();
    const bad = {
      ...p,
      initiatives: [
        {
          ...p.initiatives[0]!,
          stage: 'launched' as never,
          stageHistory: [
            { stage: 'approved' as const, on: '2026-02-01', by: 'nobody' },
            { stage: 'defined' as const, on: '2026-01-01' },
            { stage: 'x' as never, on: '2026-02-30' },
          ],
        },
      ],
    };
    const problems = validatePlan(bad).map((q) => `${q.code} ${q.path}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'plan.bad_value $.initiatives[0].stage',
        'plan.unknown_reference $.initiatives[0].stageHistory[0].by',
        'plan.bad_date $.initiatives[0].stageHistory[1].on',
        'plan.bad_value $.initiatives[0].stageHistory[2].stage',
        'plan.bad_date $.initiatives[0].stageHistory[2].on',
      ]),
    );
  });
});
