import { assertMay } from '../core/access/policy.ts';
import type { Review } from '../core/domain/plan.ts';
import type { Signal } from '../core/domain/state.ts';
import { fail } from '../core/errors.ts';
import {
  buildReviewPack,
  packMarkdown,
  type PackSection,
  type ReviewPackContent,
  type SignalEvent,
} from '../core/governance/review-pack.ts';
import {
  cadenceText,
  latestOccurrence,
  nextOccurrence,
  occurrenceOn,
  type ReviewOccurrence,
} from '../core/governance/review-schedule.ts';
import { groupIncidents } from '../core/incidents/group-incidents.ts';
import { didYouMean } from '../core/plan/suggest.ts';
import { listDecisions } from '../store/decision-store.ts';
import {
  countOnDemandPacks,
  hasScheduledPack,
  insertReviewPack,
  latestReviewPack,
  listReviewPacks,
  loadReviewPack,
  signalHistorySince,
  type ReviewPackSummary,
  type StoredReviewPack,
} from '../store/review-pack-store.ts';
import { listSignals } from '../store/signal-store.ts';
import type { Clock } from './clock.ts';
import type { AppContext } from './context.ts';
import { readPlan } from './derive.ts';
import type { NotificationTransports } from './notifications/transports.ts';
import { gatesPassed, periodsClosed, type SectionContext } from './review-pack-sections.ts';
import { escapeHtml } from './notifications/message-text.ts';
import { type ActorLike, serverActor, toActor, write } from './write.ts';

/**
 * The review cadence (docs/GOVERNANCE.md "Review cadence and packs"): each review declared in the
 * plan gets a pack at its meeting's time (the server's minute tick) and on demand, assembled from
 * the data, stored immutably, and e-mailed to its attendees.
 */

/** A review as the API lists it: its cadence, its meetings, its latest pack. */
export interface ReviewView {
  id: string;
  name: string;
  cadence: string;
  timeZone: string;
  attendees: { id: string; name: string }[];
  scope: Review['scope'] | null;
  /** The latest meeting that has started, and the next one. */
  lastMeeting: ReviewOccurrence | null;
  nextMeeting: ReviewOccurrence | null;
  latestPack: ReviewPackSummary | null;
}

/**
 * Something another part of governance adds to every pack (gates passed, periods closed …):
 * given the transaction, the snapshot, the review and the previous pack (null: the first).
 */
export type PackSectionSource = (context: SectionContext) => Promise<PackSection | null>;

/** The sections other parts plug in, in the order they appear after the pack's own. */
export const PACK_SECTION_SOURCES: PackSectionSource[] = [gatesPassed, periodsClosed];

/** "Now" for reviews: a pinned clock knows the day (every meeting that day is due), else the instant. */
function reviewNow(clock: Clock): { instantMs: number } | { byDate: string } {
  return clock.pinned ? { byDate: clock.asOf() } : { instantMs: clock.now().getTime() };
}

function reviewOf(reviews: readonly Review[], id: string): Review {
  const review = reviews.find((r) => r.id === id);
  if (review === undefined)
    fail(
      'not_found',
      `There is no review '${id.length > 80 ? `${id.slice(0, 80)}…` : id}'${didYouMean(
        id,
        reviews.map((r) => r.id),
      )}; the plan declares ${reviews.length === 0 ? 'none' : reviews.map((r) => r.id).join(', ')}`,
      { path: '$.review' },
    );
  return review;
}

/** The reviews of the plan with their meetings and latest packs. */
export async function listReviews(ctx: AppContext): Promise<ReviewView[]> {
  const plan = await readPlan(ctx);
  if (plan === null) return [];
  const now = reviewNow(ctx.clock);
  const views: ReviewView[] = [];
  for (const review of plan.reviews ?? []) {
    const latest = await listReviewPacks(ctx.db, review.id, 1);
    views.push({
      id: review.id,
      name: review.name,
      cadence: cadenceText(review),
      timeZone: review.timeZone ?? 'UTC',
      attendees: review.attendees.map((id) => ({
        id,
        name: plan.people.find((p) => p.id === id)?.name ?? id,
      })),
      scope: review.scope ?? null,
      lastMeeting: latestOccurrence(review, now),
      nextMeeting: nextOccurrence(review, now),
      latestPack: latest[0] ?? null,
    });
  }
  return views;
}

/** A review of the plan; not_found naming the reviews there are. */
export async function findReview(ctx: AppContext, id: string): Promise<Review> {
  const plan = await readPlan(ctx);
  return reviewOf(plan?.reviews ?? [], id);
}

/** Refuses (403 naming who may) a person who may not read a review's packs. */
export async function authorizePackRead(
  ctx: AppContext,
  personId: string,
  review: Review,
  pack?: StoredReviewPack,
): Promise<void> {
  const plan = await readPlan(ctx);
  if (plan === null) fail('not_found', 'There is no plan yet, so no review');
  assertMay(plan, personId, {
    kind: 'review.read',
    attendees: review.attendees,
    confidential: pack?.content.confidential ?? [],
  });
}

/** The packs of a review, newest first. */
export async function packsOf(ctx: AppContext, reviewId: string): Promise<ReviewPackSummary[]> {
  return listReviewPacks(ctx.db, reviewId);
}

/** One stored pack exactly as published; not_found naming the id. */
export async function showPack(ctx: AppContext, packId: string): Promise<StoredReviewPack> {
  const pack = await loadReviewPack(ctx.db, packId);
  if (pack === null)
    fail(
      'not_found',
      `There is no review pack '${packId.length > 80 ? `${packId.slice(0, 80)}…` : packId}'`,
      { path: '$.packId' },
    );
  return pack;
}

/** What publishing did: the pack, and to whom it was e-mailed. */
export interface Published {
  pack: StoredReviewPack;
  /** False when the meeting's pack was there already (published by another instance). */
  created: boolean;
  mailed: { person: string; outcome: 'sent' | 'skipped' | 'failed'; reason?: string }[];
}

function toSignalEvent(entry: {
  signalId: string;
  at: string;
  event: 'raised' | 'changed' | 'resolved';
  data: unknown;
}): SignalEvent {
  const s = entry.data as Signal;
  return {
    signal: entry.signalId,
    kind: s.kind,
    title: s.title,
    action: entry.event,
    at: entry.at,
    subject: s.subject,
    chain: s.chain.map((c) => ({ kind: c.kind, id: c.id })),
  };
}

/**
 * Builds and stores a pack inside a write: the meeting's scheduled pack when it is due and not
 * published yet, else (`onDemand`) one made now. Null when nothing is due and not on demand.
 */
async function publishInWrite(
  ctx: AppContext,
  actor: ActorLike,
  review: Review,
  onDemand: boolean,
): Promise<{ pack: StoredReviewPack; created: boolean } | null> {
  const who = toActor(actor);
  const written = await write(ctx, who, async (scope) => {
    const { tx, at, asOf } = scope;
    const due = latestOccurrence(review, reviewNow(ctx.clock));
    const scheduled = due !== null && !(await hasScheduledPack(tx, review.id, due.date));
    if (!scheduled && !onDemand) return null;
    const snapshot = await scope.snapshot();
    if (snapshot === null) fail('not_found', 'There is no plan yet, so no review pack');
    const occurrence: ReviewOccurrence =
      scheduled && due !== null
        ? due
        : { ...occurrenceOn(review, asOf), instant: at.toISOString() };
    const previous = await latestReviewPack(tx, review.id);
    const since = previous?.publishedAt ?? null;
    const history = await signalHistorySince(tx, since);
    const signals = await listSignals(tx);
    const extra: PackSection[] = [];
    for (const source of PACK_SECTION_SOURCES) {
      const section = await source({
        tx,
        snapshot,
        review,
        previous:
          previous === null
            ? null
            : { date: previous.content.occurrence.date, publishedAt: previous.publishedAt },
      });
      if (section !== null) extra.push(section);
    }
    const content: ReviewPackContent = buildReviewPack({
      review,
      plan: snapshot.plan,
      state: snapshot.state,
      occurrence,
      previous: previous === null ? null : { content: previous.content, publishedAt: since! },
      signalEvents: history.map(toSignalEvent),
      decisions: await listDecisions(tx),
      incidents: groupIncidents(snapshot.plan, snapshot.state, signals),
      extraSections: extra,
    });
    const number = scheduled ? 0 : (await countOnDemandPacks(tx, review.id, occurrence.date)) + 1;
    const pack: StoredReviewPack = {
      id: `RP-${review.id}-${occurrence.date}${scheduled ? '' : `-${number}`}`,
      review: review.id,
      occurrence: occurrence.date,
      onDemand: !scheduled,
      publishedAt: at.toISOString(),
      publishedBy: who.id,
      content,
      markdown: packMarkdown(content),
    };
    const created = await insertReviewPack(tx, pack);
    if (created)
      scope.audit({
        action: 'review.publish_pack',
        item: `review/${review.id}`,
        after: { pack: pack.id, occurrence: pack.occurrence, onDemand: pack.onDemand },
      });
    return { pack, created };
  });
  return written.value;
}

/** Publishes a review's pack now (a person asked): 403 unless they may. */
export async function publishPackNow(
  ctx: AppContext,
  actor: ActorLike,
  reviewId: string,
  transports: NotificationTransports | null,
): Promise<Published> {
  const who = toActor(actor);
  const plan = await readPlan(ctx);
  const review = reviewOf(plan?.reviews ?? [], reviewId);
  if (plan !== null)
    assertMay(plan, who.id, {
      kind: 'review.publish',
      review: review.id,
      attendees: review.attendees,
    });
  const result = await publishInWrite(ctx, who, review, true);
  if (result === null) fail('not_found', `Nothing to publish for '${review.id}'`);
  const mailed = result.created ? await mailPack(ctx, result.pack, transports) : [];
  return { ...result, mailed };
}

/** The latest pack of a review, or one made now when none is there (the CLI's `review pack`). */
export async function latestOrNewPack(
  ctx: AppContext,
  actor: ActorLike,
  reviewId: string,
): Promise<StoredReviewPack> {
  const review = await findReview(ctx, reviewId);
  const made = await publishInWrite(ctx, actor, review, false);
  if (made !== null) return made.pack;
  const latest = await latestReviewPack(ctx.db, review.id);
  if (latest !== null) return latest;
  const now = await publishInWrite(ctx, actor, review, true);
  return now!.pack;
}

/**
 * The clock's part (the server's minute tick): every review whose meeting has started and has
 * no pack gets it, e-mailed to its attendees. One pack per meeting across instances. With
 * `notBefore` (the server's start less an hour), a meeting that began before it is not published
 * by the clock: a server started days later does not mail old meetings' packs.
 */
export async function publishDuePacks(
  ctx: AppContext,
  transports: NotificationTransports | null,
  notBefore: Date | null = null,
): Promise<Published[]> {
  const plan = await readPlan(ctx);
  const published: Published[] = [];
  for (const review of plan?.reviews ?? []) {
    const due = latestOccurrence(review, reviewNow(ctx.clock));
    if (due === null || (await hasScheduledPack(ctx.db, review.id, due.date))) continue;
    // A meeting long before this server started is left to a person (publish on demand).
    if (notBefore !== null && Date.parse(due.instant) < notBefore.getTime()) continue;
    const result = await publishInWrite(ctx, serverActor('clock'), review, false);
    if (result === null || !result.created) continue;
    published.push({ ...result, mailed: await mailPack(ctx, result.pack, transports) });
  }
  return published;
}

/** E-mails a pack to its attendees who have an address (once, when it is published). */
async function mailPack(
  ctx: AppContext,
  pack: StoredReviewPack,
  transports: NotificationTransports | null,
): Promise<Published['mailed']> {
  const plan = await readPlan(ctx);
  const out: Published['mailed'] = [];
  for (const attendee of pack.content.review.attendees) {
    const person = plan?.people.find((p) => p.id === attendee.id);
    if (person?.email === undefined || person.email === '') {
      out.push({
        person: attendee.id,
        outcome: 'skipped',
        reason: 'no e-mail address in the plan',
      });
      continue;
    }
    if (transports?.email === undefined || transports.email === null) {
      out.push({ person: attendee.id, outcome: 'skipped', reason: 'e-mail is not configured' });
      continue;
    }
    const link = `${transports.publicUrl.replace(/\/$/, '')}/reviews/packs/${encodeURIComponent(pack.id)}`;
    const c = pack.content;
    const subject = `${c.review.name} — pack for ${c.occurrence.date}`;
    const result = await transports.email.send({
      to: { name: person.name, address: person.email },
      subject,
      text: `${pack.markdown}\nOpen it: ${link}\n`,
      html: `<h1>${escapeHtml(subject)}</h1><ul>${c.headline.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>${c.sections
        .map(
          (s) =>
            `<h2>${escapeHtml(s.title)}</h2><p>${escapeHtml(s.summary)}</p>${s.rows.length === 0 ? '' : `<ul>${s.rows.map((r) => `<li>${escapeHtml(r.text)}</li>`).join('')}</ul>`}`,
        )
        .join('')}<p><a href="${escapeHtml(link)}">Open the pack</a></p>`,
      messageId: `<${pack.id.replace(/[^A-Za-z0-9.-]/g, '_')}.${attendee.id.replace(/[^A-Za-z0-9.-]/g, '_')}.review@throughline.local>`,
    });
    out.push(
      result.ok
        ? { person: attendee.id, outcome: 'sent' }
        : { person: attendee.id, outcome: 'failed', reason: result.error },
    );
  }
  return out;
}
