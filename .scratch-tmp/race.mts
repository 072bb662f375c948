import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { readXlsxRows } from '../src/connectors/spreadsheet/read-xlsx.ts';
const req = createRequire(new URL('../node_modules/exceljs/lib/stream/xlsx/workbook-reader.js', import.meta.url));
const tmp = req('tmp');
const orig = tmp.file;
tmp.file = (cb: (...a: unknown[]) => void) => orig((...args: unknown[]) => setTimeout(() => cb(...args), Math.random() * 30));
const file = process.argv[2] ?? 'test/fixtures/spreadsheets/budgets.libreoffice.xlsx';
let bad = 0; const reasons = new Map<string, number>();
for (let i = 0; i < 100; i++) {
  try {
    const rows = [];
    for await (const r of readXlsxRows(createReadStream(file), { file: 'x', sheets: '*' })) rows.push(r);
    const h = JSON.stringify([rows.length, rows[0]?.sheet, rows[0]?.cells[0]]);
    reasons.set(h, (reasons.get(h) ?? 0) + 1);
  } catch (e) { bad++; const m = (e as Error).message; reasons.set(m, (reasons.get(m) ?? 0) + 1); }
}
console.log('bad', bad, [...reasons]);
