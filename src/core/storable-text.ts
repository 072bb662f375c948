/**
 * What PostgreSQL can store, checked at the edge: text columns and JSONB refuse the NUL
 * character and lone UTF-16 surrogates (which become invalid UTF-8), and an index row cannot
 * hold an id of megabytes. Every input kind (plan files, spreadsheets, Jira payloads, push
 * bodies, webhooks) asks here first, so such input is a located 4xx / exit 1 and never a
 * fault of the database half-way through a write.
 */

/** Longest id (of any entity, site, source, key) accepted anywhere. */
export const MAX_ID_LENGTH = 200;
/** Longest object key accepted in a JSON document. */
export const MAX_KEY_LENGTH = 1_000;
/** Deepest nesting accepted in a JSON document. */
export const MAX_DEPTH = 64;

/** What is wrong with a piece of text, or null when PostgreSQL can store it. */
export function unstorableReason(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return `contains a NUL character (\\u0000) at character ${i + 1}`;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `contains an unpaired UTF-16 surrogate (not valid Unicode) at character ${i + 1}`;
    }
    if (c >= 0xdc00 && c <= 0xdfff) {
      return `contains an unpaired UTF-16 surrogate (not valid Unicode) at character ${i + 1}`;
    }
  }
  return null;
}

/** One place in a document that cannot be stored. */
export interface UnstorablePlace {
  /** JSON path, e.g. `$.issue.fields.summary`. */
  path: string;
  reason: string;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function keyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * The first place in a parsed JSON document that PostgreSQL could not store (a NUL character,
 * an unpaired surrogate, a key longer than {@link MAX_KEY_LENGTH}, nesting deeper than
 * {@link MAX_DEPTH}), or null when there is none. `root` names the document in the path.
 */
export function findUnstorable(value: unknown, root = '$'): UnstorablePlace | null {
  // Iterative, so that a hostile document cannot exhaust the stack before the depth check.
  const stack: { value: unknown; path: string; depth: number }[] = [
    { value, path: root, depth: 0 },
  ];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unstorableReason(v);
      if (reason !== null) return { path, reason };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    // Only what JSON parsing makes: a stream or a buffer of a raw body is read by its own edge.
    if (!Array.isArray(v) && !isPlainObject(v)) continue;
    if (depth >= MAX_DEPTH) return { path, reason: `is nested deeper than ${MAX_DEPTH} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (key.length > MAX_KEY_LENGTH) {
        return {
          path: `${path}[${JSON.stringify(key.slice(0, 40))}…]`,
          reason: `has a key of ${key.length} characters (at most ${MAX_KEY_LENGTH})`,
        };
      }
      const keyReason = unstorableReason(key);
      if (keyReason !== null) return { path, reason: `has a key that ${keyReason}` };
      stack.push({ value: child, path: keyPath(path, key), depth: depth + 1 });
    }
  }
  return null;
}
