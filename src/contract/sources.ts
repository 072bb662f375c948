import { z } from 'zod';
import { errorResponses, isoDate, problem } from './common.ts';

/** `GET /api/v1/sources` and the webhook dead letters. */

/** How a source's webhook deliveries stand: waiting, failing, set aside. */
export const sourceDeliveries = z.strictObject({
  pending: z.int(),
  retrying: z.int(),
  deadLettered: z.int(),
  oldestPendingAt: z.string().nullable(),
});
export type SourceDeliveries = z.infer<typeof sourceDeliveries>;

export const sourceFreshness = z.strictObject({
  source: z.string(),
  workItems: z.int(),
  latestUpdateAt: z.string().nullable(),
  deliveries: sourceDeliveries,
});
export type SourceFreshness = z.infer<typeof sourceFreshness>;

export const sourceList = z.strictObject({ asOf: isoDate, sources: z.array(sourceFreshness) });
export type SourceList = z.infer<typeof sourceList>;

export const sourcesRoute = { response: { 200: sourceList, ...errorResponses } } as const;

/** A webhook delivery set aside because it could not be applied. */
export const deadLetter = z.strictObject({
  seq: z.int(),
  source: z.string(),
  deliveryId: z.string().nullable(),
  receivedAt: z.string(),
  deadLetteredAt: z.string(),
  attempts: z.int(),
  problems: z.array(problem),
});
export type DeadLetter = z.infer<typeof deadLetter>;

export const deadLetterList = z.strictObject({ deadLetters: z.array(deadLetter) });
export type DeadLetterList = z.infer<typeof deadLetterList>;
