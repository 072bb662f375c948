import { z } from 'zod';
import { errorResponses, isoDate, knownAtParameter } from './common.ts';
import { storedSignalFields } from './state.ts';

/** `GET /api/v1/signals` and `POST /api/v1/signals/:id/ack`. */

/** A signal as one person sees it: is it theirs, have they acknowledged it since it was raised. */
export const inboxSignal = z.strictObject({
  ...storedSignalFields,
  forMe: z.boolean(),
  acknowledgedByMe: z.boolean(),
  acknowledgedAt: z.string().nullable(),
});
export type InboxSignal = z.infer<typeof inboxSignal>;

/** The signals open at `knownAt`, as stored then (acknowledgements are of now, so absent). */
export const knownSignal = z.strictObject({ ...storedSignalFields, forMe: z.boolean() });

export const signalList = z.strictObject({ asOf: isoDate, signals: z.array(inboxSignal) });
export type SignalList = z.infer<typeof signalList>;

export const knownAtSignalList = z.strictObject({
  asOf: isoDate,
  knownAt: z.string(),
  signals: z.array(knownSignal),
});

export const signalsRoute = {
  querystring: z.strictObject({
    status: z.enum(['open', 'all']).default('open'),
    knownAt: knownAtParameter.optional(),
  }),
  response: { 200: z.union([signalList, knownAtSignalList]), ...errorResponses },
} as const;

export const ackRoute = {
  params: z.object({ id: z.string().min(1).max(300) }),
  response: {
    200: z.strictObject({ signalId: z.string(), acknowledgedAt: z.string() }),
    ...errorResponses,
  },
} as const;
