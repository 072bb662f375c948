import { createEngine } from '../src/core/engine/engine.ts';
import { createEventStream, generatePortfolio } from './engine-portfolio.ts';
const input = generatePortfolio(Number(process.argv[2] ?? 10000), 10, 42);
const engine = createEngine(input);
const stream = createEventStream(input, 43);
const wall: number[] = [], cpu: number[] = [];
const big: string[] = [];
for (let e = 0; e < 1000; e++) {
  const { event, kind } = stream.next();
  const c0 = process.cpuUsage(); const s = performance.now();
  const c = engine.apply(event);
  const w = performance.now() - s; const cu = process.cpuUsage(c0); const cc = (cu.user + cu.system) / 1000;
  wall.push(w); cpu.push(cc);
  if (cc > 5) big.push(`${kind} cpu ${cc.toFixed(1)} wall ${w.toFixed(1)} ms=${c.milestones.length} sig=${c.signals.changed.length + c.signals.raised.length + c.signals.resolved.length} obj=${c.objectives.length}`);
}
const p = (a: number[], q: number) => [...a].sort((x, y) => x - y)[Math.ceil(q * a.length) - 1]!.toFixed(2);
console.log('wall p50', p(wall, .5), 'p99', p(wall, .99), 'cpu p50', p(cpu, .5), 'p99', p(cpu, .99), 'p90', p(cpu, .9));
console.log(big.join('\n'));
