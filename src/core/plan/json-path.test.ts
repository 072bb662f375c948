import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatJsonPath, parseJsonPath } from './json-path.ts';
import { closestMatch } from './suggest.ts';

describe('JSON paths', () => {
  it('writes keys, indexes and odd keys', () => {
    expect(formatJsonPath([])).toBe('$');
    expect(formatJsonPath(['kpis', 0, 'owner'])).toBe('$.kpis[0].owner');
    expect(formatJsonPath(['kpis', 0, 'targets', '2026-Q4'])).toBe("$.kpis[0].targets['2026-Q4']");
    expect(formatJsonPath(['a', "it's"])).toBe("$.a['it\\'s']");
  });

  it('reads back what it writes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.nat({ max: 10_000 }))), (segments) => {
        expect(parseJsonPath(formatJsonPath(segments))).toEqual(segments);
      }),
    );
  });

  it('refuses what is not a path', () => {
    expect(parseJsonPath('kpis[0]')).toBeNull();
    expect(parseJsonPath('$.kpis[x]')).toBeNull();
    expect(parseJsonPath("$['open")).toBeNull();
  });
});

describe('closestMatch', () => {
  it('finds a case slip or a small typo, and nothing for a far word', () => {
    expect(closestMatch('Marco', ['dana', 'marco'])).toBe('marco');
    expect(closestMatch('ownr', ['owner', 'name'])).toBe('owner');
    expect(closestMatch('O-CST', ['O-COST', 'O-GROWTH'])).toBe('O-COST');
    expect(closestMatch('Steering Committee', ['dana', 'marco'])).toBeUndefined();
    expect(closestMatch('IT', ['OPS', 'FIN'])).toBeUndefined();
  });
});
