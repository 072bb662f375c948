import type { Plan } from '../core/domain/plan.ts';
import type { Signal } from '../core/domain/state.ts';
import { governanceSignals } from '../core/governance/stage-gates.ts';

// The governance signals of one plan, computed once: every write derives, few change the plan.
const signalsOfPlan = new WeakMap<Plan, Signal[]>();

/**
 * Initiatives past a stage gate they never passed (docs/GOVERNANCE.md "Stage gates"): raised by
 * the write path beside the engine's signals, the way staleness signals are.
 */
export function governanceSignalsOf(plan: Plan): Signal[] {
  let signals = signalsOfPlan.get(plan);
  if (signals === undefined) {
    signals = governanceSignals(plan);
    signalsOfPlan.set(plan, signals);
  }
  return signals;
}
