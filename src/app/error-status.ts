import { ERROR_CATALOGUE, type ErrorCategory, type ErrorCode } from '../core/errors.ts';

/** The one place where a domain error's category becomes an HTTP status and a CLI exit code. */
const STATUS: Record<ErrorCategory, { http: number; exit: number }> = {
  bad_input: { http: 400, exit: 1 },
  not_found: { http: 404, exit: 1 },
  unauthenticated: { http: 401, exit: 1 },
  // Authenticated, but the rule says someone else (decision rights).
  forbidden: { http: 403, exit: 1 },
  // The request is right but the thing has moved on (decided already, past due).
  conflict: { http: 409, exit: 1 },
  too_large: { http: 413, exit: 1 },
  too_many: { http: 429, exit: 1 },
  unsupported: { http: 415, exit: 1 },
  unavailable: { http: 502, exit: 2 },
  // A fault of our own that may pass (configuration, database): the sender should retry.
  service_unavailable: { http: 503, exit: 2 },
  // A source we depend on answered, but not with anything we can use (Jira refused us).
  upstream: { http: 502, exit: 1 },
};

/** HTTP status for a domain error code. */
export function httpStatusOf(code: ErrorCode): number {
  return STATUS[ERROR_CATALOGUE[code].category].http;
}

/** CLI exit code for a domain error code. */
export function exitCodeOf(code: ErrorCode): number {
  return STATUS[ERROR_CATALOGUE[code].category].exit;
}
