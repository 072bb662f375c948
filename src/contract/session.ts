import { z } from 'zod';
import { DEMO_PAYLOADS, type DemoPayload } from '../app/replay-demo.ts';
import { errorResponses, personCard } from './common.ts';
import { signalSync } from './state.ts';

/**
 * The web app's session (`/api/v1/session`) and the demo's conveniences (`/api/v1/demo/…`): who
 * is signed in, signing in and out, the demo's people and replaying its deliveries.
 */

export const sessionState = z.strictObject({
  signedIn: z.boolean(),
  person: personCard.nullable(),
  demo: z.boolean(),
  signOn: z.strictObject({ name: z.string(), url: z.string() }).nullable(),
});
export type SessionState = z.infer<typeof sessionState>;

export const sessionRoute = { response: { 200: sessionState } } as const;

export const signInRoute = {
  body: z.strictObject({ token: z.string().min(1).max(200) }),
  response: { 200: z.strictObject({ person: personCard }), ...errorResponses },
} as const;

export const signOutRoute = {
  response: { 200: z.strictObject({ signedOut: z.boolean() }) },
} as const;

export const demoPeople = z.strictObject({
  organisation: z.string().nullable(),
  people: z.array(personCard),
});
export type DemoPeople = z.infer<typeof demoPeople>;

export const demoPeopleRoute = { response: { 200: demoPeople } } as const;

export const demoSignInRoute = {
  body: z.strictObject({ personId: z.string().min(1).max(200) }),
  response: { 200: z.strictObject({ person: personCard }), ...errorResponses },
} as const;

const demoPayload = z.enum(Object.keys(DEMO_PAYLOADS) as [DemoPayload, ...DemoPayload[]]);

export const demoReplayRoute = {
  body: z.strictObject({ payload: demoPayload }),
  response: {
    200: z.strictObject({
      payload: demoPayload,
      applied: z.int(),
      signals: signalSync,
      durationMs: z.number(),
    }),
    ...errorResponses,
  },
} as const;

/**
 * `GET /api/v1/session/oidc`: single sign-on's start (answers a redirect). Its callback reads the
 * provider's query as sent (whatever it holds), so it declares none.
 */
export const oidcStartRoute = {
  querystring: z.strictObject({ returnTo: z.string().max(500).optional() }),
} as const;
