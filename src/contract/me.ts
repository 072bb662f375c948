import { z } from 'zod';
import { errorResponses, personCard } from './common.ts';

/** `GET /api/v1/me`: the signed-in person's card, roles and rights. */

/** A person with their title and unit; their id alone when the plan has none. */
export type Person = z.infer<typeof personCard>;

export const me = z.strictObject({
  person: personCard,
  demo: z.boolean(),
  /** The person's roles (executive, strategy_office, finance_controller, member, admin). */
  roles: z.array(z.string()),
  /** What the access policy lets them do (plan.apply, scenario.create, sites.manage …). */
  permissions: z.record(z.string(), z.boolean()),
});
export type Me = z.infer<typeof me>;

export const meRoute = { response: { 200: me, ...errorResponses } } as const;
