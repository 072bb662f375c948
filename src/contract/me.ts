import { z } from 'zod';
import { errorResponses } from './common.ts';

/** `GET /api/v1/me` and the person card the session routes answer with. */

/** A person with their title and unit; their id alone when the plan has none. */
export const person = z.strictObject({
  id: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  unit: z.string().nullable(),
  unitName: z.string().nullable(),
});
export type Person = z.infer<typeof person>;

export const me = z.strictObject({
  person,
  demo: z.boolean(),
  /** The person's roles (executive, strategy_office, finance_controller, member, admin). */
  roles: z.array(z.string()),
  /** What the access policy lets them do (plan.apply, scenario.create, sites.manage …). */
  permissions: z.record(z.string(), z.boolean()),
});
export type Me = z.infer<typeof me>;

export const meRoute = { response: { 200: me, ...errorResponses } } as const;
