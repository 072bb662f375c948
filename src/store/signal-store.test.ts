import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/plan/diff-plan.ts';
import { sameJson } from './signal-store.ts';

/** The same JSON value with every object's keys in another order (what jsonb hands back). */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

describe('sameJson: the signal sync compares a stored signal with a computed one', () => {
  it('says what comparing the canonical JSON texts says, for any two values', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(value, value, (a, b) => {
        expect(sameJson(a, b)).toBe(canonicalJson(a) === canonicalJson(b));
        expect(sameJson(a, reordered(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('ignores key order and keys without a value, and tells a moved figure', () => {
    const stored = { id: 's1', figures: { p50: '2026-10-01', p85: null }, owners: ['a', 'b'] };
    const computed = { owners: ['a', 'b'], figures: { p85: null, p50: '2026-10-01' }, id: 's1' };
    expect(sameJson(stored, { ...computed, note: undefined })).toBe(true);
    expect(sameJson(stored, { ...computed, figures: { p50: '2026-10-02', p85: null } })).toBe(
      false,
    );
    expect(sameJson(stored, { ...computed, owners: ['b', 'a'] })).toBe(false);
    expect(sameJson(stored, { ...computed, extra: 0 })).toBe(false);
    expect(sameJson([1, undefined], [1, null])).toBe(true);
    expect(sameJson({ at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' })).toBe(true);
    expect(sameJson(1, '1')).toBe(false);
  });
});
