/**
 * The shapes the API answers with, as the web app reads them: the contract's types
 * (src/contract, inferred from the zod schemas the server validates and describes its routes
 * with). Types only: the web bundle carries no schema.
 */

import type { addOptionRoute, decideRoute } from '../../contract/decisions.ts';
import type { decideGateRoute } from '../../contract/gates.ts';
import type { RequestBody } from '../../contract/http.ts';
import type { compareScenariosRoute, saveScenarioRoute } from '../../contract/scenarios.ts';
import type { demoReplayRoute, demoSignInRoute, signInRoute } from '../../contract/session.ts';

export type { ApiErrorBody, PersonRef, Problem } from '../../contract/common.ts';
export type { GateView, PortfolioView } from '../../contract/gates.ts';
export type { Health } from '../../contract/health.ts';
export type { KpiForecastHistoryView } from '../../contract/baselines.ts';
export type { BenefitValueView, PortfolioMoney } from '../../contract/money.ts';
export type { Me, Person } from '../../contract/me.ts';
export type { PeriodAnswer, PeriodList } from '../../contract/periods.ts';
export type { PlanApplyAnswer } from '../../contract/plan.ts';
export type { ReviewList, ReviewPack, ReviewPackSummary } from '../../contract/reviews.ts';
export type { DemoPeople, SessionState } from '../../contract/session.ts';
export type {
  PlanFieldChange,
  PlanHistoryItem,
  PlanHistoryPage,
} from '../../contract/plan-history.ts';
export type { InboxSignal, SignalList } from '../../contract/signals.ts';
export type {
  DeadLetter,
  DeadLetterList,
  SourceDeliveries,
  SourceFreshness,
  SourceList,
} from '../../contract/sources.ts';
export type {
  CapacityOverAllocation,
  CapacityView,
  ChainStep,
  DemandRun,
  DerivedStatus,
  EntityKind,
  Explained,
  ExplanationStep,
  InitiativeView,
  KpiPeriodForecast,
  KpiView,
  LevelledCause,
  LevelledMilestone,
  MilestoneDerived,
  MilestoneView,
  ObjectiveView,
  StateView,
  Status,
  UnitEntity,
  UnitLoad,
  UnitWeek,
  WorkItemDerived,
  WorkItemEntity,
  WorkItemRef,
} from '../../contract/state.ts';

/** What the pages send: each route's body as the contract takes it (checked with `satisfies`). */
export type DecideBody = RequestBody<typeof decideRoute>;
export type AddOptionBody = RequestBody<typeof addOptionRoute>;
export type SaveScenarioBody = RequestBody<typeof saveScenarioRoute>;
export type CompareScenariosBody = RequestBody<typeof compareScenariosRoute>;
export type DecideGateBody = RequestBody<typeof decideGateRoute>;
export type SignInBody = RequestBody<typeof signInRoute>;
export type DemoSignInBody = RequestBody<typeof demoSignInRoute>;
export type DemoReplayBody = RequestBody<typeof demoReplayRoute>;

/** Whether the signed-in person may take an action (false when the server did not say). */
export function mayDo(me: { permissions: Record<string, boolean> }, action: string): boolean {
  return me.permissions[action] === true;
}
