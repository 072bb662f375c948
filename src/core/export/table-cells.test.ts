import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseCell, toCsv } from './table-cells.ts';

describe('cells a spreadsheet cannot run', () => {
  it('gives formula-like text a leading apostrophe, and leaves the rest as it was', () => {
    for (const text of ['=1+1', '+1', '-1+2', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(neutraliseCell(text)).toBe(`'${text}`);
    }
    for (const text of ['1+1', 'ERP migration', '', "'=already"])
      expect(neutraliseCell(text)).toBe(text);
    expect(neutraliseCell(-1200)).toBe(-1200);
    expect(neutraliseCell(Number.NaN)).toBeNull();
    expect(neutraliseCell(null)).toBeNull();
  });

  it('writes CSV that reads back to the neutralised cells, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          const text = toCsv({ name: 't', columns: ['a', 'b'], rows });
          const parsed: unknown = parse(text, { relax_quotes: false });
          const back = parsed as string[][];
          expect(back).toEqual([
            ['a', 'b'],
            ...rows.map((r) => r.map((c) => String(neutraliseCell(c)))),
          ]);
          for (const cell of back.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        },
      ),
    );
  });
});
