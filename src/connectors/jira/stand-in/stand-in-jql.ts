/**
 * The part of JQL the stand-in understands: what Throughline sends, and a little more for
 * demos. Clauses on `project`, `issuekey`/`key`/`id`, `parent`, `"Epic Link"`, `status`,
 * `statusCategory`, `issuetype`, `updated`, `created`, `duedate`; the operators `=`, `!=`, `>`,
 * `>=`, `<`, `<=`, `in`, `not in`, `is [not] empty`; `AND`, `OR`, `NOT`, parentheses; and
 * `ORDER BY` on `updated`, `created`, `duedate`, `key`. Date literals are read, as Jira reads
 * them, in the requesting user's time zone, with minute precision. Anything else is refused
 * with a 400 in Jira's own words, so a test that sends JQL the stand-in cannot judge fails
 * instead of passing by accident.
 */

export interface StandInIssueView {
  id: string;
  key: string;
  fields: Record<string, unknown>;
}

export interface JqlQuery {
  matches(issue: StandInIssueView): boolean;
  /** Negative when `a` comes before `b`. */
  compare(a: StandInIssueView, b: StandInIssueView): number;
}

/** A JQL problem, worded as Jira words it (it goes into `errorMessages`). */
export class JqlError extends Error {
  override readonly name = 'JqlError';
}

type Token =
  | { kind: 'word'; text: string }
  | { kind: 'string'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'punct'; text: '(' | ')' | ',' };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql.charAt(i);
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '"' || c === "'") {
      let text = '';
      i += 1;
      while (i < jql.length && jql.charAt(i) !== c) {
        if (jql.charAt(i) === '\\') i += 1;
        text += jql.charAt(i);
        i += 1;
      }
      if (i >= jql.length)
        throw new JqlError(`Error in the JQL Query: The quoted string is not closed.`);
      i += 1;
      tokens.push({ kind: 'string', text });
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i += 1;
    } else if (/[=!<>~]/.test(c)) {
      const two = jql.slice(i, i + 2);
      const text = ['!=', '>=', '<=', '!~'].includes(two) ? two : c;
      tokens.push({ kind: 'op', text });
      i += text.length;
    } else {
      let text = '';
      while (i < jql.length && /[^\s()",'=!<>~]/.test(jql.charAt(i))) {
        text += jql.charAt(i);
        i += 1;
      }
      tokens.push({ kind: 'word', text });
    }
  }
  return tokens;
}

type Predicate = (issue: StandInIssueView) => boolean;

const FIELD_ALIASES: Record<string, string> = {
  project: 'project',
  key: 'key',
  issuekey: 'key',
  id: 'id',
  issue: 'key',
  parent: 'parent',
  'epic link': 'epic',
  status: 'status',
  statuscategory: 'statuscategory',
  issuetype: 'issuetype',
  type: 'issuetype',
  updated: 'updated',
  updateddate: 'updated',
  created: 'created',
  createddate: 'created',
  duedate: 'duedate',
  due: 'duedate',
};

const DATE_FIELDS = new Set(['updated', 'created', 'duedate']);

/** Parses JQL for the stand-in; `timeZone` is the requesting user's zone. Throws JqlError. */
export function parseJql(
  jql: string,
  options: { timeZone: string; epicLinkField: string | null },
): JqlQuery {
  const tokens = tokenize(jql);
  let at = 0;
  const peek = (): Token | undefined => tokens[at];
  const isWord = (t: Token | undefined, word: string): boolean =>
    t?.kind === 'word' && t.text.toLowerCase() === word;
  const next = (): Token => {
    const token = tokens[at];
    if (token === undefined) throw new JqlError('Error in the JQL Query: Expecting more input.');
    at += 1;
    return token;
  };
  const expectPunct = (text: '(' | ')' | ','): void => {
    const token = next();
    if (token.kind !== 'punct' || token.text !== text) {
      throw new JqlError(`Error in the JQL Query: Expecting '${text}' but got '${token.text}'.`);
    }
  };

  function orExpr(): Predicate {
    const parts = [andExpr()];
    while (isWord(peek(), 'or')) {
      at += 1;
      parts.push(andExpr());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (i) => parts.some((p) => p(i));
  }
  function andExpr(): Predicate {
    const parts = [notExpr()];
    while (isWord(peek(), 'and')) {
      at += 1;
      parts.push(notExpr());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (i) => parts.every((p) => p(i));
  }
  function notExpr(): Predicate {
    if (isWord(peek(), 'not')) {
      at += 1;
      const inner = notExpr();
      return (i) => !inner(i);
    }
    const token = peek();
    if (token?.kind === 'punct' && token.text === '(') {
      at += 1;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    return clause();
  }
  function value(): string {
    const token = next();
    if (token.kind === 'word' || token.kind === 'string') return token.text;
    throw new JqlError(`Error in the JQL Query: Expecting a value but got '${token.text}'.`);
  }
  function clause(): Predicate {
    const fieldToken = next();
    if (fieldToken.kind !== 'word' && fieldToken.kind !== 'string') {
      throw new JqlError(
        `Error in the JQL Query: Expecting a field name but got '${fieldToken.text}'.`,
      );
    }
    const field = FIELD_ALIASES[fieldToken.text.toLowerCase()];
    if (field === undefined) {
      throw new JqlError(
        `Field '${fieldToken.text}' does not exist or you do not have permission to view it.`,
      );
    }
    const opToken = next();
    if (opToken.kind === 'word' && opToken.text.toLowerCase() === 'is') {
      let negate = false;
      if (isWord(peek(), 'not')) {
        at += 1;
        negate = true;
      }
      const what = next();
      if (!isWord(what, 'empty') && !isWord(what, 'null')) {
        throw new JqlError(`Error in the JQL Query: Expecting 'EMPTY' but got '${what.text}'.`);
      }
      return (i) => (fieldValues(i, field, options.epicLinkField).length === 0) !== negate;
    }
    let op = opToken.text.toLowerCase();
    if (opToken.kind === 'word' && op === 'not') {
      const inWord = next();
      if (!isWord(inWord, 'in')) throw new JqlError(`Error in the JQL Query: Expecting 'IN'.`);
      op = 'not in';
    }
    if (op === 'in' || op === 'not in') {
      expectPunct('(');
      const values = [value()];
      while (peek()?.kind === 'punct' && peek()?.text === ',') {
        at += 1;
        values.push(value());
      }
      expectPunct(')');
      const wanted = new Set(values.map((v) => v.toLowerCase()));
      const negate = op === 'not in';
      return (i) =>
        fieldValues(i, field, options.epicLinkField).some((v) => wanted.has(v.toLowerCase())) !==
        negate;
    }
    if (!['=', '!=', '>', '>=', '<', '<='].includes(op)) {
      throw new JqlError(`The operator '${opToken.text}' is not supported by the Jira stand-in.`);
    }
    const literal = value();
    if (DATE_FIELDS.has(field)) {
      const bound = parseDateLiteral(literal, options.timeZone, fieldToken.text);
      return (i) => {
        const raw = i.fields[field];
        if (typeof raw !== 'string') return op === '!=';
        const instant =
          field === 'duedate'
            ? zonedInstant(raw, '00:00', options.timeZone)
            : Date.parse(isoOf(raw));
        return compareWith(op, instant - bound);
      };
    }
    if (op !== '=' && op !== '!=') {
      throw new JqlError(
        `The operator '${op}' is not supported by the '${fieldToken.text}' field.`,
      );
    }
    const wanted = literal.toLowerCase();
    return (i) =>
      fieldValues(i, field, options.epicLinkField).some((v) => v.toLowerCase() === wanted) ===
      (op === '=');
  }

  let predicate: Predicate = () => true;
  if (peek() !== undefined && !isWord(peek(), 'order')) predicate = orExpr();
  const sorts: { field: string; descending: boolean }[] = [];
  if (isWord(peek(), 'order')) {
    at += 1;
    if (!isWord(next(), 'by')) throw new JqlError(`Error in the JQL Query: Expecting 'BY'.`);
    for (;;) {
      const name = value().toLowerCase();
      const field = FIELD_ALIASES[name];
      if (field === undefined || !['updated', 'created', 'duedate', 'key'].includes(field)) {
        throw new JqlError(`Not able to sort using field '${name}'.`);
      }
      let descending = false;
      if (isWord(peek(), 'asc')) at += 1;
      else if (isWord(peek(), 'desc')) {
        at += 1;
        descending = true;
      }
      sorts.push({ field, descending });
      if (peek()?.kind === 'punct' && peek()?.text === ',') at += 1;
      else break;
    }
  }
  if (peek() !== undefined) {
    throw new JqlError(`Error in the JQL Query: Unexpected '${peek()?.text ?? ''}'.`);
  }
  if (sorts.length === 0) sorts.push({ field: 'key', descending: false });
  return {
    matches: predicate,
    compare(a, b) {
      for (const sort of sorts) {
        const order = compareField(a, b, sort.field);
        if (order !== 0) return sort.descending ? -order : order;
      }
      return Number(a.id) - Number(b.id);
    },
  };
}

function compareWith(op: string, difference: number): boolean {
  switch (op) {
    case '=':
      return difference === 0;
    case '!=':
      return difference !== 0;
    case '>':
      return difference > 0;
    case '>=':
      return difference >= 0;
    case '<':
      return difference < 0;
    default:
      return difference <= 0;
  }
}

function fieldValues(
  issue: StandInIssueView,
  field: string,
  epicLinkField: string | null,
): string[] {
  const f = issue.fields;
  const nested = (value: unknown, ...names: string[]): string[] => {
    if (value === null || typeof value !== 'object') return [];
    const record = value as Record<string, unknown>;
    return names.flatMap((n) => (typeof record[n] === 'string' ? [record[n]] : []));
  };
  switch (field) {
    case 'project':
      return f.project === undefined
        ? [issue.key.split('-')[0] ?? '']
        : nested(f.project, 'key', 'name', 'id');
    case 'key':
      return [issue.key];
    case 'id':
      return [issue.id];
    case 'parent':
      return nested(f.parent, 'key', 'id');
    case 'epic': {
      const value = epicLinkField === null ? undefined : f[epicLinkField];
      return typeof value === 'string' ? [value] : [];
    }
    case 'status':
      return nested(f.status, 'name', 'id');
    case 'statuscategory': {
      const status = f.status as { statusCategory?: unknown } | undefined;
      return nested(status?.statusCategory, 'key', 'name');
    }
    case 'issuetype':
      return nested(f.issuetype, 'name', 'id');
    default: {
      const value = f[field];
      return typeof value === 'string' ? [value] : [];
    }
  }
}

function compareField(a: StandInIssueView, b: StandInIssueView, field: string): number {
  if (field === 'key') {
    const [pa = '', na = '0'] = a.key.split('-');
    const [pb = '', nb = '0'] = b.key.split('-');
    return pa.localeCompare(pb) || Number(na) - Number(nb);
  }
  const va = a.fields[field];
  const vb = b.fields[field];
  const ta = typeof va === 'string' ? Date.parse(isoOf(va)) : Number.POSITIVE_INFINITY;
  const tb = typeof vb === 'string' ? Date.parse(isoOf(vb)) : Number.POSITIVE_INFINITY;
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

/** Jira's `+0200` offsets written `+02:00`, which `Date.parse` reads. */
export function isoOf(jiraTimestamp: string): string {
  return jiraTimestamp.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

/**
 * A JQL date literal as an instant: `yyyy-MM-dd HH:mm`, `yyyy/MM/dd HH:mm`, `yyyy-MM-dd` or
 * `yyyy/MM/dd`, read as a wall-clock time in the zone.
 */
export function parseDateLiteral(literal: string, timeZone: string, field: string): number {
  const match = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:\s+(\d{2}):(\d{2}))?$/.exec(literal.trim());
  if (match === null) {
    throw new JqlError(
      `Date value '${literal}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
    );
  }
  const [, y, mo, d, h = '00', mi = '00'] = match;
  return zonedInstant(`${y}-${mo}-${d}`, `${h}:${mi}`, timeZone);
}

/** The instant at which a clock in the zone shows the day and time. */
export function zonedInstant(day: string, time: string, timeZone: string): number {
  const asUtc = Date.parse(`${day}T${time}:00Z`);
  // The zone's offset at that moment; a second pass settles days when the offset changes.
  let guess = asUtc - offsetMs(asUtc, timeZone);
  guess = asUtc - offsetMs(guess, timeZone);
  return guess;
}

/** How far the zone's clocks are ahead of UTC at an instant, in milliseconds. */
export function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? '0');
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wall - Math.floor(at / 1000) * 1000;
}
