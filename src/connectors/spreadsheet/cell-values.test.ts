import { describe, expect, it } from 'vitest';
import { readNumber, readPeriod, readText } from './cell-values.ts';

describe('readNumber', () => {
  it.each([
    [1200000, 1200000],
    ['1200000', 1200000],
    ['1,200,000.50', 1200000.5],
    ['  -3.5 ', -3.5],
    ['(1,200)', -1200],
    ['1 200 000', 1200000],
    ['1e3', 1000],
    ['.5', 0.5],
  ])('reads %j as %j', (cell, expected) => {
    expect(readNumber(cell)).toEqual({ ok: true, value: expected });
  });

  it('reads decimal commas when the mapping says so', () => {
    expect(readNumber('1.234.567,89', ',')).toEqual({ ok: true, value: 1234567.89 });
    expect(readNumber('96,4', ',')).toEqual({ ok: true, value: 96.4 });
    // With decimal points, "96,4" is neither a grouped nor a plain number.
    expect(readNumber('96,4')).toMatchObject({ ok: false });
  });

  it('reads an empty cell as no value', () => {
    expect(readNumber(null)).toEqual({ ok: true, value: null });
    expect(readNumber('  ')).toEqual({ ok: true, value: null });
  });

  it.each([['abc'], ['12abc'], ['1,2,3'], [true], ['#DIV/0!'], [new Date('2026-01-01')]])(
    'refuses %j, quoting the cell',
    (cell) => {
      const read = readNumber(cell);
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.why).toMatch(/is not a number/);
    },
  );

  it('refuses a percent sign rather than guessing whether 96.1 % is 96.1 or 0.961', () => {
    expect(readNumber('96.1%')).toEqual({
      ok: false,
      why: "'96.1%' has a percent sign: write the figure as the KPI counts it (96.1 for 96.1 %)",
    });
  });
});

describe('readPeriod', () => {
  it.each([
    ['2026-Q4', '2026-Q4'],
    ['2026-q4', '2026-Q4'],
    ['2026 Q4', '2026-Q4'],
    ['2026-H2', '2026-H2'],
    ['2026-10', '2026-10'],
    ['2026-1', '2026-01'],
    ['2026', '2026'],
    [2026, '2026'],
  ])('reads %j as %s', (cell, label) => {
    expect(readPeriod(cell)).toEqual({ ok: true, value: label });
  });

  it('reads a date cell as its month', () => {
    expect(readPeriod(new Date(Date.UTC(2026, 9, 1)))).toEqual({ ok: true, value: '2026-10' });
  });

  it.each([['Q4'], ['2026-Q5'], ['2026-13'], [2026.5], ['next quarter']])('refuses %j', (cell) => {
    expect(readPeriod(cell)).toMatchObject({
      ok: false,
      why: expect.stringContaining('is not a reporting period') as unknown,
    });
  });
});

describe('readText', () => {
  it('trims text and reads numbers as their digits', () => {
    expect(readText('  K-OTD ')).toEqual({ ok: true, value: 'K-OTD' });
    expect(readText(1001)).toEqual({ ok: true, value: '1001' });
    expect(readText('')).toEqual({ ok: true, value: null });
  });
});
