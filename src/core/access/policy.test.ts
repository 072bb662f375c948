import { describe, expect, it } from 'vitest';
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
import { may, mayChangePlan, restoreHidden, visibility, visiblePlan } from './policy.ts';

/** Two units; a secret initiative in FIN serving its own objective and KPI; an open one in OPS. */
function plan() {
  return buildPlan({
    units: [
      buildUnit({ id: 'OPS', name: 'Operations' }),
      buildUnit({ id: 'FIN', name: 'Finance' }),
    ],
    people: [
      buildPerson({ id: 'boss', name: 'Bo Ss', unit: 'OPS', role: 'executive' }),
      buildPerson({ id: 'cfo', name: 'Cee Fo', unit: 'FIN', role: 'executive' }),
      buildPerson({ id: 'ana', name: 'Ana Lyst', unit: 'OPS' }),
      buildPerson({ id: 'fin', name: 'Fin Ance', unit: 'FIN', roles: ['finance_controller'] }),
      buildPerson({ id: 'root', name: 'Root Admin', unit: 'OPS', role: 'admin' }),
    ],
    objectives: [
      buildObjective({ id: 'O-OPEN', owner: 'boss' }),
      buildObjective({ id: 'O-SECRET', owner: 'cfo', parent: 'O-OPEN' }),
    ],
    kpis: [
      buildKpi({ id: 'K-OPEN', owner: 'boss', objectives: ['O-OPEN'] }),
      buildKpi({ id: 'K-SECRET', owner: 'cfo', objectives: ['O-SECRET'] }),
    ],
    initiatives: [
      buildInitiative({ id: 'I-OPEN', owner: 'ana', unit: 'OPS', objectives: ['O-OPEN'] }),
      buildInitiative({
        id: 'I-SECRET',
        owner: 'cfo',
        unit: 'FIN',
        objectives: ['O-SECRET'],
        confidential: { people: ['fin'] },
      }),
    ],
    milestones: [
      buildMilestone({ id: 'M-OPEN', initiative: 'I-OPEN' }),
      buildMilestone({ id: 'M-SECRET', initiative: 'I-SECRET' }),
    ],
    benefits: [
      buildBenefit({ id: 'B-OPEN', milestone: 'M-OPEN', kpi: 'K-OPEN' }),
      buildBenefit({ id: 'B-SECRET', milestone: 'M-SECRET', kpi: 'K-SECRET' }),
    ],
  });
}

describe('visibility', () => {
  it('keeps a confidential initiative, and what only it serves, even from an executive not named', () => {
    const boss = visibility(plan(), 'boss');
    expect(boss.whole).toBe(true);
    expect([...boss.ids.initiatives]).toEqual(['I-OPEN']);
    expect([...boss.ids.objectives]).toEqual(['O-OPEN']);
    expect([...boss.ids.kpis]).toEqual(['K-OPEN']);
    expect(boss.sees('milestone', 'M-SECRET')).toBe(false);
    // Its owner and the person named see all of it.
    for (const id of ['cfo', 'fin']) {
      const seen = visibility(plan(), id);
      expect(seen.sees('initiative', 'I-SECRET'), id).toBe(true);
      expect(seen.sees('benefit', 'B-SECRET'), id).toBe(true);
      expect(seen.sees('objective', 'O-SECRET'), id).toBe(true);
    }
  });

  it('shows a member their unit, and a signal only when no step of it is kept from them', () => {
    const ana = visibility(plan(), 'ana');
    expect(ana.sees('initiative', 'I-OPEN')).toBe(true);
    expect(ana.sees('kpi', 'K-OPEN')).toBe(true);
    const open = {
      id: 's1',
      subject: { kind: 'kpi' as const, id: 'K-OPEN' },
      chain: [{ kind: 'milestone' as const, id: 'M-OPEN' }],
      affectedOwners: ['boss'],
    };
    expect(ana.seesSignal(open)).toBe(true);
    const secret = { ...open, chain: [{ kind: 'milestone' as const, id: 'M-SECRET' }] };
    expect(ana.seesSignal(secret)).toBe(false);
    expect(visibility(plan(), 'boss').seesSignal(secret)).toBe(false);
    expect(visibility(plan(), 'fin').seesSignal(secret)).toBe(true);
  });

  it('cuts the plan to what is seen, dropping links to what is hidden', () => {
    const cut = visiblePlan(plan(), visibility(plan(), 'boss'));
    expect(cut.initiatives.map((i) => i.id)).toEqual(['I-OPEN']);
    expect(cut.benefits.map((b) => b.id)).toEqual(['B-OPEN']);
    expect(JSON.stringify(cut)).not.toContain('SECRET');
  });

  it('lets a stranger see nothing and do nothing', () => {
    expect(visibility(plan(), 'ghost').sees('unit', 'OPS')).toBe(false);
    expect(may(plan(), 'ghost', { kind: 'plan.read' }).ok).toBe(false);
  });
});

describe('may', () => {
  it('names who may, by role and by person', () => {
    expect(may(plan(), 'ana', { kind: 'plan.apply' })).toEqual({
      ok: false,
      who: ['Root Admin'],
      message:
        'Only the strategy office (nobody holds it) or an admin (Root Admin) may apply the whole plan',
    });
    expect(may(plan(), 'fin', { kind: 'kpi.record_actuals', kpi: 'K-OPEN' }).ok).toBe(true);
    // The owner of the initiative whose benefit the KPI proves may not record its actuals.
    const ownerIsController = plan();
    ownerIsController.people = ownerIsController.people.map((p) =>
      p.id === 'ana' ? { ...p, roles: ['finance_controller' as const] } : p,
    );
    expect(may(ownerIsController, 'ana', { kind: 'kpi.record_actuals', kpi: 'K-OPEN' }).ok).toBe(
      false,
    );
  });

  it('lets an owner change their own items only, never by a removal', () => {
    const changes = [
      {
        collection: 'milestones',
        id: 'M-OPEN',
        action: 'updated' as const,
        fields: ['plannedDate'],
      },
    ];
    expect(mayChangePlan(plan(), 'ana', changes).ok).toBe(true);
    expect(mayChangePlan(plan(), 'ana', [{ ...changes[0]!, action: 'removed' }]).ok).toBe(false);
    const target = [
      { collection: 'kpis', id: 'K-OPEN', action: 'updated' as const, fields: ['targets'] },
    ];
    // What the change needs, then who may apply the whole plan.
    expect(mayChangePlan(plan(), 'boss', target)).toMatchObject({
      ok: false,
      message:
        'Only the strategy office (nobody holds it) or an admin (Root Admin) may move the targets of K-OPEN. Only the strategy office (nobody holds it) or an admin (Root Admin) may apply the whole plan',
    });
    const unit = [{ collection: 'units', id: 'NEW', action: 'created' as const, fields: [] }];
    expect(mayChangePlan(plan(), 'ana', unit).ok).toBe(false);
    expect(mayChangePlan(plan(), 'root', unit).ok).toBe(true);
  });

  it('puts back the links a person could not see, once', () => {
    const p = plan();
    const seen = visibility(p, 'fin');
    const sent = visiblePlan(p, visibility(p, 'ana'));
    const restored = restoreHidden(p, sent, visibility(p, 'ana'));
    expect(restored.kpis.find((k) => k.id === 'K-OPEN')?.objectives).toEqual(['O-OPEN']);
    expect(restoreHidden(p, p, seen).initiatives).toEqual(p.initiatives);
  });
});
