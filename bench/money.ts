/**
 * Money and validated value on a big portfolio: the roll-ups, forecast at completion and ROI of
 * every initiative, and the value and overrun signals a write raises (src/app/value-signals.ts
 * computes these on every write).
 *
 *   node --import tsx bench/money.ts --milestones 10000 --runs 5
 */
import { parseArgs } from 'node:util';
import { computeState } from '../src/core/engine/compute-state.ts';
import { overrunSignals, portfolioMoney } from '../src/core/governance/money.ts';
import { portfolioValue, valueSignals } from '../src/core/governance/value.ts';
import { AS_OF, generatePortfolio } from './engine-portfolio.ts';

const { values: args } = parseArgs({
  options: {
    milestones: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
  },
});
const input = generatePortfolio(Number(args.milestones), 10, Number(args.seed));
const state = computeState(input);
const plan = input.plan;
const times: number[] = [];
let signals = 0;
for (let run = 0; run < Number(args.runs); run += 1) {
  const started = performance.now();
  const values = portfolioValue(plan, state);
  const money = portfolioMoney(plan, state, values);
  signals = valueSignals(plan, values).length + overrunSignals(plan, money.initiatives).length;
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
console.log(
  `money and value: ${plan.initiatives.length} initiatives, ${plan.benefits.length} benefits, ${plan.objectives.length} objectives, ${signals} signals; as of ${AS_OF}; median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms over ${times.length} runs`,
);
