import { createEngine } from '../src/core/engine/engine.ts';
import { createEventStream, generatePortfolio } from './engine-portfolio.ts';
const input = generatePortfolio(Number(process.argv[2] ?? 10000), 10, 42);
const engine = createEngine(input);
const stream = createEventStream(input, 43);
const events = Array.from({ length: 1000 }, () => stream.next().event);
const s = performance.now();
for (const e of events) engine.apply(e);
console.log('1000 events', (performance.now() - s).toFixed(0));
