import { errorBody } from '../../contract/common.ts';
import { jsonSchema } from '../../contract/http.ts';

/**
 * The error answer's JSON Schema, from the contract (src/contract/common.ts), for the routes that
 * are not on the contract yet (it also feeds the OpenAPI document).
 */
export const errorSchema = jsonSchema(errorBody, 'output');

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  413: errorSchema,
  415: errorSchema,
} as const;

export const bearer = [{ bearerAuth: [] }];
