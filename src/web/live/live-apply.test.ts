import { describe, expect, it } from 'vitest';
import type { SignalFrame } from '../../contract/live-events.ts';
import type {
  DerivedStatus,
  InboxSignal,
  InitiativeView,
  KpiView,
  MilestoneView,
  ObjectiveView,
  StateView,
} from '../api/types.ts';
import {
  applySignal,
  compareSignals,
  compareViews,
  Describer,
  entitiesOf,
  mergeEntities,
  sightOfView,
  type StateEntities,
} from './live-apply.ts';

const status = (s: 'on_track' | 'at_risk' | 'off_track'): DerivedStatus => ({
  status: s,
  rule: 'test',
  reason: s,
});
const person = (id: string) => ({ id, name: id });

function milestone(id: string, extra: Partial<MilestoneView> = {}): MilestoneView {
  return {
    id,
    name: `Milestone ${id}`,
    plannedDate: '2026-10-05',
    forecastDate: '2026-10-05',
    slipWorkingDays: 0,
    complete: false,
    status: status('on_track'),
    workItems: [
      {
        key: `${id}-W1`,
        summary: 'work',
        status: 'To Do',
        statusCategory: 'todo',
        dueDate: null,
        forecastFinish: '2026-10-01',
      },
    ],
    ...extra,
  };
}

function kpi(id: string, forecast: number, extra: Partial<KpiView> = {}): KpiView {
  return {
    id,
    name: `KPI ${id}`,
    owner: person('marco'),
    unitOfMeasure: 'USD',
    direction: 'higher_is_better',
    status: status('on_track'),
    periods: [
      {
        period: '2026-Q4',
        start: '2026-10-01',
        end: '2026-12-31',
        target: 1_200_000,
        actual: null,
        forecast,
        forecastAtPlan: forecast,
        gap: forecast - 1_200_000,
        benefits: [],
        status: status('on_track'),
      },
    ],
    ...extra,
  };
}

function initiative(id: string, milestones: MilestoneView[]): InitiativeView {
  return {
    id,
    name: `Initiative ${id}`,
    owner: person('priya'),
    unit: 'IT',
    delivery: status('on_track'),
    value: status('on_track'),
    milestones,
  };
}

function objective(id: string, extra: Partial<ObjectiveView> = {}): ObjectiveView {
  return {
    id,
    name: `Objective ${id}`,
    owner: person('dana'),
    horizon: null,
    status: status('on_track'),
    kpis: [],
    initiatives: [],
    children: [],
    ...extra,
  };
}

/** Two objectives sharing one KPI and one initiative (so both show them), one with a child. */
function view(): StateView {
  const erp = initiative('I-ERP', [milestone('M-GOLIVE'), milestone('M-PURCH')]);
  const savings = kpi('K-SAVINGS', 1_268_571);
  return {
    asOf: '2026-09-14',
    organisation: { id: 'acme', name: 'Acme' },
    objectives: [
      objective('O-COST', {
        kpis: [savings],
        initiatives: [erp],
        children: [
          objective('O-CHILD', { initiatives: [initiative('I-MAINT', [milestone('M-PILOT')])] }),
        ],
      }),
      objective('O-CUSTOMER', { kpis: [savings], initiatives: [erp] }),
    ],
    openSignals: 0,
  };
}

/** An answer of `POST /api/v1/state/entities`, for the view as it will look after `change`. */
function answerFor(after: StateView, pick: Partial<Record<'o' | 'k' | 'i' | 'm', string[]>>) {
  const all = entitiesOf(after);
  const answer: StateEntities = {
    asOf: after.asOf,
    openSignals: after.openSignals,
    sight: sightOfView(after),
    objectives: all.objectives.filter((o) => pick.o?.includes(o.id) === true),
    kpis: all.kpis.filter((k) => pick.k?.includes(k.id) === true),
    initiatives: all.initiatives.filter((i) => pick.i?.includes(i.id) === true),
    milestones: all.milestones.filter((m) => pick.m?.includes(m.id) === true),
    removed: { objectives: [], kpis: [], initiatives: [], milestones: [], workItems: [] },
  };
  return answer;
}

/** The ERP-17 slip as the server's view shows it afterwards. */
function slipped(): StateView {
  const after = view();
  const [cost, customer] = after.objectives as [ObjectiveView, ObjectiveView];
  const golive = milestone('M-GOLIVE', {
    forecastDate: '2026-10-26',
    slipWorkingDays: 15,
    status: status('off_track'),
  });
  const erp: InitiativeView = {
    ...initiative('I-ERP', [golive, milestone('M-PURCH')]),
    delivery: status('off_track'),
  };
  const savings = kpi('K-SAVINGS', 788_571, { status: status('off_track') });
  after.objectives = [
    { ...cost, status: status('off_track'), kpis: [savings], initiatives: [erp] },
    { ...customer, kpis: [savings], initiatives: [erp] },
  ];
  after.openSignals = 2;
  return after;
}

describe('the live feed applied to a held view', () => {
  it('merges a moved milestone, KPI, initiative and objective wherever each is shown', () => {
    const before = view();
    const after = slipped();
    const merged = mergeEntities(
      before,
      answerFor(after, { o: ['O-COST'], k: ['K-SAVINGS'], i: ['I-ERP'], m: ['M-GOLIVE'] }),
    );
    expect(merged.complete).toBe(true);
    // The same view the server answers whole: under both objectives that show them.
    expect(merged.state).toEqual(after);
    const [cost, customer] = merged.state.objectives as [ObjectiveView, ObjectiveView];
    expect(customer.initiatives[0]!.milestones[0]!.status.status).toBe('off_track');
    expect(customer.kpis[0]!.periods[0]!.forecast).toBe(788_571);
    // What did not move is the very object it was (pages keyed on it do not redraw).
    expect(cost.children[0]).toBe(before.objectives[0]!.children[0]);
    expect(cost.initiatives[0]!.milestones[1]).toBe(
      before.objectives[0]!.initiatives[0]!.milestones[1],
    );
    // Nothing held was changed in place: the view before stays as it was, for the highlight.
    expect(before).toEqual(view());
    // Each entity said once, in the order leaders read: objectives, KPIs, milestones, initiatives.
    expect(merged.change.lines).toEqual([
      'Objective O-COST (O-COST): On track → Off track',
      'KPI K-SAVINGS (K-SAVINGS): On track → Off track',
      'KPI K-SAVINGS (K-SAVINGS) 2026-Q4 forecast $1,268,571 → $788,571',
      'Milestone M-GOLIVE (M-GOLIVE): On track → Off track',
      'Milestone M-GOLIVE (M-GOLIVE) forecast 5 Oct 2026 → 26 Oct 2026',
      'Initiative I-ERP (I-ERP) delivery: On track → Off track',
    ]);
    expect(merged.change.ids).toEqual(['O-COST', 'K-SAVINGS', 'I-ERP', 'M-GOLIVE']);
    expect(merged.change.tone).toBe('off_track');
  });

  it('keeps the very view when the named entities did not move', () => {
    const before = view();
    const merged = mergeEntities(before, answerFor(view(), { k: ['K-SAVINGS'], m: ['M-PURCH'] }));
    expect(merged.complete).toBe(true);
    expect(merged.state).toBe(before);
    expect(merged.change).toEqual({ ids: [], lines: [], tone: 'info' });
  });

  it('drops what comes back removed, from every place it is shown', () => {
    const before = view();
    const after = view();
    for (const o of after.objectives) {
      o.kpis = [];
      o.initiatives = o.initiatives.map((i) => ({
        ...i,
        milestones: i.milestones
          .filter((m) => m.id !== 'M-PURCH')
          .map((m) => ({ ...m, workItems: m.workItems.filter((w) => w.key !== 'M-GOLIVE-W1') })),
      }));
    }
    const answer = answerFor(after, {});
    answer.removed = {
      objectives: [],
      kpis: ['K-SAVINGS'],
      initiatives: [],
      milestones: ['M-PURCH'],
      workItems: ['M-GOLIVE-W1'],
    };
    const merged = mergeEntities(before, answer);
    expect(merged.complete).toBe(true);
    expect(merged.state).toEqual(after);
  });

  it('asks for the whole view when the answer does not fit: a new entity, a gone objective, another sight', () => {
    const before = view();
    // A milestone the view does not hold (new, or newly visible).
    const grown = view();
    grown.objectives[0]!.initiatives[0]!.milestones.push(milestone('M-NEW'));
    expect(mergeEntities(before, answerFor(grown, { m: ['M-NEW'] })).complete).toBe(false);
    // An objective gone: its children would move up.
    const gone = answerFor(view(), {});
    gone.removed.objectives = ['O-COST'];
    expect(mergeEntities(before, gone).complete).toBe(false);
    // The reader now sees more than the view shows, though nothing named is new to it.
    const wider = answerFor(view(), { k: ['K-SAVINGS'] });
    wider.sight = sightOfView(grown);
    expect(mergeEntities(before, wider).complete).toBe(false);
  });

  it('compares two whole views in the same words (the polling fallback, `all`)', () => {
    const describe = new Describer();
    const moved = compareViews(view(), slipped(), describe);
    expect(moved.moved).toBe(true);
    expect(moved.change.lines).toContain(
      'KPI K-SAVINGS (K-SAVINGS) 2026-Q4 forecast $1,268,571 → $788,571',
    );
    expect(compareViews(view(), view()).moved).toBe(false);
    // A rename moves no figure, but the view differs.
    const renamed = view();
    renamed.objectives[1]!.name = 'Delight customers';
    expect(compareViews(view(), renamed)).toEqual({
      change: { ids: [], lines: [], tone: 'info' },
      moved: true,
    });
  });
});

function signal(id: string, owners: string[], title = `Signal ${id}`): SignalFrame['signal'] {
  return {
    id,
    kind: 'milestone.slipped',
    subject: { kind: 'milestone', id: 'M-GOLIVE' },
    title,
    chain: [{ kind: 'milestone', id: 'M-GOLIVE', text: 'slips', figures: { slipWorkingDays: 15 } }],
    affectedOwners: owners,
  };
}

function frame(action: SignalFrame['action'], s: SignalFrame['signal'], at: string): SignalFrame {
  return { action, signal: s, seq: 7, at };
}

function inbox(
  s: SignalFrame['signal'],
  raisedAt: string,
  extra: Partial<InboxSignal> = {},
): InboxSignal {
  return {
    ...s,
    status: 'open',
    raisedAt,
    updatedAt: raisedAt,
    resolvedAt: null,
    forMe: false,
    acknowledgedByMe: false,
    acknowledgedAt: null,
    ...extra,
  };
}

describe('the live feed applied to the held signals', () => {
  const older = inbox(signal('s-old', ['dana']), '2026-09-14T08:00:00.000Z', {
    forMe: true,
    acknowledgedByMe: true,
    acknowledgedAt: '2026-09-14T08:30:00.000Z',
  });

  it('puts a raised signal first, as the inbox lists it, and says so', () => {
    const raised = applySignal(
      [older],
      frame('raised', signal('s-new', ['priya', 'dana']), '2026-09-14T09:00:00.000Z'),
      'dana',
    );
    expect(raised.complete).toBe(true);
    expect(raised.line).toBe('New signal: Signal s-new');
    expect(raised.signals).toEqual([
      inbox(signal('s-new', ['priya', 'dana']), '2026-09-14T09:00:00.000Z', { forMe: true }),
      older,
    ]);
    // The same event again changes nothing but the times it carries.
    const again = applySignal(
      raised.signals,
      frame('raised', signal('s-new', ['priya', 'dana']), '2026-09-14T09:00:00.000Z'),
      'dana',
    );
    expect(again.signals).toEqual(raised.signals);
    expect(again.line).toBeNull();
  });

  it('changes a held signal in place, keeping when it was raised and its acknowledgement', () => {
    const changed = applySignal(
      [older],
      frame('changed', signal('s-old', ['dana'], 'Worse now'), '2026-09-14T10:00:00.000Z'),
      'dana',
    );
    expect(changed.signals).toEqual([
      { ...older, title: 'Worse now', updatedAt: '2026-09-14T10:00:00.000Z' },
    ]);
    expect(changed.line).toBeNull();
    // One the list does not hold cannot be placed from the event: read the list again.
    expect(
      applySignal([older], frame('changed', signal('s-x', []), '2026-09-14T10:00:00.000Z'), 'dana')
        .complete,
    ).toBe(false);
  });

  it('takes a resolved signal off the list, and says so once', () => {
    const resolved = applySignal(
      [older],
      frame('resolved', signal('s-old', ['dana']), '2026-09-14T11:00:00.000Z'),
      'dana',
    );
    expect(resolved.signals).toEqual([]);
    expect(resolved.line).toBe('Resolved: Signal s-old');
    const twice = applySignal(
      resolved.signals,
      frame('resolved', signal('s-old', []), 'x'),
      'dana',
    );
    expect(twice).toEqual({ signals: [], line: null, complete: true });
  });

  it('lists signal lines between KPIs and milestones, as the notices always did', () => {
    const describe = new Describer();
    describe.signal('New signal: Signal s-new');
    const merged = mergeEntities(
      view(),
      answerFor(slipped(), { k: ['K-SAVINGS'], m: ['M-GOLIVE'] }),
      describe,
    );
    expect(merged.change.lines).toEqual([
      'KPI K-SAVINGS (K-SAVINGS): On track → Off track',
      'KPI K-SAVINGS (K-SAVINGS) 2026-Q4 forecast $1,268,571 → $788,571',
      'New signal: Signal s-new',
      'Milestone M-GOLIVE (M-GOLIVE): On track → Off track',
      'Milestone M-GOLIVE (M-GOLIVE) forecast 5 Oct 2026 → 26 Oct 2026',
    ]);
    const lists = compareSignals([older], [], new Describer());
    expect(lists.moved).toBe(true);
  });
});
