import { describe, expect, it } from 'vitest';
import { demoInputAfterSlip } from '../../../test/support/demo-after-slip.ts';
import type { Decision } from '../decisions/decision.ts';
import type { Plan, Review } from '../domain/plan.ts';
import { computeState } from '../engine/compute-state.ts';
import { groupIncidents } from '../incidents/group-incidents.ts';
import { validatePlan } from '../plan/validate-plan.ts';
import { buildReviewPack, packMarkdown, packReach } from './review-pack.ts';
import { latestOccurrence, nextOccurrence, occurrenceOn } from './review-schedule.ts';

const input = await demoInputAfterSlip('2026-09-14');
const state = computeState(input);
const incidents = groupIncidents(input.plan, state, state.signals);

const weekly: Review = {
  id: 'REV-T',
  name: 'Weekly test review',
  cadence: { every: 'week', weekday: 'monday', at: '09:00' },
  timeZone: 'Europe/Berlin',
  attendees: ['dana', 'priya'],
};

const dec1 = {
  id: 'DEC-1',
  status: 'open',
  signal: null,
  incident: 'incident:work_item:ERP-17',
  title: 'ERP-17 slip',
  kinds: ['replan'],
  options: [],
  decider: { person: 'dana', right: null, because: '', considered: [], escalatesTo: null },
  dueDate: '2026-09-21',
  openedBy: 'engine',
  openedAt: '2026-09-14T08:00:00.000Z',
  outcome: null,
} satisfies Decision;

describe('when a review meets', () => {
  it('meets Mondays at 09:00 Berlin time, 07:00 UTC in September', () => {
    expect(occurrenceOn(weekly, '2026-09-14').instant).toBe('2026-09-14T07:00:00.000Z');
    expect(latestOccurrence(weekly, { byDate: '2026-09-14' })?.date).toBe('2026-09-14');
    expect(latestOccurrence(weekly, { byDate: '2026-09-13' })?.date).toBe('2026-09-07');
    // At 06:59 UTC the Monday meeting has not started yet; at 07:00 it has.
    expect(latestOccurrence(weekly, { instantMs: Date.parse('2026-09-14T06:59Z') })?.date).toBe(
      '2026-09-07',
    );
    expect(latestOccurrence(weekly, { instantMs: Date.parse('2026-09-14T07:00Z') })?.date).toBe(
      '2026-09-14',
    );
    expect(nextOccurrence(weekly, { byDate: '2026-09-14' })?.date).toBe('2026-09-21');
  });

  it('meets monthly on a day past the month end on its last day, in winter time too', () => {
    const monthly: Review = { ...weekly, cadence: { every: 'month', day: 31, at: '10:00' } };
    expect(latestOccurrence(monthly, { byDate: '2026-09-14' })?.date).toBe('2026-08-31');
    expect(nextOccurrence(monthly, { byDate: '2026-09-14' })?.date).toBe('2026-09-30');
    expect(occurrenceOn(monthly, '2026-12-31').instant).toBe('2026-12-31T09:00:00.000Z');
  });
});

describe('a review pack on the ERP story after the ERP-17 slip', () => {
  const pack = buildReviewPack({
    review: weekly,
    plan: input.plan,
    state,
    occurrence: occurrenceOn(weekly, '2026-09-14'),
    previous: null,
    signalEvents: state.signals.map((s) => ({
      signal: s.id,
      kind: s.kind,
      title: s.title,
      action: 'raised',
      at: '2026-09-14T08:00:00.000Z',
      subject: s.subject,
      chain: s.chain,
    })),
    decisions: [dec1],
    incidents,
  });
  const section = (id: string) => pack.sections.find((s) => s.id === id)!;

  it('lists the ERP-17 slip, its money and the decision waiting on Dana', () => {
    const moved = section('forecasts_moved').rows.map((r) => r.text);
    expect(moved.some((t) => t.includes('M-GOLIVE') && t.includes('ERP-17 due date moved'))).toBe(
      true,
    );
    const atRisk = section('money_at_risk').rows[0]!;
    expect(atRisk.figures).toMatchObject({ atRisk: 480_000, period: '2026-Q4' });
    expect(atRisk.text).toContain('480,000 USD at risk in 2026-Q4 for K-SAVINGS');
    const waiting = section('decisions_to_take').rows[0]!;
    expect(waiting.text).toContain('DEC-1');
    expect(waiting.text).toContain('Dana');
    expect(pack.headline.join('\n')).toContain('480,000 USD');
    const md = packMarkdown(pack);
    expect(md).toContain('# Weekly test review — 2026-09-14');
    expect(md).toContain('480,000 USD at risk');
  });

  it('has every section the meeting reads', () => {
    expect(pack.sections.map((s) => s.id)).toEqual([
      'decisions_to_take',
      'money_at_risk',
      'forecasts_moved',
      'signals',
      'decisions',
      'kpis',
      'budget',
      'capacity',
    ]);
    expect(section('capacity').rows.length).toBeGreaterThan(0);
    expect(section('kpis').rows.some((r) => r.ref?.id === 'K-SAVINGS')).toBe(true);
  });

  it('compares with the previous pack: nothing moved when nothing changed', () => {
    const again = buildReviewPack({
      review: weekly,
      plan: input.plan,
      state,
      occurrence: occurrenceOn(weekly, '2026-09-21'),
      previous: { content: pack, publishedAt: '2026-09-14T07:00:00.000Z' },
      signalEvents: [],
      decisions: [dec1],
      incidents,
    });
    expect(again.since?.date).toBe('2026-09-14');
    expect(again.sections.find((s) => s.id === 'forecasts_moved')!.rows).toEqual([]);
  });

  it('leaves out a confidential initiative not every attendee is cleared for', () => {
    const plan: Plan = structuredClone(input.plan);
    const erp = plan.initiatives.find((i) => i.id === 'I-ERP')!;
    erp.confidential = { people: ['dana'] };
    // Dana is named and Priya owns it: both cleared, so the pack shows it and says it does.
    const reach = packReach(plan, weekly);
    expect(reach.initiatives.has('I-ERP')).toBe(true);
    expect(reach.confidential).toContain('I-ERP');
    // Sam is not cleared: the pack leaves it out and only counts it.
    const withSam = { ...weekly, attendees: ['dana', 'sam'] };
    const barred = packReach(plan, withSam);
    expect(barred.initiatives.has('I-ERP')).toBe(false);
    expect(barred.withheld).toBeGreaterThan(reach.withheld);
    const hidden = buildReviewPack({
      review: withSam,
      plan,
      state,
      occurrence: occurrenceOn(withSam, '2026-09-14'),
      previous: null,
      signalEvents: [],
      decisions: [],
      incidents,
    });
    expect(JSON.stringify(hidden.sections)).not.toContain('M-GOLIVE');
  });
});

describe('a review declared with an unknown attendee', () => {
  it('is refused naming the place', () => {
    const plan: Plan = {
      ...input.plan,
      reviews: [{ ...weekly, attendees: ['dana', 'priya', 'nobody'] }],
    };
    const problems = validatePlan(plan);
    expect(problems).toContainEqual(
      expect.objectContaining({
        code: 'plan.unknown_reference',
        path: '$.reviews[0].attendees[2]',
      }),
    );
    expect(problems.find((p) => p.path === '$.reviews[0].attendees[2]')?.message).toContain(
      "review 'REV-T' is attended by 'nobody'",
    );
  });

  it('refuses a bad cadence and time zone naming each field', () => {
    const plan = {
      ...input.plan,
      reviews: [
        {
          ...weekly,
          cadence: { every: 'week', weekday: 'mondy', at: '9am' },
          timeZone: 'Mars/Olympus',
        },
      ],
    } as unknown as Plan;
    const paths = validatePlan(plan).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '$.reviews[0].cadence.weekday',
        '$.reviews[0].cadence.at',
        '$.reviews[0].timeZone',
      ]),
    );
  });
});
