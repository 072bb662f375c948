import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { httpStatusOf } from '../app/error-status.ts';
import { DomainError, type ErrorCode, type Problem } from '../core/errors.ts';

/** The JSON body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
  path?: string;
  problems?: Problem[];
  /** A fault's request id, as logged: what to quote when reporting it. */
  requestId?: string;
}

function body(code: ErrorCode, message: string, path?: string): ErrorBody {
  return path === undefined ? { code, message } : { code, message, path };
}

/** Fastify's own errors, by code, in our catalogue's terms. */
const FASTIFY_ERRORS: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.bad_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.bad_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid',
};

/**
 * Turns any error into a JSON answer `{code, message, path?}` with a 4xx status; only a fault
 * of ours is a 500, and it never carries a stack trace.
 */
export function handleError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error instanceof DomainError) {
    const first = error.problems[0];
    void reply.status(httpStatusOf(error.code)).send({
      ...body(error.code, error.message, first?.path),
      problems: [...error.problems],
    });
    return;
  }
  if (error.validation !== undefined) {
    const first = error.validation[0];
    const where = `${error.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
    void reply
      .status(400)
      .send(body('request.invalid', `${where}: ${first?.message ?? 'is invalid'}`, where));
    return;
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const limit = request.routeOptions.bodyLimit;
    void reply
      .status(413)
      .send(
        body(
          'request.too_large',
          `The request body is larger than ${request.method} ${request.routeOptions.url ?? request.url} takes: at most ${limit} bytes`,
          'body',
        ),
      );
    return;
  }
  const code = FASTIFY_ERRORS[error.code];
  if (code !== undefined) {
    void reply.status(httpStatusOf(code)).send(body(code, error.message));
    return;
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    void reply
      .status(400)
      .send(body('request.bad_json', `the request body is not valid JSON: ${error.message}`));
    return;
  }
  // At 'error', which every server writes (see buildServer), under the id the answer quotes.
  request.log.error({ err: error }, 'unexpected error');
  const fault: ErrorBody = {
    code: 'internal',
    message: `Something went wrong on our side; it has been logged as request ${request.id}.`,
    requestId: request.id,
  };
  void reply.status(500).send(fault);
}
