import { computeState } from '../src/core/engine/compute-state.ts';
import { baselineForecast } from './engine-baseline.ts';
import { generatePortfolio } from './engine-portfolio.ts';
const input = generatePortfolio(1000, 10, 42);
const s = computeState(input); const b = baselineForecast(input);
let n = 0;
for (const [id, m] of s.milestones) { if (b.milestones.get(id) !== m.forecastDate) { if (n++ < 5) console.log('ms', id, m.forecastDate, b.milestones.get(id), m.driver); } }
console.log('milestone diffs', n);
let k = 0;
for (const [id, kpi] of s.kpis) for (const p of kpi.periods) { const v = b.kpis.get(id)?.get(p.period); if (Math.round(v! * 100) !== Math.round(p.forecast * 100)) { if (k++ < 5) console.log('kpi', id, p.period, p.forecast, v); } }
console.log('kpi diffs', k);
