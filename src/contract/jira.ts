import { z } from 'zod';
import { errorBody, errorResponses, sourceName } from './common.ts';
import { signalSync } from './state.ts';

/** `POST /api/v1/jira/ingest`: a saved Jira payload in, with the same rules as `jira ingest`. */

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
    source: sourceName.default('jira'),
  }),
  body: z.looseObject({}).describe('The Jira payload, unchanged'),
  response: { 200: jiraIngestAnswer, ...errorResponses, 403: errorBody },
} as const;
