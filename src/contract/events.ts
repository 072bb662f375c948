import { z } from 'zod';

/**
 * `GET /api/v1/events`: the live stream (Server-Sent Events; its frames are declared in
 * live-events.ts). The contract names what it reads: where to resume from, as a query parameter
 * or the `Last-Event-ID` header (the route checks the header and answers 400 naming it).
 */
export const eventsRoute = {
  querystring: z.object({
    lastEventId: z
      .string()
      .regex(/^[0-9]{1,18}$/)
      .optional(),
  }),
  headers: z.object({
    'last-event-id': z
      .string()
      .optional()
      .describe('The id of the last event received: the stream resumes after it'),
  }),
} as const;
