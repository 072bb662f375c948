import { describe, expect, it } from 'vitest';
import type { DerivedStatus } from '../domain/state.ts';
import { buildErpScenario, buildErpSlipScenario } from '../test-factories.ts';
import { computeState } from './compute-state.ts';
import { STATUS_RULES, ruleSentence } from './status.ts';

function rulesOf(state: ReturnType<typeof computeState>): string[] {
  const statuses: DerivedStatus[] = [];
  for (const [, m] of state.milestones) statuses.push(m.status);
  for (const [, k] of state.kpis) statuses.push(k.status, ...k.periods.map((p) => p.status));
  for (const [, i] of state.initiatives) statuses.push(i.delivery, i.value);
  for (const [, o] of state.objectives) statuses.push(o.status);
  return [...new Set(statuses.map((s) => s.rule))];
}

describe('status rules in plain sentences', () => {
  it('has one sentence for every rule the ERP story derives, before and after the slip', () => {
    const rules = [
      ...rulesOf(computeState(buildErpScenario())),
      ...rulesOf(computeState(buildErpSlipScenario())),
    ];
    expect(rules).toContain('objective.kpis_off_track');
    expect(rules).toContain('initiative.value_off_track');
    for (const rule of rules) expect(ruleSentence(rule), rule).toMatch(/^[A-Z].+\.$/);
  });

  it('says each status of an initiative and objective rule, and nothing for an unknown rule', () => {
    for (const status of ['on_track', 'at_risk', 'off_track']) {
      expect(ruleSentence(`initiative.delivery_${status}`)).not.toBeNull();
      expect(ruleSentence(`initiative.value_${status}`)).not.toBeNull();
    }
    expect(ruleSentence('objective.kpis_off_track')).toBe(
      'An objective is off track when at least half of its KPIs are off track.',
    );
    expect(ruleSentence('no.such_rule')).toBeNull();
    expect(ruleSentence('toString')).toBeNull();
    // One sentence each, never two.
    for (const [rule, sentence] of Object.entries(STATUS_RULES)) {
      expect(sentence.split(/\.\s/).length, rule).toBe(1);
    }
  });
});
