/**
 * The catalogue of domain errors. Each has a stable machine code and a message that names the
 * place (file, line, JSON path, id). The domain never throws HTTP errors: one place
 * (`src/app/error-status.ts`) maps the category of a code to an HTTP status and a CLI exit code.
 */

export const ERROR_CATALOGUE = {
  'plan.schema': { category: 'bad_input', title: 'The plan does not match the plan schema' },
  'plan.unknown_field': { category: 'bad_input', title: 'Unknown field' },
  'plan.duplicate_id': { category: 'bad_input', title: 'Duplicate id' },
  'plan.unknown_reference': {
    category: 'bad_input',
    title: 'Reference to something that does not exist',
  },
  'plan.owner_not_a_person': {
    category: 'bad_input',
    title: 'Accountability is binary: the owner must be one person',
  },
  'plan.cycle': { category: 'bad_input', title: 'Dependency cycle' },
  'plan.bad_date': { category: 'bad_input', title: 'Invalid date' },
  'plan.bad_period': { category: 'bad_input', title: 'Invalid reporting period' },
  'plan.bad_value': { category: 'bad_input', title: 'Invalid value' },
  'scenario.bad_change': { category: 'bad_input', title: 'A scenario change is not valid' },
  'scenario.unknown_reference': {
    category: 'bad_input',
    title: 'A scenario change names something the plan does not have',
  },
  'scenario.invalid_result': {
    category: 'bad_input',
    title: 'The scenario would make the plan invalid',
  },
  'scenario.too_many': {
    category: 'bad_input',
    title: 'Too many scenarios to compare side by side',
  },
  'scenario.exists': { category: 'conflict', title: 'A scenario with this id exists already' },
  'decision.forbidden': {
    category: 'forbidden',
    title: 'Only the person whose decision rights cover every option may decide',
  },
  'access.forbidden': {
    category: 'forbidden',
    title: 'The access policy does not let this person do this',
  },
  'decision.already_decided': { category: 'conflict', title: 'The decision is already decided' },
  'decision.past_due': {
    category: 'conflict',
    title: 'The decision is past its due date: not every option is still possible',
  },
  'decision.unknown_option': { category: 'bad_input', title: 'The decision has no such option' },
  'decision.no_options': { category: 'bad_input', title: 'A decision needs at least one option' },
  'decision.no_decider': { category: 'bad_input', title: 'Nobody can decide this decision' },
  'gate.no_gate': { category: 'conflict', title: 'The initiative has no gate ahead of it' },
  'gate.criteria_failed': {
    category: 'conflict',
    title: "The initiative does not meet its gate's criteria",
  },
  'file.not_found': { category: 'bad_input', title: 'File not found' },
  'file.parse': { category: 'bad_input', title: 'File cannot be parsed' },
  'jira.bad_payload': {
    category: 'bad_input',
    title: 'Not a Jira payload this version understands',
  },
  'request.bad_json': { category: 'bad_input', title: 'The request body is not valid JSON' },
  'request.invalid': { category: 'bad_input', title: 'The request does not match its schema' },
  'request.too_large': { category: 'too_large', title: 'The request body is too large' },
  'request.unsupported_media_type': { category: 'unsupported', title: 'Unsupported content type' },
  'auth.missing_token': { category: 'unauthenticated', title: 'A bearer token is required' },
  'auth.bad_token': { category: 'unauthenticated', title: 'The bearer token is not valid' },
  'auth.insufficient_scope': {
    category: 'forbidden',
    title: "The token's scope does not cover this request",
  },
  'auth.forbidden': { category: 'forbidden', title: 'Only the owner or an admin may do this' },
  'auth.cross_site': {
    category: 'forbidden',
    title: 'A write with the web session must come from the web app itself',
  },
  'auth.sign_in_refused': { category: 'forbidden', title: 'Single sign-on refused the sign-in' },
  'request.rate_limited': { category: 'too_many', title: 'Too many requests: slow down' },
  'config.invalid': { category: 'bad_input', title: 'Invalid configuration' },
  'notify.bad_preference': { category: 'bad_input', title: 'Invalid notification preference' },
  'notify.no_address': { category: 'bad_input', title: 'Nowhere to send the notification' },
  'notify.send_failed': { category: 'unavailable', title: 'The notification could not be sent' },
  not_found: { category: 'not_found', title: 'Not found' },
  'webhook.bad_signature': {
    category: 'unauthenticated',
    title: 'The webhook signature does not match',
  },
  'webhook.unknown_site': { category: 'not_found', title: 'No such Jira site' },
  'webhook.outside_window': {
    category: 'bad_input',
    title: "The delivery's timestamp is outside the accepted window",
  },
  'webhook.not_applied': { category: 'bad_input', title: 'The delivery could not be applied' },
  'webhook.unavailable': {
    category: 'service_unavailable',
    title: 'The receiver cannot take deliveries right now',
  },
  'request.bad_encoding': { category: 'bad_input', title: 'The request body is not valid UTF-8' },
  'import.bad_file': {
    category: 'bad_input',
    title: 'The spreadsheet cannot be read as CSV or XLSX',
  },
  'import.bad_mapping': { category: 'bad_input', title: 'The column mapping is not valid' },
  'import.no_mapping': {
    category: 'bad_input',
    title: 'The source has no saved column mapping',
  },
  'import.unknown_sheet': { category: 'bad_input', title: 'No such sheet in the workbook' },
  'import.missing_column': {
    category: 'bad_input',
    title: 'A column the mapping needs is not in the sheet',
  },
  'import.unknown_column': {
    category: 'bad_input',
    title: 'The mapping names a field or column that does not exist',
  },
  'import.bad_cell': { category: 'bad_input', title: 'A cell cannot be read' },
  'import.unknown_reference': {
    category: 'bad_input',
    title: 'A row names something the plan does not have',
  },
  'import.duplicate_row': {
    category: 'bad_input',
    title: 'Two rows set the same figure',
  },
  'import.rows_refused': {
    category: 'bad_input',
    title: 'Bad rows: nothing was imported',
  },
  'push.idempotency_key_reused': {
    category: 'bad_input',
    title: 'The idempotency key was used for a different request',
  },
  'jira.unknown_site': { category: 'not_found', title: 'No such Jira site' },
  'jira.unreachable': {
    category: 'unavailable',
    title: 'The Jira site cannot be reached or is down',
  },
  'jira.rate_limited': {
    category: 'unavailable',
    title: 'The Jira site keeps asking us to slow down',
  },
  'jira.auth_failed': {
    category: 'upstream',
    title: 'The Jira site refused the credentials',
  },
  'jira.refused': { category: 'upstream', title: 'The Jira site refused the request' },
  'jira.bad_response': {
    category: 'upstream',
    title: 'The Jira site answered something this version cannot read',
  },
  'history.bad_instant': {
    category: 'bad_input',
    title: 'Not an instant the history can be read at',
  },
  'history.before_first_write': {
    category: 'bad_input',
    title: 'The instant is before the first write: nothing was known then',
  },
  'baseline.exists': { category: 'conflict', title: 'A baseline with this name exists already' },
  'period.closed': {
    category: 'conflict',
    title: 'The write would change a figure of a closed period',
  },
  'period.already_closed': { category: 'conflict', title: 'The period is closed already' },
  'period.not_closed': { category: 'not_found', title: 'The period is not closed' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export type ErrorCategory = (typeof ERROR_CATALOGUE)[ErrorCode]['category'];

/** One thing wrong, with where it is. */
export interface Problem {
  code: ErrorCode;
  message: string;
  /** JSON path into the input, e.g. `$.kpis[0].owner`. */
  path?: string;
  /** File name, when the input came from a file. */
  file?: string;
  /** 1-based line (and column) in the file, when known. */
  line?: number;
  column?: number;
}

/** A domain error carries one or more problems; the first one names it. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly problems: readonly Problem[];

  constructor(problems: Problem | readonly Problem[]) {
    const list = Array.isArray(problems) ? (problems as readonly Problem[]) : [problems as Problem];
    const first = list[0];
    if (first === undefined) throw new TypeError('DomainError needs at least one problem');
    super(list.length === 1 ? first.message : `${first.message} (and ${list.length - 1} more)`);
    this.name = 'DomainError';
    this.code = first.code;
    this.problems = list;
  }
}

/** Shorthand for throwing a single-problem domain error. */
export function fail(
  code: ErrorCode,
  message: string,
  where: Omit<Problem, 'code' | 'message'> = {},
): never {
  throw new DomainError({ code, message, ...where });
}

/** Formats a problem's location as `file:line:column at $.path`, whichever parts are known. */
export function formatPlace(problem: Problem): string {
  const parts: string[] = [];
  if (problem.file !== undefined) {
    let at = problem.file;
    if (problem.line !== undefined) at += `:${problem.line}`;
    if (problem.line !== undefined && problem.column !== undefined) at += `:${problem.column}`;
    parts.push(at);
  }
  if (problem.path !== undefined) parts.push(problem.path);
  return parts.join(' ');
}
