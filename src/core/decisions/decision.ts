import type { DecisionKind, IsoDate } from '../domain/plan.ts';
import type { ScenarioChange } from '../scenario/scenario.ts';
import type { ScenarioResult } from '../scenario/price-scenario.ts';

/**
 * A decision (PRODUCT.md §3): a trade-off a signal requires, its options (each a scenario priced
 * against doing nothing), the person whose decision rights cover every option, a due date and,
 * once decided, the outcome. The store keeps it; these are its shapes and the rules about it.
 */

/** What one option does, in the terms decision rights speak. */
export interface OptionEffect {
  /** The kinds of decision its changes are. */
  kinds: DecisionKind[];
  /** Initiatives it names or whose milestones, budget or return it changes. */
  initiatives: string[];
  /** Units whose capacity or demands it changes. */
  units: string[];
  /** Money it moves, in the organisation's currency: cost and budget added, money put short of target. */
  amount: number;
  /** The most calendar weeks it moves a milestone's planned, forecast or levelled date later. */
  slipWeeks: number;
  /** KPI periods its initiatives' benefits feed that are below target with it (`K-SAVINGS 2026-Q4`). */
  kpisBelowTarget: string[];
}

/** An option of a decision: a scenario and what it would do. */
export interface DecisionOption {
  /** 1, 2, 3 … in the order the options were added. */
  number: number;
  title: string;
  /** Who proposed it: `engine` or a person id. */
  proposedBy: string;
  changes: ScenarioChange[];
  /** Its price against doing nothing, when it was added (what the decision predicted). */
  result: ScenarioResult;
  effect: OptionEffect;
  /** The last day the option is still possible (null: no limit). */
  lastDay: IsoDate | null;
}

/** An option before it is priced: what the engine proposes or a person adds. */
export interface ProposedOption {
  title: string;
  changes: ScenarioChange[];
}

/** One rule weighed for a decision, and why it covers every option or not. */
export interface RightConsidered {
  right: string;
  /** The person who would hold the decision under this rule (null: nobody holds it). */
  person: string | null;
  covers: boolean;
  /** Why not, option by option (`option 2: 120,000 USD is more than 100,000 USD`). */
  reasons: string[];
}

/** Who decides, and the chain of rules weighed to find them. */
export interface Decider {
  person: string;
  /** The right that gives it to them; null when no right covers it and the objective owner decides. */
  right: string | null;
  /** In words: `Dana Whitfield, by R-COST (anything on O-COST)`. */
  because: string;
  /** Every right weighed, lowest first. */
  considered: RightConsidered[];
  /** The next holder up, who gets the decision if it is not decided in time (null: none). */
  escalatesTo: string | null;
}

export type DecisionStatus = 'open' | 'decided';

/** A decision as the store keeps it and the API shows it. */
export interface Decision {
  id: string;
  status: DecisionStatus;
  /** The signal it was opened from (null: opened by hand). */
  signal: string | null;
  /** The incident it was opened for (docs/DECISIONS.md "Incidents"); null or absent: none. */
  incident?: string | null;
  title: string;
  /** The kinds of its options, together. */
  kinds: DecisionKind[];
  options: DecisionOption[];
  decider: Decider;
  /** The last day every option is still possible (null: no limit). */
  dueDate: IsoDate | null;
  openedBy: string;
  openedAt: string;
  outcome: DecisionOutcome | null;
}

export interface DecisionOutcome {
  option: number;
  reason: string;
  decidedBy: string;
  decidedAt: string;
}

/** The kind of decision a scenario change is. */
export function decisionKindOf(change: ScenarioChange): DecisionKind {
  switch (change.kind) {
    case 'move_milestone':
    case 'accept_slip':
      return 'replan';
    case 'add_capacity':
    case 'move_budget':
      return 'add_capacity';
    case 'move_demand':
    case 'prioritise':
      return 'reprioritise';
    case 'descope_milestone':
    case 'descope_benefit':
      return 'scope_change';
    case 'hold_initiative':
      return 'hold';
    case 'stop_initiative':
      return 'stop';
  }
}
