import { z } from 'zod';
import { errorResponses, sourceName } from './common.ts';

/** `POST /hooks/jira/{site}`: a Jira webhook delivery (its body raw bytes, checked by signature). */
export const jiraHookRoute = {
  params: z.object({ site: sourceName }),
  response: {
    202: z.strictObject({ accepted: z.boolean(), duplicate: z.boolean() }),
    ...errorResponses,
  },
} as const;
