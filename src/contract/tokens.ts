import { z } from 'zod';
import { errorBody, refusalResponses } from './common.ts';

/** `/api/v1/tokens`: API tokens and web sessions, never a secret but the one just made. */

/** A token as the API shows it: never its secret (which is not kept). */
export const token = z.strictObject({
  id: z.string(),
  kind: z.enum(['api', 'session']),
  person: z.string(),
  scope: z.enum(['read', 'write', 'admin']),
  label: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  ended: z.enum(['expired', 'idle']).nullable(),
});
export type Token = z.infer<typeof token>;

const responses = { ...refusalResponses, 429: errorBody } as const;

export const tokenList = z.strictObject({ tokens: z.array(token) });
export type TokenList = z.infer<typeof tokenList>;

export const listTokensRoute = {
  querystring: z.strictObject({ person: z.string().min(1).max(200).optional() }),
  response: { 200: tokenList, ...responses },
} as const;

/** The token made, with its secret: shown this once. */
export const createdToken = z.strictObject({ secret: z.string(), token: token.optional() });
export type CreatedToken = z.infer<typeof createdToken>;

export const createTokenRoute = {
  body: z.strictObject({
    label: z.string().min(1).max(200),
    scope: z.enum(['read', 'write', 'admin']).optional(),
    expiresIn: z.string().min(1).max(20).optional(),
    person: z.string().min(1).max(200).optional(),
  }),
  response: { 201: createdToken, ...responses },
} as const;

export const revokeTokenRoute = {
  params: z.object({ id: z.string().min(1).max(40) }),
  response: { 200: z.strictObject({ revoked: token }), ...responses },
} as const;
