import { describe, expect, it } from 'vitest';
import { findUnstorable, MAX_DEPTH, unstorableReason } from './storable-text.ts';

describe('storable text', () => {
  it('accepts ordinary text, emoji (paired surrogates) included', () => {
    expect(unstorableReason('Cutover 🚀 — Größe')).toBeNull();
    expect(findUnstorable({ a: ['x', 1, null, { b: 'y' }] })).toBeNull();
  });

  it('names the NUL character and where it is', () => {
    expect(unstorableReason('ab\u0000c')).toMatch(/NUL.*character 3/);
    expect(findUnstorable({ issue: { fields: { summary: 'x\u0000' } } }, 'body')).toEqual({
      path: 'body.issue.fields.summary',
      reason: expect.stringMatching(/NUL/) as string,
    });
  });

  it('refuses unpaired surrogates, alone or at the end', () => {
    expect(unstorableReason('a\ud800b')).toMatch(/surrogate/);
    expect(unstorableReason('a\udc00')).toMatch(/surrogate/);
    expect(unstorableReason('\ud83d')).toMatch(/surrogate/);
  });

  it('names array items and odd keys in the path', () => {
    expect(findUnstorable({ rows: ['ok', { 'a b': '\u0000' }] })?.path).toBe('$.rows[1]["a b"]');
  });

  it('leaves raw bodies (buffers, class instances) to their own edge', () => {
    expect(findUnstorable({ body: Buffer.from([0, 1, 2]) })).toBeNull();
    expect(
      findUnstorable(
        new (class {
          text = '\u0000';
        })(),
      ),
    ).toBeNull();
  });

  it('refuses keys with NUL, huge keys and deep nesting', () => {
    expect(findUnstorable({ 'k\u0000': 1 })?.reason).toMatch(/key.*NUL/);
    expect(findUnstorable({ ['k'.repeat(5000)]: 1 })?.reason).toMatch(/key of 5000/);
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = [deep];
    expect(findUnstorable(deep)?.reason).toMatch(/nested deeper/);
  });
});
