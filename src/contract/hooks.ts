import { z } from 'zod';
import { errorResponses } from './common.ts';

/** `POST /hooks/jira/{site}`: a Jira webhook delivery (its body raw bytes, checked by signature). */
export const jiraHookRoute = {
  params: z.object({ site: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) }),
  response: {
    202: z.strictObject({ accepted: z.boolean(), duplicate: z.boolean() }),
    ...errorResponses,
  },
} as const;
