import { z } from 'zod';
import { isoDate } from './common.ts';

/** `GET /health`: liveness, the database in use and how the webhook inbox stands. */
export const health = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['pglite', 'postgres']),
  asOf: isoDate,
  asOfPinned: z.boolean(),
  webhooks: z.strictObject({
    pending: z.int(),
    retrying: z.int(),
    stuck: z.int(),
    deadLettered: z.int(),
  }),
});
export type Health = z.infer<typeof health>;

export const healthRoute = { response: { 200: health } } as const;
