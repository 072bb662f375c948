import { z } from 'zod';
import type { FigureChange as CoreFigureChange } from '../core/plan/plan-figures.ts';

/**
 * Shapes shared by many routes: ids, dates, the `knownAt` parameter, the error answer, a person's
 * card, the signals a write moved and the plan entities it changed.
 */

/** A calendar day, `2026-09-14`. */
export const isoDate = z.string().describe('A calendar day, e.g. 2026-09-14');

/** An instant, `2026-09-14T10:00:00.000Z`. */
export const instant = z.string().describe('An instant (ISO 8601)');

/** No control characters (a NUL cannot even be looked up): 400 naming the parameter. */
// eslint-disable-next-line no-control-regex -- the control characters are what it refuses
export const NO_CONTROL = /^[^\u0000-\u001f]+$/;

/** A source or Jira site's name: letters, digits, `_ . -`, at most 64. */
export const sourceName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

/** `/…/:id` of a plan entity, a decision, a benefit …: at most 200 characters, none a control. */
export const idParams = z.object({
  id: z.string().min(1).max(200).regex(NO_CONTROL),
});

/** `/…/:id` where the id is only bounded (the route looks it up and answers 404). */
export const boundedIdParams = (max: number) => z.object({ id: z.string().min(1).max(max) });

/** The `knownAt` query parameter of the read routes: what we knew at that instant. */
export const knownAtParameter = z
  .string()
  .min(1)
  .max(64)
  .describe(
    'Answer as known at this instant (2026-09-14T10:00:00Z; a date means the end of that day): the plan, the work, the forecasts and signals read back from the history. Refused before the first write.',
  );

/** A problem the server found, naming its place (same as the CLI prints). */
export const problem = z.strictObject({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  file: z.string().optional(),
  line: z.int().optional(),
  column: z.int().optional(),
});
export type Problem = z.infer<typeof problem>;

/** Every error answer: a stable code, a message naming the place, and the place. */
export const errorBody = z
  .strictObject({
    code: z.string().meta({ examples: ['plan.cycle'] }),
    message: z.string(),
    path: z.string().optional(),
    problems: z.array(problem).optional(),
    /** A fault's request id, as logged: what to quote when reporting it. */
    requestId: z.string().optional(),
  })
  .describe('Every error answer: a stable code, a message naming the place, and the place.');
export type ApiErrorBody = z.infer<typeof errorBody>;

/** The error answers every authenticated route may give. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  404: errorBody,
  413: errorBody,
  415: errorBody,
} as const;

/** … and those of routes the access policy or a state rule may refuse. */
export const refusalResponses = { ...errorResponses, 403: errorBody, 409: errorBody } as const;

/** A person named by id, with their name. */
export const personRef = z.strictObject({ id: z.string(), name: z.string() });
export type PersonRef = z.infer<typeof personRef>;

/** A person as the web app shows them: their title and unit (their id alone when unknown). */
export const personCard = z.strictObject({
  id: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  unit: z.string().nullable(),
  unitName: z.string().nullable(),
});
export type PersonCardView = z.infer<typeof personCard>;

/** The signals a write raised, changed and resolved, by id. */
export const signalIds = z.strictObject({
  raised: z.array(z.string()),
  changed: z.array(z.string()),
  resolved: z.array(z.string()),
});

/** A plan entity a write created, updated or removed, and the top-level fields that moved. */
export const entityChange = z.strictObject({
  collection: z.string(),
  id: z.string(),
  action: z.string(),
  fields: z.array(z.string()),
});
export type EntityChange = z.infer<typeof entityChange>;

/** A figure a write moved: a KPI's actual, a budget line, a benefit's amount, from and to. */
export const figureChange = z.strictObject({
  collection: z.enum(['kpis', 'initiatives', 'benefits']),
  id: z.string(),
  field: z.string(),
  period: z.string().optional(),
  from: z.union([z.number(), z.string()]).nullable(),
  to: z.union([z.number(), z.string()]),
});
sameType<z.infer<typeof figureChange>, CoreFigureChange>(true);

/**
 * Compile-time proof that a contract's type and the type its producer declares are the same type
 * (used as `sameType<A, B>(true)`): the contract cannot drift from the code that answers.
 */
export type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** An intersection as one object type, for `Same` (which tells `A & B` from its flat form). */
export type Flat<T> = { [K in keyof T]: T[K] };

export function sameType<A, B>(proof: Same<A, B>): void {
  void proof;
}
