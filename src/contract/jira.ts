import { z } from 'zod';
import { errorBody, errorResponses } from './common.ts';
import { signal } from './state.ts';

/** `POST /api/v1/jira/ingest`: a saved Jira payload in, with the same rules as `jira ingest`. */

/** The signals a write raised, changed and resolved (ids), and the resolved ones' last forms. */
export const signalSync = z.strictObject({
  raised: z.array(z.string()),
  changed: z.array(z.string()),
  resolved: z.array(z.string()),
  resolvedSignals: z.record(z.string(), signal).optional(),
});

export const jiraIngestAnswer = z.strictObject({
  kind: z.string(),
  applied: z.int(),
  duplicates: z.int(),
  stale: z.int(),
  signals: signalSync,
  durationMs: z.number(),
});

export const jiraIngestRoute = {
  querystring: z.strictObject({
    source: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/)
      .default('jira'),
  }),
  body: z.looseObject({}).describe('The Jira payload, unchanged'),
  response: { 200: jiraIngestAnswer, ...errorResponses, 403: errorBody },
} as const;
