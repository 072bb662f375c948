import { describe, expect, it } from 'vitest';
import type { Signal } from '../../core/domain/state.ts';
import { computeState } from '../../core/engine/compute-state.ts';
import { buildErpSlipScenario } from '../../core/test-factories.ts';
import {
  describeMoney,
  renderDigest,
  renderSignal,
  signalLink,
  type SlackBlock,
} from './render-signal.ts';

const scenario = buildErpSlipScenario();
const signals = computeState(scenario).signals;
const KPI_SIGNAL = 'kpi.misses_target:K-SAVINGS:2026-Q4';
const context = { plan: scenario.plan, publicUrl: 'https://throughline.example' };

function kpiSignal(): Signal {
  const signal = signals.find((s) => s.id === KPI_SIGNAL);
  if (signal === undefined) throw new Error('the slip scenario raised no KPI signal');
  return signal;
}

describe('renderSignal', () => {
  it('writes the title, the cause chain step by step, the money, the owners and the link', () => {
    const message = renderSignal(kpiSignal(), context);
    expect(message.subject).toBe(
      '[Throughline] Procurement savings misses its 2026-Q4 target: forecast 908,571 against 1,200,000 USD',
    );
    const lines = message.text.split('\n');
    expect(lines[0]).toBe(kpiSignal().title);
    const steps = lines.filter((l) => /^ {2}\d+\. /.test(l));
    expect(steps).toEqual([
      '  1. ERP-17 due date moved 2026-10-02 → 2026-10-23 (+21 days)',
      '  2. M-GOLIVE forecast 2026-10-26, +15 working days (plan 2026-10-05)',
      '  3. M-PURCH forecast 2026-11-09, +15 working days (plan 2026-10-19)',
      expect.stringMatching(/^ {2}4\. K-SAVINGS 2026-Q4 −360,000 USD/) as string,
      '  5. O-COST off track',
    ]);
    expect(message.text).toContain(
      'K-SAVINGS Procurement savings, 2026-Q4: −360,000 USD from this change; forecast 908,571 against a target of 1,200,000 USD; 291,429 USD short',
    );
    expect(message.text).toContain(
      'Affects: Priya Shah (IT lead), Marco Rossi (VP Operations), Dana Whitfield (COO)',
    );
    expect(message.text).toContain(
      'https://throughline.example/signals/kpi.misses_target%3AK-SAVINGS%3A2026-Q4',
    );
    expect(message.html).toContain('<ol><li>ERP-17 due date moved');
    expect(message.html).toContain(
      'href="https://throughline.example/signals/kpi.misses_target%3AK-SAVINGS%3A2026-Q4"',
    );
  });

  it('builds Slack blocks: a header, the chain, the money, the owners and a button to the signal', () => {
    const { chat } = renderSignal(kpiSignal(), context);
    expect(chat.text).toContain(kpiSignal().title);
    expect(chat.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'context',
      'actions',
    ]);
    const [header, chain, money, , actions] = chat.blocks as [
      Extract<SlackBlock, { type: 'header' }>,
      Extract<SlackBlock, { type: 'section' }>,
      Extract<SlackBlock, { type: 'section' }>,
      SlackBlock,
      Extract<SlackBlock, { type: 'actions' }>,
    ];
    expect(header.text).toEqual({ type: 'plain_text', text: kpiSignal().title });
    expect(chain.text.text).toContain('1. ERP-17 due date moved');
    expect(chain.text.text).toContain('5. O-COST off track');
    expect(money.text.text).toContain('−360,000 USD from this change');
    expect(actions.elements[0]?.url).toBe(signalLink(context.publicUrl, KPI_SIGNAL));
    expect(JSON.parse(JSON.stringify(chat))).toEqual(chat);
  });

  it('has no money section when the chain reaches no KPI figure', () => {
    const slip = signals.find((s) => s.id === 'milestone.slipped:M-GOLIVE');
    if (slip === undefined) throw new Error('no M-GOLIVE signal');
    expect(describeMoney(slip, scenario.plan)).toEqual([]);
    const message = renderSignal(slip, context);
    expect(message.text).not.toContain('The money');
    expect(message.chat.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'context',
      'actions',
    ]);
  });

  it('escapes what it did not write itself', () => {
    const hostile: Signal = {
      ...kpiSignal(),
      title: 'Savings <script>alert(1)</script> & "more"',
      chain: [{ kind: 'work_item', id: 'X-1', text: 'moved <b>late</b>', figures: {} }],
    };
    const message = renderSignal(hostile, context);
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain(
      'Savings &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;',
    );
    expect(message.html).toContain('moved &lt;b&gt;late&lt;/b&gt;');
    const chain = message.chat.blocks[1] as Extract<SlackBlock, { type: 'section' }>;
    expect(chain.text.text).toContain('moved &lt;b&gt;late&lt;/b&gt;');
  });
});

describe('renderDigest', () => {
  it('lists every signal with its money (or last step) and link in one message', () => {
    const message = renderDigest(signals, 'marco', context);
    expect(message.subject).toBe(
      `[Throughline] ${signals.length} signals for Marco Rossi (VP Operations)`,
    );
    for (const signal of signals) {
      expect(message.text).toContain(signal.title);
      expect(message.text).toContain(signalLink(context.publicUrl, signal.id));
      expect(message.html).toContain(signalLink(context.publicUrl, signal.id));
    }
    expect(message.text).toContain('−360,000 USD from this change');
    expect(message.chat.blocks[0]).toEqual({
      type: 'header',
      text: {
        type: 'plain_text',
        text: `${signals.length} signals for Marco Rossi (VP Operations)`,
      },
    });
    expect(message.chat.blocks).toHaveLength(1 + signals.length);
  });

  it('keeps a long digest within Slack limits', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...kpiSignal(), id: `s-${i}` }));
    const { chat } = renderDigest(many, 'marco', context);
    expect(chat.blocks.length).toBeLessThanOrEqual(50);
    expect(chat.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '…and 20 more' }],
    });
  });
});
