import type { Document, LineCounter, Node, Pair } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { PathSegment } from '../core/plan/json-path.ts';
import { parseJsonPath } from '../core/plan/json-path.ts';

/**
 * Maps JSON paths into a parsed plan file back to lines, so that every problem names the line a
 * person has to edit. JSON files are parsed by the same YAML parser (JSON is YAML), so one code
 * path serves both formats.
 */

export interface SourceLocation {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface PlanSourceMap {
  /**
   * Where a JSON path (`$.kpis[0].owner`) is in the file: the key of a field, the start of an
   * array item. A path that goes past the file (a default the file left out) resolves to the
   * nearest part that is written.
   */
  locate(path: string | readonly PathSegment[]): SourceLocation | undefined;
}

function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  // Period labels such as 2026 are numbers to YAML; plan data has them as strings.
  return isScalar(key) ? String(key.value) : undefined;
}

/** A source map over a YAML (or JSON) document parsed with a line counter. */
export function createSourceMap(document: Document, lineCounter: LineCounter): PlanSourceMap {
  const resolve = (node: unknown): unknown => (isAlias(node) ? node.resolve(document) : node);
  const at = (node: Node | null | undefined): SourceLocation | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    locate(path) {
      const segments = typeof path === 'string' ? parseJsonPath(path) : path;
      let node = resolve(document.contents);
      let found = at(node as Node | null);
      for (const segment of segments ?? []) {
        if (isMap(node)) {
          const pair = node.items.find((item) => keyText(item) === String(segment));
          if (pair === undefined) break;
          found = at(pair.key as Node | null) ?? found;
          node = resolve(pair.value);
        } else if (isSeq(node)) {
          const item = resolve(node.items[Number(segment)]);
          if (item === undefined || item === null) break;
          found = at(item as Node) ?? found;
          node = item;
        } else {
          break;
        }
      }
      return found;
    },
  };
}
