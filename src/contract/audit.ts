import { z } from 'zod';
import { NO_CONTROL, errorBody, errorResponses } from './common.ts';

/** `GET /api/v1/audit`: every write, who made it, when, what it changed (docs/SECURITY.md). */

/** How a write came in: the door, and the client's address and agent when it was a request. */
export const writeOrigin = z.strictObject({
  via: z.enum(['api', 'web', 'cli', 'webhook', 'server']),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
  requestId: z.string().optional(),
});

export const auditEntry = z.strictObject({
  seq: z.number(),
  at: z.string(),
  actor: z.string(),
  origin: writeOrigin,
  action: z.string(),
  item: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** A page of the log, oldest first; `next` is the `after` of the next page (null: the last). */
export const auditPage = z.strictObject({
  entries: z.array(auditEntry),
  next: z.number().nullable().optional(),
});
export type AuditPage = z.infer<typeof auditPage>;

/** No control characters: 400 naming the parameter. */
const text = z.string().min(1).max(300).regex(NO_CONTROL);
const instant = z
  .string()
  .max(40)
  .describe('An ISO 8601 date or instant, e.g. 2026-09-14 or 2026-09-14T10:00:00Z');

export const auditRoute = {
  querystring: z.strictObject({
    person: text.optional(),
    item: text.optional(),
    from: instant.optional(),
    to: instant.optional(),
    after: z.int().min(0).optional(),
    limit: z.int().min(1).max(1000).default(200),
  }),
  response: { 200: auditPage, ...errorResponses, 403: errorBody },
} as const;
