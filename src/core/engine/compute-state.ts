import type { DerivedState } from '../domain/state.ts';
import { deriveState, type EngineInput } from './engine.ts';

export type { EngineInput, ForecastingOptions } from './engine.ts';

/**
 * Derives the whole state from the plan and the work as of a day: work item and milestone
 * forecasts, KPI forecasts, initiative and objective statuses, and signals with cause chains.
 * Every figure is computed; each entity's readable form and explanation is made when read.
 */
export function computeState(input: EngineInput): DerivedState {
  return deriveState(input);
}
