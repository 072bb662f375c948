import { createReadStream } from 'node:fs';
import { pipeline, Transform } from 'node:stream';
function counted() {
  const c = new Transform({
    transform(chunk, _e, done) {
      done(null, chunk);
    },
  });
  pipeline(createReadStream(file), c, () => undefined);
  return c;
}
import { readXlsxRows } from '../src/connectors/spreadsheet/read-xlsx.ts';
const file = 'test/fixtures/spreadsheets/budgets.libreoffice.xlsx';
let bad = 0;
const reasons = new Map<string, number>();
const one = async (i: number) => {
  try {
    const rows = [];
    for await (const r of readXlsxRows(counted(), { file: 'x' })) rows.push(r);
    const h = JSON.stringify(rows[0]?.cells);
    if (h !== '["Initiative","Period","Plan","Committed","Actual"]') {
      bad++;
      reasons.set(h, (reasons.get(h) ?? 0) + 1);
    }
  } catch (e) {
    bad++;
    const m = (e as Error).message;
    reasons.set(m, (reasons.get(m) ?? 0) + 1);
  }
};
const conc = Number(process.argv[2] ?? 1);
for (let round = 0; round < Number(process.argv[3] ?? 300); round++)
  await Promise.all(Array.from({ length: conc }, (_, i) => one(round * conc + i)));
console.log('bad', bad, [...reasons]);
