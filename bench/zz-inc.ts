import { createEngine } from '../src/core/engine/engine.ts';
import { createEventStream, generatePortfolio } from './engine-portfolio.ts';
const input = generatePortfolio(Number(process.argv[2] ?? 10000), 10, 42);
const engine = createEngine(input);
const stream = createEventStream(input, 43);
let last = 0; let marks: [string, number][] = [];
(globalThis as any).__mark = (name: string) => { const now = performance.now(); marks.push([name, now - last]); last = now; };
for (let e = 0; e < 1000; e++) {
  const { event, kind } = stream.next();
  marks = []; last = performance.now(); const s = last;
  const c = engine.apply(event);
  const took = performance.now() - s;
  if (took > 8) console.log(kind, took.toFixed(1), marks.map(([n, t]) => `${n}:${t.toFixed(1)}`).join(' '), 'ms', c.milestones.length, 'obj', c.objectives.length, 'sig', c.signals.changed.length + c.signals.raised.length + c.signals.resolved.length);
}
