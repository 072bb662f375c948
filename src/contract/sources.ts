import { z } from 'zod';
import { errorBody, errorResponses, isoDate, problem, sourceName } from './common.ts';

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

export const deadLettersRoute = {
  querystring: z.strictObject({
    source: sourceName.optional(),
    limit: z.int().min(1).max(1000).default(100),
  }),
  response: { 200: deadLetterList, ...errorResponses, 403: errorBody },
} as const;

export const retryDeadLetterRoute = {
  params: z.object({ seq: z.int().min(1) }),
  response: {
    202: z.strictObject({ seq: z.int(), status: z.literal('pending') }),
    ...errorResponses,
    403: errorBody,
    409: errorBody,
  },
} as const;

/** A figure's reality latency and age (`GET /api/v1/latency`). */
export const figureLatency = z.strictObject({
  kind: z.enum(['objective', 'kpi', 'initiative', 'milestone']),
  id: z.string(),
  sourceChangedAt: z.string().nullable(),
  receivedAt: z.string().nullable(),
  visibleAt: z.string().nullable(),
  latencyMs: z.number().nullable(),
  ageMs: z.number().nullable(),
});

export const latencyView = z.strictObject({ now: z.string(), figures: z.array(figureLatency) });

export const latencyRoute = { response: { 200: latencyView, ...errorResponses } } as const;
