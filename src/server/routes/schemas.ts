/** JSON Schemas shared by route descriptions (they also feed the OpenAPI document). */

export const errorSchema = {
  type: 'object',
  description: 'Every error answer: a stable code, a message naming the place, and the place.',
  properties: {
    code: { type: 'string', examples: ['plan.cycle'] },
    message: { type: 'string' },
    path: { type: 'string' },
    problems: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          path: { type: 'string' },
          file: { type: 'string' },
          line: { type: 'integer' },
          column: { type: 'integer' },
        },
      },
    },
  },
  required: ['code', 'message'],
} as const;

export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  404: errorSchema,
  413: errorSchema,
  415: errorSchema,
} as const;

export const bearer = [{ bearerAuth: [] }];
