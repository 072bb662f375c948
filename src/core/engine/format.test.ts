import { describe, expect, it } from 'vitest';
import { formatAmount, formatSigned, formatWorkingDays } from './format.ts';

describe('format', () => {
  it('rounds to whole units with thousands separators', () => {
    expect(formatAmount(1_268_571.4285)).toBe('1,268,571');
    expect(formatAmount(-360_000)).toBe('−360,000');
    expect(formatAmount(-0.2)).toBe('0');
    expect(formatAmount(999)).toBe('999');
  });

  it('always shows the sign of a signed figure', () => {
    expect(formatSigned(21)).toBe('+21');
    expect(formatSigned(-3)).toBe('−3');
    expect(formatSigned(0)).toBe('0');
  });

  it('writes working days in the singular for one', () => {
    expect(formatWorkingDays(1)).toBe('1 working day');
    expect(formatWorkingDays(15, true)).toBe('+15 working days');
  });
});
