import { computeState } from '../src/core/engine/compute-state.ts';
import { generatePortfolio } from './engine-portfolio.ts';
const input = generatePortfolio(Number(process.argv[2] ?? 100000), 10, 42);
(globalThis as any).gc?.();
for (let r = 0; r < 3; r++) { console.log('--- start'); const c = process.cpuUsage(); const s = performance.now(); const st = computeState(input); const u = process.cpuUsage(c); console.log('computeState', (performance.now() - s).toFixed(0), ((u.user+u.system)/1000).toFixed(0)); (globalThis as any).gc?.(); }
