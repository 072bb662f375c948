/**
 * The decision and scenario shapes the API answers with, as the web app reads them: the
 * contract's types (src/contract). Types only.
 */

export type {
  DecideAnswer,
  Decision,
  DecisionDetail,
  DecisionList,
  DecisionReview,
} from '../../contract/decisions.ts';
export type {
  SavedScenario,
  Scenario,
  ScenarioChange,
  ScenarioColumn,
  ScenarioComparison,
  ScenarioList,
  ScenarioResult,
} from '../../contract/scenarios.ts';
export type {
  Decider,
  DecisionEventView,
  DecisionOption,
  DecisionOutcome,
  OptionEffect,
  RightConsidered,
} from '../../contract/decisions.ts';
