import { DomainError, fail } from '../core/errors.ts';
import { compareScenarios, type ScenarioColumn } from '../core/scenario/price-scenario.ts';
import { parseScenario, type Scenario } from '../core/scenario/scenario.ts';
import { loadLatestChanges } from '../store/work-item-store.ts';
import {
  insertScenario,
  listScenarios as listStoredScenarios,
  loadScenario,
} from '../store/decision-store.ts';
import type { AppContext } from './context.ts';
import { deriveSnapshot } from './derive.ts';

/**
 * Scenarios as use-cases: save one (checked against the plan by pricing it first), list them,
 * and price up to four side by side against the current state. Nothing here changes the plan:
 * a scenario is applied only as the chosen option of a decision.
 */

/** Prices scenarios against the current state, side by side (problems name `$[k]…`). */
export async function priceScenarios(
  ctx: AppContext,
  scenarios: readonly Scenario[],
): Promise<ScenarioColumn[]> {
  const asOf = ctx.clock.asOf();
  const snapshot = await deriveSnapshot(ctx.db, asOf, ctx.model);
  if (snapshot === null) fail('not_found', 'there is no plan yet: apply one first', { path: '$' });
  const changes = await loadLatestChanges(ctx.db);
  return compareScenarios(
    { plan: snapshot.plan, workItems: snapshot.workItems, changes, asOf },
    scenarios,
    snapshot.state,
  );
}

export interface NewScenario {
  id: string;
  name: string;
  changes: unknown;
}

/** Saves a scenario written by `author`, refusing one that does not price against the plan. */
export async function saveScenario(
  ctx: AppContext,
  body: NewScenario,
  author: string,
): Promise<{ scenario: Scenario; column: ScenarioColumn }> {
  const scenario = parseScenario({
    ...body,
    author,
    createdAt: ctx.clock.now().toISOString(),
  });
  let column: ScenarioColumn;
  try {
    [column] = (await priceScenarios(ctx, [scenario])) as [ScenarioColumn];
  } catch (error) {
    // One scenario: its problems' paths need no `$[0]`.
    if (!(error instanceof DomainError)) throw error;
    throw new DomainError(
      error.problems.map((p) => ({ ...p, path: (p.path ?? '$').replace(/^\$\[0\]/, '$') })),
    );
  }
  const stored = await ctx.db.transaction((tx) => insertScenario(tx, scenario));
  if (!stored)
    fail(
      'decision.already_decided',
      `a scenario '${scenario.id}' exists already: scenarios are kept as written, save it under a new id`,
      {
        path: '$.id',
      },
    );
  return { scenario, column };
}

/** Every saved scenario, newest first. */
export async function listScenarios(ctx: AppContext): Promise<Scenario[]> {
  return listStoredScenarios(ctx.db);
}

/** Saved scenarios by id, priced side by side; not_found naming the first missing one. */
export async function compareSavedScenarios(
  ctx: AppContext,
  ids: readonly string[],
): Promise<ScenarioColumn[]> {
  const scenarios: Scenario[] = [];
  for (const [k, id] of ids.entries()) {
    const scenario = await loadScenario(ctx.db, id);
    if (scenario === null)
      fail('not_found', `there is no scenario '${id}'`, { path: `$.ids[${k}]` });
    scenarios.push(scenario);
  }
  return priceScenarios(ctx, scenarios);
}

/**
 * Whole scenarios (request bodies) priced side by side; every problem names
 * `$.scenarios[k]…`. None at all is refused.
 */
export async function compareScenarioBodies(
  ctx: AppContext,
  values: readonly unknown[],
): Promise<ScenarioColumn[]> {
  if (values.length === 0)
    fail('request.invalid', 'give saved scenarios in ids or whole ones in scenarios', {
      path: '$.scenarios',
    });
  const place = (k: number, path: string | undefined): string =>
    `$.scenarios[${k}]${(path ?? '$').slice(1)}`;
  const scenarios = values.map((value, k) => {
    try {
      return parseScenario(value);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      throw new DomainError(error.problems.map((p) => ({ ...p, path: place(k, p.path) })));
    }
  });
  try {
    return await priceScenarios(ctx, scenarios);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    throw new DomainError(
      error.problems.map((p) => {
        const k = /^\$\[(\d+)\]/.exec(p.path ?? '')?.[1];
        return k === undefined
          ? p
          : { ...p, path: place(Number(k), `$${(p.path ?? '').slice(k.length + 3)}`) };
      }),
    );
  }
}
