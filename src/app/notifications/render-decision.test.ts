import { describe, expect, it } from 'vitest';
import type { Decision, DecisionOption } from '../../core/decisions/decision.ts';
import { buildPerson, buildPlan } from '../../core/test-factories.ts';
import type { DecisionEvent } from '../../store/decision-store.ts';
import { decisionLink, renderDecisionEvent } from './render-decision.ts';

const plan = buildPlan({
  people: [
    buildPerson({ id: 'dana', name: 'Dana Whitfield', title: 'COO', role: 'executive' }),
    buildPerson({ id: 'grace', name: 'Grace Okafor', title: 'CFO', role: 'executive' }),
  ],
});

const compared = <T>(before: T, after: T): { before: T; after: T } => ({ before, after });

const option = {
  number: 1,
  title: 'Add <b>4</b> people & more',
  lastDay: '2026-10-04',
  result: {
    milestones: [],
    kpis: [],
    totals: {
      scenarioCost: 60000,
      budgetPlan: compared(100, 100),
      moneyAtStake: { againstTarget: compared(411429, 291429), againstPlan: compared(0, 0) },
    },
  },
} as unknown as DecisionOption;

const decision = {
  id: 'DEC 1/x',
  status: 'open',
  title: 'A <script>alert(1)</script> & "quote"\nover two lines',
  options: [option],
  decider: { person: 'dana', because: 'Dana Whitfield, by R-COST', escalatesTo: 'grace' },
  dueDate: '2026-10-04',
  outcome: null,
} as unknown as Decision;

function event(action: string, detail: Record<string, unknown>): DecisionEvent {
  return { seq: 1, at: '2026-10-01T09:00:00.000Z', actor: 'throughline', action, detail };
}

const context = { plan, publicUrl: 'https://tl.example' };

describe('renderDecisionEvent', () => {
  it('escapes the text in HTML and chat, keeps the subject on one line, and links the encoded id', () => {
    const message = renderDecisionEvent(
      decision,
      event('reminded', {
        step: 'due_soon',
        decider: 'dana',
        dueDate: '2026-10-04',
        daysLeft: 3,
        next: 'grace',
      }),
      'dana',
      context,
    );
    expect(message.subject).toBe(
      '[Throughline] Decision DEC 1/x is due in 3 days (2026-10-04): A <script>alert(1)</script> & "quote" over two lines',
    );
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quote&quot;');
    expect(message.html).toContain('Add &lt;b&gt;4&lt;/b&gt; people &amp; more');
    expect(decisionLink(context.publicUrl, decision.id)).toBe(
      'https://tl.example/decisions/DEC%201%2Fx',
    );
    expect(message.text).toContain('https://tl.example/decisions/DEC%201%2Fx');
    expect(message.text).toContain('If it is not decided by then, it goes to Grace Okafor (CFO).');
    expect(message.text).toContain(
      '1. Add <b>4</b> people & more (possible until 2026-10-04): costs 60,000 USD; 291,429 USD short of target (now 411,429 USD)',
    );
    const chat = JSON.stringify(message.chat.blocks);
    expect(chat).toContain('Add &lt;b&gt;4&lt;/b&gt; people &amp; more');
    expect(message.chat.blocks[0]).toMatchObject({ type: 'header' });
  });

  it('says it is due today on the due day', () => {
    const message = renderDecisionEvent(
      decision,
      event('reminded', { step: 'due_today', decider: 'dana', dueDate: '2026-10-04', daysLeft: 0 }),
      'dana',
      context,
    );
    expect(message.subject).toMatch(
      /^\[Throughline\] Decision DEC 1\/x is due today \(2026-10-04\)/,
    );
  });

  it('tells a decider with nobody above that it stays with them, overdue, and by when', () => {
    const message = renderDecisionEvent(
      decision,
      event('overdue', {
        from: 'grace',
        to: 'grace',
        passedDueDate: '2026-10-04',
        dueDate: '2026-10-25',
        expired: [],
        remaining: [1],
      }),
      'grace',
      context,
    );
    expect(message.subject).toMatch(
      /^\[Throughline\] Decision DEC 1\/x is overdue and still yours/,
    );
    expect(message.text).toContain(
      'DEC 1/x was due on 2026-10-04 and is not decided. Nobody above you holds the right, so it stays with you, now by 2026-10-25.',
    );
    expect(message.text).toContain('Still possible, by 2026-10-25:');
  });

  it('tells the former decider where it went, and the new one that nothing is left to choose', () => {
    const detail = {
      from: 'dana',
      to: 'grace',
      passedDueDate: '2026-10-04',
      dueDate: '2026-10-04',
      expired: [1],
      remaining: [],
    };
    const toDana = renderDecisionEvent(decision, event('escalated', detail), 'dana', context);
    expect(toDana.subject).toContain('Decision DEC 1/x went to Grace Okafor');
    expect(toDana.text).toContain('so it went from you to Grace Okafor (CFO), who decides it now');
    const toGrace = renderDecisionEvent(decision, event('escalated', detail), 'grace', context);
    expect(toGrace.text).toContain(
      'No option is still possible: DEC 1/x can no longer be decided. Open a new decision with options that are possible now.',
    );
  });
});
