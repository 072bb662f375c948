import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { may, permissionsOf, visibility, visiblePlan } from '../core/access/policy.ts';
import { validatePlan } from '../core/plan/validate-plan.ts';
import { readPlanFile } from './parse-plan-file.ts';

/** The access policy on the demo organisation: the facts docs/SECURITY.md promises. */

const DEMO = fileURLToPath(new URL('../../demo/plan.yaml', import.meta.url));
const { plan } = await readPlanFile(DEMO);

const ERP_INCIDENT = {
  id: 'incident:work_item:ERP-17',
  initiatives: ['I-ERP', 'I-PROC'],
  units: ['IT', 'OPS'],
  owners: ['priya', 'marco', 'dana'],
  causes: [{ kind: 'work_item', id: 'ERP-17' }],
};

describe('the access policy on the demo plan', () => {
  it('shows I-DIVEST, its milestones, benefit, objective and KPI only to executives, Lena and its owner', () => {
    const cleared = plan.people
      .filter((p) => visibility(plan, p.id).sees('initiative', 'I-DIVEST'))
      .map((p) => p.id);
    expect(cleared.sort()).toEqual(['dana', 'grace', 'lena']);
    for (const id of ['sam', 'marco', 'priya', 'nina', 'omar']) {
      const seen = visibility(plan, id, { incidents: [ERP_INCIDENT] });
      expect(seen.sees('milestone', 'M-DIVEST-CLOSE'), id).toBe(false);
      expect(seen.sees('benefit', 'B-DIVEST-COST'), id).toBe(false);
      expect(seen.sees('objective', 'O-PORTFOLIO'), id).toBe(false);
      expect(seen.sees('kpi', 'K-PLANT3-COST'), id).toBe(false);
      const cut = visiblePlan(plan, seen);
      expect(JSON.stringify(cut)).not.toContain('DIVEST');
      expect(JSON.stringify(cut)).not.toContain('plant 3');
    }
    const lena = visibility(plan, 'lena');
    expect(lena.sees('milestone', 'M-DIVEST-BUYER')).toBe(true);
    expect(lena.sees('kpi', 'K-PLANT3-COST')).toBe(true);
  });

  it("shows Sam Operations' items and the ERP incident that names Operations, not IT's own work", () => {
    const sam = visibility(plan, 'sam', { incidents: [ERP_INCIDENT] });
    expect([...sam.ids.initiatives].sort()).toEqual(['I-ERP', 'I-MAINT', 'I-PROC']);
    expect(sam.seesIncident(ERP_INCIDENT)).toBe(true);
    expect(sam.sees('work_item', 'ERP-17')).toBe(true);
    const samAlone = visibility(plan, 'sam');
    expect(samAlone.sees('initiative', 'I-ERP')).toBe(false);
    expect(samAlone.sees('milestone', 'M-PILOT')).toBe(true);
    expect(samAlone.sees('kpi', 'K-SAVINGS')).toBe(true);
    expect(samAlone.whole).toBe(false);
    expect(visibility(plan, 'dana').whole).toBe(true);
  });

  it('refuses the whole-plan apply to Sam and Marco, naming who may', () => {
    for (const id of ['sam', 'marco', 'priya', 'dana']) {
      const verdict = may(plan, id, { kind: 'plan.apply' });
      expect(verdict).toEqual({
        ok: false,
        who: ['Lena Hoffmann', 'Omar Haddad'],
        message:
          'Only the strategy office (Lena Hoffmann) or an admin (Omar Haddad) may apply the whole plan',
      });
    }
    expect(may(plan, 'lena', { kind: 'plan.apply' }).ok).toBe(true);
    expect(may(plan, 'omar', { kind: 'plan.apply' }).ok).toBe(true);
  });

  it("lets Priya change her milestones but not K-SAVINGS' target", () => {
    const edit = may(plan, 'priya', {
      kind: 'item.edit_fields',
      entity: { kind: 'milestone', id: 'M-GOLIVE' },
    });
    expect(edit.ok).toBe(true);
    expect(
      may(plan, 'priya', { kind: 'item.edit_fields', entity: { kind: 'milestone', id: 'M-PURCH' } })
        .ok,
    ).toBe(false);
    const target = may(plan, 'priya', { kind: 'kpi.set_targets', kpi: 'K-SAVINGS' });
    expect(target.ok).toBe(false);
    // Not even its owner moves it, unless the plan lets owners set targets.
    expect(may(plan, 'marco', { kind: 'kpi.set_targets', kpi: 'K-SAVINGS' }).ok).toBe(false);
    const lenient = { ...plan, organisation: { ...plan.organisation, ownersSetTargets: true } };
    expect(may(lenient, 'marco', { kind: 'kpi.set_targets', kpi: 'K-SAVINGS' }).ok).toBe(true);
    expect(may(lenient, 'priya', { kind: 'kpi.set_targets', kpi: 'K-SAVINGS' }).ok).toBe(false);
  });

  it('lets Lena record actuals, never the owner whose benefit the KPI proves', () => {
    expect(may(plan, 'lena', { kind: 'kpi.record_actuals', kpi: 'K-SAVINGS' }).ok).toBe(true);
    const marco = may(plan, 'marco', { kind: 'kpi.record_actuals', kpi: 'K-SAVINGS' });
    expect(marco).toMatchObject({ ok: false, who: ['Lena Hoffmann', 'Omar Haddad'] });
    // A controller who owns the initiative whose benefit the KPI proves is refused too.
    const owning = {
      ...plan,
      people: plan.people.map((p) =>
        p.id === 'marco' ? { ...p, roles: ['finance_controller' as const] } : p,
      ),
    };
    expect(may(owning, 'marco', { kind: 'kpi.record_actuals', kpi: 'K-SAVINGS' }).ok).toBe(false);
  });

  it('keeps sites, tokens and the audit log to their roles', () => {
    expect(permissionsOf(plan, 'omar')).toMatchObject({
      'sites.manage': true,
      'tokens.admin': true,
      'audit.read': true,
    });
    expect(permissionsOf(plan, 'lena')).toMatchObject({
      'sites.manage': false,
      'audit.read': true,
      'plan.apply': true,
    });
    expect(permissionsOf(plan, 'sam')).toMatchObject({
      'plan.read': true,
      'plan.apply': false,
      'sites.manage': false,
      'tokens.admin': false,
      'audit.read': false,
    });
    expect(may(plan, 'nobody', { kind: 'plan.read' }).ok).toBe(false);
    expect(visibility(plan, 'nobody').sees('unit', 'OPS')).toBe(false);
  });

  it('checks decisions against the decider the decision rights name', () => {
    expect(may(plan, 'priya', { kind: 'decision.decide', decider: 'priya' }).ok).toBe(true);
    expect(may(plan, 'sam', { kind: 'decision.decide', decider: 'priya' })).toMatchObject({
      ok: false,
      who: ['Priya Shah'],
    });
  });

  it('refuses a confidential initiative naming someone or a role the plan does not have', () => {
    const bad = {
      ...plan,
      initiatives: plan.initiatives.map((i) =>
        i.id === 'I-DIVEST'
          ? { ...i, confidential: { people: ['lenna'], roles: ['boss' as never] } }
          : i,
      ),
    };
    const problems = validatePlan(bad).map((p) => `${p.code} ${p.path}`);
    expect(problems).toEqual([
      'plan.unknown_reference $.initiatives[3].confidential.people[0]',
      'plan.bad_value $.initiatives[3].confidential.roles[0]',
    ]);
    expect(validatePlan(plan)).toEqual([]);
  });
});
