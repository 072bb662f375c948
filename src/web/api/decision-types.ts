import type {
  Decider,
  Decision,
  DecisionOption,
  DecisionOutcome,
  OptionEffect,
  RightConsidered,
} from '../../core/decisions/decision.ts';
import type { Scenario, ScenarioChange } from '../../core/scenario/scenario.ts';
import type { ScenarioColumn, ScenarioResult } from '../../core/scenario/price-scenario.ts';

/** The decision shapes the API answers with, as the web app reads them. */

export type {
  Decider,
  Decision,
  DecisionOption,
  DecisionOutcome,
  OptionEffect,
  RightConsidered,
  Scenario,
  ScenarioChange,
  ScenarioColumn,
  ScenarioResult,
};

/** `GET /api/v1/decisions`. */
export interface DecisionList {
  decisions: Decision[];
}

/** One step of a decision's history (`opened`, `option_added`, `decided`). */
export interface DecisionEventView {
  seq: number;
  at: string;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
}

/** `GET /api/v1/decisions/{id}`. */
export interface DecisionDetail {
  decision: Decision;
  history: DecisionEventView[];
}

/** `POST /api/v1/decisions/{id}/decide`. */
export interface DecideAnswer {
  decision: Decision;
  baseline: { milestone: string; before: string; after: string }[];
  planChanges: number;
}

/** `GET /api/v1/scenarios`. */
export interface ScenarioList {
  scenarios: Scenario[];
}

/** `POST /api/v1/scenarios/compare`. */
export interface ScenarioComparison {
  scenarios: ScenarioColumn[];
}

/** `POST /api/v1/scenarios`. */
export interface SavedScenario {
  scenario: Scenario;
  column: ScenarioColumn;
}
