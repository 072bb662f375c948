import { describe, expect, it } from 'vitest';
import type { ProbabilisticForecast } from '../domain/state.ts';
import { buildErpScenario, buildWorkItem } from '../test-factories.ts';
import { computeState } from './compute-state.ts';
import { createEngine, forecastProbabilistic } from './engine.ts';
import { type ProbabilisticInput, type TeamHistory, teamOf } from './probabilistic-forecast.ts';

/** A team that finishes `perWeek` items every week and takes `cycle` days for each. */
function steadyTeam(perWeek: number, cycle: number, weeks = 12): TeamHistory {
  return {
    cycleTimes: Array.from({ length: perWeek * weeks }, () => cycle),
    weeklyThroughput: Array.from({ length: weeks }, () => perWeek),
    completed: perWeek * weeks,
  };
}

/** A team whose pace varies: 2 to 8 items a week, cycle times from 2 to 20 days. */
function noisyTeam(): TeamHistory {
  return {
    cycleTimes: [2, 3, 3, 4, 5, 5, 6, 8, 9, 12, 14, 20],
    weeklyThroughput: [2, 5, 8, 3, 6, 4, 7, 2, 5, 6],
    completed: 48,
  };
}

const history = (teams: Record<string, TeamHistory>, since: Record<string, string> = {}) => ({
  teams,
  inProgressSince: since,
});

function forecastOf(state: ReturnType<typeof computeState>, id: string): ProbabilisticForecast {
  const forecast = state.milestones.get(id)?.probabilistic;
  if (forecast === undefined) throw new Error(`no probabilistic forecast for ${id}`);
  return forecast;
}

describe('probabilistic forecast (Monte Carlo)', () => {
  it('takes the team of a work item from its project key', () => {
    expect(teamOf('ERP-17')).toBe('ERP');
    expect(teamOf('OPS-CORE-9')).toBe('OPS-CORE');
    expect(teamOf('LOOSE')).toBe('LOOSE');
  });

  it('gives exact dates when the history never varies', () => {
    // ERP-17 not started: 3 days of cycle time from Monday 2026-09-14 is Thursday; the milestone
    // lands the next working day. Five a week would finish it in a day: the cycle time decides.
    const probabilistic: ProbabilisticInput = {
      history: history({ ERP: steadyTeam(5, 3) }),
      seed: 7,
    };
    const state = computeState({ ...buildErpScenario(), forecasting: { probabilistic } });
    expect(forecastOf(state, 'M-GOLIVE')).toMatchObject({
      p50: '2026-09-18',
      p85: '2026-09-18',
      p95: '2026-09-18',
      samples: 1000,
      seed: 7,
      basis: {
        method: 'monte_carlo',
        teams: [{ team: 'ERP', completed: 60, weeks: 12, openItems: 1 }],
      },
    });
    // M-PURCH has no work of its own: its plan, unless FS + 10 working days after M-GOLIVE's trial
    // (2026-10-02) is later — as the deterministic rule reads it.
    expect(forecastOf(state, 'M-PURCH')).toMatchObject({
      p50: '2026-10-19',
      p95: '2026-10-19',
      basis: { teams: [], upstream: ['M-GOLIVE'] },
    });
    // The deterministic forecast stands beside it, unchanged.
    expect(state.milestones.get('M-GOLIVE')?.forecastDate).toBe('2026-10-05');
  });

  it('counts the days an item has already been in progress', () => {
    const probabilistic: ProbabilisticInput = {
      // In progress since 2026-09-09: 5 of its 8 days are behind it.
      history: history({ ERP: steadyTeam(5, 8) }, { 'ERP-17': '2026-09-09' }),
      seed: 7,
    };
    const state = computeState({ ...buildErpScenario(), forecasting: { probabilistic } });
    // 2026-09-14 + 3 days = Thursday 2026-09-17 → Friday 2026-09-18.
    expect(forecastOf(state, 'M-GOLIVE')).toMatchObject({ p50: '2026-09-18', p95: '2026-09-18' });
  });

  it('orders its percentiles and reproduces them from the seed', () => {
    const scenario = buildErpScenario();
    const many = {
      ...scenario,
      workItems: [
        ...scenario.workItems,
        ...Array.from({ length: 12 }, (_, n) =>
          buildWorkItem({ key: `ERP-${40 + n}`, dueDate: '2026-10-01' }),
        ),
      ],
      plan: {
        ...scenario.plan,
        milestones: scenario.plan.milestones.map((m) =>
          m.id === 'M-GOLIVE'
            ? {
                ...m,
                work: {
                  keys: [...m.work.keys, ...Array.from({ length: 12 }, (_, n) => `ERP-${40 + n}`)],
                  epics: [],
                },
              }
            : m,
        ),
      },
    };
    const run = (seed: number) =>
      computeState({
        ...many,
        forecasting: { probabilistic: { history: history({ ERP: noisyTeam() }), seed } },
      });
    const first = forecastOf(run(11), 'M-GOLIVE');
    expect(forecastOf(run(11), 'M-GOLIVE')).toEqual(first);
    if ('insufficient' in first) throw new Error('expected a distribution');
    expect(first.p50 <= first.p85 && first.p85 <= first.p95).toBe(true);
    // 13 open items at 2–8 a week take between two and seven weeks.
    expect(first.p50 > '2026-09-25' && first.p95 < '2026-11-06').toBe(true);
    const other = forecastOf(run(12), 'M-GOLIVE');
    expect(other).not.toEqual(first);
  });

  it('says when a team has too little history instead of inventing a distribution', () => {
    const thin: TeamHistory = {
      cycleTimes: [3, 4, 5],
      weeklyThroughput: [1, 2, 0, 1],
      completed: 4,
    };
    const state = computeState({
      ...buildErpScenario(),
      forecasting: { probabilistic: { history: history({ ERP: thin }), seed: 1 } },
    });
    expect(forecastOf(state, 'M-GOLIVE')).toEqual({
      insufficient: {
        reason: 'insufficient_history',
        team: 'ERP',
        completed: 4,
        needed: 10,
        milestone: 'M-GOLIVE',
      },
    });
    // Downstream of it no distribution can be drawn either, and it says where the gap is.
    expect(forecastOf(state, 'M-PURCH')).toMatchObject({
      insufficient: { team: 'ERP', completed: 4, milestone: 'M-GOLIVE' },
    });
    const rules = state.milestones.get('M-PURCH')?.explanation.map((step) => step.rule);
    expect(rules).toContain('milestone.probabilistic_insufficient_history');
  });

  it('treats a team without any history as insufficient, with a count of zero', () => {
    const state = computeState({
      ...buildErpScenario(),
      forecasting: { probabilistic: { history: history({}), seed: 1 } },
    });
    expect(forecastOf(state, 'M-GOLIVE')).toMatchObject({
      insufficient: { team: 'ERP', completed: 0, needed: 10 },
    });
  });

  it('raises slip signals on P85 when configured, and on the forecast by default', () => {
    // Deterministically on plan (2026-10-05), but a slow team makes the P85 later.
    const slow: TeamHistory = {
      cycleTimes: Array.from({ length: 20 }, (_, n) => 10 + n * 2),
      weeklyThroughput: [1, 0, 1, 0, 1, 1, 0, 1, 0, 1],
      completed: 20,
    };
    const probabilistic: ProbabilisticInput = { history: history({ ERP: slow }), seed: 3 };
    const deterministic = computeState({ ...buildErpScenario(), forecasting: { probabilistic } });
    expect(deterministic.signals).toEqual([]);
    const p85 = computeState({
      ...buildErpScenario(),
      forecasting: { probabilistic, slipBasis: 'p85' },
    });
    const slip = p85.signals.find((signal) => signal.id === 'milestone.slipped:M-GOLIVE');
    const golive = forecastOf(p85, 'M-GOLIVE');
    if ('insufficient' in golive) throw new Error('expected a distribution');
    expect(golive.p85 > '2026-10-05').toBe(true);
    expect(slip?.title).toContain(`P85 forecast ${golive.p85}`);
    // The deterministic figures do not move.
    expect(p85.milestones.get('M-GOLIVE')?.forecastDate).toBe('2026-10-05');
  });

  it('forecasts one milestone and what it waits for, without the rest', () => {
    const result = forecastProbabilistic(
      buildErpScenario(),
      { history: history({ ERP: steadyTeam(5, 3) }), seed: 7 },
      ['M-PURCH', 'M-NOWHERE'],
    );
    expect(Object.keys(result)).toEqual(['M-PURCH']);
    expect(result['M-PURCH']).toMatchObject({
      p50: '2026-10-19',
      basis: { upstream: ['M-GOLIVE'] },
    });
  });

  it('follows events in an engine exactly as a full recompute does', () => {
    const probabilistic: ProbabilisticInput = { history: history({ ERP: noisyTeam() }), seed: 5 };
    const input = { ...buildErpScenario(), forecasting: { probabilistic } };
    const engine = createEngine(input);
    const item = input.workItems[0]!;
    const moved = { ...item, key: 'ERP-99', dueDate: '2026-10-20' };
    engine.apply({ op: 'upsert', item: moved, change: null });
    const full = computeState({ ...engine.input(), forecasting: { probabilistic } });
    expect(engine.state.milestones.get('M-GOLIVE')?.probabilistic).toEqual(
      full.milestones.get('M-GOLIVE')?.probabilistic,
    );
  });
});
