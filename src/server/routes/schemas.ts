/** The security requirement of every route behind a token (its OpenAPI `security`). */
export const bearer = [{ bearerAuth: [] }];
