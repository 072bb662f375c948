/**
 * JSON paths of the `$.kpis[0].targets['2026-Q4']` form: how a problem names its place in a
 * plan. Numbers index arrays, strings name object keys.
 */

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Writes segments as a JSON path: `$`, then `.key`, `[index]` or `['odd key']`. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `['${segment.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
  }
  return path;
}

/** Reads a path written by `formatJsonPath` back into segments; null when it is not one. */
export function parseJsonPath(path: string): PathSegment[] | null {
  if (!path.startsWith('$')) return null;
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const char = path[i];
    if (char === '.') {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(path.slice(i + 1));
      if (match === null) return null;
      segments.push(match[0]);
      i += 1 + match[0].length;
    } else if (char === '[' && path[i + 1] === "'") {
      let key = '';
      let j = i + 2;
      for (; j < path.length && path[j] !== "'"; j += 1) {
        if (path[j] === '\\') j += 1;
        key += path[j] ?? '';
      }
      if (path[j] !== "'" || path[j + 1] !== ']') return null;
      segments.push(key);
      i = j + 2;
    } else if (char === '[') {
      const match = /^\[(\d+)\]/.exec(path.slice(i));
      if (match === null) return null;
      segments.push(Number(match[1]));
      i += match[0].length;
    } else {
      return null;
    }
  }
  return segments;
}
