import { z } from 'zod';
import type { ReviewPackContent } from '../core/governance/review-pack.ts';
import type { StoredReviewPack } from '../store/review-pack-store.ts';
import {
  errorResponses,
  isoDate,
  NO_CONTROL,
  personRef,
  refusalResponses,
  sameType,
  type Flat,
} from './common.ts';

/**
 * The review cadence (docs/GOVERNANCE.md "Review cadence and packs"): the reviews, their packs,
 * publishing one now, and a pack as published. A pack's content is the core's
 * `ReviewPackContent`, stored and answered exactly as published: the contract names it an object
 * (its sections are the pack's, see core/governance/review-pack.ts).
 */

const reviewOccurrence = z.strictObject({
  review: z.string(),
  date: isoDate,
  at: z.string(),
  timeZone: z.string(),
  instant: z.string(),
});

export const reviewPackSummary = z.strictObject({
  id: z.string(),
  review: z.string(),
  occurrence: z.string(),
  onDemand: z.boolean(),
  publishedAt: z.string(),
  publishedBy: z.string(),
});
export type ReviewPackSummary = z.infer<typeof reviewPackSummary>;

export const reviewView = z.strictObject({
  id: z.string(),
  name: z.string(),
  cadence: z.string(),
  timeZone: z.string(),
  attendees: z.array(personRef),
  scope: z
    .strictObject({
      objectives: z.array(z.string()).optional(),
      initiatives: z.array(z.string()).optional(),
    })
    .nullable()
    .optional(),
  lastMeeting: reviewOccurrence.nullable(),
  nextMeeting: reviewOccurrence.nullable(),
  latestPack: reviewPackSummary.nullable(),
});

export const reviewList = z.strictObject({
  reviews: z.array(
    z.strictObject({ ...reviewView.shape, mayRead: z.boolean(), mayPublish: z.boolean() }),
  ),
});
export type ReviewList = z.infer<typeof reviewList>;

export const reviewPack = z.strictObject({
  ...reviewPackSummary.shape,
  content: z
    .custom<ReviewPackContent>((value) => typeof value === 'object' && value !== null)
    .describe("The pack's content as published (its sections)"),
  markdown: z.string(),
});
sameType<Flat<z.infer<typeof reviewPack>>, Flat<StoredReviewPack>>(true);
export type ReviewPack = z.infer<typeof reviewPack>;

/** An id in a path: printable, no control characters, bounded. */
const id = z.string().min(1).max(300).regex(NO_CONTROL);

export const listReviewsRoute = { response: { 200: reviewList, ...errorResponses } } as const;

export const reviewPacksRoute = {
  params: z.object({ id }),
  response: {
    200: z.strictObject({ review: z.string(), packs: z.array(reviewPackSummary) }),
    ...refusalResponses,
  },
} as const;

export const publishPackRoute = {
  params: z.object({ id }),
  response: {
    201: z.strictObject({
      pack: reviewPack,
      mailed: z.array(
        z.strictObject({
          person: z.string(),
          outcome: z.enum(['sent', 'skipped', 'failed']),
          reason: z.string().optional(),
        }),
      ),
    }),
    ...refusalResponses,
  },
} as const;

/** `GET /api/v1/review-packs/:packId` (JSON; `.md` and `.pdf` after the id answer the files). */
export const showPackRoute = {
  params: z.object({ packId: id }),
  response: { 200: z.strictObject({ pack: reviewPack }), ...refusalResponses },
} as const;
