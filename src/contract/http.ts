import { z } from 'zod';

/**
 * How a route's contract (its zod schemas) becomes Fastify's route schema: JSON Schema (draft-07,
 * which Fastify's validator and @fastify/swagger read) for the parameters, the query and the body
 * as the client sends them (`io: 'input'`: defaults applied by the validator, optional fields
 * optional), and for the answers as the server sends them (`io: 'output'`).
 *
 * Requests are validated by Fastify's own validator against that JSON Schema, so a bad request is
 * answered as before (400 `request.invalid` naming the place, see server/errors.ts). Answers are
 * described, not rewritten: a route on the contract serialises with JSON.stringify
 * (`serializeAsIs`), never with a serializer compiled from the answer's schema, which would drop
 * what the schema does not list and coerce what it types otherwise. The contract test
 * (test/contract.api.test.ts) proves the answers match their schemas.
 */

/** A route's shapes: what it reads and what it answers, by status. */
export interface RouteContract {
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  headers?: z.ZodType;
  response?: Readonly<Record<number, z.ZodType>>;
  /** The media types the body may be sent as, for OpenAPI (default: JSON). */
  consumes?: readonly string[];
}

type JsonSchema = Record<string, unknown>;

/** A zod schema as draft-07 JSON Schema, without its `$schema` line. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-7',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/** Fastify's `schema` entries of a route (summary, tags … are added by the route). */
export interface FastifySchemaParts {
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  headers?: JsonSchema;
  response?: Record<number, JsonSchema>;
  consumes?: string[];
}

const cache = new WeakMap<RouteContract, FastifySchemaParts>();

/** The JSON Schemas of a route's contract, for its Fastify `schema`. */
export function routeSchema(contract: RouteContract): FastifySchemaParts {
  const known = cache.get(contract);
  if (known !== undefined) return known;
  const parts: FastifySchemaParts = {};
  if (contract.params !== undefined) parts.params = jsonSchema(contract.params, 'input');
  if (contract.querystring !== undefined)
    parts.querystring = jsonSchema(contract.querystring, 'input');
  if (contract.body !== undefined) parts.body = jsonSchema(contract.body, 'input');
  if (contract.headers !== undefined) parts.headers = jsonSchema(contract.headers, 'input');
  if (contract.consumes !== undefined) parts.consumes = [...contract.consumes];
  if (contract.response !== undefined)
    parts.response = Object.fromEntries(
      Object.entries(contract.response).map(([status, schema]) => [
        status,
        jsonSchema(schema, 'output'),
      ]),
    );
  cache.set(contract, parts);
  return parts;
}

/**
 * The serializer of a route on the contract: the answer as the handler made it. (A route's
 * `serializerCompiler` option.)
 */
export function serializeAsIs(): (data: unknown) => string {
  return (data) => JSON.stringify(data);
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** The body a client sends a route (defaults may be left out): what the web app's calls satisfy. */
export type RequestBody<C extends RouteContract> = C['body'] extends z.ZodType
  ? z.input<C['body']>
  : never;
type Success<R> = {
  [K in keyof R]: K extends 200 | 201 | 202 | 204 ? Out<R[K]> : never;
}[keyof R];

/**
 * A route's Fastify generics from its contract: the parameters, query and body as validated,
 * and the success answers the handler may return.
 */
export interface RouteTypes<C extends RouteContract> {
  Params: Out<C['params']>;
  Querystring: Out<C['querystring']>;
  Body: Out<C['body']>;
  Headers: Out<C['headers']>;
  Reply: C['response'] extends Readonly<Record<number, z.ZodType>>
    ? Success<C['response']>
    : unknown;
}
