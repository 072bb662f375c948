import { expect } from 'vitest';

/**
 * The figures of the ERP story (issue: "The scenario it must show"), asserted the same way
 * whether they came over the CLI or the API.
 */

interface PeriodView {
  period: string;
  forecast: number;
  target: number | null;
  status: { status: string };
}
interface MilestoneView {
  id: string;
  plannedDate: string;
  forecastDate: string;
  slipWorkingDays: number;
  status: { status: string };
}
interface KpiView {
  id: string;
  status: { status: string };
  periods: PeriodView[];
}
interface InitiativeView {
  id: string;
  delivery: { status: string };
  milestones: MilestoneView[];
}
interface ObjectiveView {
  id: string;
  status: { status: string };
  kpis: KpiView[];
  initiatives: InitiativeView[];
  children: ObjectiveView[];
}
export interface StateView {
  asOf: string;
  objectives: ObjectiveView[];
}
export interface ChainStepView {
  kind: string;
  id: string;
  text: string;
  figures: Record<string, number | string>;
}
export interface SignalView {
  id: string;
  kind: string;
  chain: ChainStepView[];
  affectedOwners: string[];
}

function objective(view: StateView, id: string): ObjectiveView {
  const found = view.objectives.find((o) => o.id === id);
  if (found === undefined) throw new Error(`no objective ${id} in the view`);
  return found;
}

function milestone(view: StateView, id: string): MilestoneView {
  for (const o of view.objectives) {
    for (const i of o.initiatives) {
      const m = i.milestones.find((x) => x.id === id);
      if (m !== undefined) return m;
    }
  }
  throw new Error(`no milestone ${id} in the view`);
}

function savingsQ4(view: StateView): PeriodView {
  const kpi = objective(view, 'O-COST').kpis.find((k) => k.id === 'K-SAVINGS');
  const period = kpi?.periods.find((p) => p.period === '2026-Q4');
  if (period === undefined) throw new Error('no K-SAVINGS 2026-Q4 in the view');
  return period;
}

/** As of 2026-09-14, before the slip: everything on track. */
export function expectStoryOnTrack(view: StateView): void {
  expect(view.asOf).toBe('2026-09-14');
  expect(milestone(view, 'M-GOLIVE')).toMatchObject({
    forecastDate: '2026-10-05',
    slipWorkingDays: 0,
    status: { status: 'on_track' },
  });
  expect(milestone(view, 'M-PURCH')).toMatchObject({
    forecastDate: '2026-10-19',
    slipWorkingDays: 0,
    status: { status: 'on_track' },
  });
  const q4 = savingsQ4(view);
  expect(Math.round(q4.forecast)).toBe(1_268_571); // 74 days × 120,000 / 7
  expect(q4.target).toBe(1_200_000);
  expect(q4.status.status).toBe('on_track');
  for (const o of view.objectives) expect(o.status.status, o.id).toBe('on_track');
}

/** After ERP-17's due date moved from 2026-10-02 to 2026-10-23. */
export function expectStorySlipped(view: StateView): void {
  expect(milestone(view, 'M-GOLIVE')).toMatchObject({
    forecastDate: '2026-10-26',
    slipWorkingDays: 15,
    status: { status: 'off_track' },
  });
  // Levelled within IT's capacity: a week after the 2026-11-09 the dependency alone gives.
  expect(milestone(view, 'M-PURCH')).toMatchObject({
    forecastDate: '2026-11-16',
    slipWorkingDays: 20,
    status: { status: 'off_track' },
  });
  expect(milestone(view, 'M-PILOT')).toMatchObject({
    forecastDate: '2026-11-23',
    slipWorkingDays: 5,
    status: { status: 'off_track' },
  });
  const q4 = savingsQ4(view);
  expect(Math.round(q4.forecast)).toBe(788_571); // 46 days × 120,000 / 7
  expect(Math.round(1_200_000 - q4.forecast)).toBe(411_429);
  expect(q4.status.status).toBe('off_track');
  // Its only KPI misses: off track (issue 14; it read "at risk" under the old rule).
  expect(objective(view, 'O-COST').status.status).toBe('off_track');
}

/** The KPI signal and its chain, in order, with the figures at every step. */
export function expectStorySignal(signals: SignalView[]): void {
  const signal = signals.find((s) => s.id === 'kpi.misses_target:K-SAVINGS:2026-Q4');
  expect(signal, 'the K-SAVINGS signal').toBeDefined();
  const chain = signal?.chain ?? [];
  expect(chain.map((s) => `${s.kind}:${s.id}`)).toEqual([
    'work_item:ERP-17',
    'milestone:M-GOLIVE',
    'milestone:M-PURCH',
    'kpi:K-SAVINGS',
    'objective:O-COST',
  ]);
  expect(chain[0]?.figures).toMatchObject({ from: '2026-10-02', to: '2026-10-23', deltaDays: 21 });
  expect(chain[1]?.figures).toMatchObject({ slipWorkingDays: 15, forecastDate: '2026-10-26' });
  expect(chain[2]?.figures).toMatchObject({
    slipWorkingDays: 20,
    forecastDate: '2026-11-16',
    unconstrainedDate: '2026-11-09',
  });
  const money = chain[3]?.figures ?? {};
  expect(Math.round(Number(money.delta))).toBe(-480_000);
  expect(Math.round(Number(money.shortfall))).toBe(411_429);
  expect(Math.round(Number(money.forecast))).toBe(788_571);
  expect(chain[4]?.figures).toMatchObject({ status: 'off_track' });
  expect(chain.map((s) => s.text)).toEqual([
    'ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 days)',
    'M-GOLIVE forecast 2026-10-26, +15 working days (plan 2026-10-05)',
    'M-PURCH forecast 2026-11-16, +20 working days (plan 2026-10-19; 2026-11-09 without the resource bottleneck)',
    'K-SAVINGS 2026-Q4 −480,000 USD, now 411,429 below target (forecast 788,571 against 1,200,000)',
    'O-COST off track',
  ]);
  expect(signal?.affectedOwners).toEqual(['priya', 'marco', 'dana']);
}
